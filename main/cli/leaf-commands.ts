/**
 * `vegdyn leaf forward | synthetic | train`: the leaf-scale photosynthesis model and its
 * parameter-learning experiments (seed 004). Results to stdout, progress and skipped rows to stderr.
 */
import { readFile } from 'node:fs/promises';
import { readInputText } from '../util/input-file.ts';
import path from 'node:path';
import type { Command } from 'commander';
import type { BackendName } from '../compute/backend.ts';
import { BTRAN_SOURCES, type BtranSource } from '../leaf/btran-sources.ts';
import type { LeafExperimentResult } from '../leaf/leaf-experiment.ts';
import { LEAF_LAYER_ROLES, LEAF_ROLES } from '../leaf/leaf-columns.ts';
import { DEFAULT_BL_COND } from '../leaf/leaf-derived.ts';
import type { SkipCount } from '../leaf/leaf-dataset.ts';
import type { LeafDateFormat } from '../leaf/leaf-dates.ts';
import { LEAF_DATE_FORMATS } from '../leaf/leaf-config.ts';

/** KEY=VALUE items of a repeatable option -> object; refuses a malformed item naming the option. */
function parsePairs(list: string[] | undefined, option: string, form: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1) throw new Error(`${option} expects ${form}, got '${item}'`);
    const key = item.slice(0, eq).trim();
    if (key in out) throw new Error(`${option} ${key} is given twice`);
    out[key] = item.slice(eq + 1).trim();
  }
  return out;
}

const parseMapping = (list: string[] | undefined) => parsePairs(list, '--pft-map', 'LABEL=CLM45_PFT');

interface ReadFlags { pftMap?: string[]; column?: string[]; fill?: string[]; dateFormat?: string }

/** The options that say how to read another lab's leaf CSV, shared by every leaf command. */
function withReadOptions(cmd: Command): Command {
  return cmd
    .option('--pft-map <label=pft>', 'map a dataset PFT label to a CLM4.5 PFT (repeatable)', collect)
    .option('--column <role=name>', `read ROLE from the file's column NAME (repeatable); roles: ${[...LEAF_ROLES, ...LEAF_LAYER_ROLES].join(', ')}`, collect)
    .option('--fill <role=value>', 'constant for ROLE where the file has no column or a row no value (repeatable); --fill elevation=M derives Patm, --fill BLCond=default uses ' + `${DEFAULT_BL_COND} mol m-2 s-1`, collect)
    .option('--date-format <fmt>', `how to read numeric dates: ${LEAF_DATE_FORMATS.join(', ')} (default: settled by the file's own dates, else refused)`);
}

function readOptionsOf(opts: ReadFlags): { pftMapping: Record<string, string>; columns?: Record<string, string>; fill?: Record<string, string>; dateFormat?: LeafDateFormat } {
  if (opts.dateFormat !== undefined && !(LEAF_DATE_FORMATS as readonly string[]).includes(opts.dateFormat.toUpperCase())) {
    throw new Error(`--date-format must be one of ${LEAF_DATE_FORMATS.join(', ')} (got '${opts.dateFormat}')`);
  }
  return {
    pftMapping: parseMapping(opts.pftMap),
    ...(opts.column ? { columns: parsePairs(opts.column, '--column', 'ROLE=COLUMN') } : {}),
    ...(opts.fill ? { fill: parsePairs(opts.fill, '--fill', 'ROLE=VALUE') } : {}),
    ...(opts.dateFormat ? { dateFormat: opts.dateFormat.toUpperCase() as LeafDateFormat } : {}),
  };
}

