/**
 * The identical-twin experiment (`vegdyn twin`, issue #12 §4): can the calibrated physics-only
 * model learn the process parameters at all? VegDyn's own grid process model makes the "truth"
 * LAI with known, spatially varying parameters (twin-truth.ts) on the basin's forcing; satellite-
 * like observations of it replace the dataset's; then 'physics-calibrated' is trained on them by
 * the normal trainer (same loss, windows, early stopping, checkpoints as any run), once per
 * parameterization, and each recovered parameter map is compared with the truth
 * (twin-recovery.ts). A loss profile along each parameter (truth scaled by a factor, the others
 * at their truth) shows which parameters the observations pin down at all.
 *
 * Output: twins/<id>/ (run-folder.ts): twin.json, maps/twin-parameters.tif, models/<param.>/.
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset.ts';
import type { DayRange } from '../data/time-axis.ts';
import { cropDataset, mixedWindowOrigin } from '../physics/grid/dataset-window.ts';
import { LEARNED_PARAMETER_NAMES, PARAMETER_SPECS, type LearnedParameterName } from '../physics/grid/pft-params.ts';
import { learnedSet } from '../physics/grid/grid-physics-runner.ts';
import { CELL_NETWORK_WEIGHTS } from '../physics/grid/cell-parameter-network.ts';
import { createModel } from '../models/model-factory.ts';
import type { PhysicsOnlyModel } from '../models/physics-only.ts';
import { resolveRunConfig, type RunConfig } from '../training/run-config.ts';
import { trainModel, type TrainProgress } from '../training/trainer.ts';
import { writeGeoTiff, type GeoTiffBand } from '../export/geotiff.ts';
import { defaultOptimizer, periodRange, prepareRunInputs, withNormalization } from './experiment.ts';
import { modelFolderStore, saveWeightsFile } from './model-folder-store.ts';
import { TWIN_MAPS_FILE, WEIGHTS_FILE, modelDir, writeModelJson, writeTwinRecord, type TwinRecord } from './run-folder.ts';
import { LEARNED_PARAMETERS_FILE } from '../physics/grid/learned-parameters.ts';
import { TRUTH_AMPLITUDE, TRUTH_WEIGHTS, simulateWithMaps, trueParameterMaps, twinAttributes, twinObservations } from './twin-truth.ts';
import { processCellsFromDataset } from '../physics/grid/process-model.ts';
import { differenceMap, errorCorrelations, parameterRecovery, type ParameterRecovery } from './twin-recovery.ts';

export const TWIN_PARAMETERIZATIONS = ['per-pft', 'per-cell-network'] as const;
export type TwinParameterization = (typeof TWIN_PARAMETERIZATIONS)[number];

/** What one twin runs: the window, the periods, the training budget. */
export interface TwinSettings {
  /** a window of the dataset's grid (chosen to hold every land-cover class), or null for the whole grid */
  readonly window: { readonly rows: number; readonly cols: number } | null;
  readonly periods: RunConfig['periods'];
  /** years of the record's first year run before the truth is recorded */
  readonly truthSpinUpYears: number;
  /** the model re-runs its spin-up with the current parameters at most every this many forward calls in training */
  readonly spinUpRefreshSteps: number;
  readonly relativeNoise: number;
  readonly seed: number;
  readonly parameterizations: readonly TwinParameterization[];
  /** the trainer's settings (the rest: the demo preset's) */
  readonly training: Pick<RunConfig, 'windowDays' | 'warmupDays' | 'batchSize' | 'windowsPerEpoch' | 'epochs' | 'patience'> & Partial<Pick<RunConfig, 'learningRateScale'>>;
  /** loss profile: factors on each parameter's truth, scored over the first this many days of the record */
  readonly profileFactors: readonly number[];
  readonly profileDays: number;
}

/** the demo preset's rates but `scale` x 3e-3 for the per-cell network's weights (the per-PFT raw values keep 0.048) */
function cellNetworkRate(scale: number): Record<string, number> {
  return Object.fromEntries(CELL_NETWORK_WEIGHTS.map((w) => [`physics/cellnet/${w}`, scale]));
}

