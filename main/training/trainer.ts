/**
 * The training loop of one model: seeded window batches, masked loss (observed dates, valid
 * cells, warm-up days excluded and run forward only), a stateful optimizer (AdamW), gradient-norm clipping, validation
 * after each epoch, early stopping with patience, atomic checkpoints and resume.
 *
 * What it keeps goes to a TrainingStore (no file I/O here; the run folder's store is
 * main/run/model-folder-store.ts, which writes checkpoint.vdtb, best.vdtb and history.json in the
 * model's folder):
 *   checkpoint  after every epoch: model weights + optimizer state + loop state (epoch, best loss,
 *               patience counter, history). The RNG state is the epoch number (windows.ts derives
 *               each epoch's stream from (seed, epoch)).
 *   best        the weights of the best validation epoch so far
 *   history     per-epoch losses (human readable copy)
 * A crash or SIGKILL at any moment leaves the previous complete checkpoint (the store writes
 * atomically), and `resume: true` continues from it; the final weights equal those of an
 * uninterrupted run.
 */
import * as tf from '@tensorflow/tfjs';
import type { LaiModel } from '../models/model.ts';
import { disposeState } from '../models/model.ts';
import type { DayRange } from '../data/time-axis.ts';
import type { FeatureBuilder } from './features.ts';
import type { RunConfig } from './run-config.ts';
import { decodeBundle, encodeBundle, float32Sha256, type DeltaEncoding, type NamedArray } from './tensor-bundle.ts';
import { epochBatches, trainingWindowStarts } from './windows.ts';
import { predictRange } from './predict.ts';
import { AdamW, type AdamWState } from './adamw.ts';
import { ParamGroupAdamW } from './param-groups.ts';

/**
 * What the loop needs of an optimizer: AdamW, AdamW with parameter groups (their state is
 * checkpointed by weight name), or any tfjs Optimizer whose getWeights / setWeights round-trip
 * its state.
 */
export type StatefulOptimizer = Pick<tf.Optimizer, 'applyGradients' | 'getWeights' | 'setWeights' | 'dispose'> | ParamGroupAdamW;
type GradientMap = Parameters<tf.Optimizer['applyGradients']>[0];

export interface TrainProgress {
  readonly model: string;
  readonly phase: 'train' | 'validate';
  /** 1-based */
  readonly epoch: number;
  readonly epochs: number;
  readonly batch: number;
  readonly batches: number;
  /** mean training loss of the epoch so far (normalized LAI, MSE) */
  readonly loss?: number;
  readonly valLoss?: number;
  readonly bestValLoss?: number;
  /** seconds left if every remaining epoch runs (early stopping may end sooner) */
  readonly etaSeconds?: number;
  /** 0..1 of the maximum number of epochs */
  readonly fraction: number;
}

export interface EpochRecord {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly valLoss: number;
  readonly seconds: number;
  readonly improved: boolean;
}

export interface TrainOptions {
  readonly model: LaiModel;
  readonly optimizer: StatefulOptimizer;
  readonly features: FeatureBuilder;
  readonly config: RunConfig;
  readonly train: DayRange;
  readonly validate: DayRange;
  /** where checkpoints, the best weights and the history are kept */
  readonly store: TrainingStore;
  /** continue from the store's checkpoint when it has one (default true) */
  readonly resume?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: TrainProgress) => void;
  readonly log?: (message: string) => void;
}

export interface TrainResult {
  readonly history: readonly EpochRecord[];
  readonly bestEpoch: number;
  readonly bestValLoss: number;
  readonly stoppedEarly: boolean;
  /** epoch the run resumed after (0 = started fresh) */
  readonly resumedAfterEpoch: number;
  readonly seconds: number;
}

/** A NaN, infinite or exploding loss: the run stops; the last good checkpoint stays on disk. */
export class TrainingDivergedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingDivergedError';
  }
}

interface LoopState {
  epoch: number;
  bestValLoss: number;
  bestEpoch: number;
  badEpochs: number;
  referenceLoss: number | null;
  history: EpochRecord[];
  stoppedEarly: boolean;
  seed: number;
}

