/**
 * The Slurm commands VegDyn uses (sbatch, sinfo, squeue, sacct, scancel), each run as a child
 * process with the caller's environment (SLURM_CONF included). Errors name the command and
 * what to do; nothing here knows about run folders (main/run/cluster.ts does).
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** The absolute path of `name` on PATH, or null. */
export function onPath(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this folder
    }
  }
  return null;
}

export function requireSlurm(command: string): void {
  if (!onPath(command)) {
    throw new Error(`'${command}' is not on PATH: run this on a Slurm login node (or load its module, e.g. 'module load slurm'); on Debian/Ubuntu 'apt-get install slurm-client'. See docs/cluster.md`);
  }
}

function slurm(command: string, args: readonly string[], timeoutMs = 30_000): string {
  requireSlurm(command);
  const r = spawnSync(command, [...args], { encoding: 'utf8', timeout: timeoutMs });
  if (r.error) throw new Error(`${command} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${r.status}): ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' ')}`);
  return r.stdout;
}

/** Partition names the cluster knows (sinfo), without the default marker '*'. */
export function partitions(): string[] {
  return [...new Set(slurm('sinfo', ['-h', '-o', '%P']).split('\n').map((s) => s.trim().replace(/\*$/, '')).filter(Boolean))];
}

/** Throws a clear error when `partition` is not one of the cluster's. */
export function checkPartition(partition: string): void {
  const known = partitions();
  if (!known.includes(partition)) throw new Error(`--partition '${partition}': the cluster has no such partition (sinfo lists: ${known.join(', ') || 'none'})`);
}

/** Submits a batch script; returns the job id. */
export function sbatch(scriptFile: string): string {
  const out = slurm('sbatch', ['--parsable', scriptFile]).trim();
  const id = out.split(';')[0]!;
  if (!/^\d+$/.test(id)) throw new Error(`sbatch ${scriptFile}: unexpected answer '${out}' (expected a job id)`);
  return id;
}

export interface TaskState {
  /** array task index */
  readonly task: number;
  /** Slurm state: PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, PREEMPTED, REQUEUED ... */
  readonly state: string;
  readonly elapsed: string;
  /** squeue's reason (why pending) or sacct's exit code */
  readonly detail: string;
  readonly source: 'squeue' | 'sacct';
}

/** Array task index from an id like 123_4; null for the array's pending remainder (123_[5-9]). */
function taskIndex(id: string): number | null {
  const m = /_(\d+)$/.exec(id);
  return m ? Number(m[1]) : null;
}

/**
 * The array's tasks as squeue knows them (queued and running), then sacct for the ones that
 * left the queue; sacct is skipped (with a note) where accounting is disabled.
 */
export function jobTaskStates(jobId: string): { tasks: Map<number, TaskState>; notes: string[] } {
  const tasks = new Map<number, TaskState>();
  const notes: string[] = [];
  for (const line of slurm('squeue', ['-h', '-r', '-j', jobId, '-o', '%i|%T|%M|%R']).split('\n')) {
    const [id, state, elapsed, reason] = line.trim().split('|');
    const task = id ? taskIndex(id) : null;
    if (task !== null && state) tasks.set(task, { task, state, elapsed: elapsed ?? '', detail: reason ?? '', source: 'squeue' });
  }
  if (!onPath('sacct')) {
    notes.push('sacct is not on PATH: finished tasks are known only from their progress files');
    return { tasks, notes };
  }
  const r = spawnSync('sacct', ['-n', '-P', '-X', '-j', jobId, '-o', 'JobID,State,Elapsed,ExitCode'], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) {
    notes.push(`sacct: ${(r.stderr || r.stdout).trim().split('\n')[0] ?? `exit ${r.status}`} (finished tasks are known only from their progress files)`);
    return { tasks, notes };
  }
  for (const line of r.stdout.split('\n')) {
    const [id, state, elapsed, exit] = line.trim().split('|');
    const task = id ? taskIndex(id) : null;
    if (task !== null && state && !tasks.has(task)) tasks.set(task, { task, state: state.split(' ')[0]!, elapsed: elapsed ?? '', detail: exit ? `exit ${exit}` : '', source: 'sacct' });
  }
  return { tasks, notes };
}
