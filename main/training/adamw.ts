/**
 * AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, "Decoupled Weight Decay
 * Regularization", ICLR 2019), with the same update as PyTorch's torch.optim.AdamW:
 *
 *   t += 1
 *   p <- p * (1 - lr * weightDecay)                      (decay not scaled by the Adam step)
 *   m <- beta1 m + (1 - beta1) g
 *   v <- beta2 v + (1 - beta2) g^2
 *   p <- p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon)
 *
 * By default rank-0/1 variables (biases) get no decay (`decayBiases`), as is usual.
 * A tf.Optimizer subclass: use `minimize(f, true, vars)` or `applyGradients(grads)`.
 * `exportState` / `importState` (by model weight names, since tfjs variable names differ
 * between processes) and `encodeAdamWState` / `decodeAdamWState` (binary) let a checkpointed
 * run resume with bit-identical updates.
 */
import * as tf from '@tensorflow/tfjs';
import { readableSync } from '../tfjs/readback.ts';
import type { NamedVariable } from '../models/model.ts';

export interface AdamWOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** decoupled weight decay coefficient (PyTorch's default 0.01) */
  weightDecay?: number;
  /** also decay rank-0/1 variables (biases); default false */
  decayBiases?: boolean;
}

/** Optimizer state for one weight, by model weight name. */
export interface AdamWMoments {
  readonly name: string;
  readonly shape: readonly number[];
  readonly m: Float32Array;
  readonly v: Float32Array;
}

export interface AdamWState {
  /** number of updates applied so far (t in the update) */
  readonly step: number;
  readonly options: Required<AdamWOptions>;
  readonly moments: readonly AdamWMoments[];
}

interface Slot {
  m: tf.Variable;
  v: tf.Variable;
}

export class AdamW extends tf.Optimizer {
  static get className(): string {
    return 'VegdynAdamW';
  }

  /** may be changed between steps (schedules); importState restores every option */
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  decayBiases: boolean;
  private step = 0;
  /** moments by tfjs variable name */
  private readonly slots = new Map<string, Slot>();

  constructor(options: AdamWOptions) {
    super();
    const { learningRate, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, weightDecay = 0.01, decayBiases = false } = options;
    if (!(learningRate > 0)) throw new Error(`AdamW: learningRate must be > 0, got ${learningRate}`);
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) throw new Error('AdamW: beta1 and beta2 must be in [0, 1)');
    if (!(epsilon > 0)) throw new Error('AdamW: epsilon must be > 0');
    if (!(weightDecay >= 0)) throw new Error('AdamW: weightDecay must be >= 0');
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    this.decayBiases = decayBiases;
  }

  /** number of updates applied so far */
  get steps(): number {
    return this.step;
  }

  override applyGradients(variableGradients: Parameters<tf.Optimizer['applyGradients']>[0]): void {
    const entries: [string, tf.Tensor | null][] = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor])
      : Object.entries(variableGradients);
    this.step += 1;
    const t = this.step;
    const lr = this.learningRate;
    const bc1 = 1 - this.beta1 ** t;
    const sqrtBc2 = Math.sqrt(1 - this.beta2 ** t);
    for (const [name, grad] of entries) {
      if (grad == null) continue;
      const variable = tf.engine().registeredVariables[name];
      if (!variable) throw new Error(`AdamW: no variable named '${name}'`);
      const slot = this.slotFor(name, variable);
      tf.tidy(() => {
        const m = tf.add(tf.mul(slot.m, this.beta1), tf.mul(grad, 1 - this.beta1));
        const v = tf.add(tf.mul(slot.v, this.beta2), tf.mul(tf.square(grad), 1 - this.beta2));
        slot.m.assign(m);
        slot.v.assign(v);
        const decays = this.weightDecay > 0 && (this.decayBiases || variable.rank >= 2);
        const p = decays ? tf.mul(variable, 1 - lr * this.weightDecay) : variable;
        const denom = tf.add(tf.div(tf.sqrt(v), sqrtBc2), this.epsilon);
        variable.assign(tf.sub(p, tf.mul(tf.div(m, denom), lr / bc1)));
      });
    }
    this.incrementIterations();
  }

  private slotFor(name: string, variable: tf.Variable): Slot {
    let slot = this.slots.get(name);
    if (!slot) {
      slot = {
        m: tf.tidy(() => tf.variable(tf.zerosLike(variable), false)),
        v: tf.tidy(() => tf.variable(tf.zerosLike(variable), false)),
      };
      this.slots.set(name, slot);
    }
    return slot;
  }

  /** Lets exportState read the moments on a backend without synchronous read-back (webgpu). */
  async prepareExport(): Promise<void> {
    await readableSync([...this.slots.values()].flatMap((s) => [s.m, s.v]));
  }

  /**
   * The state for a checkpoint, keyed by the model's weight names (on webgpu, await
   * prepareExport() first).
   * @param variables the model's named variables (model.namedVariables())
   */
  exportState(variables: readonly NamedVariable[]): AdamWState {
    const moments: AdamWMoments[] = [];
    for (const { name, variable } of variables) {
      const slot = this.slots.get(variable.name);
      if (!slot) continue; // never updated (non-trainable, or no step yet)
      moments.push({
        name,
        shape: [...variable.shape],
        m: (slot.m.dataSync() as Float32Array).slice(),
        v: (slot.v.dataSync() as Float32Array).slice(),
      });
    }
    return { step: this.step, options: this.options(), moments };
  }

  /**
   * Restores a state from exportState onto `variables` (of a model with the same weights),
   * including the options it was saved with.
   */
  importState(state: AdamWState, variables: readonly NamedVariable[]): void {
    const byName = new Map(variables.map((v) => [v.name, v.variable]));
    for (const mo of state.moments) {
      const variable = byName.get(mo.name);
      if (!variable) throw new Error(`AdamW state has moments for '${mo.name}', which the model does not have`);
      if (mo.shape.join('x') !== variable.shape.join('x')) throw new Error(`AdamW state for '${mo.name}' is [${mo.shape}], the weight is [${variable.shape}]`);
    }
    this.disposeSlots();
    for (const mo of state.moments) {
      const variable = byName.get(mo.name)!;
      this.slots.set(variable.name, {
        m: tf.variable(tf.tensor(mo.m, [...mo.shape], 'float32'), false),
        v: tf.variable(tf.tensor(mo.v, [...mo.shape], 'float32'), false),
      });
    }
    this.step = state.step;
    ({
      learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon,
      weightDecay: this.weightDecay, decayBiases: this.decayBiases,
    } = state.options);
  }

  options(): Required<AdamWOptions> {
    return {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      weightDecay: this.weightDecay,
      decayBiases: this.decayBiases,
    };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...this.options() };
  }

  private disposeSlots(): void {
    for (const s of this.slots.values()) {
      s.m.dispose();
      s.v.dispose();
    }
    this.slots.clear();
  }

  override dispose(): void {
    this.disposeSlots();
    super.dispose();
  }
}

