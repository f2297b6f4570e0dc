/**
 * Test helper: switch the tfjs backend (wasm is loaded from the package's dist folder, with
 * VegDyn's tfjs patches installed as the app's backend start installs them).
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import path from 'node:path';
import { createRequire } from 'node:module';
import { startPatchedWasm } from '../../../main/tfjs/tfjs-patches.ts';

let wasmStarted = false;

/** `wasmThreads` counts only for the first start of wasm in a process (unthreaded by default) */
export async function useBackend(name: 'cpu' | 'wasm', wasmThreads = 1): Promise<void> {
  if (name === 'wasm' && !wasmStarted) {
    const require = createRequire(import.meta.url);
    const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    setWasmPaths(dist + path.sep);
    const { patches } = await startPatchedWasm(wasmThreads);
    if (!patches.applied) throw new Error(patches.summary);
    wasmStarted = true;
  }
  if (tf.getBackend() !== name) {
    const ok = await tf.setBackend(name);
    if (!ok) throw new Error(`tfjs backend '${name}' failed to initialise`);
  }
  await tf.ready();
}

/** max |a - b| / max(|b|, tiny) over all elements */
export function maxRelDiff(a: tf.Tensor, b: tf.Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  if (x.length !== y.length) throw new Error(`size mismatch ${x.length} vs ${y.length}`);
  let scale = 0;
  for (const v of y) scale = Math.max(scale, Math.abs(v));
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff = Math.max(diff, Math.abs(x[i]! - y[i]!));
  return diff / Math.max(scale, 1e-12);
}
