/**
 * `vegdyn evaluate <runDir>`: re-scores a finished run from its saved weights (no training),
 * optionally only inside the project's clip or on another test period, rewrites the run's
 * evaluation files and prints the median-NSE table.
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
}
