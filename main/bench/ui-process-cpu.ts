/**
 * CPU time of the Chromium processes a bench launched, per process type (browser, gpu-process,
 * renderer, ...), read from /proc. Under a software GL (SwiftShader) frames are drawn by the CPU in
 * the GPU process, mostly on SwiftShader's own threads that a Chromium trace does not show; the
 * process's CPU time per interaction says what a frame costs, and unlike wall time it hardly moves
 * with the load other processes put on the machine. Linux only: elsewhere every figure is null.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

interface ProcInfo { pid: number; ppid: number; type: string; cpuMs: number }

function readProc(pid: number): ProcInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after "(comm)": state ppid ... utime(14) stime(15), 1-based in proc(5)
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(rest[11]) + Number(rest[12]);
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const type = /--type=([a-z-]+)/.exec(cmd)?.[1] ?? 'browser';
    // USER_HZ is 100 on every Linux this runs on
    return { pid, ppid: Number(rest[1]), type, cpuMs: ticks * 10 };
  } catch {
    return null;
  }
}

/** CPU milliseconds so far of every descendant process of `rootPid`, summed per Chromium process type. */
export function chromiumCpuMs(rootPid = process.pid): Record<string, number> | null {
  if (!existsSync('/proc/self/stat')) return null;
  const procs = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map((p) => readProc(Number(p))).filter((p): p is ProcInfo => p !== null);
  const children = new Map<number, ProcInfo[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out: Record<string, number> = {};
  const stack = [...(children.get(rootPid) ?? [])];
  while (stack.length > 0) {
    const p = stack.pop()!;
    const cmd = (() => { try { return readFileSync(`/proc/${p.pid}/cmdline`, 'utf8'); } catch { return ''; } })();
    if (cmd.includes('chromium') || cmd.includes('chrome')) out[p.type] = (out[p.type] ?? 0) + p.cpuMs;
    stack.push(...(children.get(p.pid) ?? []));
  }
  return out;
}

/** Per-operation CPU of each process type between two readings. */
export function cpuPerOp(before: Record<string, number> | null, after: Record<string, number> | null, ops: number): Record<string, number> | null {
  if (!before || !after || ops <= 0) return null;
  return Object.fromEntries(Object.keys(after).map((k) => [k, (after[k]! - (before[k] ?? 0)) / ops]));
}
