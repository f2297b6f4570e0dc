/**
 * A model trained in another project, applied to this one (`vegdyn predict --run OTHER_RUN --project
 * DIR`, job 'predict'): the other run's trained models predict daily LAI over this project's whole
 * record, with everything the weights were trained with taken from that run as it was saved: its
 * run config (feature channels, target, climatology use, static attributes), its input
 * normalization and static-layer statistics (run.json) and its weights. The result is a run folder of this project whose
 * run.json names where the weights came from (`weightsFrom`), with predictions the map lists as
 * layers. Where this project has LAI observations the run is scored on the test period of the
 * project's own split, like its own runs; without any, it says so ('not scored: ...') instead of
 * printing n/a.
 *
 * Every check is made before anything is written, and a mismatch is refused naming what differs:
 * the feature channels, a static layer this project lacks, the LAI climatology the model needs
 * where this project has no LAI, a grid the model's weights or the backend cannot take.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { FORCING_NAMES, type Dataset, type Normalization } from '../data/dataset.ts';
import { addDays, type DayRange } from '../data/time-axis.ts';
import { describeGrid } from '../data/grid.ts';
import { openDataset } from '../data/store/netcdf-store.ts';
import { createModel, modelKinds } from '../models/model-factory.ts';
import type { LaiModel } from '../models/model.ts';
import { MODEL_LABELS, modelLabel } from '../models/model-kinds.ts';
import { featureChannelNames, describeMissingStatic, type StaticStats } from '../training/features.ts';
import { describeInferenceRefusal, wasmInferenceCapacity } from '../training/grid-capacity.ts';
import { learnsDeparture, type RunConfig } from '../training/run-config.ts';
import { predictRange } from '../training/predict.ts';
import { readableSync } from '../tfjs/readback.ts';
import { formatNseTable } from '../report/html-report.ts';
import type { Evaluation } from '../evaluation/evaluate.ts';
import { prepareRunInputs } from './experiment.ts';
import { defaultRunId } from './demo.ts';
import { loadWeightsFile, saveWeightsFile } from './model-folder-store.ts';
import { evaluateAndWriteRun } from './run-evaluation.ts';
import {
  RUN_RECORD_FILE, WEIGHTS_FILE, modelDir, readModelRecord, readRunConfig, readRunRecord, runDir as runDirOf, runsDir,
  writeModelRecord, writeRunConfig, writeRunRecord, type RunRecord,
} from './run-folder.ts';

/** A refused cross-project prediction: nothing was written. */
export class PredictMismatchError extends Error {}

export interface PredictFromRunOptions {
  /** the finished run whose trained models are applied (any project) */
  readonly sourceRunDir: string;
  /** the project to predict in */
  readonly projectDir: string;
  /** the new run's id in projectDir/runs/ (default: a time stamp + '-predict') */
  readonly runId?: string;
  readonly dataset?: Dataset;
  /** the backend in use (recorded in run.json; wasm and cpu are checked against the heap) */
  readonly backend?: unknown;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
  readonly onProgress?: (fraction: number, message: string) => void;
}

export interface PredictFromRunResult {
  readonly runDir: string;
  /** the models that predicted */
  readonly entries: readonly string[];
  readonly evaluation: Evaluation;
  readonly tableText: string;
  /** the scored period: the project's own test split */
  readonly test: { readonly from: string; readonly to: string };
  /** why nothing (or not everything) was scored, a line each; empty when all was scored */
  readonly notScored: readonly string[];
}

const stats = z.object({ mean: z.number(), std: z.number() });
/** run.json's normalization as a run writes it (experiment.ts) */
const savedNormalizationSchema = z.object({
  forcing: z.object(Object.fromEntries(FORCING_NAMES.map((n) => [n, stats])) as Record<(typeof FORCING_NAMES)[number], typeof stats>),
  lai: stats,
});

function savedNormalization(record: RunRecord, file: string): Normalization {
  const parsed = savedNormalizationSchema.safeParse(record.normalization);
  if (!parsed.success) throw new PredictMismatchError(`${file}: normalization: not the saved input statistics of a trained run (${parsed.error.issues[0]?.path.join('.') || 'value'}: ${parsed.error.issues[0]?.message})`);
  return parsed.data as Normalization;
}

