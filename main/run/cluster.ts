/**
 * Runs on a cluster's own scheduler (Slurm): `vegdyn cluster submit` writes a job-array script
 * into the run folder (one array task per ensemble member, or one task for a single run), each
 * task running the headless `vegdyn train` on the project, which lives on a filesystem the nodes
 * share; `--requeue` lets Slurm restart a preempted or failed task, which then resumes from its
 * checkpoint (the trainer's resume). `cluster status` reads the tasks' progress files and
 * squeue/sacct; `cluster collect` merges the finished members (ensemble.ts), again and again.
 */
import { mkdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveRunConfig, type PresetName, type RunConfig } from '../training/run-config.ts';
import { defaultRunId } from './demo.ts';
import { collectEnsemble, memberFinished, prepareEnsemble, type CollectResult } from './ensemble.ts';
import {
  CLUSTER_FILE, RUN_CONFIG_FILE, TASK_LOG_DIR, memberDir, memberId, readClusterRecord, readEnsembleRecord, readProgressRecord, readRunRecord,
  runDir as runFolder, writeClusterRecord, writeJobScript, writeRunConfig, type ClusterRecord, type ProgressRecord,
} from './run-folder.ts';
import { SLURM_TIME_LIMIT } from '../project/cluster-settings.ts';
import { checkPartition, jobTaskStates, requireSlurm, sbatch, type TaskState } from './slurm.ts';

export interface SubmitOptions {
  readonly projectDir: string;
  readonly runId?: string;
  readonly preset: PresetName;
  /** run config overrides on top of the preset */
  readonly overrides: Record<string, unknown>;
  /** members (>= 2); undefined: a single run in one task */
  readonly ensemble?: number;
  readonly sameWindows?: boolean;
  readonly partition?: string;
  readonly gpusPerTask?: number;
  readonly cpusPerTask?: number;
  /** Slurm time limit per task: [D-]HH:MM:SS */
  readonly time?: string;
  /** the vegdyn command on the nodes; default: the node binary and CLI this process runs */
  readonly vegdyn?: string;
  readonly dryRun?: boolean;
}

export interface SubmitResult {
  readonly runDir: string;
  readonly script: string;
  /** null for a dry run */
  readonly scriptFile: string | null;
  readonly jobId: string | null;
}

/** Quotes a word for bash. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The command that runs this CLI again: node, its loader flags and the CLI entry, as absolute paths. */
export function thisVegdynCommand(): string {
  const entry = process.argv[1] ? realpathSync(process.argv[1]) : 'vegdyn';
  return [process.execPath, ...process.execArgv, entry].map(shellQuote).join(' ');
}

/**
 * The command the app's submissions run on the nodes when the project's settings give none: this
 * installation's CLI (bin/vegdyn.mjs) by absolute path, under the node binary running the engine
 * (under Electron, the `node` on the nodes' PATH).
 */
export function appVegdynCommand(): string {
  const cli = fileURLToPath(new URL('../../bin/vegdyn.mjs', import.meta.url));
  const node = process.versions.electron ? 'node' : process.execPath;
  return [node, cli].map(shellQuote).join(' ');
}

export function buildSbatchScript(o: {
  runId: string; runDir: string; projectDir: string; tasks: number; ensemble: boolean; sameWindows: boolean; vegdyn: string;
  partition?: string | undefined; gpusPerTask?: number | undefined; cpusPerTask?: number | undefined; time?: string | undefined;
}): { script: string; command: string } {
  const args = [
    'train', '--project', o.projectDir, '--run-id', o.runId, '--config', path.join(o.runDir, RUN_CONFIG_FILE),
    ...(o.ensemble ? ['--ensemble', String(o.tasks), ...(o.sameWindows ? ['--same-windows'] : [])] : []),
  ].map(shellQuote);
  const command = `${o.vegdyn} ${args.join(' ')}${o.ensemble ? ' --member "$SLURM_ARRAY_TASK_ID"' : ''}`;
  const lines = [
    '#!/bin/bash',
    `# VegDyn run ${o.runId}: ${o.ensemble ? `an ensemble of ${o.tasks} members, one per array task` : 'one training run'}.`,
    '# Written by `vegdyn cluster submit`; each task resumes from its checkpoints when Slurm requeues it.',
    `#SBATCH --job-name=vegdyn-${o.runId}`,
    `#SBATCH --array=0-${o.tasks - 1}`,
    '#SBATCH --requeue',
    '#SBATCH --open-mode=append',
    `#SBATCH --output=${path.join(o.runDir, TASK_LOG_DIR, 'task-%a.log')}`,
    '#SBATCH --ntasks=1',
    ...(o.partition ? [`#SBATCH --partition=${o.partition}`] : []),
    ...(o.cpusPerTask ? [`#SBATCH --cpus-per-task=${o.cpusPerTask}`] : []),
    ...(o.gpusPerTask ? [`#SBATCH --gpus-per-task=${o.gpusPerTask}`] : []),
    ...(o.time ? [`#SBATCH --time=${o.time}`] : []),
    'set -euo pipefail',
    'echo "vegdyn: task ${SLURM_ARRAY_TASK_ID} of job ${SLURM_ARRAY_JOB_ID} on $(hostname), restart ${SLURM_RESTART_COUNT:-0}, $(date -u +%Y-%m-%dT%H:%M:%SZ)"',
    // the engine picks tfjs-node-gpu, tfjs-node or wasm, whichever loads on the node (vegdyn info)
    `exec ${command}`,
    '',
  ];
  return { script: lines.join('\n'), command };
}