/** What was read from where (only the inputs not read from a column of their own name), and why rows were skipped. */
function printReadReport(r: { inputs: Readonly<Record<string, string>>; dateFormat?: string; skippedByReason: readonly SkipCount[] }, write: (s: string) => void): void {
  const notes = Object.entries(r.inputs).filter(([role, how]) => how !== `column '${role}'`).map(([role, how]) => `  ${role}: ${how}`);
  if (r.dateFormat) notes.push(`  dates: ${r.dateFormat}`);
  if (notes.length) write(`inputs:\n${notes.join('\n')}\n`);
  const n = r.skippedByReason.reduce((s, c) => s + c.rows, 0);
  if (n) write(`skipped ${n} row${n === 1 ? '' : 's'}:\n${r.skippedByReason.map((c) => `  ${c.rows} x ${c.reason}, column '${c.column}' (first: line ${c.firstLine})`).join('\n')}\n`);
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Only the read options given on the command line, so that they override (not blank) a config file's. */
function flagReadOptions(opts: ReadFlags): Record<string, unknown> {
  const r = readOptionsOf(opts);
  return { ...(opts.pftMap ? { pftMapping: r.pftMapping } : {}), ...(r.columns ? { columns: r.columns } : {}), ...(r.fill ? { fill: r.fill } : {}), ...(r.dateFormat ? { dateFormat: r.dateFormat } : {}) };
}

function printResult(r: LeafExperimentResult): void {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  printReadReport(r, (s) => process.stdout.write(s));
  out(`experiment ${r.experiment} on ${r.backend}: ${r.epochs} epochs, ${r.seconds.toFixed(1)} s (${r.cpuSeconds.toFixed(1)} CPU s)${r.skippedRows ? `, ${r.skippedRows} rows skipped` : ''}`);
  r.folds.forEach((f, i) => {
    if (r.folds.length > 1) out(`fold ${i + 1}`);
    for (const [name, m] of [['train', f.train.overall], ['test', f.test.overall]] as const) {
      out(`  ${name.padEnd(5)} n=${String(m.n).padStart(4)}  RMSE ${m.rmse.toFixed(3)}  bias ${m.bias.toFixed(3)}  r ${m.r.toFixed(4)}  NSE ${m.nse.toFixed(4)}`);
    }
    out('  PFT              Vcmax25 learned  CLM4.5   error');
    for (const v of f.vcmax) out(`  ${v.pft.padEnd(16)} ${v.learned.toFixed(2).padStart(15)} ${v.clm45.toFixed(1).padStart(7)} ${(100 * v.relativeError).toFixed(2).padStart(6)} %`);
    if (f.bCorrelation !== undefined) out(`  B vs synthetic truth: r = ${f.bCorrelation.toFixed(4)}`);
  });
  if (r.runDir) out(`run folder: ${r.runDir}`);
}

function progressLogger(): (fraction: number, message: string) => void {
  let last = 0;
  return (fraction, message) => {
    const now = Date.now();
    if (now - last < 5000 && fraction < 1) return;
    last = now;
    process.stderr.write(`[${(fraction * 100).toFixed(0).padStart(3)}%] ${message}\n`);
  };
}

export function registerLeafCommands(program: Command): void {
  const leaf = program.command('leaf').description('leaf-scale photosynthesis (FATES) and its parameter-learning experiments');

  withReadOptions(leaf
    .command('forward')
    .description('run the leaf model on every row of a leaf CSV (CLM4.5 Vcmax25): An, Ci, gs, limiting rate, btran')
    .requiredOption('--input <csv>', 'leaf CSV (example-dataset layout, or any other with --column / --fill)')
    .requiredOption('--out <csv>', 'output CSV')
    .option('--btran-from <source>', `btran source: ${BTRAN_SOURCES.join(', ')}`, 'one')
    .option('--backend <name>', 'force a compute backend (tensorflow-gpu, webgpu, tensorflow, wasm, cpu)'))
    .action(async (opts: ReadFlags & { input: string; out: string; btranFrom: string; backend?: string }) => {
      if (!(BTRAN_SOURCES as readonly string[]).includes(opts.btranFrom)) throw new Error(`--btran-from must be one of ${BTRAN_SOURCES.join(', ')} (got '${opts.btranFrom}')`);
      // tfjs and the model load only when a leaf command runs, not for `vegdyn --help`
      const [{ initComputeBackend }, { writeFileAtomic }, { leafForwardCsv }] = await Promise.all([
        import('../compute/backend.ts'), import('../project/atomic-write.ts'), import('../leaf/leaf-forward.ts'),
      ]);
      const backend = await initComputeBackend(opts.backend ? { prefer: opts.backend as BackendName } : {});
      const text = await readInputText(opts.input);
      const t0 = performance.now();
      const { csv, result } = await leafForwardCsv(text, opts.btranFrom as BtranSource, { source: opts.input, ...readOptionsOf(opts) });
      await writeFileAtomic(path.resolve(opts.out), csv);
      printReadReport(result, (s) => process.stderr.write(s));
      process.stdout.write(`${result.rows.length} leaves solved on ${backend.chosen} in ${((performance.now() - t0) / 1000).toFixed(2)} s (Newton: ${result.iterations} iterations, ${result.converged ? 'converged' : 'NOT converged'}); ${result.skipped.length} rows skipped; wrote ${opts.out}\n`);
    });

  withReadOptions(leaf
    .command('synthetic')
    .description('synthetic parameter-recovery experiment: vcmax-only (btran = 1) or vcmax-b (top-layer synthetic B)')
    .requiredOption('--input <csv>', 'leaf CSV providing the forcings (e.g. the example dataset)')
    .option('--experiment <name>', 'vcmax-only or vcmax-b', 'vcmax-only')
    .option('--epochs <n>', 'training epochs (default 100 for vcmax-only, 600 for vcmax-b)')
    .option('--noise <fraction>', 'white-noise sd as a fraction of mean An', '0.05')
    .option('--seed <n>', 'random seed', '42')
    .option('--run-dir <dir>', 'write the run folder here')
    .option('--backend <name>', 'force a compute backend'))
    .action(async (opts: ReadFlags & { input: string; experiment: string; epochs?: string; noise: string; seed: string; runDir?: string; backend?: string }) => {
      if (opts.experiment !== 'vcmax-only' && opts.experiment !== 'vcmax-b') throw new Error(`--experiment must be vcmax-only or vcmax-b (got '${opts.experiment}')`);
      const { runLeafExperiment } = await import('../leaf/leaf-experiment.ts');
      const r = await runLeafExperiment({
        experiment: opts.experiment, input: opts.input, noiseFraction: Number(opts.noise), seed: Number(opts.seed),
        ...readOptionsOf(opts),
        ...(opts.epochs ? { epochs: Number(opts.epochs) } : {}), ...(opts.runDir ? { runDir: path.resolve(opts.runDir) } : {}), ...(opts.backend ? { backend: opts.backend } : {}),
      }, { progress: progressLogger() });
      printResult(r);
    });

  withReadOptions(leaf
    .command('train')
    .description('learn Vcmax25 and / or B on observed An: formulations vdef-bdef, vdef-b, v-bdef, v-b (config JSON, unknown keys rejected)')
    .option('--config <json>', 'experiment config file (keys of main/leaf/leaf-config.ts); flags below override it')
    .option('--input <csv>', 'leaf CSV with an observed-An column')
    .option('--formulation <name>', 'vdef-bdef, vdef-b, v-bdef or v-b')
    .option('--observed-column <name>', 'observed net photosynthesis column (default Photo)')
    .option('--split <kind>', 'temporal or kfold')
    .option('--epochs <n>', 'training epochs (default 300)')
    .option('--btran-from <source>', 'btran of vdef-bdef and v-bdef: default-B (CLM4.5, needs soil columns) or one (unstressed, for data without soil)')
    .option('--run-dir <dir>', 'write the run folder here')
    .option('--backend <name>', 'force a compute backend'))
    .action(async (opts: ReadFlags & { config?: string; input?: string; formulation?: string; observedColumn?: string; split?: string; epochs?: string; btranFrom?: string; runDir?: string; backend?: string }) => {
      let base: Record<string, unknown> = {};
      if (opts.config) {
        const parsed: unknown = JSON.parse(await readFile(opts.config, 'utf8'));
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${opts.config} must hold a JSON object`);
        base = parsed as Record<string, unknown>;
      }
      const config = {
        ...base,
        ...(opts.input ? { input: opts.input } : {}),
        ...(opts.formulation ? { experiment: opts.formulation } : {}),
        ...(opts.observedColumn ? { observedColumn: opts.observedColumn } : {}),
        ...(opts.split ? { split: opts.split } : {}),
        ...flagReadOptions(opts),
        ...(opts.epochs ? { epochs: Number(opts.epochs) } : {}),
        ...(opts.btranFrom ? { defaultBtran: opts.btranFrom } : {}),
        ...(opts.runDir ? { runDir: path.resolve(opts.runDir) } : {}),
        ...(opts.backend ? { backend: opts.backend } : {}),
      };
      const { runLeafExperiment } = await import('../leaf/leaf-experiment.ts');
      printResult(await runLeafExperiment(config, { progress: progressLogger() }));
    });
}
