/**
 * `vegdyn demo`, `vegdyn train`: the model runs from the command line. Progress goes to stderr
 * (one rewritten line on a terminal, a line every few seconds otherwise); results to stdout.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { defaultProjectDir } from '../config/vegdyn-home.ts';
import type { PresetName } from '../training/run-config.ts';

function readOverrides(file: string | undefined): Record<string, unknown> {
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

export function registerModelCommands(program: Command): void {
  program
    .command('demo')
    .description('train and evaluate the LAI models on the demo virtual basin; print the NSE table, write NSE GeoTIFFs and an HTML report')
    .option('--project <dir>', 'project folder (default: the demo project in VEGDYN_HOME)')
    .option('--config <file>', 'JSON overrides on top of the demo preset (unknown keys are rejected)')
    .option('--run-id <id>', 'run folder name under runs/ (reuse one to resume an interrupted demo)')
    .option('--check', 'exit with status 3 when a trained model fails or does not beat the day-of-year climatology (for CI)')
    .action(async (opts: { project?: string; config?: string; runId?: string; check?: boolean }) => {
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
        if (r.notBeatingClimatology.length) process.stdout.write(`WARNING: not beating the day-of-year climatology: ${r.notBeatingClimatology.join(', ')}\n`);
        for (const f of r.experiment.failed) process.stdout.write(`WARNING: ${f.kind} failed and is missing from the table: ${f.reason}\n`);
        for (const s of r.experiment.skipped) process.stdout.write(`note: ${s.kind} not run: ${s.reason}\n`);
        if (opts.check && (r.notBeatingClimatology.length || r.experiment.failed.length || r.experiment.skipped.length)) process.exitCode = 3;
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });

  program
    .command('train')
    .description("train, predict and evaluate models on a project's dataset (resumes an interrupted run given the same --run-id)")
    .option('--project <dir>', 'project folder (default: the demo project in VEGDYN_HOME)')
    .option('--preset <name>', 'demo or paper', 'demo')
    .option('--config <file>', 'JSON overrides on top of the preset (unknown keys are rejected)')
    .option('--run-id <id>', 'run folder name under runs/')
    .action(async (opts: { project?: string; preset: string; config?: string; runId?: string }) => {
      if (opts.preset !== 'demo' && opts.preset !== 'paper') throw new Error(`unknown preset '${opts.preset}' (demo or paper)`);
      const [{ resolveRunConfig }, { initComputeBackend, formatBackendReport }, { openDataset }, { defaultRunId }, { runExperiment }, { formatNseTable }] = await Promise.all([
        import('../training/run-config.ts'), import('../compute/backend.ts'), import('../data/store/netcdf-store.ts'),
        import('../run/demo.ts'), import('../run/experiment.ts'), import('../report/html-report.ts'),
      ]);
      const config = resolveRunConfig(readOverrides(opts.config), opts.preset as PresetName);
      const projectDir = path.resolve(opts.project ?? defaultProjectDir());
      const backend = await initComputeBackend();
      process.stderr.write(`${formatBackendReport(backend)}\n`);
      const dataset = await openDataset(projectDir);
      const runDir = path.join(projectDir, 'runs', opts.runId ?? defaultRunId(config.preset));
      const printer = progressPrinter();
      const controller = new AbortController();
      const onSigint = () => controller.abort(new Error('cancelled by the user (Ctrl-C)'));
      process.once('SIGINT', onSigint);
      try {
        const r = await runExperiment({
          dataset, config, runDir, backend, resume: true, signal: controller.signal,
          log: (line) => { printer.done(); process.stderr.write(`${line}\n`); },
          onProgress: (p) => printer.update(p.fraction, p.message, p.train?.etaSeconds),
        });
        printer.done();
        process.stdout.write(`${formatNseTable(r.evaluation)}\nrun folder: ${runDir}\n`);
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });
}
