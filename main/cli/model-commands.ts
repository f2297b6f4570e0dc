/**
 * `vegdyn demo`, `vegdyn train`: the model runs from the command line. Progress goes to stderr
 * (one rewritten line on a terminal, a line every few seconds otherwise); results to stdout.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import type { Command } from 'commander';
import { defaultProjectDir } from '../config/vegdyn-home.ts';
import type { PresetName, RunConfig } from '../training/run-config.ts';

/** The help of the options `train` and `cluster submit` share. */
export const CONFIG_OPTION_HELP = 'JSON overrides on top of the preset (unknown keys are rejected)';
export const RUN_ID_OPTION_HELP = 'run folder name under runs/';

/** `--preset` of `train` and `cluster submit`: one of the run-config presets. */
export function checkPresetName(preset: string): asserts preset is PresetName {
  if (preset !== 'demo' && preset !== 'paper') throw new Error(`unknown preset '${preset}' (demo or paper)`);
}

export function readOverrides(file: string | undefined): Record<string, unknown> {
  if (!file) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read run config ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`run config ${file} must hold a JSON object`);
  return parsed as Record<string, unknown>;
}

function progressPrinter(): { update: (fraction: number, message: string, eta?: number) => void; done: () => void } {
  const tty = Boolean(process.stderr.isTTY);
  const t0 = performance.now();
  let last = 0;
  return {
    update(fraction, message, eta) {
      const now = performance.now();
      if (!tty && now - last < 5000) return;
      last = now;
      const el = (now - t0) / 1000;
      const line = `[${(fraction * 100).toFixed(0).padStart(3)}% ${Math.floor(el / 60)}m${String(Math.floor(el % 60)).padStart(2, '0')}s${eta !== undefined ? `, model ETA ${Math.ceil(eta)} s` : ''}] ${message}`;
      process.stderr.write(tty ? `\r\x1b[K${line.slice(0, (process.stderr.columns ?? 120) - 1)}` : `${line}\n`);
    },
    done() {
      if (tty) process.stderr.write('\r\x1b[K');
    },
  };
}

/** members of the demo's ensemble (`vegdyn demo --ensemble`) */
const DEMO_ENSEMBLE_MEMBERS = 3;

/**
 * What the demo prints instead of running the ensemble: the command, and its time here estimated
 * from this demo's LSTM training (`lstmSeconds`; undefined when the demo trained no LSTM).
 */
export function demoEnsembleHint(lstmSeconds: number | undefined, projectDir: string, projectGiven: boolean): string {
  const estimate = lstmSeconds === undefined ? '' : `; about ${Math.ceil((DEMO_ENSEMBLE_MEMBERS * lstmSeconds) / 60)} min here (${DEMO_ENSEMBLE_MEMBERS} x this demo's LSTM training, ${lstmSeconds.toFixed(0)} s)`;
  return `uncertainty: an ensemble of ${DEMO_ENSEMBLE_MEMBERS} LSTM members (mean, spread maps, members' NSE spread; docs/cluster.md)${estimate}:\n`
    + `  npm run demo -- --ensemble${projectGiven ? ` --project ${projectDir}` : ''}   (or: vegdyn train --project ${projectDir} --ensemble ${DEMO_ENSEMBLE_MEMBERS} --config FILE, FILE: {"models": ["lstm"]})\n`;
}

/**
 * `demo --ensemble`: DEMO_ENSEMBLE_MEMBERS LSTM members with the demo's own (fitted) config, seeds
 * seed, seed + 1, ..., into <demo run>-ensemble (resumed like any ensemble when rerun).
 */
async function runDemoEnsemble(projectDir: string, demo: { runDir: string; config: RunConfig }, printer: ReturnType<typeof progressPrinter>, signal: AbortSignal) {
  const [{ openDataset }, { trainEnsemble }, { formatNseTable }] = await Promise.all([
    import('../data/store/netcdf-store.ts'), import('../run/ensemble.ts'), import('../report/html-report.ts'),
  ]);
  const runDir = `${demo.runDir}-ensemble`;
  const dataset = await openDataset(projectDir);
  const result = await trainEnsemble({
    dataset, runDir, projectDir, config: { ...demo.config, models: ['lstm'] }, members: DEMO_ENSEMBLE_MEMBERS, varyWindows: true, signal,
    log: (line) => { printer.done(); process.stderr.write(`${line}\n`); },
    onProgress: (p) => printer.update(p.fraction, `ensemble: ${p.message}`, p.train?.etaSeconds),
  });
  printer.done();
  return { runDir, result, table: formatNseTable(result.evaluation) };
}

