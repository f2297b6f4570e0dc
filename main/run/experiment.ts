/**
 * One experiment = one run folder: train every configured model on a dataset, predict daily LAI
 * for the whole record, evaluate all models plus physics-only, climatology and the noise ceiling
 * on the test period, and write everything into runs/<id>/ (layout and records: run-folder.ts).
 */
import { scenarioDataset } from '../data/scenario/delta-change.ts';
import type { Scenario } from '../data/scenario/scenario-definition.ts';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Dataset, Normalization } from '../data/dataset.ts';
import { daysBetween, type DayRange } from '../data/time-axis.ts';
import { computeNormalization } from '../data/normalization.ts';
import { createModel, modelKinds } from '../models/model-factory.ts';
import type { LaiModel } from '../models/model.ts';
import { MODEL_LABELS, hasNetwork, modelLabel } from '../models/model-kinds.ts';
import { predictRange } from '../training/predict.ts';
import type { Evaluation } from '../evaluation/evaluate.ts';
import { evaluateAndWriteRun } from './run-evaluation.ts';
import { CLIP_FILE, clipCells, readClip, writeClip, type ClipCells } from './clip-file.ts';
import { modelFolderStore, saveWeightsFile } from './model-folder-store.ts';
import { WEIGHTS_FILE, modelDir, writeModelJson, writeModelParameterMaps, writeModelRecord, writeRunConfig, writeRunRecord, type RunRecord } from './run-folder.ts';
import { AdamW } from '../training/adamw.ts';
import { ParamGroupAdamW } from '../training/param-groups.ts';
import { dayOfYearClimatology, type Climatology } from '../training/climatology.ts';
import { describeMissingStatic, FeatureBuilder, type StaticStats } from '../training/features.ts';
import { AntecedentIndices } from '../training/antecedent.ts';
import { describeCapacityRefusal, wasmGridCapacity } from '../training/grid-capacity.ts';
import { describeReductions, learnsDeparture, type RunConfig, type TrainableModelKind } from '../training/run-config.ts';
import { trainModel, type StatefulOptimizer, type TrainProgress, type TrainResult } from '../training/trainer.ts';
import { LEARNED_PARAMETERS_FILE, formatParameterMovement, type LearnedParameterReport } from '../physics/grid/learned-parameters.ts';
import { LEARNED_PARAMETER_NAMES, PARAMETER_SPECS, type LearnedParameterName } from '../physics/grid/pft-params.ts';
import { readableSync } from '../tfjs/readback.ts';

function hasLearnedParameters(model: LaiModel): model is LaiModel & { learnedParameters(): LearnedParameterReport; learnedParameterMaps(): Record<LearnedParameterName, Float32Array> } {
  return typeof (model as { learnedParameters?: unknown }).learnedParameters === 'function';
}


export interface ExperimentProgress {
  readonly stage: 'prepare' | 'train' | 'predict' | 'evaluate' | 'write';
  /** 0..1 over the whole experiment */
  readonly fraction: number;
  readonly message: string;
  readonly model?: string;
  readonly train?: TrainProgress;
}

export interface ExperimentOptions {
  readonly dataset: Dataset;
  readonly config: RunConfig;
  readonly runDir: string;
  /** which tfjs backend runs (recorded in run.json) */
  readonly backend?: unknown;
  readonly resume?: boolean;
  /** the project folder whose clip.json a `clip: { source: 'project' }` run uses; default: runDir/../.. */
  readonly projectDir?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ExperimentProgress) => void;
  readonly log?: (message: string) => void;
  /**
   * first dataset day of the run's own daily predictions (default: the record's start). The
   * extrapolation test needs only its test years, so it starts them a spin-up before its change
   * instead of predicting the whole record (about 2/3 of the record prediction's time).
   */
  readonly predictFromDay?: number;
}

export interface ExperimentResult {
  readonly runDir: string;
  readonly evaluation: Evaluation;
  /** daily LAI over `record` for each entry id (models, physics-only, noise ceiling = truth) */
  readonly predictions: ReadonlyMap<string, Float32Array>;
  /** the days predicted: the record, or from ExperimentOptions.predictFromDay on */
  readonly record: DayRange;
  readonly test: DayRange;
  readonly training: Readonly<Record<string, TrainResult>>;
  readonly skipped: readonly { kind: string; reason: string }[];
  /** models that failed (diverged, missing kernel); the others were still evaluated */
  readonly failed: readonly { kind: string; reason: string }[];
  readonly seconds: number;
}

