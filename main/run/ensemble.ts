/**
 * Ensembles: N members of one run config that differ in seed (initial weights, and the training
 * windows drawn unless `varyWindows` is false), each trained as a complete run folder under
 * runs/<id>/members/m<NN>/, then collected into the ensemble run folder itself:
 *   - predictions/<entry>.nc: the ensemble mean of daily LAI, scored like any run (so the map,
 *     the series chart and the comparison panel read it as a run);
 *   - spread/<entry>.nc: the member spread per test date (std, 5th and 95th percentile, 5-95 % range);
 *   - spread/test-period.nc: per cell, the spread averaged over the test period and the spread of
 *     the members' NSE;
 *   - evaluation/summary.json `ensemble`: each member's median NSE and their min / median / max.
 * Members train one after another here (`vegdyn train --ensemble N`) or as the tasks of a Slurm
 * job array (main/run/cluster.ts, `vegdyn train --ensemble N --member K`); a collection merges
 * the members finished so far and can be repeated as more finish.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Dataset } from '../data/dataset.ts';
import { openDataset } from '../data/store/netcdf-store.ts';
import { addDays } from '../data/time-axis.ts';
import { MODEL_LABELS, modelLabel } from '../models/model-kinds.ts';
import type { RunConfig } from '../training/run-config.ts';
import { dayOfYearClimatology } from '../training/climatology.ts';
import { memberSpread, meanOverDays, metricSpread } from '../evaluation/ensemble-spread.ts';
import { spread as spreadOf } from '../evaluation/metrics.ts';
import type { Evaluation } from '../evaluation/evaluate.ts';
import { writeNetcdfSeries } from '../export/netcdf.ts';
import { periodRange, resolveRunClip, runExperiment, trainingView, type ExperimentProgress, type ExperimentResult } from './experiment.ts';
import { evaluateAndWriteRun } from './run-evaluation.ts';
import {
  PREDICTION_SIGNIFICANT_BITS, bitRound, findMetricsFile, findPredictionFile, ncName, readMetricsFile, readPredictionFile, runFilesReady, writeGridFile,
} from './run-files.ts';
import {
  ENSEMBLE_FILE, MAX_MEMBERS, SPREAD_DIR, SPREAD_MAPS_FILE, memberDir, memberId, readEnsembleRecord, readRunConfig, readRunRecord, readRunSummary,
  spreadPath, writeEnsembleRecord, writeProgressRecord, writeRunConfig, writeRunRecord, type EnsembleRecord, type EnsembleSummary,
  type ProgressRecord,
} from './run-folder.ts';

const MAX_SEED = 2 ** 31 - 1;

/** The config member `index` trains with: seed + index; the windows' seed shared unless varyWindows. */
export function memberConfig(config: RunConfig, index: number, varyWindows: boolean): RunConfig {
  const seed = config.seed + index;
  if (seed > MAX_SEED) throw new Error(`ensemble member ${index}: seed ${config.seed} + ${index} exceeds ${MAX_SEED}; choose a smaller seed`);
  const windowSeed = varyWindows ? (config.windowSeed === null ? null : (config.windowSeed + index) % MAX_SEED) : (config.windowSeed ?? config.seed);
  return { ...config, seed, windowSeed };
}

/**
 * Creates the ensemble's folder (config.json, ensemble.json), or checks that an existing one
 * was made with the same member count, seed and window choice (a resumed ensemble).
 */
export async function prepareEnsemble(runDir: string, config: RunConfig, members: number, varyWindows: boolean): Promise<EnsembleRecord> {
  if (!Number.isInteger(members) || members < 2 || members > MAX_MEMBERS) throw new Error(`--ensemble: expected 2..${MAX_MEMBERS} members, got ${members}`);
  memberConfig(config, members - 1, varyWindows);
  const file = path.join(runDir, ENSEMBLE_FILE);
  const existing = readEnsembleRecord(runDir);
  if (existing) {
    const clash = existing.members !== members ? `members is ${existing.members}, asked for ${members}`
      : existing.baseSeed !== config.seed ? `baseSeed is ${existing.baseSeed}, the config's seed is ${config.seed}`
        : existing.varyWindows !== varyWindows ? `varyWindows is ${existing.varyWindows}, asked for ${varyWindows}` : null;
    if (clash) throw new Error(`${file}: ${clash}; resume the ensemble with its own settings or choose another run id`);
    return existing;
  }
  mkdirSync(runDir, { recursive: true });
  await writeRunConfig(runDir, config);
  const record: EnsembleRecord = { members, baseSeed: config.seed, varyWindows, createdAt: new Date().toISOString(), collected: null };
  await writeEnsembleRecord(runDir, record);
  return record;
}

