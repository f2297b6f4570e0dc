/**
 * 'backend-check': initialises the compute backend inside a job's worker thread and multiplies two
 * matrices on it, proving that tfjs jobs run off the main thread on the chosen backend.
 */
import { z } from 'zod';
import * as tf from '@tensorflow/tfjs';
import type { JobContext } from '../job-context.ts';
import { initComputeBackend, type BackendName, type BackendReport } from '../backend.ts';
import { backendCheckParamsSchema } from './compute-job-params.ts';

/** checked again in the worker: jobs started without the API contract (the CLI) too */
export const paramsSchema = backendCheckParamsSchema;

export async function run(params: z.infer<typeof paramsSchema>, ctx: JobContext): Promise<{ report: BackendReport; tfBackend: string; gflops: number; checksum: number }> {
  ctx.progress(0, 'initialising the compute backend');
  const report = await initComputeBackend(params.backend ? { prefer: params.backend as BackendName } : {});
  ctx.log('info', `backend ${report.chosen} (${report.version})`);
  ctx.signal.throwIfAborted();
  const n = params.size;
  const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
  const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
  tf.matMul(a, b).dispose(); // warm-up: kernels compile / wasm pages in
  const t0 = performance.now();
  const c = tf.matMul(a, b);
  const checksum = (await c.sum().data())[0] ?? 0;
  const seconds = (performance.now() - t0) / 1000;
  tf.dispose([a, b, c]);
  ctx.progress(1, `matMul ${n}x${n} done`);
  return { report, tfBackend: tf.getBackend(), gflops: (2 * n ** 3) / seconds / 1e9, checksum };
}