/**
 * Where a training keeps what outlives an epoch, as tensor bundles (tensor-bundle.ts). Writes must
 * be atomic: a crash leaves the previous complete checkpoint.
 */
export interface TrainingStore {
  /** names the place in messages ('runs/x/models/lstm') */
  readonly where: string;
  readCheckpoint(): Uint8Array | null;
  writeCheckpoint(bundle: Uint8Array): Promise<void>;
  readBest(): Uint8Array | null;
  writeBest(bundle: Uint8Array): Promise<void>;
  writeHistory(history: readonly EpochRecord[]): Promise<void>;
}

async function modelArrays(model: LaiModel, prefix = ''): Promise<NamedArray[]> {
  const out: NamedArray[] = [];
  for (const { name, variable } of model.namedVariables()) {
    out.push({ name: prefix + name, shape: variable.shape, data: (await variable.data()) as Float32Array });
  }
  return out;
}

function assignModel(model: LaiModel, arrays: readonly NamedArray[], prefix = ''): void {
  const byName = new Map(arrays.filter((a) => a.name.startsWith(prefix)).map((a) => [a.name.slice(prefix.length), a]));
  for (const { name, variable } of model.namedVariables()) {
    const a = byName.get(name);
    if (!a) throw new Error(`checkpoint has no weight '${name}'`);
    if (a.shape.join('x') !== variable.shape.join('x')) throw new Error(`checkpoint weight '${name}' has shape [${a.shape}], model [${variable.shape}]`);
    let data = a.data;
    if (a.deltaFrom) {
      // stored as the difference from the model's seeded initial value (tensor-bundle.ts): only a
      // freshly created model of the same config, seed and tfjs build holds that base
      const base = variable.dataSync() as Float32Array;
      if (float32Sha256(base) !== a.deltaFrom.sha256) {
        throw new Error(`weight '${name}' is stored as a difference from the model's initial values, but this model's initial values differ `
          + '(another seed, initializer or tfjs version, or a model that is not freshly created): the weights file must be made again from float32 weights');
      }
      const sum = new Float32Array(base.length);
      for (let i = 0; i < sum.length; i++) sum[i] = base[i]! + a.data[i]!;
      data = sum;
    }
    tf.tidy(() => variable.assign(tf.tensor(data, [...a.shape], variable.dtype)));
  }
}

/** Assigns the weights of a bundle (from weightsBundle) to the model; returns the bundle's metadata. */
export function assignWeightsBundle(model: LaiModel, bundle: Uint8Array): unknown {
  const { arrays, meta } = decodeBundle(bundle);
  assignModel(model, arrays);
  return meta;
}

/**
 * The model's weights as a tensor bundle with `meta`. `deltaFromInitial` (the shipped pretrained
 * run): these weights are stored as their quantised difference from `initial`, the same model's
 * weights right after creation (tensor-bundle.ts), read back by assignWeightsBundle into a freshly
 * created model.
 */
export async function weightsBundle(model: LaiModel, meta: unknown, deltaFromInitial?: { initial: LaiModel; names: readonly string[] }): Promise<Uint8Array> {
  const deltas = new Map<string, DeltaEncoding>();
  if (deltaFromInitial) {
    const initial = new Map(deltaFromInitial.initial.namedVariables().map((v) => [v.name, v.variable]));
    for (const name of deltaFromInitial.names) {
      const v = initial.get(name);
      if (!v) throw new Error(`${model.kind}: no weight '${name}' to store as a difference from its initial value`);
      deltas.set(name, { base: (await v.data()) as Float32Array });
    }
  }
  return encodeBundle(await modelArrays(model), meta, deltas);
}

/** The AdamW instances behind an optimizer, or null for a plain tfjs optimizer. */
function adamwGroups(optimizer: StatefulOptimizer): AdamW[] | null {
  if (optimizer instanceof ParamGroupAdamW) return optimizer.groups.map((g) => g.optimizer);
  if (optimizer instanceof AdamW) return [optimizer];
  return null;
}