export async function submitToSlurm(o: SubmitOptions): Promise<SubmitResult> {
  const config: RunConfig = resolveRunConfig(o.overrides, o.preset);
  const projectDir = path.resolve(o.projectDir);
  const runId = o.runId ?? defaultRunId(config.preset);
  const dir = runFolder(projectDir, runId);
  if (o.time !== undefined && !SLURM_TIME_LIMIT.test(o.time)) throw new Error(`--time '${o.time}': expected HH:MM:SS or D-HH:MM:SS`);
  for (const [flag, v] of [['--gpus-per-task', o.gpusPerTask], ['--cpus-per-task', o.cpusPerTask]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new Error(`${flag}: expected a whole number >= 1, got ${v}`);
  }
  const ensemble = o.ensemble !== undefined;
  const tasks = o.ensemble ?? 1;
  const { script, command } = buildSbatchScript({
    runId, runDir: dir, projectDir, tasks, ensemble, sameWindows: Boolean(o.sameWindows), vegdyn: o.vegdyn ?? thisVegdynCommand(),
    partition: o.partition, gpusPerTask: o.gpusPerTask, cpusPerTask: o.cpusPerTask, time: o.time,
  });
  if (o.dryRun) return { runDir: dir, script, scriptFile: null, jobId: null };

  requireSlurm('sbatch');
  if (o.partition) checkPartition(o.partition);
  if (readClusterRecord(dir)) throw new Error(`${path.join(dir, CLUSTER_FILE)}: run ${runId} was already submitted; choose another --run-id (a requeued task resumes by itself)`);
  if (ensemble) await prepareEnsemble(dir, config, tasks, !o.sameWindows);
  else {
    mkdirSync(dir, { recursive: true });
    await writeRunConfig(dir, config);
  }
  mkdirSync(path.join(dir, TASK_LOG_DIR), { recursive: true });
  const scriptFile = await writeJobScript(dir, script);
  const jobId = sbatch(scriptFile);
  const record: ClusterRecord = {
    scheduler: 'slurm', jobId, submittedAt: new Date().toISOString(), tasks, ensemble, command,
    resources: {
      ...(o.partition ? { partition: o.partition } : {}), ...(o.gpusPerTask ? { gpusPerTask: o.gpusPerTask } : {}),
      ...(o.cpusPerTask ? { cpusPerTask: o.cpusPerTask } : {}), ...(o.time ? { time: o.time } : {}),
    },
  };
  await writeClusterRecord(dir, record);
  return { runDir: dir, script, scriptFile, jobId };
}

/** A run named by id (inside --project) or by its folder path. */
export function resolveRunArg(run: string, projectDir: string): string {
  return run.includes('/') || run.includes(path.sep) ? path.resolve(run) : runFolder(projectDir, run);
}

export interface TaskStatus {
  readonly task: number;
  /** member id of an ensemble task */
  readonly member: string | null;
  /** Slurm's view, null when the scheduler no longer lists the task */
  readonly scheduler: TaskState | null;
  /** the task's own report: its progress file (members) or the run record's status */
  readonly progress: ProgressRecord | null;
  readonly finished: boolean;
}

export interface ClusterStatus {
  readonly runDir: string;
  readonly record: ClusterRecord;
  readonly tasks: readonly TaskStatus[];
  readonly notes: readonly string[];
}

export function clusterStatus(dir: string): ClusterStatus {
  const record = readClusterRecord(dir);
  if (!record) throw new Error(`${path.join(dir, CLUSTER_FILE)}: missing; the run was not submitted with 'vegdyn cluster submit'`);
  const { tasks: states, notes } = jobTaskStates(record.jobId);
  const tasks: TaskStatus[] = [];
  for (let t = 0; t < record.tasks; t++) {
    const own = record.ensemble ? memberDir(dir, t) : dir;
    let progress: ProgressRecord | null = null;
    try {
      progress = readProgressRecord(own);
    } catch (err) {
      notes.push(err instanceof Error ? err.message : String(err));
    }
    const finished = record.ensemble ? memberFinished(dir, t) : readRunRecord(dir)?.status === 'finished';
    tasks.push({ task: t, member: record.ensemble ? memberId(t) : null, scheduler: states.get(t) ?? null, progress, finished });
  }
  return { runDir: dir, record, tasks, notes };
}

export function formatClusterStatus(s: ClusterStatus): string {
  const lines = [`run ${path.basename(s.runDir)}: Slurm job ${s.record.jobId}, ${s.record.tasks} task(s), submitted ${s.record.submittedAt}`];
  for (const t of s.tasks) {
    const sched = t.scheduler ? `${t.scheduler.state}${t.scheduler.elapsed ? ` ${t.scheduler.elapsed}` : ''}${t.scheduler.detail ? ` (${t.scheduler.detail})` : ''}` : 'not in the queue';
    const p = t.progress;
    const own = p ? `${p.state} ${(p.fraction * 100).toFixed(0)}%${p.epoch !== undefined ? `, epoch ${p.epoch}` : ''}${p.resumedAfterEpoch !== undefined ? `, resumed after epoch ${p.resumedAfterEpoch}` : ''}: ${p.message} (${p.at})` : t.finished ? 'finished' : 'no progress yet';
    lines.push(`  task ${t.task}${t.member ? ` (${t.member})` : ''}: scheduler ${sched}; training ${own}`);
  }
  for (const n of s.notes) lines.push(`  note: ${n}`);
  return `${lines.join('\n')}\n`;
}

/** Merges what has finished: the ensemble's members (ensemble.ts); a single run needs no merging. */
export async function collectClusterRun(dir: string, projectDir: string, log?: (line: string) => void): Promise<CollectResult | { single: true; status: string }> {
  if (!readEnsembleRecord(dir)) {
    const rec = readRunRecord(dir);
    return { single: true, status: rec?.status ?? 'not started' };
  }
  return collectEnsemble({ runDir: dir, projectDir, ...(log ? { log } : {}) });
}