/** The static channels' statistics the source run saved, or null (runs made before they were saved). */
function savedStaticStats(record: RunRecord): StaticStats | null {
  const parsed = z.object({ elevation: stats, sand: stats, clay: stats, organic: stats }).safeParse(record.staticStandardization);
  return parsed.success ? parsed.data : null;
}

function differences(saved: readonly string[], made: readonly string[]): string {
  const missing = saved.filter((c) => !made.includes(c));
  const extra = made.filter((c) => !saved.includes(c));
  const parts = [
    ...(missing.length ? [`recorded but not made from its config: ${missing.join(', ')}`] : []),
    ...(extra.length ? [`made from its config but not recorded: ${extra.join(', ')}`] : []),
    ...(!missing.length && !extra.length ? ['the same channels in another order'] : []),
  ];
  return parts.join('; ');
}

/**
 * The reasons the source run cannot predict in `dataset`, a line each (empty: it can). Checks what
 * needs no model: the run's channels against what this build makes from its config, the LAI
 * climatology, the static layers.
 */
export function predictMismatches(config: RunConfig, record: RunRecord, models: readonly string[], dataset: Dataset): string[] {
  const out: string[] = [];
  const made = featureChannelNames(config.features);
  if (made.join(',') !== record.featureChannels.join(',')) {
    out.push(`input channels: the run recorded ${record.featureChannels.length} channels, its config makes ${made.length} (${differences(record.featureChannels, made)})`);
  }
  const hasLai = dataset.observations.dayIndex.length > 0;
  if (!hasLai) {
    if (config.features.climatology) out.push("LAI climatology: the run's models take the day-of-year LAI climatology as an input channel ('lai_climatology', features.climatology), and this project has no LAI observations to make it from (import them with vegdyn import lai, or use a run trained without features.climatology)");
    const departures = models.filter((k) => learnsDeparture(config, k));
    if (departures.length) out.push(`LAI climatology: ${departures.map(modelLabel).join(', ')} predict the departure from the day-of-year LAI climatology (target 'anomaly'), and this project has no LAI observations to make it from (import them with vegdyn import lai, or use a run trained with target 'lai')`);
  }
  if (config.features.staticLayers) {
    const s = dataset.staticLayers;
    const layers: [string, ArrayLike<number>, string][] = [
      ['elevation', s.elevation, 'vegdyn import elevation'], ['sand', s.sandPercent, 'vegdyn import soil'],
      ['clay', s.clayPercent, 'vegdyn import soil'], ['organic fraction', s.organicFraction, 'vegdyn import soil'],
    ];
    const basin = dataset.mask.reduce((a, m) => a + m, 0);
    for (const [name, values, how] of layers) {
      let have = 0;
      for (let c = 0; c < dataset.mask.length; c++) if (dataset.mask[c] && Number.isFinite(values[c]!)) have++;
      if (have === 0) out.push(`static layer '${name}': the run's models take it as an input (features.staticLayers), and none of this project's ${basin} basin cells has a value (${how})`);
    }
    let classified = 0;
    for (let c = 0; c < dataset.mask.length; c++) if (dataset.mask[c] && s.landCover[c] !== 0) classified++;
    if (classified === 0) out.push(`static layer 'land cover': the run's models take it as an input, and none of this project's ${basin} basin cells is classified (vegdyn import landcover)`);
  }
  return out;
}

/** Loads a saved model onto this project's grid; a weight of another shape is refused naming the grids. */
function loadOnGrid(sourceRunDir: string, kind: string, dataset: Dataset, channels: number): LaiModel {
  const saved = readModelRecord(sourceRunDir, kind);
  const cfg = saved.config as { rows?: number; cols?: number; inputChannels?: number };
  if (cfg.inputChannels !== undefined && cfg.inputChannels !== channels) {
    throw new PredictMismatchError(`${modelLabel(kind)}: its weights take ${cfg.inputChannels} input channels, the run's features make ${channels}`);
  }
  const { nrows, ncols } = dataset.grid;
  const model = createModel({ ...saved.config, rows: nrows, cols: ncols } as Parameters<typeof createModel>[0], { dataset });
  const weights = path.join(modelDir(sourceRunDir, kind), WEIGHTS_FILE);
  try {
    loadWeightsFile(model, weights);
  } catch (err) {
    model.dispose();
    const why = err instanceof Error ? err.message : String(err);
    throw new PredictMismatchError(`${modelLabel(kind)}: its weights (${weights}) were trained on a ${cfg.rows} x ${cfg.cols} grid and do not fit this project's ${nrows} x ${ncols} grid` +
      `${kind === 'lstm' ? ' (the LSTM takes the whole grid as one input vector, so it runs only on a grid of the size it was trained on; a ConvLSTM runs on any grid)' : ''}: ${why}`);
  }
  return model;
}

