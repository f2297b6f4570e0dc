/**
 * Regionalized process parameters (differentiable parameter learning, Tsai et al. 2021, on the
 * grid): a small MLP maps each cell's standardized static attributes (static-attributes.ts) to
 * every learned process parameter. As NN_B does at leaf scale, each output goes through a sigmoid
 * into the parameter's declared range, so no weights can produce an unphysical value:
 *
 *   p_k(cell) = min_k + (max_k - min_k) * sigmoid(u_k(default of the cell's PFT) + MLP(x_cell)_k)
 *
 * u_k(default) (parameter-range.ts rawForValue) is a fixed prior offset and the output layer
 * starts at zero, so the untrained network gives exactly the per-PFT defaults; training moves
 * each cell away from them as the data say. Parameters that are not learned stay at their PFT
 * default in every cell. Two tanh hidden layers; weights named '<prefix>/cellnet/...'.
 */
import * as tf from '@tensorflow/tfjs';
import { rawForValue, toRange } from '../parameter-range.ts';
import { LEARNED_PARAMETER_NAMES, PARAMETER_SPECS, type LearnedParameterName } from './pft-params.ts';
import { reportOfCellMaps, type LearnedParameterReport, type ParameterSource, type ProcessParameters } from './learned-parameters.ts';
import type { StaticAttributes } from './static-attributes.ts';

/** the network's weights in order, as named by named(prefix): '<prefix>/cellnet/<name>' */
export const CELL_NETWORK_WEIGHTS = ['dense1_kernel', 'dense1_bias', 'dense2_kernel', 'dense2_bias', 'out_kernel', 'out_bias'] as const;

export interface CellNetworkOptions {
  /** units of each of the two hidden layers */
  readonly hidden: number;
  readonly seed: number;
}

export class CellParameterNetwork implements ParameterSource {
  readonly parameterization = 'per-cell-network';
  /** the learned parameters, in LEARNED_PARAMETER_NAMES order: one output each */
  readonly heads: readonly LearnedParameterName[];
  readonly weights: Record<(typeof CELL_NETWORK_WEIGHTS)[number], tf.Variable>;
  private readonly x: tf.Tensor2D; // [cells, attributes]
  private readonly prior: tf.Tensor2D; // [cells, heads]: raw default of each cell's PFT
  private readonly fixed: Record<LearnedParameterName, tf.Tensor1D>; // per-cell defaults of the parameters not learned

  constructor(
    readonly attributes: StaticAttributes,
    /** PFT index of each cell */
    readonly cellPft: Int32Array,
    readonly learned: ReadonlySet<LearnedParameterName>,
    readonly options: CellNetworkOptions,
  ) {
    const n = attributes.cells;
    if (cellPft.length !== n) throw new Error(`per-cell network: ${cellPft.length} cell PFTs for ${n} cells`);
    const f = attributes.names.length;
    const h = options.hidden;
    this.heads = LEARNED_PARAMETER_NAMES.filter((p) => learned.has(p));
    const k = this.heads.length;
    this.x = tf.keep(tf.tensor2d(attributes.values, [n, f]));
    const prior = new Float32Array(n * k);
    for (let c = 0; c < n; c++) this.heads.forEach((p, j) => { prior[c * k + j] = rawForValue(PARAMETER_SPECS[p].defaults[cellPft[c]!]!, PARAMETER_SPECS[p].range); });
    this.prior = tf.keep(tf.tensor2d(prior, [n, k]));
    this.fixed = {} as Record<LearnedParameterName, tf.Tensor1D>;
    for (const p of LEARNED_PARAMETER_NAMES) {
      if (!learned.has(p)) this.fixed[p] = tf.keep(tf.tensor1d(Float32Array.from(cellPft, (pft) => PARAMETER_SPECS[p].defaults[pft]!)));
    }
    // Glorot-uniform hidden layers (seeded); a zero output layer: the network starts at the defaults
    const glorot = (fanIn: number, fanOut: number, seed: number) =>
      tf.randomUniform([fanIn, fanOut], -Math.sqrt(6 / (fanIn + fanOut)), Math.sqrt(6 / (fanIn + fanOut)), 'float32', seed);
    const trainable = k > 0;
    // unnamed: tfjs variable names are global and two models may coexist (named() gives stable names)
    this.weights = {
      dense1_kernel: tf.variable(glorot(f, h, options.seed), trainable),
      dense1_bias: tf.variable(tf.zeros([h]), trainable),
      dense2_kernel: tf.variable(glorot(h, h, options.seed + 1), trainable),
      dense2_bias: tf.variable(tf.zeros([h]), trainable),
      out_kernel: tf.variable(tf.zeros([h, Math.max(k, 1)]), trainable),
      out_bias: tf.variable(tf.zeros([Math.max(k, 1)]), trainable),
    };
  }