async function checkpointBundle(model: LaiModel, optimizer: StatefulOptimizer, state: LoopState): Promise<Uint8Array> {
  const arrays = await modelArrays(model, 'model/');
  let optimizerMeta: unknown;
  const groups = adamwGroups(optimizer);
  if (groups) {
    for (const opt of groups) await opt.prepareExport();
    // AdamW keys its moments by the model's weight names (stable across processes)
    optimizerMeta = {
      kind: 'adamw',
      groups: groups.map((opt, g) => {
        const st = opt.exportState(model.namedVariables());
        for (const mo of st.moments) {
          arrays.push({ name: `adamw/${g}/m/${mo.name}`, shape: mo.shape, data: mo.m });
          arrays.push({ name: `adamw/${g}/v/${mo.name}`, shape: mo.shape, data: mo.v });
        }
        return { step: st.step, options: st.options, names: st.moments.map((m) => m.name) };
      }),
    };
  } else {
    const plain = optimizer as Pick<tf.Optimizer, 'getWeights'>;
    const optWeights = await plain.getWeights();
    for (let i = 0; i < optWeights.length; i++) {
      const { name, tensor } = optWeights[i]!;
      const data = tensor.dtype === 'int32' ? ((await tensor.data()) as Int32Array) : ((await tensor.data()) as Float32Array);
      // tfjs optimizers name their slots after tfjs's global variable counter; order is what is stable
      arrays.push({ name: `optimizer/${String(i).padStart(4, '0')}/${name}`, shape: tensor.shape, data });
      if (!(tensor instanceof tf.Variable)) tensor.dispose();
    }
    optimizerMeta = { kind: 'tfjs' };
  }
  return encodeBundle(arrays, { ...state, optimizer: optimizerMeta });
}

interface AdamWGroupMeta { step: number; options: AdamWState['options']; names: string[] }

async function loadCheckpoint(bundle: Uint8Array, file: string, model: LaiModel, optimizer: StatefulOptimizer): Promise<LoopState> {
  const { arrays, meta } = decodeBundle(bundle);
  assignModel(model, arrays, 'model/');
  const om = (meta as { optimizer?: { kind: string; groups?: AdamWGroupMeta[] } }).optimizer;
  const groups = adamwGroups(optimizer);
  if (groups) {
    if (om?.kind !== 'adamw' || om.groups?.length !== groups.length) {
      throw new Error(`${file} holds ${om?.kind ?? 'no'} optimizer state with ${om?.groups?.length ?? 0} group(s); the run uses AdamW with ${groups.length}`);
    }
    const byName = new Map(arrays.map((a) => [a.name, a]));
    groups.forEach((opt, g) => {
      const gm = om.groups![g]!;
      const moments = gm.names.map((name) => {
        const m = byName.get(`adamw/${g}/m/${name}`);
        const v = byName.get(`adamw/${g}/v/${name}`);
        if (!m || !v) throw new Error(`${file} lacks AdamW moments of '${name}'`);
        return { name, shape: m.shape, m: m.data as Float32Array, v: v.data as Float32Array };
      });
      opt.importState({ step: gm.step, options: gm.options, moments }, model.namedVariables());
    });
  } else {
    const plain = optimizer as Pick<tf.Optimizer, 'setWeights'>;
    const opt = arrays.filter((a) => a.name.startsWith('optimizer/')).sort((a, b) => (a.name < b.name ? -1 : 1));
    const named = opt.map((a) => ({
      name: a.name.split('/').slice(2).join('/'),
      tensor: tf.tensor(a.data, [...a.shape], a.data instanceof Int32Array ? 'int32' : 'float32'),
    }));
    await plain.setWeights(named);
    for (const n of named) n.tensor.dispose();
  }
  return meta as LoopState;
}

