/**
 * Job kind 'extrapolation-test' (registered in main/run/job-kinds.ts): `vegdyn scenario
 * extrapolation-test` for the app and the API, with progress and cancel (extrapolation-test.ts).
 */
import { z } from 'zod';
import type { JobContext } from '../compute/job-context.ts';
import { initComputeBackend } from '../compute/backend.ts';
import { runDir as runFolder, type ExtrapolationSummary } from './run-folder.ts';
import { runExtrapolationTest } from './extrapolation-test.ts';
import { extrapolationTestJobParamsSchema } from './job-params.ts';

/** checked again in the worker: jobs started without the API contract (the CLI) too */
export const paramsSchema = extrapolationTestJobParamsSchema;

export type ExtrapolationTestJobParams = z.infer<typeof paramsSchema>;

export interface ExtrapolationTestJobResult {
  runDir: string;
  summary: ExtrapolationSummary;
  tableText: string;
  files: string[];
}

export async function run(params: ExtrapolationTestJobParams, ctx: JobContext): Promise<ExtrapolationTestJobResult> {
  await initComputeBackend();
  const r = await runExtrapolationTest({
    projectDir: params.projectDir,
    ...(params.runId ? { runDir: runFolder(params.projectDir, params.runId) } : {}),
    ...(params.change ? { change: params.change } : {}),
    ...(params.changeFrom ? { changeFrom: params.changeFrom } : {}),
    quick: params.quick,
    signal: ctx.signal,
    log: (line) => ctx.log('info', line),
    onProgress: (fraction, message) => ctx.progress(fraction, message),
  });
  return { runDir: r.runDir, summary: r.summary, tableText: r.tableText, files: [...r.files] };
}
