/**
 * A square "same"-padded 2-D convolution with stride 1, computed two ways with the same weights:
 *
 * - 'native': tf.conv2d. Fast forward everywhere, but the wasm backend has no
 *   Conv2DBackpropFilter kernel, so it cannot be trained there.
 * - 'patches': im2col from shifted slices of a zero-padded tensor, concatenated on channels,
 *   then one matMul. Its forward and backward use only PadV2, Slice, Concat, Reshape and
 *   BatchMatMul, which every backend has, so it trains on wasm; and wasm's matMul (XNNPACK) is
 *   its fastest kernel.
 *
 * Weights are stored as a matrix [k * k * inChannels, outChannels] whose row index is
 * (dy * k + dx) * inChannels + c: exactly tf.conv2d's filter [k, k, in, out] flattened, so both
 * paths share one variable.
 */
import * as tf from '@tensorflow/tfjs';

export type ConvImpl = 'native' | 'patches' | 'hybrid';

/**
 * im2col for a k x k stride-1 "same" convolution.
 * @param x [batch, rows, cols, channels]
 * @returns [batch * rows * cols, k * k * channels], row-major over (batch, row, col)
 */
export function patches(x: tf.Tensor4D, k: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [b, rows, cols, ch] = x.shape;
    if (k === 1) return x.reshape([b * rows * cols, ch]);
    const p = (k - 1) / 2;
    const padded = tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]]);
    const shifted: tf.Tensor4D[] = [];
    for (let dy = 0; dy < k; dy++) {
      for (let dx = 0; dx < k; dx++) shifted.push(tf.slice(padded, [0, dy, dx, 0], [b, rows, cols, ch]));
    }
    return tf.concat(shifted, 3).reshape([b * rows * cols, k * k * ch]);
  });
}

/**
 * y = conv(x, W) (no bias), "same" padding, stride 1.
 * @param x [batch, rows, cols, inChannels]
 * @param w [k * k * inChannels, outChannels]
 * @returns [batch * rows * cols, outChannels] (flattened: the callers feed it to a matMul-shaped
 *   gate computation, so no reshape back to 4-D is paid for)
 */
export function conv2dSame(x: tf.Tensor4D, w: tf.Tensor2D, k: number, impl: ConvImpl): tf.Tensor2D {
  const [b, rows, cols, inCh] = x.shape;
  const out = w.shape[1];
  if (w.shape[0] !== k * k * inCh) {
    throw new Error(`conv2dSame: kernel has ${w.shape[0]} rows, expected k*k*in = ${k * k * inCh}`);
  }
  if (impl === 'hybrid') return conv2dHybrid(x, w, k);
  return tf.tidy(() => {
    if (impl === 'patches') return tf.matMul(patches(x, k), w);
    const y = tf.conv2d(x, w.reshape([k, k, inCh, out]) as tf.Tensor4D, 1, 'same');
    return y.reshape([b * rows * cols, out]);
  });
}

/**
 * 'hybrid': a convolution whose forward and input gradient are native conv2d calls and whose
 * filter gradient is patches^T @ dy, as one custom-gradient op. Every kernel it uses exists on
 * wasm (Conv2DBackpropFilter, the one that does not, is never called), and compared with
 * 'patches' its forward writes no im2col copy and its tape saves x instead of the 9x larger
 * patches (the patches are rebuilt in the backward, used once and freed).
 * dx of a stride-1 "same" convolution with an odd kernel is the "same" convolution of dy with
 * the kernel flipped in both spatial axes and its in / out channels swapped.
 */
function conv2dHybrid(x: tf.Tensor4D, w: tf.Tensor2D, k: number): tf.Tensor2D {
  const [b, rows, cols, inCh] = x.shape;
  const out = w.shape[1];
  const op = tf.customGrad((...args: (tf.Tensor | ((ts: tf.Tensor[]) => void))[]) => {
    const [xi, wi, save] = args as [tf.Tensor, tf.Tensor, (ts: tf.Tensor[]) => void];
    save([xi, wi]);
    const value = tf.conv2d(xi as tf.Tensor4D, wi.reshape([k, k, inCh, out]) as tf.Tensor4D, 1, 'same').reshape([b * rows * cols, out]);
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], [xs, ws]: tf.Tensor[]) => {
        const dy2 = dy as tf.Tensor2D;
        const wT = tf.transpose(tf.reverse(ws!.reshape([k, k, inCh, out]), [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
        const dx = tf.conv2d(dy2.reshape([b, rows, cols, out]) as tf.Tensor4D, wT, 1, 'same');
        // explicit transpose + plain matMul: wasm's transposed matMul is a slow generic loop
        const dw = tf.matMul(tf.transpose(patches(xs as tf.Tensor4D, k)), dy2);
        return [dx, dw];
      },
    };
  });
  return op(x, w) as tf.Tensor2D;
}

/**
 * The implementation to use on the active backend when the caller asked for 'auto'.
 * wasm: patches (native conv2d cannot be trained there). cpu: patches too; measured in the
 * 'models' bench (native conv2d's backprop-filter on cpu is a naive loop). tensorflow (tfjs-node,
 * libtensorflow): native, whose kernels are optimized and complete.
 */
export function defaultConvImpl(backend: string = tf.getBackend()): ConvImpl {
  return backend === 'tensorflow' || backend === 'webgl' || backend === 'webgpu' ? 'native' : 'patches';
}

/**
 * The implementation for a forward pass without gradients when the caller asked for 'auto'.
 * wasm: native (XNNPACK's convolution reads the 3 x 3 neighbourhood in place; patches first
 * writes a 9x larger im2col copy; measured in the 'models' bench). cpu: patches (its conv2d
 * is a plain loop, slower than its matMul). Native backends: native, as for training.
 */
export function defaultInferenceConvImpl(backend: string = tf.getBackend()): ConvImpl {
  return backend === 'cpu' ? 'patches' : 'native';
}