/** Masked mean squared error: sum w (p - y)^2 / sum w. */
export function maskedMse(pred: tf.Tensor, target: tf.Tensor, weights: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const se = tf.mul(weights, tf.square(tf.sub(pred, target)));
    return tf.div(tf.sum(se), tf.maximum(tf.sum(weights), 1)) as tf.Scalar;
  });
}

async function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): Promise<tf.NamedTensorMap> {
  const names = Object.keys(grads);
  // read back asynchronously (webgpu has no synchronous read-back in Node), summed in JS as before
  const squares = names.map((n) => tf.tidy(() => tf.sum(tf.square(grads[n]!))));
  const sums = await Promise.all(squares.map((t) => t.data()));
  tf.dispose(squares);
  const norm = Math.sqrt(sums.reduce((s, v) => s + v[0]!, 0));
  if (!(norm > maxNorm)) return grads;
  const scale = maxNorm / norm;
  const out: tf.NamedTensorMap = {};
  for (const n of names) out[n] = tf.mul(grads[n]!, scale);
  return out;
}

/** Weighted normalized-LAI MSE over observed dates and valid cells of `range` (the training loss), with warm-up. */
export async function periodLoss(model: LaiModel, features: FeatureBuilder, range: DayRange, warmupDays: number, chunkDays: number, signal?: AbortSignal): Promise<number> {
  const start = Math.max(0, range.start - warmupDays);
  const pred = await predictRange(model, features, { start, end: range.end }, { chunkDays, denormalize: false, signal });
  const C = features.cells;
  const tg = features.targets(range.start, range.end - range.start);
  const offset = (range.start - start) * C;
  let sse = 0;
  let n = 0;
  for (let i = 0; i < tg.weights.length; i++) {
    const w = tg.weights[i]!;
    if (!w) continue;
    const d = pred[offset + i]! - tg.values[i]!;
    sse += w * d * d;
    n += w;
  }
  return n ? sse / n : NaN;
}

