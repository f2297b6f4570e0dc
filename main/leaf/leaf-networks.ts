/**
 * The seed's parameter networks. NN_V: one-hot PFT [N, P] -> dense(P, sigmoid) -> dense(1, sigmoid)
 * -> Vcmax25 in its declared range [N]. NN_B: soil (clay, sand as fractions, f_om) [N, 3]
 * (+ a PFT embedding) -> dense(width, sigmoid) -> dense(1, sigmoid) -> B in (0, 1) [N].
 * Plain tf.variables so the whole state is easy to save and inspect.
 */
import * as tf from '@tensorflow/tfjs';
import { LEAF_PARAMETER_RANGES, unitToRange, type ParameterRange } from '../physics/parameter-range.ts';

export interface Dense {
  readonly w: tf.Variable;
  readonly b: tf.Variable;
}

/** PyTorch's nn.Linear initialisation: U(-1/sqrt(in), 1/sqrt(in)), seeded. */
function dense(nIn: number, nOut: number, seed: number, name: string): Dense {
  const k = 1 / Math.sqrt(nIn);
  // tidy: a variable shares its initial tensor's storage, and that tensor would otherwise stay counted
  return tf.tidy(() => ({
    w: tf.variable(tf.randomUniform([nIn, nOut], -k, k, 'float32', seed), true, `${name}_w`),
    b: tf.variable(tf.randomUniform([nOut], -k, k, 'float32', seed + 1), true, `${name}_b`),
  }));
}

function mlp(x: tf.Tensor2D, layers: readonly Dense[]): tf.Tensor {
  let h: tf.Tensor2D = x;
  for (const l of layers) h = tf.sigmoid(tf.add(tf.matMul(h, l.w), l.b));
  return tf.reshape(h, [-1]);
}

/**
 * One-hot PFT encoding [N, depth]. tf.oneHot refuses depth 1 ("depth must be >= 2"), yet a
 * single-PFT dataset is ordinary; its encoding is a column of ones. The depth stays the number
 * of PFTs present (not of all CLM4.5 PFTs) so multi-PFT runs keep the seed's network size.
 */
export function pftOneHot(pftIndex: tf.Tensor1D, depth: number): tf.Tensor2D {
  if (depth === 1) return tf.ones([pftIndex.shape[0], 1]);
  return tf.tidy(() => tf.oneHot(pftIndex, depth).toFloat() as tf.Tensor2D);
}

export class VcmaxNetwork {
  readonly layers: readonly Dense[];
  constructor(readonly nPft: number, seed: number, readonly range: ParameterRange = LEAF_PARAMETER_RANGES.vcmax25) {
    this.layers = [dense(nPft, nPft, seed, 'nnv_hidden'), dense(nPft, 1, seed + 2, 'nnv_out')];
  }
  /** oneHot [N, P] -> Vcmax25 [N] (umol CO2 m-2 s-1) */
  apply(oneHot: tf.Tensor2D): tf.Tensor {
    return tf.tidy(() => unitToRange(mlp(oneHot, this.layers), this.range));
  }
  variables(): tf.Variable[] { return this.layers.flatMap((l) => [l.w, l.b]); }
}

export class SoilBNetwork {
  readonly layers: readonly Dense[];
  readonly embedding?: tf.Variable;
  /** embeddingSize 0 leaves the PFT out (the seed's synthetic Vcmax-B setup) */
  constructor(readonly nPft: number, readonly embeddingSize: number, seed: number) {
    const nIn = 3 + embeddingSize;
    this.layers = [dense(nIn, nIn, seed + 10, 'nnb_hidden'), dense(nIn, 1, seed + 12, 'nnb_out')];
    if (embeddingSize > 0) this.embedding = tf.tidy(() => tf.variable(tf.randomNormal([nPft, embeddingSize], 0, 1, 'float32', seed + 14), true, 'nnb_pft_embedding'));
  }
  /** soil [N, 3] (clay fraction, sand fraction, f_om), pftIndex int32 [N] -> B [N] in (0, 1) */
  apply(soil: tf.Tensor2D, pftIndex: tf.Tensor1D): tf.Tensor {
    return tf.tidy(() => {
      // one-hot x embedding rather than tf.gather: gather's gradient kernel is missing on the wasm backend
      const x = this.embedding ? tf.concat([soil, tf.matMul(pftOneHot(pftIndex, this.nPft), this.embedding)], 1) as tf.Tensor2D : soil;
      return mlp(x, this.layers);
    });
  }
  variables(): tf.Variable[] { return [...this.layers.flatMap((l) => [l.w, l.b]), ...(this.embedding ? [this.embedding] : [])]; }
}