const PERIODS_2001_2008: RunConfig['periods'] = {
  record: { from: '2001-01-01', to: '2008-12-31' },
  train: { from: '2001-01-01', to: '2006-12-31' },
  validate: { from: '2007-01-01', to: '2007-12-31' },
  test: { from: '2008-01-01', to: '2008-12-31' },
};

/**
 * `vegdyn twin`: a 24 x 24 window of the basin with every land cover (about a sixth of the demo
 * grid: the whole grid does not fit the 15-minute budget on 2 shared cores), 2001-2008 (the
 * 8-day MODIS-era composites)
 */
export const TWIN_DEFAULTS: TwinSettings = Object.freeze({
  window: { rows: 24, cols: 24 },
  periods: PERIODS_2001_2008,
  truthSpinUpYears: 3,
  spinUpRefreshSteps: 4,
  relativeNoise: 0.05,
  seed: 42,
  parameterizations: TWIN_PARAMETERIZATIONS,
  // the per-cell network's weights at 0.012 (the demo preset's 0.048 was best after one epoch and
  // recovered less; 0.003 for 20 epochs drifted along the Vcmax25-SLA trade-off: docs/identical-twin.md)
  training: { windowDays: 120, warmupDays: 30, batchSize: 2, windowsPerEpoch: 16, epochs: 6, patience: 3, learningRateScale: cellNetworkRate(4) },
  profileFactors: [0.8, 0.9, 1.1, 1.2],
  profileDays: 365,
});

/**
 * `vegdyn twin --quick` (and the unit test): a 10 x 10 window with every land cover, 1981-1983
 * (the half-monthly AVHRR-era composites: the virtual basin is generated from 1980 on, so its first
 * years are the cheapest to make in a test)
 */
export const TWIN_QUICK: TwinSettings = Object.freeze({
  ...TWIN_DEFAULTS,
  window: { rows: 10, cols: 10 },
  periods: {
    record: { from: '1981-01-01', to: '1983-12-31' },
    train: { from: '1981-01-01', to: '1982-12-31' },
    validate: { from: '1983-01-01', to: '1983-08-31' },
    test: { from: '1983-09-01', to: '1983-12-31' },
  },
  truthSpinUpYears: 2,
  training: { windowDays: 120, warmupDays: 30, batchSize: 2, windowsPerEpoch: 12, epochs: 5, patience: 2 },
  profileFactors: [0.8, 1.2],
  profileDays: 240,
});

export interface TwinProgress {
  readonly stage: 'truth' | 'train' | 'recover' | 'profile' | 'write';
  readonly fraction: number;
  readonly message: string;
  readonly train?: TrainProgress;
}

export interface TwinOptions {
  readonly dataset: Dataset;
  readonly outDir: string;
  readonly quick: boolean;
  /** replaces TWIN_DEFAULTS / TWIN_QUICK (tests) */
  readonly settings?: TwinSettings;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: TwinProgress) => void;
  readonly log?: (line: string) => void;
}

export interface TwinResult {
  readonly outDir: string;
  readonly record: TwinRecord;
  /** per parameterization, per learned parameter: recovered values [cells of the window] */
  readonly recovered: Readonly<Record<string, Readonly<Partial<Record<LearnedParameterName, Float32Array>>>>>;
  readonly truth: Readonly<Record<LearnedParameterName, Float32Array>>;
}

/** The parameters the twin trains and scores: the calibrated model's learned set (Jarvis). */
export const TWIN_PARAMETERS: readonly LearnedParameterName[] = LEARNED_PARAMETER_NAMES.filter((n) => learnedSet('jarvis', true).has(n));