/** Day range [start, end) of an ISO period on the dataset axis; throws if outside the data. */
export function periodRange(dataset: Dataset, period: { from: string; to: string }, name: string): DayRange {
  const start = daysBetween(dataset.startDate, period.from);
  const end = daysBetween(dataset.startDate, period.to) + 1;
  if (start < 0 || end > dataset.dayCount) {
    throw new Error(`the ${name} period ${period.from}..${period.to} is outside the dataset (${dataset.startDate}, ${dataset.dayCount} days)`);
  }
  return { start, end };
}

function versions(): Record<string, string> {
  return { node: process.version, tfjs: tf.version.tfjs, platform: `${os.platform()} ${os.arch()}`, cpus: String(os.cpus().length) };
}

/**
 * The dataset as the run's models see it: every field of `dataset`, but with the normalization of
 * the run's training period, so models that de-normalize their inputs (the physics encoder reads
 * raw forcing back as x * std + mean) use the same statistics the features were built with.
 */
export function withNormalization(dataset: Dataset, normalization: Normalization): Dataset {
  return {
    id: dataset.id,
    source: dataset.source,
    grid: dataset.grid,
    startDate: dataset.startDate,
    dayCount: dataset.dayCount,
    mask: dataset.mask,
    staticLayers: dataset.staticLayers,
    basin: dataset.basin,
    subbasins: dataset.subbasins,
    splits: dataset.splits,
    normalization,
    forcing: (name, range) => dataset.forcing(name, range),
    observations: dataset.observations,
    ...(dataset.trueLai ? { trueLai: dataset.trueLai } : {}),
    ...(dataset.atmosphericCo2Ppm ? { atmosphericCo2Ppm: dataset.atmosphericCo2Ppm } : {}),
  };
}

/**
 * NSE* loss weights (Kratzert et al. 2019): 1 / (s_c + 0.1)^2 per cell, s_c = standard deviation
 * of the cell's normalized training-period observations; scaled to mean 1 over weighted cells.
 */
export function perCellLossWeights(dataset: Dataset, normalization: Normalization, train: DayRange): Float32Array {
  const C = dataset.mask.length;
  const { std } = normalization.lai;
  const sum = new Float64Array(C);
  const sq = new Float64Array(C);
  const n = new Float64Array(C);
  const days = dataset.observations.dayIndex;
  for (let k = 0; k < days.length; k++) {
    if (days[k]! < train.start || days[k]! >= train.end) continue;
    for (let c = 0; c < C; c++) {
      const v = dataset.observations.values[k * C + c]!;
      if (!dataset.mask[c] || !Number.isFinite(v)) continue;
      const x = v / std;
      sum[c] += x;
      sq[c] += x * x;
      n[c] += 1;
    }
  }
  const w = new Float32Array(C);
  let total = 0;
  let count = 0;
  for (let c = 0; c < C; c++) {
    if (n[c]! < 2) continue;
    const m = sum[c]! / n[c]!;
    const s = Math.sqrt(Math.max(0, sq[c]! / n[c]! - m * m));
    w[c] = 1 / (s + 0.1) ** 2;
    total += w[c]!;
    count++;
  }
  if (count) for (let c = 0; c < C; c++) w[c] = w[c]! / (total / count);
  return w;
}

/** The optimizer of a run (recorded in run.json and each model's model.json). */
export type OptimizerFactory = (config: RunConfig, model: LaiModel) => { optimizer: StatefulOptimizer; name: string };

export const defaultOptimizer: OptimizerFactory = (config, model) => {
  // only the scales that name this model's weights apply to it
  const own = new Set(model.namedVariables().map((v) => v.name));
  const scales = Object.fromEntries(Object.entries(config.learningRateScale).filter(([k]) => own.has(k)));
  const name = `AdamW (lr ${config.learningRate}, decoupled weight decay ${config.weightDecay}, biases not decayed)`;
  if (Object.keys(scales).length === 0) return { optimizer: new AdamW({ learningRate: config.learningRate, weightDecay: config.weightDecay }), name };
  const grouped = new ParamGroupAdamW(model, config.learningRate, config.weightDecay, scales);
  return { optimizer: grouped, name: `${name}; ${grouped.describe()}` };
};

