/**
 * Reading tensors back to the CPU where the backend may not allow it synchronously.
 *
 * tfjs's webgpu backend implements dataSync() by drawing the buffer onto an OffscreenCanvas,
 * which Node does not have: in the engine process dataSync() on webgpu throws
 * "OffscreenCanvas is not defined" (measured with @tensorflow/tfjs-backend-webgpu 4.22.0 on
 * Dawn). Only the asynchronous data() works there. Code that runs inside a synchronous forward
 * (the physics spin-up, Newton's convergence test) asks hasSyncReadback() and keeps its values on
 * the device instead; code outside a forward awaits data().
 */
import * as tf from '@tensorflow/tfjs';

/** whether dataSync() works on the backend (the active one by default) */
export function hasSyncReadback(backend: string = tf.getBackend()): boolean {
  return backend !== 'webgpu';
}

/**
 * The identity of a tensor's storage. Variable.assign gives a variable new storage (tfjs 4.22:
 * `this.dataId = newValue.dataId`), so an unchanged identity means unchanged values: a change
 * test that needs no read-back.
 */
export function storageIdentity(t: tf.Tensor): object {
  return t.dataId;
}

/** a scalar's value, awaited (works on every backend) */
export async function readScalar(t: tf.Tensor): Promise<number> {
  return (await t.data())[0]!;
}

/**
 * Makes a later dataSync() of these tensors work on every backend: on one without synchronous
 * read-back it awaits data(), which leaves the values cached on the CPU where tfjs's webgpu
 * readSync finds them first. A no-op elsewhere.
 */
export async function readableSync(tensors: readonly tf.Tensor[]): Promise<void> {
  if (hasSyncReadback()) return;
  await Promise.all(tensors.map((t) => t.data()));
}

/**
 * The values of these float32 tensors, read with data() (which every backend has), then the
 * tensors disposed. On wasm / cpu data() is dataSync() behind a resolved promise.
 */
export async function readAndDispose(tensors: readonly tf.Tensor[]): Promise<Float32Array[]> {
  try {
    return (await Promise.all(tensors.map((t) => t.data()))) as Float32Array[];
  } finally {
    tf.dispose([...tensors]);
  }
}