export async function trainModel(opts: TrainOptions): Promise<TrainResult> {
  const { model, optimizer, features, config, store } = opts;
  const dir = store.where;
  const t0 = performance.now();
  const log = opts.log ?? (() => undefined);
  const { grid } = features.dataset;
  const C = features.cells;
  const ch = features.channelCount;
  const starts = trainingWindowStarts(opts.train, config.windowDays, config.warmupDays);
  const vars = model.trainableVariables();
  const ckptFile = `the checkpoint in ${dir}`;

  let state: LoopState = {
    epoch: 0, bestValLoss: Infinity, bestEpoch: 0, badEpochs: 0, referenceLoss: null, history: [], stoppedEarly: false, seed: config.seed,
  };
  let resumedAfterEpoch = 0;
  const saved = (opts.resume ?? true) ? store.readCheckpoint() : null;
  if (saved) {
    state = await loadCheckpoint(saved, ckptFile, model, optimizer);
    if (state.seed !== config.seed) throw new Error(`checkpoint in ${dir} was made with seed ${state.seed}, the config has ${config.seed}`);
    // JSON turns Infinity into null
    state.bestValLoss = state.bestValLoss ?? Infinity;
    resumedAfterEpoch = state.epoch;
    log(`${model.kind}: resumed after epoch ${state.epoch} (best validation loss ${state.bestValLoss.toFixed(4)} at epoch ${state.bestEpoch})`);
  }

  const secondsPerEpoch: number[] = state.history.map((h) => h.seconds);

  while (state.epoch < config.epochs && !state.stoppedEarly) {
    const epoch = state.epoch + 1;
    const epochStart = performance.now();
    const batches = epochBatches(starts, config.batchSize, config.windowsPerEpoch, config.windowSeed ?? config.seed, epoch);
    let lossSum = 0;
    let lossCount = 0;
    for (let b = 0; b < batches.length; b++) {
      opts.signal?.throwIfAborted();
      const batch = batches[b]!;
      const B = batch.length;
      // warm-up days run forward only (no gradient tape: truncated backpropagation), so a long
      // spin-up of the recurrent and physics states costs no activation memory; the counted days
      // start from the warmed-up state and carry the loss and the gradients
      const W = config.warmupDays;
      const L = config.windowDays - W;
      const xWarm = new Float32Array(B * W * C * ch);
      const xData = new Float32Array(B * L * C * ch);
      const yData = new Float32Array(B * L * C);
      const wData = new Float32Array(B * L * C);
      // the loss term on a physics model's own LAI compares it with LAI, not with departures
      const physicsWeight = model.physicsLossWeight ?? 0;
      const yLaiData = physicsWeight > 0 ? new Float32Array(B * L * C) : undefined;
      const wLaiData = physicsWeight > 0 ? new Float32Array(B * L * C) : undefined;
      batch.forEach((s, i) => {
        if (yLaiData && wLaiData) {
          const lai = features.targets(s + W, L, false);
          yLaiData.set(lai.values, i * L * C);
          wLaiData.set(lai.weights, i * L * C);
        }
        if (W > 0) xWarm.set(features.inputs(s, W), i * W * C * ch);
        xData.set(features.inputs(s + W, L), i * L * C * ch);
        const tg = features.targets(s + W, L);
        yData.set(tg.values, i * L * C);
        wData.set(tg.weights, i * L * C);
      });
      if (!wData.some((w) => w > 0)) continue; // no observation in these windows' counted days
      const warmState = W > 0 ? tf.tidy(() => {
        const r = model.forward(tf.tensor5d(xWarm, [B, W, grid.nrows, grid.ncols, ch]), { startDays: batch, training: true });
        return [...r.state.tensors];
      }) : undefined;
      const { value, grads } = tf.tidy(() => {
        const x = tf.tensor5d(xData, [B, L, grid.nrows, grid.ncols, ch]);
        const y = tf.tensor5d(yData, [B, L, grid.nrows, grid.ncols, 1]);
        const w = tf.tensor5d(wData, [B, L, grid.nrows, grid.ncols, 1]);
        return tf.variableGrads(() => {
          const r = model.forward(x, { startDays: batch.map((s) => s + W), training: true, recordGradients: true, ...(warmState ? { state: { tensors: warmState } } : {}) });
          disposeState(r.state);
          const mse = maskedMse(r.lai, y, w);
          if (!yLaiData || !wLaiData) return mse;
          if (!r.physicsLai) throw new Error(`${model.kind}: physicsLossWeight is ${physicsWeight} but forward returned no physicsLai`);
          const shape = [B, L, grid.nrows, grid.ncols, 1] as [number, number, number, number, number];
          return tf.add(mse, tf.mul(physicsWeight, maskedMse(r.physicsLai, tf.tensor5d(yLaiData, shape), tf.tensor5d(wLaiData, shape)))) as tf.Scalar;
        }, vars);
      });
      // data(), not dataSync(): the webgpu backend has no synchronous read-back in Node
      const loss = (await value.data())[0]!;
      {
        const limit = state.referenceLoss === null ? Infinity : state.referenceLoss * config.divergenceFactor;
        // check BEFORE applying: a bad step never reaches the weights
        if (Number.isFinite(loss) && loss <= limit) {
          const clipped = config.gradClipNorm === null ? grads : await clipByGlobalNorm(grads, config.gradClipNorm);
          // tfjs types gradients as a variable map although it only reads them as tensors
          tf.tidy(() => optimizer.applyGradients(clipped as unknown as GradientMap));
          if (clipped !== grads) tf.dispose(Object.values(clipped));
        }
        tf.dispose([value, ...Object.values(grads)]);
      }
      if (warmState) tf.dispose(warmState);
      const limit = state.referenceLoss === null ? Infinity : state.referenceLoss * config.divergenceFactor;
      if (!Number.isFinite(loss) || loss > limit) {
        throw new TrainingDivergedError(
          `${model.kind}: training loss became ${Number.isFinite(loss) ? `${loss.toExponential(3)} (> ${config.divergenceFactor} x the first epoch's ${state.referenceLoss?.toExponential(3)})` : loss} ` +
            `at epoch ${epoch}, batch ${b + 1}; stopped. The last good checkpoint (epoch ${state.epoch}) is kept in ${dir}. ` +
            'Try a lower learningRate or a gradClipNorm.',
        );
      }
      lossSum += loss;
      lossCount++;
      const elapsedEpoch = (performance.now() - epochStart) / 1000;
      const perBatch = elapsedEpoch / (b + 1);
      const estEpoch = secondsPerEpoch.length ? secondsPerEpoch[secondsPerEpoch.length - 1]! : perBatch * batches.length * 1.3;
      opts.onProgress?.({
        model: model.kind, phase: 'train', epoch, epochs: config.epochs, batch: b + 1, batches: batches.length,
        loss: lossSum / lossCount, bestValLoss: Number.isFinite(state.bestValLoss) ? state.bestValLoss : undefined,
        etaSeconds: Math.max(0, estEpoch - elapsedEpoch) + estEpoch * (config.epochs - epoch),
        fraction: (state.epoch + (b + 1) / (batches.length + 1)) / config.epochs,
      });
      await new Promise((resolve) => setImmediate(resolve));
    }
    const trainLoss = lossCount ? lossSum / lossCount : NaN;
    if (state.referenceLoss === null && Number.isFinite(trainLoss)) state.referenceLoss = trainLoss;

    opts.onProgress?.({ model: model.kind, phase: 'validate', epoch, epochs: config.epochs, batch: batches.length, batches: batches.length, loss: trainLoss, fraction: (state.epoch + batches.length / (batches.length + 1)) / config.epochs });
    const valLoss = await periodLoss(model, features, opts.validate, config.warmupDays, config.inferenceChunkDays, opts.signal);
    if (!Number.isFinite(valLoss)) {
      throw new TrainingDivergedError(`${model.kind}: validation loss is ${valLoss} after epoch ${epoch}; stopped. The last good checkpoint (epoch ${state.epoch}) is kept in ${dir}.`);
    }
    const improved = valLoss < state.bestValLoss - config.minDelta;
    if (improved) {
      state.bestValLoss = valLoss;
      state.bestEpoch = epoch;
      state.badEpochs = 0;
      await store.writeBest(await weightsBundle(model, { epoch, valLoss }));
    } else {
      state.badEpochs++;
    }
    const seconds = (performance.now() - epochStart) / 1000;
    secondsPerEpoch.push(seconds);
    state.history.push({ epoch, trainLoss, valLoss, seconds, improved });
    state.epoch = epoch;
    if (state.badEpochs >= config.patience) {
      state.stoppedEarly = true;
      log(`${model.kind}: early stop after epoch ${epoch}: no validation improvement for ${config.patience} epochs (best ${state.bestValLoss.toFixed(4)} at epoch ${state.bestEpoch})`);
    }
    await store.writeCheckpoint(await checkpointBundle(model, optimizer, state));
    await store.writeHistory(state.history);
    log(`${model.kind}: epoch ${epoch}/${config.epochs} train loss ${trainLoss.toFixed(4)}, validation loss ${valLoss.toFixed(4)}${improved ? ' (best)' : ''}, ${seconds.toFixed(1)} s`);
    opts.onProgress?.({
      model: model.kind, phase: 'validate', epoch, epochs: config.epochs, batch: batches.length, batches: batches.length,
      loss: trainLoss, valLoss, bestValLoss: state.bestValLoss,
      etaSeconds: state.stoppedEarly ? 0 : seconds * (config.epochs - epoch), fraction: epoch / config.epochs,
    });
  }
  // the model leaves training with the best validation weights
  const best = store.readBest();
  if (best) assignWeightsBundle(model, best);
  return {
    history: state.history,
    bestEpoch: state.bestEpoch,
    bestValLoss: state.bestValLoss,
    stoppedEarly: state.stoppedEarly,
    resumedAfterEpoch,
    seconds: (performance.now() - t0) / 1000,
  };
}