/** The normalization, climatology and feature builders a run's models are trained and evaluated with. */
export interface RunInputs {
  readonly normalization: Normalization;
  /** the training view of the dataset with the run's normalization (what the models see) */
  readonly runDataset: Dataset;
  readonly clim: Climatology;
  readonly features: FeatureBuilder;
  readonly featuresFor: (kind: string) => FeatureBuilder;
}

/**
 * Builds a run's inputs from the dataset as training sees it (a clipped run passes
 * trainingView(dataset, clip)). Shared by training and `vegdyn evaluate`, so a re-evaluation
 * feeds saved weights exactly the inputs they were trained with.
 */
export function prepareRunInputs(
  dataset: Dataset, config: RunConfig, record: DayRange, train: DayRange, progress: (p: ExperimentProgress) => void = () => undefined,
  scenario?: Scenario,
  /** the statistics saved with a run trained elsewhere (predict-from-run.ts): its weights expect them, not this dataset's */
  saved?: { readonly normalization: Normalization; readonly staticStats?: StaticStats },
): RunInputs {
  const C = dataset.mask.length;
  progress({ stage: 'prepare', fraction: 0, message: 'normalization statistics of the training period' });
  // statistics of THIS run's training period only (the dataset's own split may differ)
  const normalization = saved?.normalization ?? computeNormalization((name) => dataset.forcing(name), C, dataset.mask, train, dataset.observations);
  const baselineDataset = withNormalization(dataset, normalization);
  // a scenario: its forcing, with everything learned from data (normalization, climatology, loss
  // weights, the antecedent channels' statistics) from the baseline, as the weights were trained
  const runDataset = scenario ? scenarioDataset(baselineDataset, scenario) : baselineDataset;
  const clim = dayOfYearClimatology(dataset.observations, dataset.startDate, C, train, config.climatologyHalfWindow);
  if (config.features.antecedent) progress({ stage: 'prepare', fraction: 0, message: 'antecedent precipitation and temperature indices' });
  const baselineAntecedent = config.features.antecedent ? new AntecedentIndices(dataset, train, record.end) : undefined;
  const antecedent = baselineAntecedent && scenario ? new AntecedentIndices(runDataset, train, record.end, baselineAntecedent) : baselineAntecedent;
  const extras = {
    climatologyTable: clim.table,
    ...(antecedent ? { antecedent } : {}),
    ...(config.lossWeighting === 'per-cell-variance' ? { cellWeights: perCellLossWeights(dataset, normalization, train) } : {}),
    ...(saved?.staticStats ? { staticStats: saved.staticStats } : {}),
  };
  const features = new FeatureBuilder(runDataset, config.features, undefined, extras);
  const anomalyFeatures = config.target === 'anomaly' ? new FeatureBuilder(runDataset, { ...config.features, anomalyTarget: true }, undefined, extras) : features;
  const featuresFor = (kind: string) => (learnsDeparture(config, kind) ? anomalyFeatures : features);
  return { normalization, runDataset, clim, features, featuresFor };
}

/**
 * The dataset with the observations outside the clip hidden (NaN): a clipped run never uses them,
 * neither in the loss nor in the LAI normalization, the climatology or the per-cell loss weights,
 * so they cannot change the trained weights. Forcing stays everywhere: the networks still see the
 * whole grid as input. Without a clip: the dataset itself.
 */
export function trainingView(dataset: Dataset, clip: ClipCells | null): Dataset {
  if (!clip) return dataset;
  const C = dataset.mask.length;
  const values = dataset.observations.values.slice();
  for (let k = 0; k < values.length; k++) if (!clip.cells[k % C]) values[k] = NaN;
  return { ...withNormalization(dataset, dataset.normalization), observations: { ...dataset.observations, values } };
}

