/**
 * Job kind 'twin' and `vegdyn twin`: the identical-twin experiment (run/twin.ts) on a project's
 * dataset (the demo project's virtual basin is generated first when the project has no data),
 * written to twins/<id>/ of the project or to `outDir`.
 */
import path from 'node:path';
import { z } from 'zod';
import type { JobContext } from '../compute/job-context.ts';
import { initComputeBackend } from '../compute/backend.ts';
import { ensureDemoDataset } from '../data/virtual-basin/demo-dataset.ts';
import { defaultRunId } from './demo.ts';
import { twinJobParamsSchema } from './job-params.ts';
import { twinDir } from './run-folder.ts';
import { runTwin, type TwinProgress } from './twin.ts';

export const paramsSchema = twinJobParamsSchema;
export type TwinJobParams = z.infer<typeof paramsSchema>;

export interface TwinHooks {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: TwinProgress) => void;
  readonly log?: (line: string) => void;
}

/** Opens (or generates) the project's dataset and runs the twin; what the job and the CLI share. */
export async function twinInProject(params: TwinJobParams, hooks: TwinHooks = {}) {
  const projectDir = path.resolve(params.projectDir);
  const { dataset } = await ensureDemoDataset(projectDir, {
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    onProgress: (p) => hooks.onProgress?.({ stage: 'truth', fraction: 0, message: `data: ${p.message}` }),
  });
  const outDir = path.resolve(params.outDir ?? twinDir(projectDir, params.id ?? defaultRunId(params.quick ? 'twin-quick' : 'twin')));
  return runTwin({ dataset, outDir, quick: params.quick, ...hooks });
}

export async function run(params: TwinJobParams, ctx: JobContext): Promise<{ outDir: string; status: string; seconds: number }> {
  await initComputeBackend();
  const r = await twinInProject(params, {
    signal: ctx.signal,
    onProgress: (p) => ctx.progress(p.fraction, p.message),
    log: (line) => ctx.log('info', line),
  });
  return { outDir: r.outDir, status: r.record.status, seconds: r.record.timings.total ?? 0 };
}
