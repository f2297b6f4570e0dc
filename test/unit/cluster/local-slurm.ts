/**
 * A single-node Slurm cluster on this machine for tests: munged, slurmctld and slurmd from
 * Debian's slurm-wlm and munge packages, with a generated slurm.conf, munge key, state and spool
 * folders in a temporary folder and free ports, so nothing of a system Slurm is touched. Clients
 * (sbatch, squeue ...) find it through SLURM_CONF in `env`. stop() ends the three daemons it
 * started, by their PIDs.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const BINARIES = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'sinfo', 'scontrol', 'scancel'];

export interface LocalSlurm {
  readonly dir: string;
  /** process.env plus SLURM_CONF */
  readonly env: NodeJS.ProcessEnv;
  readonly partition: string;
  stop(): Promise<void>;
}

function which(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0
    || ['/usr/sbin', '/sbin'].some((d) => existsSync(path.join(d, name)));
}

/** Why a local cluster cannot start here, or null when it can. */
export function localSlurmUnavailable(): string | null {
  const missing = BINARIES.filter((b) => !which(b));
  if (missing.length) return `Slurm/munge programs missing (${missing.join(', ')}): apt-get install slurm-wlm munge`;
  if (process.getuid?.() !== 0) return 'slurmd must run as root to start jobs as the submitting user; run the tests as root (as CI does)';
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function daemon(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv): void {
  const bin = ['/usr/sbin', '/sbin', '/usr/bin'].map((d) => path.join(d, cmd)).find(existsSync) ?? cmd;
  const r = spawnSync(bin, [...args], { encoding: 'utf8', env, timeout: 20_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} did not start (exit ${r.status}): ${r.stderr || r.error?.message}`);
}

function readPid(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startLocalSlurm(): Promise<LocalSlurm> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-slurm-'));
  chmodSync(dir, 0o755);
  const host = os.hostname().split('.')[0]!;
  const partition = 'vegdyn';
  for (const d of ['munge', 'state', 'spool', 'log']) mkdirSync(path.join(dir, d), { mode: 0o700 });
  chmodSync(path.join(dir, 'munge'), 0o711);
  const key = path.join(dir, 'munge', 'munge.key');
  writeFileSync(key, randomBytes(1024), { mode: 0o400 });
  const socket = path.join(dir, 'munge', 'munge.socket');
  const pids = { munged: path.join(dir, 'munge', 'munged.pid'), slurmctld: path.join(dir, 'slurmctld.pid'), slurmd: path.join(dir, 'slurmd.pid') };
  const [ctldPort, dPort] = [await freePort(), await freePort()];
  const conf = path.join(dir, 'slurm.conf');
  writeFileSync(conf, [
    'ClusterName=vegdyn-test',
    `SlurmctldHost=${host}`,
    'SlurmUser=root',
    'AuthType=auth/munge',
    `AuthInfo=socket=${socket}`,
    'CredType=cred/munge',
    `SlurmctldPort=${ctldPort}`,
    `SlurmdPort=${dPort}`,
    `StateSaveLocation=${path.join(dir, 'state')}`,
    `SlurmdSpoolDir=${path.join(dir, 'spool')}`,
    `SlurmctldPidFile=${pids.slurmctld}`,
    `SlurmdPidFile=${pids.slurmd}`,
    `SlurmctldLogFile=${path.join(dir, 'log', 'slurmctld.log')}`,
    `SlurmdLogFile=${path.join(dir, 'log', 'slurmd.log')}`,
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_Core',
    'ReturnToService=2',
    'MpiDefault=none',
    'JobAcctGatherType=jobacct_gather/none',
    'AccountingStorageType=accounting_storage/none',
    'MinJobAge=600',
    `NodeName=${host} CPUs=${os.cpus().length} State=UNKNOWN`,
    `PartitionName=${partition} Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
    '',
  ].join('\n'));
  const env = { ...process.env, SLURM_CONF: conf };
  const started: number[] = [];
  const stop = async (): Promise<void> => {
    // jobs still in this private cluster (a test that timed out) are cancelled first, so no job
    // step outlives the daemons
    const queued = spawnSync('squeue', ['-h', '-o', '%A'], { encoding: 'utf8', env }).stdout?.split('\n').map((s) => s.trim()).filter(Boolean) ?? [];
    if (queued.length) {
      spawnSync('scancel', queued, { env });
      for (let i = 0; i < 100 && spawnSync('squeue', ['-h'], { encoding: 'utf8', env }).stdout?.trim(); i++) await sleep(100);
    }
    // slurmd first (it ends its job steps), then the controller, then munge; each by its PID
    for (const file of [pids.slurmd, pids.slurmctld, pids.munged]) {
      const pid = readPid(file);
      if (pid === null || !started.includes(pid)) continue;
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        continue;
      }
      for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    daemon('munged', ['--force', `--key-file=${key}`, `--socket=${socket}`, `--pid-file=${pids.munged}`, `--log-file=${path.join(dir, 'munge', 'munged.log')}`, `--seed-file=${path.join(dir, 'munge', 'munged.seed')}`], env);
    started.push(readPid(pids.munged)!);
    daemon('slurmctld', ['-f', conf], env);
    for (let i = 0; i < 50 && readPid(pids.slurmctld) === null; i++) await sleep(100);
    started.push(readPid(pids.slurmctld)!);
    daemon('slurmd', ['-f', conf], env);
    for (let i = 0; i < 50 && readPid(pids.slurmd) === null; i++) await sleep(100);
    started.push(readPid(pids.slurmd)!);
    // the node registers with the controller within a few seconds
    for (let i = 0; ; i++) {
      const r = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', env });
      if (r.status === 0 && /idle|mixed|allocated/.test(r.stdout)) break;
      if (i > 100) throw new Error(`the local Slurm node did not come up: sinfo says '${(r.stdout + r.stderr).trim()}'; logs in ${dir}/log`);
      await sleep(200);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { dir, env, partition, stop };
}