export async function predictFromRun(opts: PredictFromRunOptions): Promise<PredictFromRunResult> {
  const source = path.resolve(opts.sourceRunDir);
  const projectDir = path.resolve(opts.projectDir);
  const log = opts.log ?? (() => undefined);
  const recordFile = path.join(source, RUN_RECORD_FILE);
  const record = readRunRecord(source);
  if (!record) throw new PredictMismatchError(`${recordFile}: missing (--run must be a run folder, runs/<id>/ of a project)`);
  if (record.status !== 'finished') throw new PredictMismatchError(`${recordFile}: the run is '${record.status}', not finished`);
  const config = readRunConfig(source);
  const normalization = savedNormalization(record, recordFile);
  const known = new Set<string>(modelKinds());
  const models = config.models.filter((k) => existsSync(path.join(modelDir(source, k), WEIGHTS_FILE)));
  if (models.length === 0) throw new PredictMismatchError(`${source}: no trained model of the run has saved weights (models/<kind>/${WEIGHTS_FILE}); a physics-only run needs no other run: vegdyn train --physics-only`);
  for (const k of models) if (!known.has(k)) throw new PredictMismatchError(`${modelDir(source, k)}: model kind '${k}' is not in the model factory of this build`);

  const dataset = opts.dataset ?? await openDataset(projectDir, opts.signal ? { signal: opts.signal } : {});
  const mismatches = predictMismatches(config, record, models, dataset);
  if (mismatches.length) throw new PredictMismatchError(`the run ${source} cannot predict in ${projectDir}: ${mismatches.join('; ')}`);
  const backendName = (opts.backend as { chosen?: string } | undefined)?.chosen ?? tf.getBackend();
  if (backendName === 'wasm' || backendName === 'cpu') {
    const cap = wasmInferenceCapacity(dataset.grid, config, record.featureChannels.length);
    if (!cap.fits) throw new PredictMismatchError(describeInferenceRefusal(cap, config, backendName));
  }

  const id = opts.runId ?? defaultRunId('predict');
  const dir = runDirOf(projectDir, id);
  if (existsSync(dir)) throw new PredictMismatchError(`${dir} already exists: choose another --run-id`);
  if (path.resolve(runsDir(projectDir)) === path.dirname(source) && path.basename(source) === id) throw new PredictMismatchError('the new run cannot be the source run');

  // predictions over this project's whole record (the weights never saw any of it); the periods are
  // the project's own split, as its own runs default to: the test period is scored where there is
  // LAI, and the training period gives the antecedent indices' initial state and the climatology
  const s = dataset.splits;
  const empty = (['train', 'validate', 'test'] as const).filter((n) => s[n].end <= s[n].start);
  if (empty.length) throw new PredictMismatchError(`${projectDir}: the dataset's own split has an empty ${empty.join(' and ')} period (re-import its forcing to write one)`);
  const asPeriod = (r: DayRange) => ({ from: addDays(dataset.startDate, r.start), to: addDays(dataset.startDate, r.end - 1) });
  const whole = { start: 0, end: dataset.dayCount };
  const runConfig: RunConfig = { ...config, clip: null, periods: { record: asPeriod(whole), train: asPeriod(s.train), validate: asPeriod(s.validate), test: asPeriod(s.test) } };
  // the saved statistics, not this dataset's
  const staticStats = savedStaticStats(record);
  const { runDataset, clim, features, featuresFor } = prepareRunInputs(dataset, runConfig, whole, s.train, undefined, undefined, { normalization, ...(staticStats ? { staticStats } : {}) });
  for (const line of describeMissingStatic(dataset)) if (config.features.staticLayers) log(`missing static input: ${line}`);
  if (config.features.antecedent) log("antecedent indices: their initial state and standardization come from this project's training period (the source run saved none)");
  if (config.features.staticLayers) {
    log(staticStats
      ? "static layers: standardized with the source run's basin statistics (this basin's elevation and soil as the models saw their training basin's)"
      : "static layers: standardized over this project's basin cells (the source run, made before runs saved their static statistics, has none)");
  }

  // every model loaded onto this grid before anything is written
  const loaded = new Map<string, LaiModel>();
  try {
    for (const kind of models) {
      loaded.set(kind, loadOnGrid(source, kind, runDataset, features.channelCount));
      await readableSync(loaded.get(kind)!.namedVariables().map((v) => v.variable));
    }
  } catch (err) {
    for (const m of loaded.values()) m.dispose();
    throw err;
  }

  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const runInfo: RunRecord = {
    id, status: 'running', createdAt: new Date().toISOString(), seed: config.seed,
    backend: (opts.backend ?? { name: tf.getBackend() }) as RunRecord['backend'],
    versions: record.versions,
    dataset: { id: dataset.id, source: dataset.source, startDate: dataset.startDate, dayCount: dataset.dayCount },
    periods: { record: whole, train: s.train, validate: s.validate, test: s.test },
    clip: null, featureChannels: [...record.featureChannels], normalization, ...(staticStats ? { staticStandardization: staticStats } : {}), reductions: [], models, skipped: [], failed: [],
    optimizers: {}, timings: {},
    weightsFrom: { runDir: source, projectDir: path.dirname(path.dirname(source)), runId: record.id, dataset: record.dataset, trainedGrid: trainedGrid(source, models[0]!), models },
  };
  try {
    await writeRunConfig(dir, runConfig);
    await writeRunRecord(dir, runInfo);
    log(`weights from run ${record.id} (${source}), trained on ${record.dataset.source}; predicting ${runConfig.periods.record.from}..${runConfig.periods.record.to} on ${describeGrid(dataset.grid)}`);
    const predictions = new Map<string, Float32Array>();
    let done = 0;
    for (const [kind, model] of loaded) {
      // the copy makes the run folder whole: `vegdyn evaluate` and scenarios read models/<kind>/
      mkdirSync(modelDir(dir, kind), { recursive: true });
      await writeModelRecord(dir, kind, { config: { ...model.config } as { kind: string }, optimizer: `none (weights of run ${record.id})` });
      await saveWeightsFile(model, path.join(modelDir(dir, kind), WEIGHTS_FILE), { kind, from: source });
      log(`${modelLabel(kind)}: daily LAI from the weights of run ${record.id}`);
      predictions.set(kind, await predictRange(model, featuresFor(kind), whole, {
        chunkDays: config.inferenceChunkDays, ...(opts.signal ? { signal: opts.signal } : {}),
        onChunk: (d, n) => opts.onProgress?.((done + d / n) / (loaded.size + 1), `${modelLabel(kind)}: daily LAI, ${d} of ${n} days`),
      }));
      done++;
    }
    const notScored: string[] = [];
    const written = await evaluateAndWriteRun({
      dataset, runDir: dir, predictions, seriesStart: 0, test: s.test, climatology: clim, clip: null, labels: MODEL_LABELS, writePredictions: true,
      summary: { runId: id, preset: config.preset, periods: runConfig.periods, reductions: [], skipped: [], failed: [], training: {} },
      predictionAttributes: { vegdyn_preset: config.preset, vegdyn_seed: config.seed, vegdyn_weights_from: source },
      onStep: (line) => { log(line); opts.onProgress?.(done / (loaded.size + 1), line); },
      onNote: (line) => { notScored.push(line); log(`not scored: ${line}`); },
    });
    runInfo.status = 'finished';
    runInfo.timings.total = (performance.now() - t0) / 1000;
    await writeRunRecord(dir, runInfo);
    opts.onProgress?.(1, 'predicted and written');
    return { runDir: dir, entries: [...predictions.keys()], evaluation: written.evaluation, tableText: formatNseTable(written.evaluation), test: runConfig.periods.test, notScored };
  } catch (err) {
    runInfo.status = opts.signal?.aborted ? 'cancelled' : 'failed';
    runInfo.error = err instanceof Error ? err.message : String(err);
    await writeRunRecord(dir, runInfo);
    throw err;
  } finally {
    for (const m of loaded.values()) m.dispose();
  }
}

/** The grid size a saved model was trained on (its model.json's rows and cols), for the provenance. */
function trainedGrid(sourceRunDir: string, kind: string): string {
  const cfg = readModelRecord(sourceRunDir, kind).config as { rows?: number; cols?: number };
  return `${cfg.rows ?? '?'} rows x ${cfg.cols ?? '?'} columns`;
}