export async function runTwin(opts: TwinOptions): Promise<TwinResult> {
  const t0 = performance.now();
  const settings = opts.settings ?? (opts.quick ? TWIN_QUICK : TWIN_DEFAULTS);
  const log = opts.log ?? (() => undefined);
  const progress = opts.onProgress ?? (() => undefined);
  const signal = opts.signal;
  const full = opts.dataset;
  const origin = settings.window ? mixedWindowOrigin(full, settings.window.rows, settings.window.cols) : { row0: 0, col0: 0 };
  const ds = settings.window ? cropDataset(full, origin.row0, origin.col0, settings.window.rows, settings.window.cols) : full;
  const n = ds.mask.length;
  const basinCells = ds.mask.reduce((s, m) => s + (m ? 1 : 0), 0);
  const record = periodRange(ds, settings.periods.record, 'record');
  const train = periodRange(ds, settings.periods.train, 'train');
  const validate = periodRange(ds, settings.periods.validate, 'validate');
  periodRange(ds, settings.periods.test, 'test');
  mkdirSync(opts.outDir, { recursive: true });
  const timings: Record<string, number> = {};
  const twin: TwinRecord = {
    id: path.basename(opts.outDir),
    status: 'running',
    createdAt: new Date().toISOString(),
    quick: opts.quick,
    dataset: { id: full.id, source: full.source },
    window: { ...origin, rows: ds.grid.nrows, cols: ds.grid.ncols, basinCells },
    periods: settings.periods,
    truth: {
      formula: `p_true(c) = p_default(PFT of c) * (1 + ${TRUTH_AMPLITUDE} * tanh(sum_a w_pa z_a(c))), z_a = basin-normalized static attributes (training-period means for precipitation and temperature)`,
      amplitude: TRUTH_AMPLITUDE,
      weights: TRUTH_WEIGHTS as Record<string, Record<string, number>>,
      relativeNoise: settings.relativeNoise,
      spinUpYears: settings.truthSpinUpYears,
    },
    results: {},
    timings,
    machine: { cpus: os.cpus().length, loadAverage: os.loadavg(), backend: tf.getBackend() },
  };
  const save = () => writeTwinRecord(opts.outDir, twin);
  await save();
  try {
    // ---- 1. truth
    progress({ stage: 'truth', fraction: 0, message: `true parameters and LAI on ${basinCells} basin cells, ${settings.periods.record.from}..${settings.periods.record.to}` });
    let ts = performance.now();
    const cellPft = processCellsFromDataset(ds).pft;
    const truthMaps = trueParameterMaps(twinAttributes(ds, train), cellPft, ds.mask);
    const defaults = defaultMaps(cellPft, ds.mask);
    const truthLai = simulateWithMaps(ds, truthMaps, record, settings.truthSpinUpYears, signal);
    const observations = twinObservations(ds.observations, truthLai, record.start, n, settings.relativeNoise, settings.seed);
    const twinDataset: Dataset = { ...withNormalization(ds, ds.normalization), id: `${ds.id}-twin`, source: `identical twin of ${ds.source}`, observations, trueLai: undefined };
    timings.truth = (performance.now() - ts) / 1000;
    const valid = observations.values.reduce((s, v) => s + (Number.isFinite(v) ? 1 : 0), 0);
    log(`truth: ${observations.dayIndex.length} composites, ${valid} valid cell observations, ${timings.truth.toFixed(1)} s`);

    // ---- 2. recovery, once per parameterization
    const config = twinRunConfig(settings);
    const inputs = prepareRunInputs(twinDataset, config, record, train);
    const recovered: Record<string, Partial<Record<LearnedParameterName, Float32Array>>> = {};
    const bands: GeoTiffBand[] = TWIN_PARAMETERS.map((p) => ({ data: truthMaps[p], description: `true ${p}`, metadata: { units: PARAMETER_SPECS[p].range.units } }));
    const steps = settings.parameterizations.length;
    for (const [i, parameterization] of settings.parameterizations.entries()) {
      ts = performance.now();
      const dir = modelDir(opts.outDir, parameterization);
      mkdirSync(dir, { recursive: true });
      const model = createModel({
        kind: 'physics-calibrated', rows: ds.grid.nrows, cols: ds.grid.ncols, inputChannels: inputs.features.channelCount, seed: settings.seed,
        ...(config.modelOptions['physics-calibrated'] ?? {}), ...parameterizationOption(parameterization),
      } as Parameters<typeof createModel>[0], { dataset: inputs.runDataset }) as PhysicsOnlyModel;
      const { optimizer } = defaultOptimizer(config, model);
      try {
        log(`training physics-calibrated (${parameterization})`);
        const r = await trainModel({
          model, optimizer, features: inputs.features, config, train, validate, store: modelFolderStore(dir), resume: false, signal, log,
          onProgress: (p) => progress({ stage: 'train', train: p, fraction: 0.1 + 0.8 * (i + p.fraction) / steps, message: `${parameterization}: epoch ${p.epoch}/${p.epochs}, batch ${p.batch}/${p.batches}${p.loss !== undefined ? `, loss ${p.loss.toFixed(4)}` : ''}` }),
        });
        await saveWeightsFile(model, path.join(dir, WEIGHTS_FILE), { kind: 'physics-calibrated', parameterization, bestEpoch: r.bestEpoch });
        await writeModelJson(opts.outDir, parameterization, LEARNED_PARAMETERS_FILE, model.learnedParameters());
        const maps = model.learnedParameterMaps();
        recovered[parameterization] = Object.fromEntries(TWIN_PARAMETERS.map((p) => [p, maps[p]]));
        const parameters: Record<string, ParameterRecovery> = {};
        for (const p of TWIN_PARAMETERS) {
          parameters[p] = parameterRecovery(maps[p], truthMaps[p], defaults[p]);
          bands.push({ data: differenceMap(maps[p], truthMaps[p]), description: `${parameterization} ${p} recovered minus true`, metadata: { units: PARAMETER_SPECS[p].range.units } });
        }
        timings[`train:${parameterization}`] = (performance.now() - ts) / 1000;
        twin.results[parameterization] = {
          training: { epochs: r.history.length, bestEpoch: r.bestEpoch, bestValLoss: r.bestValLoss, seconds: r.seconds, history: r.history },
          parameters,
          errorCorrelations: errorCorrelations(recovered[parameterization]!, truthMaps, TWIN_PARAMETERS),
        };
        for (const line of formatRecovery(parameterization, parameters)) log(line);
        await save();
      } finally {
        model.dispose();
        optimizer.dispose();
      }
    }

    // ---- 3. loss profile along each parameter around the truth
    if (settings.profileFactors.length) {
      ts = performance.now();
      twin.lossProfile = await lossProfile(twinDataset, truthMaps, record, settings, (f, m) => progress({ stage: 'profile', fraction: 0.9 + 0.08 * f, message: m }), signal);
      timings.profile = (performance.now() - ts) / 1000;
    }

    // ---- 4. maps
    progress({ stage: 'write', fraction: 0.98, message: 'parameter maps (GeoTIFF)' });
    mkdirSync(path.dirname(path.join(opts.outDir, TWIN_MAPS_FILE)), { recursive: true });
    await writeGeoTiff(path.join(opts.outDir, TWIN_MAPS_FILE), { grid: ds.grid, bands, mask: ds.mask, metadata: { source: 'VegDyn identical twin', twin: twin.id } });
    twin.status = 'finished';
    timings.total = (performance.now() - t0) / 1000;
    (twin.machine as { loadAverageEnd?: number[] }).loadAverageEnd = os.loadavg();
    await save();
    return { outDir: opts.outDir, record: twin, recovered, truth: truthMaps };
  } catch (err) {
    twin.status = signal?.aborted ? 'cancelled' : 'failed';
    twin.error = err instanceof Error ? err.message : String(err);
    timings.total = (performance.now() - t0) / 1000;
    await save();
    throw err;
  }
}