/**
 * Binary encoding of an AdamW state: uint32 little-endian header length, the JSON header
 * ({ step, options, moments: [{ name, shape, offset, length }] }), zero padding to 4 bytes, then
 * every m and v as float32 (little-endian), m then v per weight.
 */
export function encodeAdamWState(state: AdamWState): Uint8Array {
  let offset = 0;
  const moments = state.moments.map((mo) => {
    const e = { name: mo.name, shape: [...mo.shape], offset, length: mo.m.length };
    offset += 2 * mo.m.length;
    return e;
  });
  const header = new TextEncoder().encode(JSON.stringify({ format: 'vegdyn-adamw', version: 1, step: state.step, options: state.options, moments }));
  const headerEnd = 4 + header.length;
  const dataStart = Math.ceil(headerEnd / 4) * 4;
  const out = new Uint8Array(dataStart + offset * 4);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  const floats = new Float32Array(out.buffer, dataStart, offset);
  state.moments.forEach((mo, i) => {
    floats.set(mo.m, moments[i]!.offset);
    floats.set(mo.v, moments[i]!.offset + mo.m.length);
  });
  return out;
}

export function decodeAdamWState(bytes: Uint8Array): AdamWState {
  const copy = Uint8Array.from(bytes); // aligned
  const view = new DataView(copy.buffer);
  const headerLength = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(copy.subarray(4, 4 + headerLength))) as {
    format: string; version: number; step: number; options: Required<AdamWOptions>;
    moments: { name: string; shape: number[]; offset: number; length: number }[];
  };
  if (header.format !== 'vegdyn-adamw' || header.version !== 1) throw new Error('not a VegDyn AdamW state (format/version)');
  const dataStart = Math.ceil((4 + headerLength) / 4) * 4;
  const floats = new Float32Array(copy.buffer, dataStart, (copy.length - dataStart) / 4);
  return {
    step: header.step,
    options: header.options,
    moments: header.moments.map((e) => ({
      name: e.name,
      shape: e.shape,
      m: floats.slice(e.offset, e.offset + e.length),
      v: floats.slice(e.offset + e.length, e.offset + 2 * e.length),
    })),
  };
}
