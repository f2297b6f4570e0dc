/**
 * Job kind 'predict' (registered in main/run/job-kinds.ts): `vegdyn predict` for the app and the
 * API. The trained models of a finished run, of this or another project, predict daily LAI over
 * the project's record (predict-from-run.ts); the result names the new run and what was scored.
 */
import path from 'node:path';
import { z } from 'zod';
import type { JobContext } from '../compute/job-context.ts';
import { initComputeBackend } from '../compute/backend.ts';
import { nseTable, type TableRow } from '../report/html-report.ts';
import { predictJobParamsSchema } from './job-params.ts';
import { predictFromRun } from './predict-from-run.ts';

/** checked again in the worker: jobs started without the API contract (the CLI) too */
export const paramsSchema = predictJobParamsSchema;

export type PredictJobParams = z.infer<typeof paramsSchema>;

export interface PredictJobResult {
  runDir: string;
  runId: string;
  entries: string[];
  /** empty when nothing was scored (no LAI observations): see notScored */
  table: TableRow[];
  notScored: string[];
}

export async function run(params: PredictJobParams, ctx: JobContext): Promise<PredictJobResult> {
  const backend = await initComputeBackend();
  const r = await predictFromRun({
    sourceRunDir: params.sourceRunDir, projectDir: params.projectDir, backend, signal: ctx.signal,
    ...(params.runId ? { runId: params.runId } : {}),
    log: (line) => ctx.log('info', line),
    onProgress: (fraction, message) => ctx.progress(fraction, message),
  });
  return {
    runDir: r.runDir, runId: path.basename(r.runDir), entries: [...r.entries],
    table: r.evaluation.observationRows.length > 0 ? nseTable(r.evaluation) : [], notScored: [...r.notScored],
  };
}