/** The trainer's config of a twin: the demo preset's optimizer, the twin's windows and periods, forcing-only inputs, plain MSE. */
export function twinRunConfig(settings: TwinSettings): RunConfig {
  return resolveRunConfig({
    models: ['physics-calibrated'],
    ...settings.training,
    // nothing pulls the raw parameters toward the middle of their ranges
    weightDecay: 0,
    seed: settings.seed,
    periods: settings.periods,
    features: { dayOfYear: false, staticLayers: false, climatology: false, antecedent: false, co2: false },
    lossWeighting: 'uniform',
    target: 'lai',
    // the windows start from the spun-up state of the current parameters: refreshed every few steps
    // (the default 50 would keep the defaults' state for a whole twin, and the parameters would
    // learn to compensate for a wrong initial leaf carbon instead of the truth)
    modelOptions: { 'physics-calibrated': { spinUpYears: settings.truthSpinUpYears, spinUpRefreshSteps: settings.spinUpRefreshSteps } },
  }, 'demo');
}

/** the model option that selects a parameterization (per-pft: the model's default) */
function parameterizationOption(p: TwinParameterization): Record<string, unknown> {
  return p === 'per-pft' ? {} : { parameterization: p };
}

/** every basin cell at its PFT's default (what recovery starts from); NaN outside */
function defaultMaps(cellPft: Int32Array, mask: ArrayLike<number>): Record<LearnedParameterName, Float32Array> {
  const out = {} as Record<LearnedParameterName, Float32Array>;
  for (const p of LEARNED_PARAMETER_NAMES) out[p] = Float32Array.from(cellPft, (k, c) => (mask[c] ? PARAMETER_SPECS[p].defaults[k]! : NaN));
  return out;
}

