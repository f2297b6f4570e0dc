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
import { hasDataset, openDataset } from '../data/store/netcdf-store.ts';
import { defaultRunId } from './demo.ts';
import { twinJobParamsSchema } from './job-params.ts';
import { twinDir } from './run-folder.ts';
import { runTwin, TWIN_DEFAULTS, TWIN_QUICK, type TwinProgress, type TwinResult } from './twin.ts';

export const paramsSchema = twinJobParamsSchema;
export type TwinJobParams = z.infer<typeof paramsSchema>;

export interface TwinHooks {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: TwinProgress) => void;
  readonly log?: (line: string) => void;
}

/**
 * Opens (or generates) the project's dataset and runs the twin; what the job and the CLI share.
 * An existing dataset is read only for the twin's record (a few years of a possibly 36-year file);
 * `dataSeconds` is the time that opening (or generating) took, before the twin's own timings.
 */
export async function twinInProject(params: TwinJobParams, hooks: TwinHooks = {}): Promise<TwinResult & { dataSeconds: number }> {
  const projectDir = path.resolve(params.projectDir);
  const settings = params.quick ? TWIN_QUICK : TWIN_DEFAULTS;
  const t0 = performance.now();
  const signal = hooks.signal ? { signal: hooks.signal } : {};
  const dataset = hasDataset(projectDir)
    ? await openDataset(projectDir, { ...signal, days: settings.periods.record })
    : (await ensureDemoDataset(projectDir, { ...signal, onProgress: (p) => hooks.onProgress?.({ stage: 'truth', fraction: 0, message: `data: ${p.message}` }) })).dataset;
  const dataSeconds = (performance.now() - t0) / 1000;
  hooks.log?.(`data: ${dataset.startDate} + ${dataset.dayCount} days of ${dataset.grid.ncols} x ${dataset.grid.nrows} cells in ${dataSeconds.toFixed(1)} s`);
  const outDir = path.resolve(params.outDir ?? twinDir(projectDir, params.id ?? defaultRunId(params.quick ? 'twin-quick' : 'twin')));
  return { ...await runTwin({ dataset, outDir, quick: params.quick, settings, ...hooks }), dataSeconds };
}

export async function run(params: TwinJobParams, ctx: JobContext): Promise<{ outDir: string; status: string; seconds: number }> {
  await initComputeBackend();
  const r = await twinInProject(params, {
    signal: ctx.signal,
    onProgress: (p) => ctx.progress(p.fraction, p.message),
    log: (line) => ctx.log('info', line),
  });
  return { outDir: r.outDir, status: r.record.status, seconds: r.dataSeconds + (r.record.timings.total ?? 0) };
}
