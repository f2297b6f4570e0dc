/**
 * Job kind 'first-run' (main/run/job-kinds.ts): the demo project's first start in a worker
 * thread (main/run/first-run.ts), with the stage in each progress message and an ETA.
 */
import { z } from 'zod';
import type { JobContext } from '../compute/job-context.ts';
import { initComputeBackend } from '../compute/backend.ts';
import { runFirstStart, type FirstRunResult } from './first-run.ts';
import { firstRunJobParamsSchema } from './job-params.ts';

/** checked again in the worker: jobs started without the API contract (the CLI) too */
export const paramsSchema = firstRunJobParamsSchema;

export type FirstRunJobParams = z.infer<typeof paramsSchema>;

export async function run(params: FirstRunJobParams, ctx: JobContext): Promise<FirstRunResult> {
  await initComputeBackend();
  const result = await runFirstStart({
    projectDir: params.projectDir,
    ...(params.startDate ? { startDate: params.startDate } : {}),
    ...(params.endDate ? { endDate: params.endDate } : {}),
    signal: ctx.signal,
    onProgress: (p) => ctx.progress(p.fraction, p.message, p.etaSeconds !== undefined ? { etaSeconds: p.etaSeconds } : undefined),
  });
  if (result.note) ctx.log('warn', result.note);
  return result;
}
