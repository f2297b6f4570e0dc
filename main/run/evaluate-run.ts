/**
 * Re-evaluation of a finished run from its saved weights, without training: `vegdyn evaluate`.
 * Rebuilds the inputs the weights were trained with (the run's config.json, its training clip),
 * predicts daily LAI over the record (extended to cover a different test period if one is asked
 * for), scores it, optionally only inside the project's current clip, and rewrites the run's
 * evaluation files (metrics.nc, summary.json, predictions/<entry>.nc) atomically.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Dataset, Normalization } from '../data/dataset.ts';
import { openDataset } from '../data/store/netcdf-store.ts';
import type { DayRange } from '../data/time-axis.ts';
import { createModel, modelKinds } from '../models/model-factory.ts';
import { MODEL_LABELS, modelLabel } from '../models/model-kinds.ts';
import { periodRange, prepareRunInputs, resolveRunClip, trainingView } from './experiment.ts';
import { loadWeightsFile } from './model-folder-store.ts';
import { formatNseTable } from '../report/html-report.ts';
import { clipCells, readClip, CLIP_FILE, type ClipCells } from './clip-file.ts';
import type { Evaluation } from '../evaluation/evaluate.ts';
import { predictRange } from '../training/predict.ts';
import { evaluateAndWriteRun } from './run-evaluation.ts';
import { findPredictionFile } from './run-files.ts';
import { RUN_RECORD_FILE, WEIGHTS_FILE, modelDir, readModelRecord, readRunConfig, readRunRecord, readRunSummary, removeStaleOutputs } from './run-folder.ts';
import { readableSync } from '../tfjs/readback.ts';
import type { StaticStats } from '../training/features.ts';

export interface EvaluateRunOptions {
  readonly runDir: string;
  /** the project the run belongs to; default: runDir/../.. */
  readonly projectDir?: string;
  /** the dataset (opened from the project when omitted) */
  readonly dataset?: Dataset;
  /** score only cells inside the project's clip.json (else: the run's own training clip, if any) */
  readonly clip?: boolean;
  /** a test period other than the run config's */
  readonly test?: { readonly from: string; readonly to: string };
  /**
   * first day to predict, when later than the run's record start (ISO; at or before the test
   * start): the models' state spins up from there instead of the record start, which takes a
   * fraction of the time (the pretrained demo run's first install); features do not depend on it
   */
  readonly predictFrom?: string;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
  /** fraction 0..1 of the work (the predictions dominate: one share per model, a last share to score and write) */
  readonly onProgress?: (fraction: number, message: string) => void;
}

export interface EvaluateRunResult {
  readonly evaluation: Evaluation;
  readonly tableText: string;
  readonly clip: ClipCells | null;
  readonly test: { readonly from: string; readonly to: string };
  /** entries that were predicted and scored */
  readonly entries: readonly string[];
}

function testPeriodOf(test: { from: string; to: string }): { from: string; to: string } {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(test.from) || !/^\d{4}-\d{2}-\d{2}$/.test(test.to) || test.from > test.to) {
    throw new Error(`test period ${test.from}..${test.to}: expected two ISO dates YYYY-MM-DD, first <= last`);
  }
  return test;
}

