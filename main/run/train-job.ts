/**
 * Job kinds 'train' and 'demo' (registered in main/run/job-kinds.ts): the UI and the API start
 * a training run or the demo off the main loop, see its progress (epoch, batch, losses, ETA) and
 * cancel it. A run started again with the same runId resumes from its checkpoints.
 */
import path from 'node:path';
import { z } from 'zod';
import type { JobContext } from '../compute/job-context.ts';
import { initComputeBackend } from '../compute/backend.ts';
import { openDataset } from '../data/store/netcdf-store.ts';
import { runDemo, defaultRunId } from './demo.ts';
import { nseTable, type TableRow } from '../report/html-report.ts';
import { resolveRunConfig } from '../training/run-config.ts';
import { runExperiment, type ExperimentProgress } from './experiment.ts';
import { trainJobParamsSchema } from './job-params.ts';
import { fitRunToDataset } from './fit-run.ts';
import { unscoredReason } from './run-scorability.ts';

/** checked again in the worker: jobs started without the API contract (the CLI) too */
export const paramsSchema = trainJobParamsSchema;

export type TrainJobParams = z.infer<typeof paramsSchema>;

export interface TrainJobResult {
  runDir: string;
  reportPath?: string;
  table: TableRow[];
  failed: { kind: string; reason: string }[];
  seconds: number;
}

function forward(ctx: JobContext) {
  return (p: ExperimentProgress | { stage: 'data'; fraction: number; message: string }) => {
    if (p.stage === 'data') return ctx.progress(0, `data: ${p.message}`);
    const t = 'train' in p ? p.train : undefined;
    ctx.progress(p.fraction, p.message, t ? {
      epoch: t.epoch, batch: t.batch,
      ...(t.loss !== undefined ? { loss: t.loss } : {}),
      ...(t.valLoss !== undefined ? { valLoss: t.valLoss } : {}),
      ...(t.etaSeconds !== undefined ? { etaSeconds: t.etaSeconds } : {}),
    } : undefined);
  };
}

export async function run(params: TrainJobParams, ctx: JobContext): Promise<TrainJobResult> {
  const log = (m: string) => ctx.log('info', m);
  if (params.demo) {
    const r = await runDemo({ projectDir: params.projectDir, overrides: params.overrides, signal: ctx.signal, log, onProgress: forward(ctx), ...(params.runId ? { runId: params.runId } : {}) });
    return { runDir: r.runDir, reportPath: r.reportPath, table: [...r.table], failed: [...r.experiment.failed], seconds: r.seconds };
  }
  const dataset = await openDataset(params.projectDir, { signal: ctx.signal });
  const { config, changes } = fitRunToDataset(resolveRunConfig(params.overrides, params.preset), dataset, { overrides: params.overrides, ...(params.periods !== undefined ? { periodsOption: params.periods } : {}) });
  for (const c of changes) log(c);
  const backend = await initComputeBackend();
  const runDir = path.join(params.projectDir, 'runs', params.runId ?? defaultRunId(config.preset));
  const r = await runExperiment({ dataset, config, runDir, backend, resume: true, signal: ctx.signal, log, onProgress: forward(ctx) });
  const why = unscoredReason(dataset, r.evaluation);
  if (why) throw new Error(`the run scored nothing: ${why} (run folder ${runDir})`);
  return { runDir, table: nseTable(r.evaluation), failed: [...r.failed], seconds: r.seconds };
}