/** the recovery table of one parameterization as text lines (reads a twin.json's figures too: JSON has null for NaN) */
export function formatRecovery(parameterization: string, parameters: Readonly<Record<string, { [K in keyof ParameterRecovery]?: ParameterRecovery[K] | null }>>): string[] {
  return [`${parameterization}: parameter        r    med.rel.err  r within PFTs  (defaults: r, err)  targets`, ...Object.entries(parameters).map(([p, r]) =>
    `  ${p.padEnd(15)} ${fmt(r.pearson)}  ${pct(r.medianRelativeError)}      ${fmt(r.withinPftPearson)}     (${fmt(r.defaultsPearson)}, ${pct(r.defaultsMedianRelativeError)})  ${r.meetsTargets ? 'met' : 'missed'}`)];
}
const fmt = (x: number | null | undefined) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(3) : '  n/a');
const pct = (x: number | null | undefined) => (typeof x === 'number' && Number.isFinite(x) ? `${(100 * x).toFixed(1).padStart(5)} %` : '  n/a');

/**
 * The loss of the twin's observations over the first `profileDays` of the record when one
 * parameter is its truth times `factor` in every cell and the others are their truth, relative to
 * the loss at the truth itself (the noise floor): a flat profile (ratio near 1) means LAI cannot
 * tell that parameter's values apart. Each run starts like the truth's (the same spin-up on the
 * record's first year), so at factor 1 it is the truth exactly.
 */
async function lossProfile(
  ds: Dataset, truth: Record<LearnedParameterName, Float32Array>, range: DayRange, settings: TwinSettings,
  onStep: (fraction: number, message: string) => void, signal?: AbortSignal,
): Promise<Record<string, { factor: number; loss: number }[]>> {
  const r: DayRange = { start: range.start, end: Math.min(range.end, range.start + settings.profileDays) };
  const obs = ds.observations;
  const n = ds.mask.length;
  const score = (lai: Float32Array): number => {
    let sse = 0;
    let count = 0;
    for (let k = 0; k < obs.dayIndex.length; k++) {
      const a = obs.periodStart![k]!;
      const b = obs.periodEnd![k]!;
      if (a < r.start || b > r.end) continue;
      for (let c = 0; c < n; c++) {
        const o = obs.values[k * n + c]!;
        if (!Number.isFinite(o)) continue;
        let m = 0;
        for (let t = a; t < b; t++) m += lai[(t - r.start) * n + c]!;
        sse += (m / (b - a) - o) ** 2;
        count++;
      }
    }
    return sse / Math.max(1, count);
  };
  const base = score(simulateWithMaps(ds, truth, r, settings.truthSpinUpYears, signal));
  const out: Record<string, { factor: number; loss: number }[]> = {};
  const total = TWIN_PARAMETERS.length * settings.profileFactors.length;
  let done = 0;
  for (const p of TWIN_PARAMETERS) {
    const spec = PARAMETER_SPECS[p].range;
    out[p] = [{ factor: 1, loss: 1 }];
    for (const f of settings.profileFactors) {
      onStep(done / total, `loss profile: ${p} x ${f}`);
      const maps = { ...truth, [p]: Float32Array.from(truth[p], (v) => Math.min(spec.max - 1e-6 * (spec.max - spec.min), Math.max(spec.min + 1e-6 * (spec.max - spec.min), v * f))) };
      out[p].push({ factor: f, loss: score(simulateWithMaps(ds, maps, r, settings.truthSpinUpYears, signal)) / base });
      await new Promise((resolve) => setImmediate(resolve));
      done++;
    }
    out[p].sort((a, b) => a.factor - b.factor);
  }
  return out;
}