export interface MemberOptions {
  readonly dataset: Dataset;
  /** the ensemble's run folder */
  readonly runDir: string;
  readonly projectDir: string;
  readonly index: number;
  readonly backend?: unknown;
  /** scheduler job id, recorded in the member's progress.json */
  readonly job?: string;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
  readonly onProgress?: (p: ExperimentProgress) => void;
}

/**
 * Trains (or resumes, from its checkpoints) one member into members/m<NN>/ and keeps its
 * progress.json current (at most every 2 s, and at the end) for `vegdyn cluster status`.
 */
export async function trainMember(opts: MemberOptions): Promise<ExperimentResult> {
  const ens = readEnsembleRecord(opts.runDir);
  if (!ens) throw new Error(`${path.join(opts.runDir, ENSEMBLE_FILE)}: missing; create the ensemble with 'vegdyn train --ensemble N' (or 'vegdyn cluster submit') first`);
  if (opts.index >= ens.members) throw new Error(`member ${opts.index}: the ensemble has ${ens.members} members (0..${ens.members - 1})`);
  const config = memberConfig(readRunConfig(opts.runDir), opts.index, ens.varyWindows);
  const dir = memberDir(opts.runDir, opts.index);
  mkdirSync(dir, { recursive: true });
  let last = 0;
  let writing: Promise<void> = Promise.resolve();
  let resumedAfterEpoch: number | undefined;
  const report = (r: Pick<ProgressRecord, 'fraction' | 'message' | 'state'> & { epoch?: number; error?: string }): Promise<void> => {
    const rec: ProgressRecord = { at: new Date().toISOString(), ...r, ...(opts.job ? { job: opts.job } : {}), ...(resumedAfterEpoch !== undefined ? { resumedAfterEpoch } : {}) };
    writing = writing.then(() => writeProgressRecord(dir, rec)).catch(() => undefined);
    return writing;
  };
  const log = (line: string): void => {
    const m = /resumed after epoch (\d+)/.exec(line);
    if (m) resumedAfterEpoch = Number(m[1]);
    opts.log?.(`${memberId(opts.index)}: ${line}`);
  };
  await report({ fraction: 0, message: 'starting', state: 'running' });
  try {
    const r = await runExperiment({
      dataset: opts.dataset, config, runDir: dir, projectDir: opts.projectDir, backend: opts.backend, resume: true, log,
      ...(opts.signal ? { signal: opts.signal } : {}),
      onProgress: (p) => {
        opts.onProgress?.(p);
        const now = Date.now();
        if (now - last < 2000) return;
        last = now;
        void report({ fraction: p.fraction, message: p.message, state: 'running', ...(p.train ? { epoch: p.train.epoch } : {}) });
      },
    });
    await report({ fraction: 1, message: 'finished', state: 'finished' });
    return r;
  } catch (err) {
    await report({ fraction: 0, message: 'stopped', state: opts.signal?.aborted ? 'cancelled' : 'failed', error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}

/** Whether a member's folder holds a finished run. */
export function memberFinished(runDir: string, index: number): boolean {
  try {
    return readRunRecord(memberDir(runDir, index))?.status === 'finished';
  } catch {
    return false;
  }
}

export interface EnsembleOptions extends Omit<MemberOptions, 'index' | 'job'> {
  readonly config: RunConfig;
  readonly members: number;
  readonly varyWindows: boolean;
}

/** Trains every member not finished yet, one after another, then collects the ensemble. */
export async function trainEnsemble(opts: EnsembleOptions): Promise<CollectResult> {
  const ens = await prepareEnsemble(opts.runDir, opts.config, opts.members, opts.varyWindows);
  for (let i = 0; i < ens.members; i++) {
    if (memberFinished(opts.runDir, i)) {
      opts.log?.(`${memberId(i)}: already finished`);
      continue;
    }
    await trainMember({
      ...opts, index: i,
      onProgress: (p) => opts.onProgress?.({ ...p, fraction: (i + p.fraction) / ens.members, message: `member ${i + 1}/${ens.members}: ${p.message}` }),
    });
  }
  return collectEnsemble({ runDir: opts.runDir, projectDir: opts.projectDir, dataset: opts.dataset, ...(opts.log ? { log: opts.log } : {}) });
}

export interface CollectOptions {
  readonly runDir: string;
  readonly projectDir?: string;
  readonly dataset?: Dataset;
  readonly log?: (line: string) => void;
}

export interface CollectResult {
  readonly runDir: string;
  /** member ids merged */
  readonly collected: readonly string[];
  /** members not finished yet */
  readonly pending: readonly string[];
  /** entries averaged (trained model kinds) */
  readonly entries: readonly string[];
  readonly evaluation: Evaluation;
  readonly summary: EnsembleSummary;
}

/**
 * Merges the finished members into the ensemble's run folder: mean predictions scored on the test
 * period, spread files, the members' NSE distribution, run.json (status 'finished' once every
 * member is in, 'running' before). Safe to repeat: each collection rewrites every output atomically.
 */
export async function collectEnsemble(opts: CollectOptions): Promise<CollectResult> {
  const runDir = path.resolve(opts.runDir);
  const log = opts.log ?? (() => undefined);
  const ens = readEnsembleRecord(runDir);
  if (!ens) throw new Error(`${path.join(runDir, ENSEMBLE_FILE)}: missing; ${runDir} is not an ensemble run`);
  const config = readRunConfig(runDir);
  const done: number[] = [];
  const pending: string[] = [];
  for (let i = 0; i < ens.members; i++) {
    if (memberFinished(runDir, i)) done.push(i);
    else pending.push(memberId(i));
  }
  if (done.length === 0) throw new Error(`${runDir}: no member has finished yet (${pending.join(', ')} pending); see 'vegdyn cluster status'`);
  const projectDir = path.resolve(opts.projectDir ?? path.dirname(path.dirname(runDir)));
  const dataset = opts.dataset ?? await openDataset(projectDir);
  await runFilesReady();
  const C = dataset.grid.nrows * dataset.grid.ncols;
  const record = periodRange(dataset, config.periods.record, 'record');
  const train = periodRange(dataset, config.periods.train, 'train');
  const test = periodRange(dataset, config.periods.test, 'test');
  const dirs = done.map((i) => memberDir(runDir, i));
  const ids = done.map((i) => memberId(i));

  // entries every collected member predicted; physics-only has no seed, member 0's stands for all
  const entries = config.models.filter((k) => dirs.every((d) => findPredictionFile(d, k)));
  if (entries.length === 0) throw new Error(`${runDir}: the finished members share no trained model with predictions (models: ${config.models.join(', ')})`);
  const predictions = new Map<string, Float32Array>();
  const testDays = test.end - test.start;
  const testDates = Array.from({ length: testDays }, (_, t) => addDays(dataset.startDate, test.start + t));
  const from = (test.start - record.start) * C;
  const mapVars: Parameters<typeof writeGridFile>[3][number][] = [];
  const nseSummary: EnsembleSummary['nse'] = {};
  const memberSummaries = dirs.map((d) => readRunSummary(d));
  mkdirSync(path.join(runDir, SPREAD_DIR), { recursive: true });
  for (const entry of entries) {
    const label = modelLabel(entry);
    log(`${label}: mean and spread of ${dirs.length} members`);
    const series = dirs.map((d) => {
      const p = readPredictionFile(findPredictionFile(d, entry)!);
      if (p.startDate !== addDays(dataset.startDate, record.start) || p.days !== record.end - record.start) {
        throw new Error(`${findPredictionFile(d, entry)}: covers ${p.startDate} + ${p.days} days, the ensemble's record is ${config.periods.record.from}..${config.periods.record.to}`);
      }
      return p.daily;
    });
    predictions.set(entry, memberSpread(series).mean);
    const s = memberSpread(series, from, from + testDays * C);
    const range = s.p95.map((hi, i) => hi - s.p05[i]!);
    await writeNetcdfSeries(spreadPath(runDir, entry), {
      grid: dataset.grid, dates: testDates,
      variables: [
        { name: 'lai_std', units: 'm2 m-2', longName: `${label}: standard deviation of daily LAI over ${dirs.length} ensemble members`, data: bitRound(s.std, PREDICTION_SIGNIFICANT_BITS) },
        { name: 'lai_p05', units: 'm2 m-2', longName: `${label}: 5th percentile of daily LAI over the ensemble members`, data: bitRound(s.p05, PREDICTION_SIGNIFICANT_BITS) },
        { name: 'lai_p95', units: 'm2 m-2', longName: `${label}: 95th percentile of daily LAI over the ensemble members`, data: bitRound(s.p95, PREDICTION_SIGNIFICANT_BITS) },
        { name: 'lai_range_5_95', units: 'm2 m-2', longName: `${label}: 5-95 % range of daily LAI over the ensemble members`, data: bitRound(range, PREDICTION_SIGNIFICANT_BITS) },
      ],
      attributes: {
        title: `VegDyn ensemble spread of daily LAI: ${label} (run ${path.basename(runDir)})`,
        vegdyn_run_id: path.basename(runDir), vegdyn_entry: entry, vegdyn_members: ids.join(' '),
        comment: 'Sample standard deviation (n - 1) and percentiles (linear interpolation) over the members, per test date.',
      },
    });
    const nse = dirs.map((d) => {
      const f = findMetricsFile(d);
      return f ? readMetricsFile(f).get(`${entry}/nse`) ?? null : null;
    }).filter((x): x is Float32Array => x !== null);
    const nseSpread = metricSpread(nse);
    const e = ncName(entry);
    const attrs = { vegdyn_entry: entry, vegdyn_entry_label: label };
    const period = `${config.periods.test.from}..${config.periods.test.to}`;
    mapVars.push(
      { name: `lai_std_${e}`, values: meanOverDays(s.std, C), units: 'm2 m-2', longName: `${label}: member standard deviation of daily LAI, mean over ${period}`, attributes: { ...attrs, vegdyn_spread: 'lai_std' } },
      { name: `lai_range_5_95_${e}`, values: meanOverDays(range, C), units: 'm2 m-2', longName: `${label}: member 5-95 % range of daily LAI, mean over ${period}`, attributes: { ...attrs, vegdyn_spread: 'lai_range_5_95' } },
      { name: `nse_std_${e}`, values: nseSpread.std, units: '1', longName: `${label}: standard deviation of the members' test NSE`, attributes: { ...attrs, vegdyn_spread: 'nse_std' } },
      { name: `nse_range_${e}`, values: nseSpread.range, units: '1', longName: `${label}: range (max - min) of the members' test NSE`, attributes: { ...attrs, vegdyn_spread: 'nse_range' } },
    );
    const perMember = ids.map((member, k) => {
      const m = memberSummaries[k]?.entries.find((x) => x.id === entry)?.summary.nse.median;
      return { member, median: typeof m === 'number' && Number.isFinite(m) ? m : null };
    });
    const st = spreadOf(perMember.map((p) => p.median ?? NaN));
    const orNull = (x: number) => (Number.isFinite(x) ? x : null);
    nseSummary[entry] = { perMember, min: orNull(st.min), median: orNull(st.median), max: orNull(st.max) };
  }
  await writeGridFile(path.join(runDir, SPREAD_MAPS_FILE), dataset.grid, {
    title: `VegDyn ensemble spread maps of run ${path.basename(runDir)}`,
    vegdyn_run_id: path.basename(runDir), vegdyn_members: ids.join(' '),
    vegdyn_period: `${config.periods.test.from}/${config.periods.test.to}`,
    comment: "lai_* : the members' daily spread averaged over the test period; nse_* : spread of the members' per-cell test NSE.",
  }, mapVars);

  const physics = findPredictionFile(dirs[0]!, 'physics-only');
  if (physics) predictions.set('physics-only', readPredictionFile(physics).daily);
  const member0 = readRunRecord(dirs[0]!)!;
  const clip = await resolveRunClip(config, projectDir, dirs[0]!, dataset);
  const clim = dayOfYearClimatology(trainingView(dataset, clip).observations, dataset.startDate, C, train, config.climatologyHalfWindow);
  const summary: EnsembleSummary = { members: ens.members, collected: ids, seeds: done.map((i) => memberConfig(config, i, ens.varyWindows).seed), nse: nseSummary };
  const written = await evaluateAndWriteRun({
    dataset, runDir, predictions, seriesStart: record.start, test, climatology: clim, clip, labels: MODEL_LABELS, writePredictions: true,
    summary: {
      runId: path.basename(runDir), preset: config.preset, periods: config.periods, reductions: member0.reductions,
      skipped: member0.skipped, failed: member0.failed, training: {}, ensemble: summary,
    },
    predictionAttributes: { vegdyn_preset: config.preset, vegdyn_seed: config.seed, vegdyn_ensemble_members: ids.join(' ') },
    onStep: log,
  });
  await writeRunRecord(runDir, {
    ...member0, id: path.basename(runDir), createdAt: ens.createdAt, seed: config.seed, status: pending.length ? 'running' : 'finished',
    models: entries, optimizers: member0.optimizers, timings: {}, ensemble: { members: ens.members, collected: ids },
  });
  await writeEnsembleRecord(runDir, { ...ens, collected: { at: new Date().toISOString(), members: ids, entries } });
  return { runDir, collected: ids, pending, entries, evaluation: written.evaluation, summary };
}
