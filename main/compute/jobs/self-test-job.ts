/**
 * 'self-test': real CPU work in steps, checking its AbortSignal between steps. Used by the tests
 * and by `vegdyn job self-test` to prove that jobs run off the main loop, report progress and stop
 * when cancelled.
 */
import { z } from 'zod';
import type { JobContext } from '../job-context.ts';
import { selfTestParamsSchema } from './compute-job-params.ts';

/** checked again in the worker: jobs started without the API contract (the CLI) too */
export const paramsSchema = selfTestParamsSchema;

export type SelfTestParams = z.infer<typeof paramsSchema>;

export async function run(params: SelfTestParams, ctx: JobContext): Promise<{ steps: number; checksum: number }> {
  let checksum = 0;
  ctx.progress(0, `started: ${params.steps} steps of ${params.stepMs} ms`);
  for (let step = 0; step < params.steps; step++) {
    ctx.signal.throwIfAborted();
    // busy work that cannot be optimised away: the checksum is returned
    const until = performance.now() + params.stepMs;
    let i = 0;
    while (performance.now() < until) {
      for (let k = 0; k < 1000; k++) checksum = (checksum + Math.sin(i++ + k)) % 1e6;
    }
    ctx.progress((step + 1) / params.steps, `step ${step + 1} of ${params.steps}`, { batch: step + 1 });
    // yield so the cancel message can be delivered to this thread between steps
    await new Promise((resolve) => setImmediate(resolve));
  }
  ctx.log('info', `self-test finished ${params.steps} steps`);
  return { steps: params.steps, checksum };
}
