/**
 * `vegdyn evaluate <runDir>`: re-scores a finished run from its saved weights (no training),
 * optionally only inside the project's clip or on another test period, rewrites the run's
 * evaluation files and prints the median-NSE table.
 * `vegdyn predict --run OTHER_RUN --project DIR`: a run trained in another project predicts in
 * this one (main/run/predict-from-run.ts).
 */
import path from 'node:path';
import type { Command } from 'commander';

function parsePeriod(text: string): { from: string; to: string } {
  const m = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(text);
  if (!m) throw new Error(`--test '${text}': expected FROM..TO, e.g. 2009-01-01..2012-12-31`);
  return { from: m[1]!, to: m[2]! };
}

export function registerEvaluateCommands(program: Command): void {
  program
    .command('evaluate')
    .description("re-evaluate a finished run from its saved weights (no training): rewrite its metrics, summary and daily LAI files and print the median-NSE table")
    .argument('<runDir>', 'the run folder (<project>/runs/<id>)')
    .option('--clip', "score only the cells inside the project's clip (clip.json)")
    .option('--test <from..to>', 'a test period other than the run config\'s, e.g. 2009-01-01..2012-12-31')
    .option('--project <dir>', 'project folder the run belongs to (default: the folder above runs/)')
    .action(async (runDirArg: string, opts: { clip?: boolean; test?: string; project?: string }) => {
      const test = opts.test ? parsePeriod(opts.test) : undefined;
      // the engine (tfjs, h5wasm) loads only when the command runs
      const [{ initComputeBackend, formatBackendReport }, { evaluateRun }] = await Promise.all([
        import('../compute/backend.ts'), import('../run/evaluate-run.ts'),
      ]);
      const backend = await initComputeBackend();
      process.stderr.write(`${formatBackendReport(backend)}\n`);
      const runDir = path.resolve(runDirArg);
      const r = await evaluateRun({
        runDir,
        ...(opts.project ? { projectDir: path.resolve(opts.project) } : {}),
        ...(opts.clip ? { clip: true } : {}),
        ...(test ? { test } : {}),
        log: (line) => process.stderr.write(`${line}\n`),
      });
      const where = r.clip ? `inside the clip '${r.clip.name}' (${r.clip.cellCount} cells)` : 'whole basin';
      process.stdout.write(`Median test NSE (${r.test.from}..${r.test.to}, ${where}, same cells for every line):\n${r.tableText}\nrun folder: ${runDir}\n`);
    });

  program
    .command('predict')
    .description("apply the trained models of a finished run (of any project) to a project: daily LAI over the project's whole record with the run's saved normalization, channels and weights, written as a new run the map lists; scored only where the project has LAI observations")
    .requiredOption('--run <dir>', 'the finished run whose models predict (<other project>/runs/<id>)')
    .option('--project <dir>', 'the project to predict in (default: the demo project in VEGDYN_HOME)')
    .option('--run-id <id>', "the new run's id (default: a time stamp + '-predict')")
    .action(async (opts: { run: string; project?: string; runId?: string }) => {
      const [{ initComputeBackend, formatBackendReport }, { predictFromRun }, { defaultProjectDir }] = await Promise.all([
        import('../compute/backend.ts'), import('../run/predict-from-run.ts'), import('../config/vegdyn-home.ts'),
      ]);
      const backend = await initComputeBackend();
      process.stderr.write(`${formatBackendReport(backend)}\n`);
      const controller = new AbortController();
      const onSigint = () => controller.abort(new Error('cancelled by the user (Ctrl-C)'));
      process.once('SIGINT', onSigint);
      try {
        const r = await predictFromRun({
          sourceRunDir: path.resolve(opts.run), projectDir: path.resolve(opts.project ?? defaultProjectDir()), backend, signal: controller.signal,
          ...(opts.runId ? { runId: opts.runId } : {}),
          log: (line) => process.stderr.write(`${line}\n`),
        });
        const scored = r.evaluation.observationRows.length > 0;
        process.stdout.write(`${scored ? `Median test NSE (${r.test.from}..${r.test.to}, the project's own split):\n${r.tableText}\n` : `not scored: ${r.notScored.join('; ')}\n`}predicted: ${r.entries.join(', ')}\nrun folder: ${r.runDir}\n`);
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });
}