export function registerModelCommands(program: Command): void {
  program
    .command('demo')
    .description('train and evaluate the LAI models on the demo virtual basin; print the NSE table, write NSE GeoTIFFs and an HTML report')
    .option('--project <dir>', 'project folder (default: the demo project in VEGDYN_HOME)')
    .option('--config <file>', 'JSON overrides on top of the demo preset (unknown keys are rejected)')
    .option('--run-id <id>', 'run folder name under runs/ (reuse one to resume an interrupted demo)')
    .option('--check', 'exit with status 3 when a trained model fails or does not beat the day-of-year climatology (for CI)')
    .option('--ensemble', `then train an ensemble of ${DEMO_ENSEMBLE_MEMBERS} LSTM members (mean, spread maps, members' NSE spread) into <run id>-ensemble; without it the demo prints the command and its time estimate`)
    .action(async (opts: { project?: string; config?: string; runId?: string; check?: boolean; ensemble?: boolean }) => {
      const projectDir = path.resolve(opts.project ?? defaultProjectDir());
      // the engine (tfjs, h5wasm, the models) loads only when the command runs
      const { runDemo } = await import('../run/demo.ts');
      const printer = progressPrinter();
      const controller = new AbortController();
      const onSigint = () => controller.abort(new Error('cancelled by the user (Ctrl-C); rerun with the same --run-id to resume'));
      process.once('SIGINT', onSigint);
      try {
        process.stderr.write(`VegDyn demo in ${projectDir}\n`);
        const r = await runDemo({
          projectDir,
          overrides: readOverrides(opts.config),
          ...(opts.runId ? { runId: opts.runId } : {}),
          signal: controller.signal,
          log: (line) => { printer.done(); process.stderr.write(`${line}\n`); },
          onProgress: (p) => {
            if (p.stage === 'data') printer.update(0, `data: ${p.message}`);
            else printer.update(p.fraction, p.message, 'train' in p ? p.train?.etaSeconds : undefined);
          },
        });
        printer.done();
        process.stdout.write(`\nMedian test NSE (${r.config.periods.test.from}..${r.config.periods.test.to}, same cells for every line):\n${r.tableText}\n\n`);
        process.stdout.write(`report:  ${r.reportPath}\nNSE maps (GeoTIFF): ${r.geotiffPath}\nrun folder: ${r.runDir}\nwall time: ${r.seconds.toFixed(0)} s\n`);
        // an ensemble multiplies the LSTM's training time: the demo runs one only when asked, else says how and how long
        const lstmSeconds = r.experiment.training['lstm']?.seconds;
        if (opts.ensemble) {
          if (lstmSeconds === undefined) throw new Error(`--ensemble trains LSTM members, but this demo's config trains no LSTM (models: ${r.config.models.join(', ')})`);
          const e = await runDemoEnsemble(projectDir, r, printer, controller.signal);
          process.stdout.write(`\n${formatEnsembleResult(e.result, e.table)}run folder: ${e.runDir}\n`);
        } else {
          process.stdout.write(demoEnsembleHint(lstmSeconds, projectDir, opts.project !== undefined));
        }
        if (r.notBeatingClimatology.length) process.stdout.write(`WARNING: not beating the day-of-year climatology: ${r.notBeatingClimatology.join(', ')}\n`);
        for (const f of r.experiment.failed) process.stdout.write(`WARNING: ${f.kind} failed and is missing from the table: ${f.reason}\n`);
        for (const s of r.experiment.skipped) process.stdout.write(`note: ${s.kind} not run: ${s.reason}\n`);
        if (opts.check && (r.notBeatingClimatology.length || r.experiment.failed.length || r.experiment.skipped.length)) process.exitCode = 3;
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });

  program
    .command('twin')
    .description('identical-twin experiment: known spatially varying process parameters make a truth LAI; train the calibrated physics-only model on noisy observations of it and report how well each parameter is recovered (docs/identical-twin.md)')
    .option('--quick', 'the small CI variant: a 10 x 10 window of the basin, 1981-1983')
    .option('--project <dir>', 'project folder whose dataset gives the forcing (default: the demo project in VEGDYN_HOME; generated when missing)')
    .option('--out <dir>', 'folder for the twin\'s results (default: twins/<id>/ of the project)')
    .action(async (opts: { quick?: boolean; project?: string; out?: string }) => {
      const [{ twinInProject }, { initComputeBackend, formatBackendReport }, { formatRecovery }] = await Promise.all([
        import('../run/twin-job.ts'), import('../compute/backend.ts'), import('../run/twin.ts'),
      ]);
      const projectDir = path.resolve(opts.project ?? defaultProjectDir());
      const backend = await initComputeBackend();
      process.stderr.write(`${formatBackendReport(backend)}\n`);
      const printer = progressPrinter();
      const controller = new AbortController();
      const onSigint = () => controller.abort(new Error('cancelled by the user (Ctrl-C)'));
      process.once('SIGINT', onSigint);
      try {
        const r = await twinInProject({ projectDir, quick: opts.quick ?? false, ...(opts.out ? { outDir: opts.out } : {}) }, {
          signal: controller.signal,
          log: (line) => { printer.done(); process.stderr.write(`${line}\n`); },
          onProgress: (p) => printer.update(p.fraction, p.message),
        });
        printer.done();
        for (const [name, res] of Object.entries(r.record.results)) process.stdout.write(`${formatRecovery(name, res.parameters).join('\n')}\n`);
        const twinSeconds = r.record.timings.total ?? 0;
        // wall time with the data's opening; the load says how shared the machine was
        process.stdout.write(`twin folder: ${r.outDir}\nwall time: ${(r.dataSeconds + twinSeconds).toFixed(0)} s (data ${r.dataSeconds.toFixed(0)} s, twin ${twinSeconds.toFixed(0)} s); load average at the end ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}, ${os.cpus().length} cores\n`);
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });

  program
    .command('train')
    .description("train, predict and evaluate models on a project's dataset (resumes an interrupted run given the same --run-id)")
    .option('--project <dir>', 'project folder (default: the demo project in VEGDYN_HOME)')
    .option('--preset <name>', 'demo or paper', 'demo')
    .option('--config <file>', CONFIG_OPTION_HELP)
    .option('--run-id <id>', RUN_ID_OPTION_HELP)
    .option('--ensemble <n>', 'train N members differing in seed (seed, seed + 1, ...) and write their mean and spread', parsePositiveInt('--ensemble'))
    .option('--same-windows', 'ensemble members draw the same training windows (they differ only in their initial weights)')
    .option('--member <k>', 'train only ensemble member K (0-based) and do not collect: what each task of a cluster job array runs', parseNonNegativeInt('--member'))
    .option('--periods <spec>', "train=A..B,validate=C..D,test=E..F (ISO dates inside the dataset's record); default: the preset's periods when they fit the record, else the dataset's own split")
    .option('--physics-only', 'train nothing: predict with the process model and its PFT default parameters (the run a project without LAI observations can make; same as {"models": []})')
    .action(async (opts: { project?: string; preset: string; config?: string; runId?: string; ensemble?: number; sameWindows?: boolean; member?: number; periods?: string; physicsOnly?: boolean }) => {
      checkPresetName(opts.preset);
      if (opts.member !== undefined && opts.ensemble === undefined) throw new Error('--member needs --ensemble N');
      if (opts.member !== undefined && !opts.runId) throw new Error('--member needs the ensemble\'s --run-id');
      if (opts.sameWindows && opts.ensemble === undefined) throw new Error('--same-windows needs --ensemble N');
      const [{ resolveRunConfig }, { initComputeBackend, formatBackendReport }, { openDataset }, { defaultRunId }, { runExperiment }, { formatNseTable }, ensemble] = await Promise.all([
        import('../training/run-config.ts'), import('../compute/backend.ts'), import('../data/store/netcdf-store.ts'),
        import('../run/demo.ts'), import('../run/experiment.ts'), import('../report/html-report.ts'), import('../run/ensemble.ts'),
      ]);
      if (opts.physicsOnly && opts.ensemble !== undefined) throw new Error('--physics-only trains nothing, so it takes no --ensemble');
      const overrides = { ...readOverrides(opts.config), ...(opts.physicsOnly ? { models: [] } : {}) };
      const resolved = resolveRunConfig(overrides, opts.preset);
      const projectDir = path.resolve(opts.project ?? defaultProjectDir());
      const dataset = await openDataset(projectDir);
      const { fitRunToDataset } = await import('../run/fit-run.ts');
      const { config, changes } = fitRunToDataset(resolved, dataset, { overrides, ...(opts.periods !== undefined ? { periodsOption: opts.periods } : {}) });
      for (const c of changes) process.stderr.write(`${c}\n`);
      const backend = await initComputeBackend();
      process.stderr.write(`${formatBackendReport(backend)}\n`);
      const runDir = path.join(projectDir, 'runs', opts.runId ?? defaultRunId(config.preset));
      const printer = progressPrinter();
      const controller = new AbortController();
      const onSigint = () => controller.abort(new Error('cancelled by the user (Ctrl-C)'));
      process.once('SIGINT', onSigint);
      const common = {
        dataset, runDir, backend, signal: controller.signal,
        log: (line: string) => { printer.done(); process.stderr.write(`${line}\n`); },
        onProgress: (p: { fraction: number; message: string; train?: { etaSeconds?: number } }) => printer.update(p.fraction, p.message, p.train?.etaSeconds),
      };
      try {
        if (opts.ensemble !== undefined) {
          const varyWindows = !opts.sameWindows;
          await ensemble.prepareEnsemble(runDir, config, opts.ensemble, varyWindows);
          if (opts.member !== undefined) {
            const job = process.env.SLURM_ARRAY_JOB_ID ? `${process.env.SLURM_ARRAY_JOB_ID}_${process.env.SLURM_ARRAY_TASK_ID ?? ''}` : process.env.SLURM_JOB_ID;
            await ensemble.trainMember({ ...common, projectDir, index: opts.member, ...(job ? { job } : {}) });
            printer.done();
            process.stdout.write(`member ${opts.member} finished: ${path.join(runDir, 'members')}\n`);
            return;
          }
          const r = await ensemble.trainEnsemble({ ...common, projectDir, config, members: opts.ensemble, varyWindows });
          printer.done();
          process.stdout.write(`${formatEnsembleResult(r, formatNseTable(r.evaluation))}run folder: ${runDir}\n`);
          return;
        }
        const r = await runExperiment({ ...common, config, resume: true });
        printer.done();
        process.stdout.write(`${formatNseTable(r.evaluation)}\nrun folder: ${runDir}\n`);
        const { unscoredReason } = await import('../run/run-scorability.ts');
        const why = unscoredReason(dataset, r.evaluation);
        if (why) throw new Error(`the run scored nothing: ${why}`);
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });
}

export function parsePositiveInt(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1) throw new Error(`${flag}: expected a positive whole number, got '${value}'`);
    return n;
  };
}

export function parseNonNegativeInt(flag: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value)) throw new Error(`${flag}: expected a whole number >= 0, got '${value}'`);
    return Number(value);
  };
}

/** The ensemble's mean scores and its members' NSE distribution, as printed by train and cluster collect. */
export function formatEnsembleResult(r: { collected: readonly string[]; pending: readonly string[]; summary: { nse: Record<string, { min: number | null; median: number | null; max: number | null }> } }, meanTable: string): string {
  const f = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
  const lines = [`Ensemble mean of ${r.collected.length} members (${r.collected.join(', ')})${r.pending.length ? `; not finished yet: ${r.pending.join(', ')}` : ''}:`, meanTable, '', "Members' median test NSE (min / median / max over members):"];
  for (const [entry, s] of Object.entries(r.summary.nse)) lines.push(`  ${entry.padEnd(16)} ${f(s.min)} / ${f(s.median)} / ${f(s.max)}`);
  return `${lines.join('\n')}\n`;
}
