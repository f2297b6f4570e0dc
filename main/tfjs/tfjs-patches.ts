/**
 * Every change VegDyn makes to tfjs's internals, behind one entry point. The compute backend
 * (main/compute/backend.ts) applies them once, as it starts; models and physics never patch tfjs.
 *
 * The patches, each file says why with the measurements behind it:
 * - wasm-matmul-grad.ts: the BatchMatMul gradient as plain matMuls (the wasm backend runs
 *   transposed operands through a slow generic loop);
 * - wasm-fast-kernels.ts: Slice, SplitV, Unpack, Concat and Identity kernels for wasm that do not
 *   copy their whole input out of the heap;
 * - wasm-threads.ts: the threaded SIMD build in Node (tfjs leaves it off there).
 *
 * They depend on internals of one release (kernel registry entries, the wasm backend's heap
 * bookkeeping, the pthread worker script inside its Node bundle), so they are applied only when
 * the running @tensorflow/tfjs-core and @tensorflow/tfjs-backend-wasm are both exactly
 * PATCHED_TFJS_VERSION, the version package.json pins. With any other version tfjs runs its stock
 * kernels, single-threaded, and the backend report (`vegdyn info`) says so.
 */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { installWasmFastKernels } from './wasm-fast-kernels.ts';
import { installWasmMatMulGradient } from './wasm-matmul-grad.ts';
import { enableWasmThreads, whileWasmInitialises } from './wasm-threads.ts';

/** the tfjs release the patches are written and tested against */
export const PATCHED_TFJS_VERSION = '4.22.0';

export interface TfjsVersions {
  /** @tensorflow/tfjs-core as it reports itself at run time */
  core: string;
  /** @tensorflow/tfjs-backend-wasm, or undefined when the package cannot be loaded */
  wasm: string | undefined;
}

export interface TfjsPatchStatus {
  applied: boolean;
  /** one line for `vegdyn info` and the log */
  summary: string;
}

const require = createRequire(import.meta.url);

export function runningTfjsVersions(): TfjsVersions {
  let wasm: string | undefined;
  try {
    wasm = (require('@tensorflow/tfjs-backend-wasm') as { version_wasm: string }).version_wasm;
  } catch {
    wasm = undefined;
  }
  return { core: tf.version_core, wasm };
}

/** why the patches cannot be applied to these versions, or undefined when they can */
export function patchMismatch(versions: TfjsVersions): string | undefined {
  const off: string[] = [];
  if (versions.core !== PATCHED_TFJS_VERSION) off.push(`@tensorflow/tfjs-core is ${versions.core}`);
  if (versions.wasm === undefined) off.push('@tensorflow/tfjs-backend-wasm is not loadable');
  else if (versions.wasm !== PATCHED_TFJS_VERSION) off.push(`@tensorflow/tfjs-backend-wasm is ${versions.wasm}`);
  if (off.length === 0) return undefined;
  return `${off.join(', ')}, not ${PATCHED_TFJS_VERSION} (the version VegDyn's tfjs patches are written for): stock tfjs kernels, one wasm thread`;
}

let status: TfjsPatchStatus | undefined;

/**
 * Installs the wasm kernel and gradient patches, once per process (later calls return the first
 * call's status). Call it after @tensorflow/tfjs-backend-wasm is imported (its kernels are
 * registered at import). `versions` is the running tfjs unless a test asks about another one.
 */
export function installTfjsPatches(versions: TfjsVersions = runningTfjsVersions()): TfjsPatchStatus {
  if (status) return status;
  const mismatch = patchMismatch(versions);
  // not cached: nothing was changed, and a later call may bring the right versions
  if (mismatch) return { applied: false, summary: mismatch };
  installWasmMatMulGradient();
  installWasmFastKernels();
  status = { applied: true, summary: `tfjs ${PATCHED_TFJS_VERSION}: wasm kernel and gradient patches applied` };
  return status;
}

export interface WasmStart {
  patches: TfjsPatchStatus;
  /** the threads the backend's pool really has (tfjs's own count) */
  threads: number;
}

/**
 * Starts the wasm backend (tf.setBackend('wasm')) with the patches and, when they apply, the
 * threaded build with `threads` threads (1: unthreaded). Threads must be set up before the
 * backend first initialises: a later call only switches back to the running backend. Throws
 * when the backend does not initialise. Call setWasmPaths first.
 */
export async function startPatchedWasm(threads: number): Promise<WasmStart> {
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`wasm threads must be a positive integer, got ${threads}`);
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  let patches = installTfjsPatches();
  if (patches.applied && threads > 1) {
    const r = enableWasmThreads(threads);
    if (!r.ok) patches = { applied: true, summary: `${patches.summary}; threads not enabled: ${r.reason}` };
  }
  await whileWasmInitialises(async () => {
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
    await tf.ready();
  });
  const running = Math.max(1, wasm.getThreadsCount());
  return { patches: { ...patches, summary: `${patches.summary}; ${running} wasm thread${running === 1 ? '' : 's'}` }, threads: running };
}