/**
 * The clip of a run with `clip: { source: 'project' }`: the project's clip.json, copied into the
 * run folder at the start; a resumed run (or a re-evaluation) uses that copy, so later edits of
 * the project's clip do not change what the run was trained on. null when the config has no clip.
 */
export async function resolveRunClip(config: RunConfig, projectDir: string, runDir: string, dataset: Dataset): Promise<ClipCells | null> {
  if (!config.clip) return null;
  let clip = readClip(runDir);
  if (!clip) {
    clip = readClip(projectDir);
    if (!clip) throw new Error(`the run config asks for the project's clip, but ${path.join(projectDir, CLIP_FILE)} does not exist (draw or import a clip, or set "clip": null)`);
    mkdirSync(runDir, { recursive: true });
    await writeClip(runDir, clip);
  }
  return clipCells(dataset.grid, dataset.mask, clip, `run ${path.basename(runDir)}`);
}

/**
 * Refuses, before anything is written, a grid the backend in use cannot train the grid models on
 * (wasm32's 4 GiB heap; grid-capacity.ts). The native backends have no such fixed limit.
 */
function checkGridCapacity(dataset: Dataset, config: RunConfig, backend: unknown): void {
  const name = (backend as { chosen?: string } | undefined)?.chosen ?? tf.getBackend();
  if (name !== 'wasm' && name !== 'cpu') return;
  for (const kind of config.models.filter((k) => k === 'conv-lstm' || k === 'phys-conv-lstm')) {
    const c = wasmGridCapacity(dataset.grid, config, kind);
    if (!c.fits) throw new Error(`${kind}: ${describeCapacityRefusal(c, config, name)}`);
  }
}

/** The days a run predicts: the record, or from `fromDay` on; it must still cover the test period. */
export function predictedRange(record: DayRange, test: DayRange, fromDay: number | undefined): DayRange {
  if (fromDay === undefined) return record;
  if (fromDay > test.start) throw new Error(`predictFromDay ${fromDay} is after the test period's start (day ${test.start}): the run could not be scored`);
  return { start: Math.max(record.start, fromDay), end: record.end };
}