  named(prefix: string): { name: string; variable: tf.Variable }[] {
    return CELL_NETWORK_WEIGHTS.map((w) => ({ name: `${prefix}/cellnet/${w}`, variable: this.weights[w] }));
  }

  trainable(): tf.Variable[] {
    return this.heads.length ? CELL_NETWORK_WEIGHTS.map((w) => this.weights[w]) : [];
  }

  /** per-cell physical values, [cells] each (differentiable w.r.t. the weights); caller disposes */
  values(): ProcessParameters {
    return tf.tidy(() => {
      const w = this.weights;
      const perCell = {} as Record<LearnedParameterName, tf.Tensor1D>;
      if (this.heads.length) {
        const h1 = tf.tanh(tf.add(tf.matMul(this.x, w.dense1_kernel as tf.Tensor2D), w.dense1_bias));
        const h2 = tf.tanh(tf.add(tf.matMul(h1, w.dense2_kernel as tf.Tensor2D), w.dense2_bias));
        const raw = tf.add(tf.add(tf.matMul(h2, w.out_kernel as tf.Tensor2D), w.out_bias), this.prior);
        // one column per head; unstack's gradient is a stack, available on every backend
        const cols = this.heads.length === 1 ? [raw.reshape([-1])] : tf.unstack(raw, 1);
        this.heads.forEach((p, j) => { perCell[p] = toRange(cols[j]!, PARAMETER_SPECS[p].range) as tf.Tensor1D; });
      }
      for (const p of LEARNED_PARAMETER_NAMES) if (!this.learned.has(p)) perCell[p] = tf.clone(this.fixed[p]);
      return { perCell } as unknown as tf.TensorContainer;
    }) as unknown as ProcessParameters;
  }

  /**
   * Per-cell values read back: computed on the CPU from the weights (readable once the caller
   * awaited them on backends without synchronous read-back, main/tfjs/readback.ts); the same
   * equations as values(), which a test checks.
   */
  cellMaps(_cellPft: Int32Array, mask: ArrayLike<number>): Record<LearnedParameterName, Float32Array> {
    const n = this.attributes.cells;
    const f = this.attributes.names.length;
    const h = this.options.hidden;
    const k = this.heads.length;
    const w = Object.fromEntries(CELL_NETWORK_WEIGHTS.map((name) => [name, this.weights[name].dataSync() as Float32Array])) as Record<(typeof CELL_NETWORK_WEIGHTS)[number], Float32Array>;
    const dense = (x: Float32Array, kernel: Float32Array, bias: Float32Array, nIn: number, nOut: number, act: boolean) => {
      const y = new Float32Array(nOut);
      for (let o = 0; o < nOut; o++) {
        let s = bias[o]!;
        for (let i = 0; i < nIn; i++) s += x[i]! * kernel[i * nOut + o]!;
        y[o] = act ? Math.tanh(s) : s;
      }
      return y;
    };
    const out = {} as Record<LearnedParameterName, Float32Array>;
    for (const p of LEARNED_PARAMETER_NAMES) out[p] = new Float32Array(n).fill(NaN);
    const outWidth = Math.max(k, 1);
    for (let c = 0; c < n; c++) {
      if (!mask[c]) continue;
      const pft = this.cellPft[c]!;
      const x = this.attributes.values.subarray(c * f, (c + 1) * f);
      const y = dense(dense(dense(x, w.dense1_kernel, w.dense1_bias, f, h, true), w.dense2_kernel, w.dense2_bias, h, h, true), w.out_kernel, w.out_bias, h, outWidth, false);
      for (const p of LEARNED_PARAMETER_NAMES) {
        const spec = PARAMETER_SPECS[p];
        const j = this.heads.indexOf(p);
        if (j < 0) { out[p][c] = spec.defaults[pft]!; continue; }
        const u = y[j]! + rawForValue(spec.defaults[pft]!, spec.range);
        out[p][c] = Math.fround(spec.range.min + (spec.range.max - spec.range.min) / (1 + Math.exp(-u)));
      }
    }
    return out;
  }

  report(cellPft: Int32Array, mask: ArrayLike<number>): LearnedParameterReport {
    return reportOfCellMaps(this.cellMaps(cellPft, mask), cellPft, this.learned, this.parameterization);
  }

  dispose(): void {
    for (const w of CELL_NETWORK_WEIGHTS) this.weights[w].dispose();
    this.x.dispose();
    this.prior.dispose();
    tf.dispose(Object.values(this.fixed));
  }
}
