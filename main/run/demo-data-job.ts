/**
 * 'demo-data' job: generates the virtual basin into a project's dataset store in a worker thread,
 * with progress and cancellation (a cancelled run leaves the previous dataset untouched).
 */
import { z } from 'zod';
import type { JobContext } from '../compute/job-context.ts';
import { ensureDemoDataset } from '../data/virtual-basin/demo-dataset.ts';
import { parseClimateChange } from '../data/virtual-basin/changed-climate.ts';
import { DEFAULT_END_DATE } from '../data/virtual-basin/generate.ts';
import { demoDataJobParamsSchema } from './job-params.ts';
import { recordChangedClimateTruth } from './changed-climate-truth.ts';

/** checked again in the worker: jobs started without the API contract (the CLI) too */
export const paramsSchema = demoDataJobParamsSchema;

export type DemoDataParams = z.infer<typeof paramsSchema>;

export async function run(params: DemoDataParams, ctx: JobContext): Promise<{ file: string; created: boolean; dayCount: number; source: string; changedClimateFile?: string }> {
  const change = params.change ? parseClimateChange(params.change.changes, params.change.from, params.endDate ?? DEFAULT_END_DATE) : undefined;
  const result = await ensureDemoDataset(params.projectDir, {
    ...(change ? { change } : {}),
    force: params.force,
    ...(params.seed !== undefined ? { seed: params.seed } : {}),
    ...(params.startDate ? { startDate: params.startDate } : {}),
    ...(params.endDate ? { endDate: params.endDate } : {}),
    signal: ctx.signal,
    onProgress: (p) => ctx.progress(p.fraction, p.message),
  });
  ctx.log('info', `${result.created ? 'wrote' : 'kept'} ${result.file}`);
  const changedClimateFile = result.created ? await recordChangedClimateTruth(params.projectDir, result.dataset) : undefined;
  if (changedClimateFile) ctx.log('info', `wrote ${changedClimateFile}`);
  return { file: result.file, created: result.created, dayCount: result.dataset.dayCount, source: result.dataset.source, ...(changedClimateFile ? { changedClimateFile } : {}) };
}