export async function evaluateRun(opts: EvaluateRunOptions): Promise<EvaluateRunResult> {
  const runDir = path.resolve(opts.runDir);
  const log = opts.log ?? (() => undefined);
  const config = readRunConfig(runDir);
  const info = readRunRecord(runDir);
  if (!info) throw new Error(`${path.join(runDir, RUN_RECORD_FILE)}: missing (the run record)`);
  if (info.status !== 'finished') throw new Error(`${path.join(runDir, RUN_RECORD_FILE)}: the run is '${info.status}', not finished; resume it with 'vegdyn train --run-id ${path.basename(runDir)}' first`);
  const projectDir = path.resolve(opts.projectDir ?? path.dirname(path.dirname(runDir)));
  const dataset = opts.dataset ?? await openDataset(projectDir, opts.signal ? { signal: opts.signal } : {});

  const testDates = opts.test ? testPeriodOf(opts.test) : config.periods.test;
  const test = periodRange(dataset, testDates, 'test');
  const configRecord = periodRange(dataset, config.periods.record, 'record');
  const train = periodRange(dataset, config.periods.train, 'train');
  // predictions cover the run's record, grown to cover a test period outside it
  let record: DayRange = { start: Math.min(configRecord.start, test.start), end: Math.max(configRecord.end, test.end) };
  if (opts.predictFrom) {
    const from = periodRange(dataset, { from: opts.predictFrom, to: opts.predictFrom }, 'predictFrom').start;
    if (from > test.start) throw new Error(`predictFrom ${opts.predictFrom} is after the test period's start ${testDates.from}`);
    record = { start: Math.max(record.start, from), end: record.end };
  }

  // the inputs exactly as in training: the run's own clip hides the same observations
  const trainingClip = await resolveRunClip(config, projectDir, runDir, dataset);
  // a run of weights trained elsewhere (predict-from-run.ts) keeps that run's saved input statistics
  const saved = info.weightsFrom ? { normalization: info.normalization as Normalization, ...(info.staticStandardization ? { staticStats: info.staticStandardization as StaticStats } : {}) } : undefined;
  const { runDataset, clim, features, featuresFor } = prepareRunInputs(trainingView(dataset, trainingClip), config, record, train, undefined, undefined, saved);
  let clip = trainingClip;
  if (opts.clip) {
    const projectClip = readClip(projectDir);
    if (!projectClip) throw new Error(`--clip: ${path.join(projectDir, CLIP_FILE)} does not exist (draw or import a clip first)`);
    clip = clipCells(dataset.grid, dataset.mask, projectClip, `${path.join(projectDir, CLIP_FILE)}`);
  }
  if (clip) log(`scoring only the ${clip.cellCount} cells inside the clip '${clip.name}'`);

  const predictions = new Map<string, Float32Array>();
  const known = new Set<string>(modelKinds());
  // progress: each model's prediction and physics-only one share, scoring and writing one more
  const shares = config.models.length + 2;
  let sharesDone = 0;
  const predictProgress = (label: string) => (daysDone: number, daysTotal: number): void =>
    opts.onProgress?.((sharesDone + daysDone / daysTotal) / shares, `${label}: daily LAI, ${daysDone} of ${daysTotal} days`);
  for (const kind of config.models) {
    const dir = modelDir(runDir, kind);
    const weights = path.join(dir, WEIGHTS_FILE);
    if (!existsSync(weights)) {
      log(`${modelLabel(kind)}: no saved weights (${weights}); not evaluated`);
      continue;
    }
    if (!known.has(kind)) throw new Error(`${dir}: model kind '${kind}' is not in the model factory of this build`);
    const saved = readModelRecord(runDir, kind);
    const model = createModel(saved.config as Parameters<typeof createModel>[0], { dataset: runDataset });
    try {
      // webgpu: weights stored as a difference from the initial values read those synchronously
      await readableSync(model.namedVariables().map((v) => v.variable));
      loadWeightsFile(model, weights);
      log(`${modelLabel(kind)}: daily LAI from the saved weights`);
      predictions.set(kind, await predictRange(model, featuresFor(kind), record, { chunkDays: config.inferenceChunkDays, onChunk: predictProgress(modelLabel(kind)), ...(opts.signal ? { signal: opts.signal } : {}) }));
    } finally {
      model.dispose();
      sharesDone++;
    }
  }
  if (known.has('physics-only') && findPredictionFile(runDir, 'physics-only')) {
    // the process model with its prior parameters, as the run made it
    const model = createModel({ kind: 'physics-only', rows: dataset.grid.nrows, cols: dataset.grid.ncols, inputChannels: features.channelCount, seed: config.seed, ...(config.modelOptions['physics-only'] ?? {}) } as unknown as Parameters<typeof createModel>[0], { dataset: runDataset });
    try {
      log('Physics only: daily LAI with prior parameters');
      predictions.set('physics-only', await predictRange(model, features, record, { chunkDays: config.inferenceChunkDays, onChunk: predictProgress('Physics only'), ...(opts.signal ? { signal: opts.signal } : {}) }));
    } finally {
      model.dispose();
    }
  }
  sharesDone = shares - 1;
  if (predictions.size === 0) throw new Error(`${runDir}: no model of the run has saved weights to evaluate`);

  const previous = readRunSummary(runDir);
  const written = await evaluateAndWriteRun({
    dataset, runDir, predictions, seriesStart: record.start, test, climatology: clim, clip, labels: MODEL_LABELS, writePredictions: true,
    summary: {
      runId: path.basename(runDir), preset: config.preset, periods: { ...config.periods, test: testDates },
      reductions: previous?.reductions ?? [], skipped: previous?.skipped ?? [], failed: previous?.failed ?? [], training: previous?.training ?? {},
      reevaluated: true,
    },
    predictionAttributes: { vegdyn_preset: config.preset, vegdyn_seed: config.seed },
    onStep: (line) => { log(line); opts.onProgress?.(sharesDone / shares, line); },
    onNote: (line) => log(`not scored: ${line}`),
  });
  // nothing of the previous evaluation may outlive it: predictions of entries no longer scored,
  // and the report and NSE map a training run made from the old scores
  for (const f of removeStaleOutputs(runDir, [...predictions.keys()])) log(`removed ${f}: it showed the previous evaluation`);
  opts.onProgress?.(1, 'scored and written');
  return { evaluation: written.evaluation, tableText: formatNseTable(written.evaluation), clip, test: testDates, entries: [...predictions.keys()] };
}
