/**
 * The extrapolation test on the virtual basin (`vegdyn scenario extrapolation-test`, job
 * 'extrapolation-test'; docs/extrapolation.md): which model to trust under a climate the training
 * years did not contain. The generator grows its own vegetation (not VegDyn's process model) in a
 * changed climate from the first test year on; every model of a run trained on the historic
 * climate (the run given, or one trained here) and physics-only with its prior parameters predict
 * the test years twice, in the baseline and in the changed climate, and are scored against the
 * generator's truth in both: NSE, bias, and the error of the predicted change.
 *
 * The change starts after the training years, so the changed dataset's training days are the
 * baseline's: normalization, climatology and antecedent statistics are the ones the weights were
 * trained with. Both predictions start SPIN_UP_DAYS before the change, as a scenario run does;
 * the truth's change starts on the change's first day, where the models' changed forcing starts.
 */
import { mkdirSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Dataset } from '../data/dataset.ts';
import { addDays, daysBetween, type DayRange } from '../data/time-axis.ts';
import { changedClimateDataset, DEFAULT_TEST_CHANGE, describeClimateChange, parseClimateChange, type ClimateChange } from '../data/virtual-basin/changed-climate.ts';
import { GENERATOR_NAME, GENERATOR_VERSION, generateVirtualBasinAsync } from '../data/virtual-basin/generate.ts';
import { extrapolationScores, type ExtrapolationScores } from '../evaluation/extrapolation-scores.ts';
import { cropDataset } from '../physics/grid/dataset-window.ts';
import { featureChannelNames } from '../training/features.ts';
import { resolveRunConfig, type RunConfig } from '../training/run-config.ts';
import { writeFileAtomic } from '../project/atomic-write.ts';
import { extrapolationSectionHtml } from '../report/extrapolation-section.ts';
import { withReportSection } from '../report/replace-report-section.ts';
import { periodRange, prepareRunInputs, resolveRunClip, runExperiment, trainingView } from './experiment.ts';
import { co2Response, predictEntry, scenarioEntries, SPIN_UP_DAYS } from './scenario-run.ts';
import { defaultRunId } from './demo.ts';
import {
  EXTRAPOLATION_SUMMARY_FILE, EXTRAPOLATION_TABLE_FILE, REPORT_FILE, RUN_RECORD_FILE,
  readRunConfig, readRunRecord, writeExtrapolationSummary, type ExtrapolationSummary,
} from './run-folder.ts';


/**
 * --quick: the whole test on a small window of the basin over 18 months (train 1980-01..08,
 * validate 1980-09..10, test 1980-11..1981-06, changed climate from 1981), hidden 4, one epoch of
 * two 30-day windows: a check that the pipeline runs end to end, not a measurement.
 */
export const QUICK_WINDOW = 5;
export const QUICK_OVERRIDES = Object.freeze({
  hiddenSize: 4, epochs: 1, patience: 1, windowsPerEpoch: 2, batchSize: 1, windowDays: 30, warmupDays: 10,
  perModel: { lstm: { epochs: 1, windowsPerEpoch: 2 }, 'physics-calibrated': { epochs: 1 } },
  inferenceChunkDays: 400,
  periods: {
    record: { from: '1980-01-01', to: '1981-06-30' }, train: { from: '1980-01-01', to: '1980-08-31' },
    validate: { from: '1980-09-01', to: '1980-10-31' }, test: { from: '1980-11-01', to: '1981-06-30' },
  },
});
const QUICK_CHANGE_FROM = '1981-01-01';

export interface ExtrapolationTestOptions {
  /** the project a new run is trained in (runs/<id>-extrapolation); with `runDir`, default its project */
  readonly projectDir?: string;
  /** a finished run trained on the virtual basin: its models are scored, nothing is trained */
  readonly runDir?: string;
  /** the change, as `vegdyn demo-data --change` takes it (default DEFAULT_TEST_CHANGE) */
  readonly change?: string;
  /** first changed day, a year or a date (default: the first day of the run's test period) */
  readonly changeFrom?: string;
  /** the tiny variant (QUICK_OVERRIDES on a QUICK_WINDOW x QUICK_WINDOW window); only without runDir */
  readonly quick?: boolean;
  /** run config overrides on top of the demo preset for the run trained here */
  readonly overrides?: Record<string, unknown>;
  readonly runId?: string;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
  readonly onProgress?: (fraction: number, message: string) => void;
}

