/**
 * Job kind 'scenario-run' (registered in main/run/job-kinds.ts): `vegdyn scenario run` for the app
 * and the API. Runs a project scenario on a finished run (scenario-run.ts) with progress and
 * cancel; the result carries the basin table and where the files are.
 */
import { z } from 'zod';
import type { JobContext } from '../compute/job-context.ts';
import { initComputeBackend } from '../compute/backend.ts';
import { runDir as runFolder, type ScenarioSummary } from './run-folder.ts';
import { runScenario } from './scenario-run.ts';
import { scenarioRunJobParamsSchema } from './job-params.ts';

/** checked again in the worker: jobs started without the API contract (the CLI) too */
export const paramsSchema = scenarioRunJobParamsSchema;

export type ScenarioRunJobParams = z.infer<typeof paramsSchema>;

export interface ScenarioRunJobResult {
  runDir: string;
  dir: string;
  summary: ScenarioSummary;
  tableText: string;
}

export async function run(params: ScenarioRunJobParams, ctx: JobContext): Promise<ScenarioRunJobResult> {
  await initComputeBackend();
  const runDir = runFolder(params.projectDir, params.runId);
  const r = await runScenario({
    runDir, projectDir: params.projectDir, scenario: params.scenario, envelope: params.envelope, signal: ctx.signal,
    log: (line) => ctx.log('info', line),
    onProgress: (fraction, message) => ctx.progress(fraction, message),
  });
  return { runDir, dir: r.dir, summary: r.summary, tableText: r.tableText };
}
