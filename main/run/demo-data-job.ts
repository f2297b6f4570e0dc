/**
 * 'demo-data' job: generates the virtual basin into a project's dataset store in a worker thread,
 * with progress and cancellation (a cancelled run leaves the previous dataset untouched).
 */
import { z } from 'zod';
import type { JobContext } from '../compute/job-context.ts';
import { ensureDemoDataset } from '../data/virtual-basin/demo-dataset.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

export const paramsSchema = z.object({
  projectDir: z.string().min(1),
  seed: z.number().int().optional(),
  startDate: isoDate.optional(),
  endDate: isoDate.optional(),
  /** regenerate even when the project already has a dataset (default true) */
  force: z.boolean().default(true),
}).strict();

export type DemoDataParams = z.infer<typeof paramsSchema>;

export async function run(params: DemoDataParams, ctx: JobContext): Promise<{ file: string; created: boolean; dayCount: number; source: string }> {
  const result = await ensureDemoDataset(params.projectDir, {
    force: params.force,
    ...(params.seed !== undefined ? { seed: params.seed } : {}),
    ...(params.startDate ? { startDate: params.startDate } : {}),
    ...(params.endDate ? { endDate: params.endDate } : {}),
    signal: ctx.signal,
    onProgress: (p) => ctx.progress(p.fraction, p.message),
  });
  ctx.log('info', `${result.created ? 'wrote' : 'kept'} ${result.file}`);
  return { file: result.file, created: result.created, dayCount: result.dataset.dayCount, source: result.dataset.source };
}