export interface ExtrapolationTestResult {
  readonly runDir: string;
  readonly summary: ExtrapolationSummary;
  readonly tableText: string;
  /** where the summary, the table and (when the run has one) the report section went */
  readonly files: readonly string[];
}

/** seed and generator version of a run's dataset, read from its record; throws when it is not the virtual basin of this generator */
function virtualBasinOfRun(runDir: string): { seed: number; startDate: string } {
  const record = readRunRecord(runDir);
  if (!record) throw new Error(`${path.join(runDir, RUN_RECORD_FILE)}: missing (the run record)`);
  if (record.status !== 'finished') throw new Error(`${path.join(runDir, RUN_RECORD_FILE)}: the run is '${record.status}', not finished`);
  const ds = (record as { dataset?: { source?: string; startDate?: string } }).dataset;
  const m = /\(synthetic, ([\w-]+) ([\d.]+)\), seed (-?\d+)/.exec(ds?.source ?? '');
  if (!m || m[1] !== GENERATOR_NAME || !ds?.startDate) {
    throw new Error(`${path.join(runDir, RUN_RECORD_FILE)}: the run was not trained on the virtual basin (dataset '${ds?.source ?? 'unknown'}'); the extrapolation test needs the generator's truth`);
  }
  if (m[2] !== GENERATOR_VERSION) throw new Error(`${path.join(runDir, RUN_RECORD_FILE)}: the run's virtual basin is generator ${m[2]}, this build generates ${GENERATOR_VERSION}: the truth would not be the data it was trained on`);
  return { seed: Number(m[3]), startDate: ds.startDate };
}

/** The window of size x size cells with the most basin cells (first found, scanning in steps of 2). */
function basinWindow(ds: Dataset, size: number): Dataset {
  const g = ds.grid;
  let best = { r: 0, c: 0, inside: -1 };
  for (let r0 = 0; r0 + size <= g.nrows; r0 += 2) {
    for (let c0 = 0; c0 + size <= g.ncols; c0 += 2) {
      let inside = 0;
      for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) inside += ds.mask[(r0 + r) * g.ncols + c0 + c]!;
      if (inside > best.inside) best = { r: r0, c: c0, inside };
    }
  }
  return cropDataset(ds, best.r, best.c, size, size);
}

const round = (v: number, d = 4) => (Number.isFinite(v) ? Math.round(v * 10 ** d) / 10 ** d : null);

