/**
 * `vegdyn cluster submit | status | collect`: runs on a cluster's Slurm scheduler
 * (main/run/cluster.ts; docs/cluster.md).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { defaultProjectDir } from '../config/vegdyn-home.ts';
import {
  CONFIG_OPTION_HELP, RUN_ID_OPTION_HELP, checkPresetName, formatEnsembleResult, parsePositiveInt, readOverrides,
} from './model-commands.ts';

interface SubmitFlags {
  scheduler: string; project?: string; preset: string; config?: string; runId?: string; ensemble?: number; sameWindows?: boolean;
  partition?: string; gpusPerTask?: number; cpusPerTask?: number; time?: string; vegdyn?: string; dryRun?: boolean;
}

export function registerClusterCommands(program: Command): void {
  const cluster = program.command('cluster').description("train on a cluster through its Slurm scheduler: one job-array task per ensemble member (docs/cluster.md)");

  cluster
    .command('submit')
    .description('write a Slurm job-array script into a new run folder and submit it with sbatch (each task runs the headless vegdyn train and resumes from its checkpoint when requeued)')
    .requiredOption('--scheduler <name>', 'the cluster scheduler (slurm)')
    .option('--project <dir>', 'project folder on the filesystem the nodes share (default: the demo project in VEGDYN_HOME)')
    .option('--preset <name>', 'demo or paper', 'demo')
    .option('--config <file>', CONFIG_OPTION_HELP)
    .option('--run-id <id>', RUN_ID_OPTION_HELP)
    .option('--ensemble <n>', 'N members differing in seed, one array task each', parsePositiveInt('--ensemble'))
    .option('--same-windows', 'ensemble members draw the same training windows')
    .option('--partition <name>', 'Slurm partition (checked against sinfo)')
    .option('--gpus-per-task <g>', 'GPUs per task (tfjs-node-gpu uses one when it loads)', parsePositiveInt('--gpus-per-task'))
    .option('--cpus-per-task <c>', 'CPU cores per task', parsePositiveInt('--cpus-per-task'))
    .option('--time <limit>', 'time limit per task, HH:MM:SS or D-HH:MM:SS')
    .option('--vegdyn <command>', 'the vegdyn command on the nodes (default: this node binary and CLI, by absolute path)')
    .option('--dry-run', 'print the script without writing or submitting anything')
    .action(async (opts: SubmitFlags) => {
      if (opts.scheduler !== 'slurm') throw new Error(`--scheduler '${opts.scheduler}': only 'slurm' is supported`);
      checkPresetName(opts.preset);
      if (opts.ensemble === 1) throw new Error('--ensemble: an ensemble needs at least 2 members (leave the flag out for one run)');
      const { submitToSlurm } = await import('../run/cluster.ts');
      const r = await submitToSlurm({
        projectDir: path.resolve(opts.project ?? defaultProjectDir()), preset: opts.preset, overrides: readOverrides(opts.config),
        ...(opts.runId ? { runId: opts.runId } : {}), ...(opts.ensemble !== undefined ? { ensemble: opts.ensemble } : {}),
        ...(opts.sameWindows ? { sameWindows: true } : {}), ...(opts.partition ? { partition: opts.partition } : {}),
        ...(opts.gpusPerTask ? { gpusPerTask: opts.gpusPerTask } : {}), ...(opts.cpusPerTask ? { cpusPerTask: opts.cpusPerTask } : {}),
        ...(opts.time ? { time: opts.time } : {}), ...(opts.vegdyn ? { vegdyn: opts.vegdyn } : {}), ...(opts.dryRun ? { dryRun: true } : {}),
      });
      if (!r.jobId) {
        process.stdout.write(r.script);
        return;
      }
      process.stdout.write(`submitted Slurm job ${r.jobId}\nscript: ${r.scriptFile}\nrun folder: ${r.runDir}\nfollow it with: vegdyn cluster status ${path.basename(r.runDir)} --project ${path.dirname(path.dirname(r.runDir))}\n`);
    });

  cluster
    .command('status')
    .description("each task's Slurm state (squeue, sacct) and training progress (its progress file)")
    .argument('<run>', 'run id (in --project) or run folder')
    .option('--project <dir>', 'project folder (default: the demo project in VEGDYN_HOME)')
    .option('--json', 'print the status as JSON')
    .action(async (run: string, opts: { project?: string; json?: boolean }) => {
      const { clusterStatus, formatClusterStatus, resolveRunArg } = await import('../run/cluster.ts');
      const s = clusterStatus(resolveRunArg(run, path.resolve(opts.project ?? defaultProjectDir())));
      process.stdout.write(opts.json ? `${JSON.stringify(s, null, 2)}\n` : formatClusterStatus(s));
    });

  cluster
    .command('collect')
    .description('merge the finished ensemble members into the run (mean, spread maps, scores); repeat as more finish')
    .argument('<run>', 'run id (in --project) or run folder')
    .option('--project <dir>', 'project folder (default: the folder above runs/, else the demo project)')
    .action(async (run: string, opts: { project?: string }) => {
      const [{ collectClusterRun, resolveRunArg }, { formatNseTable }] = await Promise.all([import('../run/cluster.ts'), import('../report/html-report.ts')]);
      const runDir = resolveRunArg(run, path.resolve(opts.project ?? defaultProjectDir()));
      const projectDir = opts.project ? path.resolve(opts.project) : path.dirname(path.dirname(runDir));
      const r = await collectClusterRun(runDir, projectDir, (line) => process.stderr.write(`${line}\n`));
      if ('single' in r) {
        process.stdout.write(`run ${path.basename(runDir)} is a single run (no members to merge); its status: ${r.status}\n`);
        return;
      }
      process.stdout.write(`${formatEnsembleResult(r, formatNseTable(r.evaluation))}run folder: ${runDir}\n`);
    });
}