export async function runExperiment(opts: ExperimentOptions & { optimizerFactory?: OptimizerFactory }): Promise<ExperimentResult> {
  const t0 = performance.now();
  const { dataset, config, runDir } = opts;
  const log = opts.log ?? (() => undefined);
  const progress = opts.onProgress ?? (() => undefined);
  const record = periodRange(dataset, config.periods.record, 'record');
  const train = periodRange(dataset, config.periods.train, 'train');
  const validate = periodRange(dataset, config.periods.validate, 'validate');
  const test = periodRange(dataset, config.periods.test, 'test');
  const predicted = predictedRange(record, test, opts.predictFromDay);
  checkGridCapacity(dataset, config, opts.backend);
  mkdirSync(runDir, { recursive: true });

  const clip = await resolveRunClip(config, opts.projectDir ?? path.dirname(path.dirname(runDir)), runDir, dataset);
  if (clip) log(`clip '${clip.name}': training and evaluation use the ${clip.cellCount} cells inside it`);
  if (config.features.staticLayers) for (const line of describeMissingStatic(dataset)) log(`missing static input: ${line}`);
  const { normalization, runDataset, clim, features, featuresFor } = prepareRunInputs(trainingView(dataset, clip), config, record, train, progress);

  const known = new Set<string>(modelKinds());
  const toTrain = config.models.filter((k) => known.has(k));
  const skipped: { kind: string; reason: string }[] = config.models.filter((k) => !known.has(k)).map((kind) => ({ kind, reason: `model kind '${kind}' is not in the model factory of this build` }));
  for (const s of skipped) log(`skipping ${s.kind}: ${s.reason}`);
  const failed: { kind: string; reason: string }[] = [];

  const runInfo: RunRecord = {
    id: path.basename(runDir),
    status: 'running',
    createdAt: new Date().toISOString(),
    seed: config.seed,
    backend: (opts.backend ?? { name: tf.getBackend() }) as RunRecord['backend'],
    versions: versions(),
    dataset: { id: dataset.id, source: dataset.source, startDate: dataset.startDate, dayCount: dataset.dayCount },
    periods: { record, train, validate, test },
    clip: clip ? { name: clip.name, source: clip.source, cells: clip.cellCount, sha256: clip.sha256 } : null,
    featureChannels: [...features.channels],
    normalization,
    ...(features.staticStats ? { staticStandardization: features.staticStats } : {}),
    reductions: config.preset === 'demo' ? describeReductions(config) : [],
    models: toTrain,
    skipped,
    failed: [],
    optimizers: {},
    timings: {},
  };
  const writeRunInfo = () => { runInfo.failed = failed; return writeRunRecord(runDir, runInfo); };
  await writeRunConfig(runDir, config);
  await writeRunInfo();

  // progress weights: each trained model's training ~ 1, its record prediction ~ 0.15
  const units = toTrain.length * 1.15 + 0.3;
  let done = 0;
  const predictions = new Map<string, Float32Array>();
  const training: Record<string, TrainResult> = {};
  try {
    const trainOne = async (kind: TrainableModelKind): Promise<void> => {
      const dir = modelDir(runDir, kind);
      // this model's training settings: the run-wide ones with its perModel entries on top
      const mc: RunConfig = { ...config, ...(config.perModel[kind] ?? {}) };
      mkdirSync(dir, { recursive: true });
      const modelConfig = {
        kind, rows: dataset.grid.nrows, cols: dataset.grid.ncols, inputChannels: features.channelCount,
        seed: config.seed, ...(hasNetwork(kind) ? { hidden: config.hiddenSize } : {}), ...(config.modelOptions[kind] ?? {}),
      };
      const model = createModel(modelConfig as Parameters<typeof createModel>[0], { dataset: runDataset });
      const { optimizer, name } = (opts.optimizerFactory ?? defaultOptimizer)(mc, model);
      runInfo.optimizers[kind] = name;
      await writeModelRecord(runDir, kind, { config: model.config, optimizer: name });
      try {
        const base = done;
        const ts = performance.now();
        log(`training ${modelLabel(kind)}`);
        training[kind] = await trainModel({
          model, optimizer, features: featuresFor(kind), config: mc, train, validate, store: modelFolderStore(dir), resume: opts.resume ?? true, signal: opts.signal, log,
          onProgress: (p) => progress({
            stage: 'train', model: kind, train: p, fraction: (base + p.fraction) / units,
            message: `${modelLabel(kind)}: epoch ${p.epoch}/${p.epochs}, batch ${p.batch}/${p.batches}` +
              (p.loss !== undefined ? `, loss ${p.loss.toFixed(4)}` : '') + (p.valLoss !== undefined ? `, val ${p.valLoss.toFixed(4)}` : ''),
          }),
        });
        runInfo.timings[`train:${kind}`] = (performance.now() - ts) / 1000;
        done += 1;
        await saveWeightsFile(model, path.join(dir, WEIGHTS_FILE), { kind, bestEpoch: training[kind].bestEpoch, bestValLoss: training[kind].bestValLoss });
        if (hasLearnedParameters(model)) {
          // the physics parameters learned jointly with the network, in physical units beside their
          // PFT defaults and ranges (read by the map's parameter layers and comparison panel)
          await readableSync(model.namedVariables().map((v) => v.variable)); // webgpu: see main/tfjs/readback.ts
          const report = model.learnedParameters();
          await writeModelJson(runDir, kind, LEARNED_PARAMETERS_FILE, report);
          // and per cell, as CF NetCDF4 (they vary per cell with the per-cell network)
          const maps = model.learnedParameterMaps();
          await writeModelParameterMaps(runDir, kind, {
            runId: runInfo.id, model: kind, parameterization: report.parameterization ?? 'per-pft', grid: dataset.grid, pfts: report.pfts,
            parameters: LEARNED_PARAMETER_NAMES.map((name) => {
              const q = report.parameters[name];
              const r = PARAMETER_SPECS[name].range;
              return { name, title: r.title ?? name, symbol: r.symbol ?? name, units: q.units, min: q.min, max: q.max, description: q.description, learned: q.learned, defaults: q.defaults, values: maps[name] };
            }),
          });
          log(`${modelLabel(kind)}: learned parameters moved from their defaults by\n  ${formatParameterMovement(report).join('\n  ')}`);
        }
        const tp = performance.now();
        predictions.set(kind, await predictRange(model, featuresFor(kind), predicted, {
          chunkDays: config.inferenceChunkDays, signal: opts.signal,
          onChunk: (d, n) => progress({ stage: 'predict', model: kind, fraction: (done + 0.15 * (d / n)) / units, message: `${modelLabel(kind)}: daily LAI ${d}/${n} days` }),
        }));
        runInfo.timings[`predict:${kind}`] = (performance.now() - tp) / 1000;
        done += 0.15;
      } finally {
        model.dispose();
        optimizer.dispose();
      }
    };
    for (const kind of toTrain) {
      try {
        await trainOne(kind);
      } catch (err) {
        // a cancel ends the experiment; any other failure of one model (a diverged loss, a kernel
        // the backend lacks) is recorded and the remaining models still run and are compared
        if (opts.signal?.aborted) throw err;
        const reason = err instanceof Error ? err.message : String(err);
        failed.push({ kind, reason });
        log(`${modelLabel(kind)} FAILED: ${reason}`);
        done = Math.ceil(done) + 0.15;
      }
      await writeRunInfo();
    }

    if (known.has('physics-only')) {
      // the process model alone, with its prior (PFT default) parameters: no training
      try {
        const model = createModel({ kind: 'physics-only', rows: dataset.grid.nrows, cols: dataset.grid.ncols, inputChannels: features.channelCount, seed: config.seed, ...(config.modelOptions['physics-only'] ?? {}) } as unknown as Parameters<typeof createModel>[0], { dataset: runDataset });
        try {
          const tp = performance.now();
          log('physics only: daily LAI with prior parameters');
          predictions.set('physics-only', await predictRange(model, features, predicted, {
            chunkDays: config.inferenceChunkDays, signal: opts.signal,
            onChunk: (d, n) => progress({ stage: 'predict', model: 'physics-only', fraction: (done + 0.1 * (d / n)) / units, message: `Physics only: daily LAI ${d}/${n} days` }),
          }));
          runInfo.timings['predict:physics-only'] = (performance.now() - tp) / 1000;
        } finally {
          model.dispose();
        }
      } catch (err) {
        if (opts.signal?.aborted) throw err;
        const reason = err instanceof Error ? err.message : String(err);
        failed.push({ kind: 'physics-only', reason });
        log(`Physics only FAILED: ${reason}`);
      }
    } else {
      skipped.push({ kind: 'physics-only', reason: "model kind 'physics-only' is not in the model factory of this build" });
    }

    progress({ stage: 'evaluate', fraction: (done + 0.1) / units, message: 'per-cell metrics on the test period' });
    const written = await evaluateAndWriteRun({
      dataset, runDir, predictions, seriesStart: predicted.start, test, climatology: clim, clip, labels: MODEL_LABELS, writePredictions: true,
      summary: {
        runId: runInfo.id, preset: config.preset, periods: config.periods, reductions: runInfo.reductions, skipped, failed,
        training: Object.fromEntries(Object.entries(training).map(([k, r]) => [k, { bestEpoch: r.bestEpoch, bestValLoss: r.bestValLoss, epochs: r.history.length, stoppedEarly: r.stoppedEarly, seconds: r.seconds, resumedAfterEpoch: r.resumedAfterEpoch }])),
      },
      predictionAttributes: { vegdyn_preset: config.preset, vegdyn_seed: config.seed },
      onStep: (message) => progress({ stage: 'write', fraction: (done + 0.2) / units, message }),
      onNote: (line) => log(`not scored: ${line}`),
    });
    const evaluation = written.evaluation;
    for (const [id, f] of Object.entries(written.predictionFiles)) runInfo.timings[`write:${id}`] = f.seconds;
    runInfo.status = 'finished';
    runInfo.timings.total = (performance.now() - t0) / 1000;
    await writeRunInfo();
    return { runDir, evaluation, predictions, record: predicted, test, training, skipped, failed, seconds: runInfo.timings.total };
  } catch (err) {
    runInfo.status = opts.signal?.aborted ? 'cancelled' : 'failed';
    runInfo.error = err instanceof Error ? err.message : String(err);
    await writeRunInfo();
    throw err;
  }
}