export async function runExtrapolationTest(opts: ExtrapolationTestOptions): Promise<ExtrapolationTestResult> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const since = (t: number) => Math.round((performance.now() - t) / 100) / 10;
  const log = opts.log ?? (() => undefined);
  const progress = opts.onProgress ?? (() => undefined);
  if (opts.quick && opts.runDir) throw new Error('--quick trains its own tiny run: give --run or --quick, not both');
  if (!opts.runDir && !opts.projectDir) throw new Error('give --run (a trained run of the virtual basin) or --project (where to train one)');
  if (opts.runDir && opts.overrides) throw new Error('--models (run settings) apply to the run trained here with --project: a run given with --run is scored as it was trained');
  const given = opts.runDir ? path.resolve(opts.runDir) : undefined;
  const config: RunConfig = given ? readRunConfig(given) : resolveRunConfig({ ...(opts.quick ? QUICK_OVERRIDES : {}), ...(opts.overrides ?? {}) }, 'demo');
  const source = given ? virtualBasinOfRun(given) : { seed: config.seed, startDate: config.periods.record.from };
  const endDate = config.periods.test.to > config.periods.record.to ? config.periods.test.to : config.periods.record.to;
  const fromText = opts.changeFrom ?? (opts.quick ? QUICK_CHANGE_FROM : config.periods.test.from.slice(0, 4));
  const change: ClimateChange = parseClimateChange(opts.change ?? DEFAULT_TEST_CHANGE, fromText, endDate);
  if (change.from <= config.periods.train.to) throw new Error(`--change-from: ${change.from} is inside the training period (to ${config.periods.train.to}); the changed climate must start after it`);
  if (change.from > config.periods.test.to) throw new Error(`--change-from: ${change.from} is after the test period (to ${config.periods.test.to})`);
  log(`changed climate: ${describeClimateChange(change)}`);

  // the truth: the virtual basin of the run's seed, baseline and changed, from the same weather
  progress(0, 'generating the virtual basin and its changed climate');
  const generated = await generateVirtualBasinAsync({
    seed: source.seed, startDate: source.startDate, endDate, change,
    ...(opts.signal ? { signal: opts.signal } : {}),
    onProgress: (p) => progress(0.15 * p.fraction, p.message),
  });
  const generateSeconds = since(t0);
  log(`generated the virtual basin and its changed climate in ${generateSeconds} s`);
  const truth = generated.changedClimate!;
  const changedFull = changedClimateDataset(generated, change, truth.trueLai);
  const baseline = opts.quick ? basinWindow(generated, QUICK_WINDOW) : generated;
  const changed = opts.quick ? basinWindow(changedFull, QUICK_WINDOW) : changedFull;

  const fromDay = daysBetween(baseline.startDate, change.from);
  let runDir = given;
  const tTrain = performance.now();
  if (!runDir) {
    runDir = path.join(path.resolve(opts.projectDir!), 'runs', opts.runId ?? defaultRunId(opts.quick ? 'extrapolation-quick' : 'extrapolation'));
    log(`training ${config.models.join(', ')} on the historic climate into ${runDir}`);
    await runExperiment({
      // the run's own predictions (its scores and map layers) start a spin-up before the change or
      // its test period, whichever is first, not at the record's start
      dataset: baseline, config, runDir, resume: false, log, predictFromDay: Math.min(fromDay, periodRange(baseline, config.periods.test, 'test').start) - SPIN_UP_DAYS,
      ...(opts.signal ? { signal: opts.signal } : {}),
      onProgress: (p) => progress(0.15 + 0.45 * p.fraction, `training: ${p.message}`),
    });
  }
  const trainSeconds = given ? 0 : since(tTrain);
  if (!given) log(`trained in ${trainSeconds} s`);
  const tPredict = performance.now();
  const projectDir = path.resolve(opts.projectDir ?? path.dirname(path.dirname(runDir)));

  const train = periodRange(baseline, config.periods.train, 'train');
  const test = periodRange(baseline, config.periods.test, 'test');
  // the models start SPIN_UP_DAYS before the change, or where the run's record starts if that is later
  const record: DayRange = { start: Math.max(periodRange(baseline, config.periods.record, 'record').start, fromDay - SPIN_UP_DAYS), end: test.end };
  const clip = await resolveRunClip(config, projectDir, runDir, baseline);
  const baseInputs = prepareRunInputs(trainingView(baseline, clip), config, record, train);
  const changedInputs = prepareRunInputs(trainingView(changed, clip), config, record, train);
  const entries = scenarioEntries(runDir, config);
  const C = baseline.mask.length;
  const skip = (fromDay - record.start) * C;
  const scoredTruth = (a: Float32Array | undefined) => a!.subarray(fromDay * C, test.end * C);
  const channels = featureChannelNames(config.features);
  const start = given ? 0.15 : 0.6;
  const share = (0.97 - start) / (2 * entries.length);
  const rows: ExtrapolationSummary['entries'] = [];
  for (const [k, entry] of entries.entries()) {
    const predict = async (inputs: typeof baseInputs, which: string, slot: number) => {
      log(`${entry.label}: ${which} climate`);
      const out = await predictEntry(entry, runDir, config, inputs, record, opts.signal, (d, total) => progress(start + share * (slot + d / total), `${entry.label}, ${which}: ${d} of ${total} days`));
      return out.subarray(skip);
    };
    const predictedBaseline = await predict(baseInputs, 'baseline', 2 * k);
    const predictedChanged = await predict(changedInputs, 'changed', 2 * k + 1);
    const s: ExtrapolationScores = extrapolationScores({
      mask: baseline.mask, predictedBaseline, predictedChanged, trueBaseline: scoredTruth(baseline.trueLai), trueChanged: scoredTruth(changed.trueLai),
    });
    rows.push({
      id: entry.id, label: entry.label, co2: co2Response(entry.id, channels),
      nseChanged: round(s.nseChanged), nseBaseline: round(s.nseBaseline), biasChanged: round(s.biasChanged),
      predictedChange: round(s.predictedChange), trueChange: round(s.trueChange), changeError: round(s.changeError),
      cellChangeErrorMedian: round(s.cellChangeErrorMedian), cellChangeAbsErrorMedian: round(s.cellChangeAbsErrorMedian),
    });
  }
  opts.signal?.throwIfAborted();

  const predictSeconds = since(tPredict);
  const used = process.cpuUsage(cpu0);
  let basinCells = 0;
  for (const m of baseline.mask) basinCells += m;
  const summary: ExtrapolationSummary = {
    runId: path.basename(runDir),
    change: describeClimateChange(change),
    definition: { changes: change.scenario.changes, co2Ppm: change.scenario.co2Ppm ?? null },
    changeFrom: change.from,
    scored: { from: change.from, to: addDays(baseline.startDate, test.end - 1), days: test.end - fromDay },
    generator: { name: GENERATOR_NAME, version: GENERATOR_VERSION, seed: source.seed },
    grid: { ncols: baseline.grid.ncols, nrows: baseline.grid.nrows, basinCells, quick: opts.quick ?? false },
    entries: rows,
    seconds: since(t0),
    cpuSeconds: Math.round((used.user + used.system) / 1e5) / 10,
    stageSeconds: { generate: generateSeconds, train: trainSeconds, predict: predictSeconds },
    createdAt: new Date().toISOString(),
  };
  mkdirSync(path.join(runDir, path.dirname(EXTRAPOLATION_SUMMARY_FILE)), { recursive: true });
  await writeExtrapolationSummary(runDir, summary);
  const tableText = extrapolationTable(summary);
  await writeFileAtomic(path.join(runDir, EXTRAPOLATION_TABLE_FILE), `${tableText}\n`);
  const files = [path.join(runDir, EXTRAPOLATION_SUMMARY_FILE), path.join(runDir, EXTRAPOLATION_TABLE_FILE)];
  const report = path.join(runDir, REPORT_FILE);
  if (existsSync(report)) {
    await writeFileAtomic(report, withReportSection(readFileSync(report, 'utf8'), 'extrapolation', extrapolationSectionHtml(summary)));
    files.push(report);
  }
  progress(1, 'written');
  return { runDir, summary, tableText, files };
}

