/**
 * The typed jobs of the contract, after MapLibre's actor_messages.ts: one map gives, per job
 * kind, [Params, Result, Progress]. `jobs.start` checks params against the kind's schema where
 * the request enters (an error names the field, e.g. 'params.epochs'); job.finished carries the
 * kind's result type and job.progress the kind's figures, both discriminated on `kind`.
 * Params schemas live beside their layers in zod-only modules (main/run/job-params.ts,
 * main/compute/jobs/compute-job-params.ts) that the job modules use too; results are the types
 * the job modules' run() returns (type imports only: this module is bundled into the renderer).
 */
import { z } from 'zod';
import { backendCheckParamsSchema, selfTestParamsSchema } from '../compute/jobs/compute-job-params.ts';
import { demoDataJobParamsSchema, evaluateJobParamsSchema, extrapolationTestJobParamsSchema, firstRunJobParamsSchema, importJobParamsSchema, predictJobParamsSchema, scenarioRunJobParamsSchema, trainJobParamsSchema, twinJobParamsSchema } from '../run/job-params.ts';
import { leafExperimentConfigSchema } from './requests/leaf.ts';
import type { JobKind as RegisteredJobKind } from '../run/job-kinds.ts';
import type * as SelfTestJob from '../compute/jobs/self-test-job.ts';
import type * as BackendCheckJob from '../compute/jobs/backend-check-job.ts';
import type * as LeafExperimentJob from '../run/leaf-experiment-job.ts';
import type * as DemoDataJob from '../run/demo-data-job.ts';
import type * as TrainJob from '../run/train-job.ts';
import type * as EvaluateJob from '../run/evaluate-job.ts';
import type * as PredictJob from '../run/predict-job.ts';
import type * as ScenarioRunJob from '../run/scenario-run-job.ts';
import type * as ExtrapolationTestJob from '../run/extrapolation-test-job.ts';
import type * as ImportJob from '../run/import-job.ts';
import type * as FirstRunJob from '../run/first-run-job.ts';
import type * as TwinJob from '../run/twin-job.ts';

/** The params schema of every registered job kind (typecheck fails when a kind has none). */
export const jobParamsSchemas = {
  'self-test': selfTestParamsSchema,
  'backend-check': backendCheckParamsSchema,
  'leaf-experiment': leafExperimentConfigSchema,
  'demo-data': demoDataJobParamsSchema,
  train: trainJobParamsSchema,
  evaluate: evaluateJobParamsSchema,
  predict: predictJobParamsSchema,
  'scenario-run': scenarioRunJobParamsSchema,
  'extrapolation-test': extrapolationTestJobParamsSchema,
  import: importJobParamsSchema,
  'first-run': firstRunJobParamsSchema,
  twin: twinJobParamsSchema,
} as const satisfies Record<RegisteredJobKind, z.ZodType>;

export type JobKind = keyof typeof jobParamsSchemas;
/** the train job's `overrides`: run config fields on top of the preset */
export type { RunConfigOverrides } from '../training/run-config.ts';
export const JOB_KIND_NAMES = Object.keys(jobParamsSchemas) as JobKind[];

/** Every progress report: the fraction done in 0..1 and a human message. */
export interface JobProgressBase { fraction: number; message: string }
/** What a training job adds to its progress reports (the run monitor's figures). */
export interface TrainingFigures { epoch?: number; batch?: number; loss?: number; valLoss?: number; etaSeconds?: number }

type ResultOf<M extends { run: (...args: never[]) => Promise<unknown> }> = Awaited<ReturnType<M['run']>>;
type ParamsOf<K extends JobKind> = z.input<(typeof jobParamsSchemas)[K]>;

/** kind -> [Params (as a client sends them, before defaults), Result, Progress] */
export interface JobMap {
  'self-test': [ParamsOf<'self-test'>, ResultOf<typeof SelfTestJob>, JobProgressBase & { batch?: number }];
  'backend-check': [ParamsOf<'backend-check'>, ResultOf<typeof BackendCheckJob>, JobProgressBase];
  'leaf-experiment': [ParamsOf<'leaf-experiment'>, ResultOf<typeof LeafExperimentJob>, JobProgressBase];
  'demo-data': [ParamsOf<'demo-data'>, ResultOf<typeof DemoDataJob>, JobProgressBase];
  train: [ParamsOf<'train'>, ResultOf<typeof TrainJob>, JobProgressBase & TrainingFigures];
  evaluate: [ParamsOf<'evaluate'>, ResultOf<typeof EvaluateJob>, JobProgressBase];
  predict: [ParamsOf<'predict'>, ResultOf<typeof PredictJob>, JobProgressBase];
  'scenario-run': [ParamsOf<'scenario-run'>, ResultOf<typeof ScenarioRunJob>, JobProgressBase];
  'extrapolation-test': [ParamsOf<'extrapolation-test'>, ResultOf<typeof ExtrapolationTestJob>, JobProgressBase];
  import: [ParamsOf<'import'>, ResultOf<typeof ImportJob>, JobProgressBase];
  'first-run': [ParamsOf<'first-run'>, ResultOf<typeof FirstRunJob>, JobProgressBase & { etaSeconds?: number }];
  twin: [ParamsOf<'twin'>, ResultOf<typeof TwinJob>, JobProgressBase];
}

export type JobParams<K extends JobKind> = JobMap[K][0];
export type JobResult<K extends JobKind> = JobMap[K][1];
export type JobProgress<K extends JobKind> = JobMap[K][2];

/** The jobs.start request: one variant per kind, discriminated on `kind`. */
export type JobStartRequest = { [K in JobKind]: { kind: K; params?: JobParams<K> } }[JobKind];
/** The job.finished payload: the result typed by the kind. */
export type JobFinishedEvent = { [K in JobKind]: { jobId: string; kind: K; result: JobResult<K> } }[JobKind];
/** The job.progress payload: the figures typed by the kind. */
export type JobProgressEvent = { [K in JobKind]: { jobId: string; kind: K } & JobProgress<K> }[JobKind];

export function isJobKindName(kind: string): kind is JobKind {
  return Object.prototype.hasOwnProperty.call(jobParamsSchemas, kind);
}

/**
 * The runtime check of jobs.start: a known kind, and params that its schema accepts; issues are
 * reported at 'kind' or 'params.<field>'. The params pass on unchanged (the worker parses them,
 * so defaults and transforms apply once).
 */
export const jobStartRequestSchema = z.object({ kind: z.string().min(1), params: z.unknown().optional() }).strict()
  .superRefine((req, ctx) => {
    if (!isJobKindName(req.kind)) {
      ctx.addIssue({ code: 'custom', path: ['kind'], message: `unknown job kind '${req.kind}' (known: ${JOB_KIND_NAMES.join(', ')})` });
      return;
    }
    const parsed = jobParamsSchemas[req.kind].safeParse(req.params ?? {});
    if (parsed.success) return;
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: ['params', ...issue.path], message: issue.message });
  }) as unknown as z.ZodType<JobStartRequest>;
