/**
 * A faster gradient for BatchMatMul on the wasm backend.
 *
 * tfjs's stock gradient of y = a @ b is da = dy @ b^T and db = a^T @ dy, computed as matMuls
 * with transposeA / transposeB set. The wasm backend runs transposed operands through a slow
 * generic loop (measured here at paper size [3402, 576] x [576, 256]: ~1 GFLOP/s transposed vs
 * ~20 GFLOP/s plain XNNPACK), which made ConvLSTM backprop ~10x slower than its forward.
 * This gradient transposes the operand explicitly (a cheap memory copy) and calls a plain
 * matMul. It is mathematically the stock gradient; on other backends the stock one is used.
 * Installing it is global to tfjs (gradients are registered per kernel name) and idempotent.
 */
import * as tf from '@tensorflow/tfjs';

let installed = false;

/** swap the last two axes of a rank-2 or rank-3 tensor */
function t(x: tf.Tensor): tf.Tensor {
  return x.rank === 2 ? tf.transpose(x) : tf.transpose(x, [0, 2, 1]);
}

/**
 * a^T @ g for a [..., k, m], g [..., k, n], where k (cells x days) is long. XNNPACK packs the
 * right operand of every matMul into its own layout first, and for a fresh tensor that costs more
 * than the multiply-adds when the operand is large (measured: the ConvLSTM input-kernel gradient,
 * a [27216, 72], g [27216, 256]: 92-120 ms as t(a) @ g, which packs g; a cached g took 24 ms).
 * So the operand packed is the smaller of the two: t(t(g) @ a) packs a when m < n.
 */
function weightGradient(a: tf.Tensor, g: tf.Tensor): tf.Tensor {
  const m = a.shape[a.rank - 1]!;
  const n = g.shape[g.rank - 1]!;
  return m < n ? t(tf.matMul(t(g), a)) : tf.matMul(t(a), g);
}

export function installWasmMatMulGradient(): void {
  if (installed) return;
  const stock = tf.getGradient('BatchMatMul');
  if (!stock) throw new Error('tfjs has no BatchMatMul gradient to wrap');
  tf.registerGradient({
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved as [tf.Tensor, tf.Tensor];
      const sameBatch = a.rank === 2 || (a.rank === 3 && b.rank === 3 && a.shape[0] === b.shape[0]);
      if (tf.getBackend() !== 'wasm' || !sameBatch || a.rank !== b.rank) return stock.gradFunc(dy, saved, attrs);
      const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
      const g = dy as tf.Tensor;
      if (!transposeA && !transposeB) return { a: () => tf.matMul(g, t(b)), b: () => weightGradient(a, g) };
      if (!transposeA && transposeB) return { a: () => tf.matMul(g, b), b: () => tf.matMul(t(g), a) };
      if (transposeA && !transposeB) return { a: () => tf.matMul(b, t(g)), b: () => tf.matMul(a, g) };
      return { a: () => tf.matMul(t(b), t(g)), b: () => tf.matMul(t(g), t(a)) };
    },
  });
  installed = true;
}