/** The table as Markdown: one row per entry, LAI in m2 m-2. */
export function extrapolationTable(s: ExtrapolationSummary): string {
  const f = (v: number | null, d = 3) => (v === null ? 'n/a' : v.toFixed(d));
  const head = [
    `Changed climate ${s.change}; scored ${s.scored.from}..${s.scored.to} (${s.scored.days} days), ${s.grid.basinCells} basin cells${s.grid.quick ? ' (quick: a small window, tiny run)' : ''}; run ${s.runId}.`,
    '',
    '| model | CO2 | NSE changed | NSE baseline | bias changed | true change | predicted change | change error | cell median change error | cell median abs. change error |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  const rows = s.entries.map((e) => `| ${e.label} | ${e.co2} | ${f(e.nseChanged)} | ${f(e.nseBaseline)} | ${f(e.biasChanged)} | ${f(e.trueChange)} | ${f(e.predictedChange)} | ${f(e.changeError)} | ${f(e.cellChangeErrorMedian)} | ${f(e.cellChangeAbsErrorMedian)} |`);
  return [...head, ...rows].join('\n');
}

/** The test's time in words: wall clock per stage and the process's CPU time (the figure comparable under load). */
export function describeTestTime(s: ExtrapolationSummary): string {
  const st = s.stageSeconds;
  const stages = st ? ` (generating the truth ${st.generate} s, training ${st.train} s, predicting ${st.predict} s)` : '';
  const cpu = s.cpuSeconds === undefined ? '' : `; CPU ${s.cpuSeconds} s (user + system, all threads)`;
  return `time: wall ${s.seconds} s${stages}${cpu}`;
}
