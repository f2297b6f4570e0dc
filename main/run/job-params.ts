/**
 * The params of the application's job kinds (train, evaluate, demo data, import, first run),
 * apart from the job modules so that the API contract (main/api/job-map.ts, bundled into the
 * renderer) checks them where a request enters: zod and zod-only modules here, no Node imports.
 * Each job module re-exports its schema as `paramsSchema`, which the worker applies again (jobs
 * started without the contract, e.g. by the CLI, are checked too).
 */
import { z } from 'zod';
import { importParamsSchema } from '../data/importers/import-params.ts';
import { checkRunConfigOverrides, type RunConfigOverrides } from '../training/run-config.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'an ISO date YYYY-MM-DD');
const runId = z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore only');

export const trainJobParamsSchema = z.object({
  projectDir: z.string().min(1),
  preset: z.enum(['demo', 'paper']).default('demo'),
  /** run config fields on top of the preset, checked field by field here (errors name the field) and again, merged, by resolveRunConfig */
  overrides: z.custom<RunConfigOverrides>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'expected an object of run config fields')
    .superRefine(checkRunConfigOverrides).default({}),
  runId: runId.optional(),
  /** true: the demo job (data generated if missing, GeoTIFF maps and the HTML report) */
  demo: z.boolean().default(false),
  /** 'train=A..B,validate=C..D,test=E..F' (training/fit-periods.ts); default the preset's periods when they fit, else the dataset's split */
  periods: z.string().min(1).optional(),
}).strict();

export const evaluateJobParamsSchema = z.object({
  projectDir: z.string().min(1),
  runId,
  /** score only the cells inside the project's clip.json */
  clip: z.boolean().default(false),
  /** a test period other than the run config's */
  test: z.object({ from: isoDate, to: isoDate }).strict().optional(),
}).strict();

/** `vegdyn predict` and job 'predict': a finished run's models predict in a project (run/predict-from-run.ts) */
export const predictJobParamsSchema = z.object({
  /** the project to predict in */
  projectDir: z.string().min(1),
  /** the finished run whose trained models predict: a run folder of this or another project */
  sourceRunDir: z.string().min(1),
  /** the new run's id (default: a time stamp + '-predict') */
  runId: runId.optional(),
}).strict();

export const extrapolationTestJobParamsSchema = z.object({
  /** the project a new run is trained in, or that the run belongs to */
  projectDir: z.string().min(1),
  /** a finished run of the project trained on the virtual basin; absent: train one (demo preset) */
  runId: runId.optional(),
  /** the change as `vegdyn demo-data --change` takes it, e.g. 'dT=3,precip=0.85,co2=550' */
  change: z.string().min(1).optional(),
  /** first changed day: a year or YYYY-MM-DD (default: the run's first test year) */
  changeFrom: z.string().min(4).optional(),
  /** the tiny variant: a small window, 18 months, hidden 4, one epoch (a pipeline check) */
  quick: z.boolean().default(false),
}).strict();

export const scenarioRunJobParamsSchema = z.object({
  projectDir: z.string().min(1),
  runId,
  /** the scenario's name in the project (scenarios/<name>.json) */
  scenario: z.string().min(1),
  /** extrapolation envelope: the training range, or the p-th and (100 - p)-th percentiles */
  envelope: z.union([z.literal('range'), z.number().gt(0).lt(50)]).default('range'),
}).strict();

/** `vegdyn twin` and job 'twin': the identical-twin experiment (run/twin.ts) */
export const twinJobParamsSchema = z.object({
  projectDir: z.string().min(1),
  /** the small, short CI variant (a 10 x 10 window, 1981-1983) */
  quick: z.boolean().default(false),
  /** the twin's folder; default twins/<id>/ of the project */
  outDir: z.string().min(1).optional(),
  id: runId.optional(),
}).strict();

export const demoDataJobParamsSchema = z.object({
  projectDir: z.string().min(1),
  seed: z.number().int().optional(),
  startDate: isoDate.optional(),
  endDate: isoDate.optional(),
  /** regenerate even when the project already has a dataset (default true) */
  force: z.boolean().default(true),
  /** a changed climate as `vegdyn demo-data --change TEXT --change-from YEAR` takes it (data/virtual-basin/changed-climate.ts) */
  change: z.object({ changes: z.string().min(1), from: z.string().min(4) }).strict().optional(),
}).strict();

export const importJobParamsSchema = z.object({
  projectDir: z.string().min(1),
  /** check and summarise the input, write nothing */
  dryRun: z.boolean().default(false),
  params: importParamsSchema,
}).strict();

export const firstRunJobParamsSchema = z.object({
  projectDir: z.string().min(1),
  startDate: isoDate.optional(),
  endDate: isoDate.optional(),
}).strict();
