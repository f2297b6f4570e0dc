/**
 * Job kind 'evaluate' (registered in main/run/job-kinds.ts): `vegdyn evaluate` for the app and
 * the API. Re-scores a finished run of the open project from its saved weights (no training),
 * optionally only inside the project's clip or on another test period, and rewrites the run's
 * evaluation files; the result carries the median-NSE table.
 */
import path from 'node:path';
import { z } from 'zod';
import type { JobContext } from '../compute/job-context.ts';
import { initComputeBackend } from '../compute/backend.ts';
import { nseTable, type TableRow } from '../report/html-report.ts';
import { evaluateRun } from './evaluate-run.ts';
import { evaluateJobParamsSchema } from './job-params.ts';

/** checked again in the worker: jobs started without the API contract (the CLI) too */
export const paramsSchema = evaluateJobParamsSchema;

export type EvaluateJobParams = z.infer<typeof paramsSchema>;

export interface EvaluateJobResult {
  runDir: string;
  table: TableRow[];
  tableText: string;
  test: { from: string; to: string };
  clip: { name: string; cells: number } | null;
}

export async function run(params: EvaluateJobParams, ctx: JobContext): Promise<EvaluateJobResult> {
  await initComputeBackend();
  const runDir = path.join(params.projectDir, 'runs', params.runId);
  let steps = 0;
  const r = await evaluateRun({
    runDir, projectDir: params.projectDir, clip: params.clip, signal: ctx.signal,
    ...(params.test ? { test: params.test } : {}),
    // predicting each model, then writing each file: a step count stands in for a fraction
    log: (line) => { ctx.log('info', line); ctx.progress(Math.min(0.95, ++steps / 12), line); },
  });
  return {
    runDir, table: nseTable(r.evaluation), tableText: r.tableText, test: { ...r.test },
    clip: r.clip ? { name: r.clip.name, cells: r.clip.cellCount } : null,
  };
}
