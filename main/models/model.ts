/**
 * The one interface every LAI model implements (LSTM baseline, ConvLSTM, physics-encoded
 * ConvLSTM, physics only). Training, evaluation, inference and the bench use only this.
 *
 * Conventions
 * - Inputs are NORMALIZED daily forcing (and any static / derived channels the data pipeline
 *   adds), shaped [batch, time, rows, cols, channels], row 0 = north (main/data/grid.ts).
 *   They must be finite: the pipeline writes 0 in cells outside the basin mask.
 * - Outputs are NORMALIZED LAI, [batch, time, rows, cols, 1]; the caller de-normalizes with the
 *   dataset's LAI mean / std and ignores cells outside the mask.
 * - `forward` may be called inside `tf.tidy` / `optimizer.minimize`. The returned `state` lets a
 *   long record be run in chunks (36 years do not fit in one graph): pass the state of chunk k
 *   to chunk k+1. The caller owns returned tensors: `tf.keep` them when called inside a tidy
 *   and carried out of it, and free the previous state with `disposeState`.
 * - Every model owns its tf.Variables and frees them in `dispose()`.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset.ts';

import type { ModelKind } from './model-kinds.ts';
export type { ModelKind };

/** Fields every model config has (the per-kind schemas live in model-factory.ts). */
export interface BaseModelConfig {
  readonly kind: ModelKind;
  /** grid rows (north -> south) and columns (west -> east) the model is built for */
  readonly rows: number;
  readonly cols: number;
  /** number of input channels in `forward`'s inputs */
  readonly inputChannels: number;
  /** seed of the weight initialization (a reload ignores it: weights come from the file) */
  readonly seed: number;
}

/**
 * Recurrent state carried between chunks. Opaque to callers: pass it back to the same model.
 * ConvLSTM: [h, c], each [batch, rows, cols, hidden]. LSTM: [h, c], each [batch, hidden].
 */
export interface ModelState {
  readonly tensors: readonly tf.Tensor[];
}

export interface ForwardOptions {
  /** state returned by the previous chunk; zeros when absent */
  readonly state?: ModelState;
  /**
   * Day index (on the dataset's daily axis) of time step 0, one per batch element. Models that
   * need the calendar (day length, phenology) require it; the others ignore it.
   */
  readonly startDays?: readonly number[];
  /** true while training (dropout and similar); default false */
  readonly training?: boolean;
  /**
   * true when the caller takes a gradient of this forward (inside tf.grads, tf.variableGrads or
   * an optimizer step): models then run their taped paths (gradient checkpointing where
   * configured) instead of the inference path. Default false. Without it a gradient may fail (the
   * inference path may use kernels that have no gradient on the backend) or hold far more memory.
   */
  readonly recordGradients?: boolean;
}

export interface ForwardResult {
  /** normalized LAI, [batch, time, rows, cols, 1] */
  readonly lai: tf.Tensor5D;
  /** state after the last time step, for the next chunk */
  readonly state: ModelState;
  /**
   * The model's process-model LAI, normalized like LAI targets (not departures), [batch, time,
   * rows, cols, 1]: returned by models with a physicsLossWeight when the forward records
   * gradients, so the trainer adds the loss term on it. The caller owns it.
   */
  readonly physicsLai?: tf.Tensor5D;
}

/** A named model weight. Names are unique within a model and stable across versions. */
export interface NamedVariable {
  readonly name: string;
  readonly variable: tf.Variable;
}

export interface LaiModel<C extends BaseModelConfig = BaseModelConfig> {
  readonly kind: C['kind'];
  /** the validated, JSON-serialisable config the model was built from */
  readonly config: C;
  /** every weight (trainable or not), in a fixed order; saved and reloaded by model-io.ts */
  namedVariables(): readonly NamedVariable[];
  /** the weights an optimizer updates */
  trainableVariables(): tf.Variable[];
  /**
   * Weight of an added loss term on the model's own process-model LAI (ForwardResult.physicsLai):
   * loss = MSE(output) + physicsLossWeight x MSE(physics LAI vs observed LAI). Absent or 0: none.
   */
  readonly physicsLossWeight?: number;
  /** run the model over `inputs` [batch, time, rows, cols, inputChannels] */
  forward(inputs: tf.Tensor5D, options?: ForwardOptions): ForwardResult;
  /** free every variable the model owns; the model is unusable afterwards */
  dispose(): void;
}

/** What a model may need from the dataset beyond its config (physics models: static layers). */
export interface ModelContext {
  /** the basin dataset (static layers, normalization, start date, mask) */
  readonly dataset?: Dataset;
}

/** Frees the tensors of a state returned by `forward` (no-op for undefined). */
export function disposeState(state: ModelState | undefined): void {
  if (!state) return;
  for (const t of state.tensors) if (!t.isDisposed) t.dispose();
}

/** Copies of every weight, by name (caller disposes). */
export function getWeights(model: LaiModel): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const { name, variable } of model.namedVariables()) out.set(name, variable.clone());
  return out;
}

/** Assigns weights by name; every model weight must be present with the same shape. */
export function setWeights(model: LaiModel, weights: ReadonlyMap<string, tf.Tensor>): void {
  const vars = model.namedVariables();
  for (const { name, variable } of vars) {
    const w = weights.get(name);
    if (!w) throw new Error(`setWeights: no value for weight '${name}'`);
    if (w.shape.join('x') !== variable.shape.join('x')) {
      throw new Error(`setWeights: weight '${name}' has shape [${w.shape}], model expects [${variable.shape}]`);
    }
  }
  const known = new Set(vars.map((v) => v.name));
  for (const name of weights.keys()) if (!known.has(name)) throw new Error(`setWeights: model has no weight '${name}'`);
  for (const { name, variable } of vars) variable.assign(weights.get(name)!);
}

/** Checks `inputs` against the model config; throws a message naming the mismatch. */
export function checkInputs(config: BaseModelConfig, inputs: tf.Tensor): asserts inputs is tf.Tensor5D {
  const s = inputs.shape;
  if (s.length !== 5) throw new Error(`${config.kind}: inputs must be [batch, time, rows, cols, channels], got rank ${s.length}`);
  if (s[2] !== config.rows || s[3] !== config.cols || s[4] !== config.inputChannels) {
    throw new Error(
      `${config.kind}: inputs are [${s}], model expects [batch, time, ${config.rows}, ${config.cols}, ${config.inputChannels}]`,
    );
  }
}
