/**
 * The run folder, runs/<id>/ of a project: its layout, its typed record, and the only code that
 * reads or writes the JSON files in it (the NetCDF outputs go through run-files.ts, the clip copy
 * through clip-file.ts, both called from this layer only).
 *
 * runs/<id>/
 *   run.json                  RunRecord: id, status, seed, backend, versions, dataset, periods,
 *                             the clip used (name, source, cells, sha256 of its polygon), timings,
 *                             skipped and failed models
 *   config.json               the resolved RunConfig (main/training/run-config.ts)
 *   clip.json                 the clip polygon of a clipped run (clip-file.ts)
 *   models/<kind>/            model.json, weights.vdtb, checkpoint.vdtb, best.vdtb, history.json,
 *                             learned-parameters.json (physics-encoded models), parameter-maps.nc
 *                             (their learned parameters per cell, CF NetCDF4, run-files.ts)
 *   evaluation/summary.json   RunSummary: medians and spread per entry, NSE by land cover, reductions
 *   evaluation/metrics.nc     per-cell metrics of every entry (run-files.ts)
 *   predictions/<entry>.nc    daily LAI per entry (run-files.ts)
 *   report.html               the HTML report of a demo or train job
 *
 * An ensemble run (main/run/ensemble.ts) is a run folder whose models are the ensemble mean, with:
 *   ensemble.json             EnsembleRecord: member count, seeds, which members were collected
 *   members/m<NN>/            each member, itself a complete run folder (+ progress.json)
 *   spread/<entry>.nc         member spread of daily LAI per test date: lai_std, lai_p05, lai_p95,
 *                             lai_range_5_95 (time, lat, lon)
 *   spread/test-period.nc     per cell over the test period: mean daily std and 5-95 % range of
 *                             LAI, std and range of the members' NSE (lat, lon)
 * A run submitted to a cluster (main/run/cluster.ts) also has:
 *   cluster/cluster.json      ClusterRecord: scheduler, job id, tasks, resources asked for
 *   cluster/job.sbatch        the job-array script that was submitted
 *   cluster/logs/task-<i>.log each array task's output (appended to when a task is requeued)
 *
 * Records are validated on read: a malformed file is an error naming the file and the field, never
 * a silently half-read run. Fields this build does not know are kept (runs written by a newer build).
 */
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../project/atomic-write.ts';
import { formatIssues } from '../util/zod-issues.ts';
import { runConfigSchema, type RunConfig } from '../training/run-config.ts';
import { findMetricsFile, predictionEntries, predictionPath, readParameterMaps, writeParameterMaps, type ParameterMapsFile } from './run-files.ts';

export const RUNS_DIR = 'runs';
export const RUN_RECORD_FILE = 'run.json';
export const RUN_CONFIG_FILE = 'config.json';
export const RUN_SUMMARY_FILE = path.join('evaluation', 'summary.json');
export const REPORT_FILE = 'report.html';
/** the test-period NSE of every entry as a GeoTIFF, one band each (demo and train jobs) */
export const NSE_MAP_FILE = path.join('maps', 'test-nse.tif');
export const MODELS_DIR = 'models';
export const MODEL_CONFIG_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.vdtb';
export const HISTORY_FILE = 'history.json';
export const ENSEMBLE_FILE = 'ensemble.json';
export const MEMBERS_DIR = 'members';
export const PROGRESS_FILE = 'progress.json';
export const SPREAD_DIR = 'spread';
export const SPREAD_MAPS_FILE = path.join(SPREAD_DIR, 'test-period.nc');
export const CLUSTER_FILE = path.join('cluster', 'cluster.json');
export const JOB_SCRIPT_FILE = path.join('cluster', 'job.sbatch');
export const TASK_LOG_DIR = path.join('cluster', 'logs');
/** the most members of one ensemble (member folder names have two digits) */
export const MAX_MEMBERS = 100;

// a run id never starts with a dot: dot folders are installs being built (pretrained-demo.ts)
const RUN_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** runs/ of a project. */
export function runsDir(projectDir: string): string {
  return path.join(projectDir, RUNS_DIR);
}

/** runs/<id>/ of a project; throws when `runId` is not a plain folder name. */
export function runDir(projectDir: string, runId: string): string {
  if (!RUN_ID.test(runId)) throw new Error(`'${runId}' is not a run id`);
  return path.join(runsDir(projectDir), runId);
}

/** The ids of every run folder of a project (unsorted). */
export function listRunIds(projectDir: string): string[] {
  const dir = runsDir(projectDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && RUN_ID.test(d.name)).map((d) => d.name);
}

/** models/<kind>/ of a run. */
export function modelDir(dir: string, kind: string): string {
  if (!RUN_ID.test(kind)) throw new Error(`'${kind}' is not a model kind`);
  return path.join(dir, MODELS_DIR, kind);
}

/** models/<kind>/parameter-maps.nc: a physics model's learned parameters per cell */
export const PARAMETER_MAPS_FILE = 'parameter-maps.nc';

export async function writeModelParameterMaps(dir: string, kind: string, spec: ParameterMapsFile): Promise<{ path: string; bytes: number }> {
  return writeParameterMaps(path.join(modelDir(dir, kind), PARAMETER_MAPS_FILE), spec);
}

/** a model's parameter maps (parameter -> [row north-first][col]), or null when the run has none */
export function readModelParameterMaps(dir: string, kind: string): Map<string, Float32Array> | null {
  const file = path.join(modelDir(dir, kind), PARAMETER_MAPS_FILE);
  return existsSync(file) ? readParameterMaps(file) : null;
}

/** members/m<NN>/ of an ensemble run (index from 0). */
export function memberDir(dir: string, index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_MEMBERS) throw new Error(`member index ${index}: expected 0..${MAX_MEMBERS - 1}`);
  return path.join(dir, MEMBERS_DIR, memberId(index));
}

export function memberId(index: number): string {
  return `m${String(index).padStart(2, '0')}`;
}

/** members/<id>/ of an ensemble run, from a member id as the ensemble's records list it ('m03'). */
export function memberDirOf(dir: string, id: string): string {
  const m = /^m(\d{2})$/.exec(id);
  if (!m) throw new Error(`'${id}' is not an ensemble member id (m00..m${MAX_MEMBERS - 1})`);
  return memberDir(dir, Number(m[1]));
}

/** spread/<entry>.nc of an ensemble run. */
export function spreadPath(dir: string, entry: string): string {
  if (!RUN_ID.test(entry)) throw new Error(`'${entry}' is not an entry id`);
  return path.join(dir, SPREAD_DIR, `${entry}.nc`);
}

// ---------------------------------------------------------------- schemas

const dayRange = z.object({ start: z.number().int(), end: z.number().int() });
const kindReason = z.object({ kind: z.string(), reason: z.string() });

export const RUN_STATUSES = ['running', 'finished', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** The clip a clipped run was trained (or last scored) on. */
export const runClipSchema = z.object({
  name: z.string(),
  source: z.string(),
  cells: z.number().int().nonnegative(),
  /** sha256 of the polygon's GeoJSON geometry: tells two clips of the same name apart */
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});
export type RunClip = z.infer<typeof runClipSchema>;

/** run.json. */
export const runRecordSchema = z.looseObject({
  id: z.string().regex(RUN_ID),
  status: z.enum(RUN_STATUSES),
  createdAt: z.string(),
  seed: z.number().int(),
  /** the backend report of the job (main/compute/backend.ts), or { name } when none was passed */
  backend: z.looseObject({ chosen: z.string().optional(), name: z.string().optional() }),
  versions: z.record(z.string(), z.string()),
  dataset: z.object({ id: z.string(), source: z.string(), startDate: z.string(), dayCount: z.number().int() }),
  periods: z.object({ record: dayRange, train: dayRange, validate: dayRange, test: dayRange }),
  clip: runClipSchema.nullable(),
  featureChannels: z.array(z.string()),
  normalization: z.unknown(),
  reductions: z.array(z.string()),
  models: z.array(z.string()),
  skipped: z.array(kindReason),
  failed: z.array(kindReason),
  optimizers: z.record(z.string(), z.string()),
  timings: z.record(z.string(), z.number()),
  error: z.string().optional(),
  /** the basin statistics the static channels were standardized with (runs made before it: none) */
  staticStandardization: z.record(z.string(), z.object({ mean: z.number(), std: z.number() })).optional(),
  /**
   * a run whose models were trained in another run (vegdyn predict --run, predict-from-run.ts): that
   * run's folder and id, its dataset, the grid the weights were trained on; `normalization` and
   * `featureChannels` above are that run's, as saved
   */
  weightsFrom: z.object({
    runDir: z.string(), projectDir: z.string(), runId: z.string(),
    dataset: z.object({ id: z.string(), source: z.string(), startDate: z.string(), dayCount: z.number().int() }),
    trainedGrid: z.string(), models: z.array(z.string()),
  }).optional(),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

const boxStats = z.looseObject({ median: z.number().nullable() });

/** evaluation/summary.json (fields written by run-evaluation.ts and evaluationSummary). */
export const runSummarySchema = z.looseObject({
  runId: z.string(),
  preset: z.string().optional(),
  reductions: z.array(z.string()).default([]),
  skipped: z.array(kindReason).default([]),
  failed: z.array(kindReason).default([]),
  training: z.record(z.string(), z.unknown()).default({}),
  reevaluated: z.boolean().optional(),
  /** an ensemble run: its members and their NSE distribution (the entries score the ensemble mean) */
  ensemble: z.lazy(() => ensembleSummarySchema).optional(),
  /** what the evaluation could not compute (short records: climatology days of year, NSE cells) */
  notScored: z.array(z.string()).optional(),
  evaluated: z.looseObject({
    at: z.string(),
    period: z.object({ from: z.string(), to: z.string() }),
    clip: runClipSchema.nullable(),
  }),
  entries: z.array(z.looseObject({
    id: z.string(),
    label: z.string(),
    role: z.string(),
    summary: z.looseObject({ nse: boxStats }),
    byLandCover: z.array(z.looseObject({ code: z.number(), name: z.string(), nse: boxStats })),
  })),
});
export type RunSummary = z.infer<typeof runSummarySchema>;
/** What the caller of an evaluation says about the run; the evaluation adds `evaluated` and the scores. */
export type RunSummaryHead = Pick<RunSummary, 'runId' | 'preset' | 'reductions' | 'skipped' | 'failed' | 'training' | 'reevaluated' | 'ensemble'> & {
  readonly periods?: Readonly<Record<string, { from: string; to: string }>>;
};

/** The members' median test NSE per entry, and its spread over the members. */
export const ensembleSummarySchema = z.object({
  members: z.number().int().min(2),
  collected: z.array(z.string()),
  seeds: z.array(z.number().int()),
  nse: z.record(z.string(), z.object({
    /** each collected member's median NSE over the scored cells */
    perMember: z.array(z.object({ member: z.string(), median: z.number().nullable() })),
    min: z.number().nullable(),
    median: z.number().nullable(),
    max: z.number().nullable(),
  })),
});
export type EnsembleSummary = z.infer<typeof ensembleSummarySchema>;

/** ensemble.json of an ensemble run. */
export const ensembleRecordSchema = z.looseObject({
  members: z.number().int().min(2).max(MAX_MEMBERS),
  /** the run config's seed; member i trains with seed + i */
  baseSeed: z.number().int().min(0),
  /** false: every member draws the same training windows (config windowSeed), true: each its own */
  varyWindows: z.boolean(),
  createdAt: z.string(),
  /** the last collection: when, which members it merged, which entries it averaged */
  collected: z.object({ at: z.string(), members: z.array(z.string()), entries: z.array(z.string()) }).nullable(),
});
export type EnsembleRecord = z.infer<typeof ensembleRecordSchema>;

/** members/m<NN>/progress.json: what a member's training reports while it runs (cluster status reads it). */
export const progressRecordSchema = z.looseObject({
  at: z.string(),
  fraction: z.number().min(0).max(1),
  message: z.string(),
  state: z.enum(['running', 'finished', 'failed', 'cancelled']),
  epoch: z.number().int().optional(),
  /** Slurm job and array task ids when run by a scheduler */
  job: z.string().optional(),
  /** the epoch the training resumed after (a requeued task) */
  resumedAfterEpoch: z.number().int().optional(),
  error: z.string().optional(),
});
export type ProgressRecord = z.infer<typeof progressRecordSchema>;

/** cluster/cluster.json of a run submitted to a scheduler. */
export const clusterRecordSchema = z.looseObject({
  scheduler: z.literal('slurm'),
  jobId: z.string().regex(/^\d+$/),
  submittedAt: z.string(),
  /** array tasks: one per ensemble member (or one for a single run) */
  tasks: z.number().int().min(1),
  ensemble: z.boolean(),
  resources: z.object({
    partition: z.string().optional(), gpusPerTask: z.number().int().optional(), cpusPerTask: z.number().int().optional(), time: z.string().optional(),
  }),
  /** the command each task runs, with the array task index as $SLURM_ARRAY_TASK_ID */
  command: z.string(),
});
export type ClusterRecord = z.infer<typeof clusterRecordSchema>;

// ---------------------------------------------------------------- reading and writing

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: cannot be read (${err instanceof Error ? err.message : String(err)})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

function parseFile<S extends z.ZodType>(schema: S, file: string): z.infer<S> {
  const r = schema.safeParse(readJson(file));
  if (!r.success) throw new Error(`${file}: ${formatIssues(r.error.issues).join('; ')}`);
  return r.data;
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Writes a record after checking what its readers will get back (JSON turns NaN into null), so a
 * run never leaves a file its own readers refuse.
 */
async function writeChecked(schema: z.ZodType, file: string, what: string, value: unknown): Promise<void> {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  const r = schema.safeParse(JSON.parse(text));
  if (!r.success) throw new Error(`${file}: refusing to write an invalid ${what}: ${formatIssues(r.error.issues).join('; ')}`);
  await writeFileAtomic(file, text);
}

/** run.json of a run; null when the run has not written it yet (it is just starting). */
export function readRunRecord(dir: string): RunRecord | null {
  const file = path.join(dir, RUN_RECORD_FILE);
  return existsSync(file) ? parseFile(runRecordSchema, file) : null;
}

export async function writeRunRecord(dir: string, record: RunRecord): Promise<void> {
  await writeChecked(runRecordSchema, path.join(dir, RUN_RECORD_FILE), 'run record', record);
}

/** The run's resolved config, validated against today's schema (new fields take their defaults). */
export function readRunConfig(dir: string): RunConfig {
  const file = path.join(dir, RUN_CONFIG_FILE);
  if (!existsSync(file)) throw new Error(`${file}: missing (the run config)`);
  return parseFile(runConfigSchema, file);
}

export async function writeRunConfig(dir: string, config: RunConfig): Promise<void> {
  await writeJson(path.join(dir, RUN_CONFIG_FILE), config);
}

/** evaluation/summary.json; null when the run has not been evaluated. */
export function readRunSummary(dir: string): RunSummary | null {
  const file = path.join(dir, RUN_SUMMARY_FILE);
  return existsSync(file) ? parseFile(runSummarySchema, file) : null;
}

/** Writes evaluation/summary.json after checking it against the schema its readers use. */
export async function writeRunSummary(dir: string, summary: unknown): Promise<void> {
  await writeChecked(runSummarySchema, path.join(dir, RUN_SUMMARY_FILE), 'evaluation summary', summary);
}

/** models/<kind>/model.json: the model's config as createModel takes it, and its optimizer. */
export const modelRecordSchema = z.looseObject({ config: z.looseObject({ kind: z.string() }), optimizer: z.string() });
export type ModelRecord = z.infer<typeof modelRecordSchema>;

export function readModelRecord(dir: string, kind: string): ModelRecord {
  const file = path.join(modelDir(dir, kind), MODEL_CONFIG_FILE);
  if (!existsSync(file)) throw new Error(`${file}: missing (the model configuration)`);
  return parseFile(modelRecordSchema, file);
}

export async function writeModelRecord(dir: string, kind: string, record: ModelRecord): Promise<void> {
  await writeJson(path.join(modelDir(dir, kind), MODEL_CONFIG_FILE), record);
}

/** Writes a JSON file of a model's folder (learned parameters ...). */
export async function writeModelJson(dir: string, kind: string, name: string, value: unknown): Promise<void> {
  await writeJson(path.join(modelDir(dir, kind), name), value);
}

/** Reads a JSON file of a model's folder; null when it does not exist. */
export function readModelJson(dir: string, kind: string, name: string): unknown {
  const file = path.join(modelDir(dir, kind), name);
  return existsSync(file) ? readJson(file) : null;
}

/** What a run folder holds, without opening the large files. */
export interface RunFileIndex {
  /** entries with predictions/<entry>.nc, sorted */
  readonly predictions: readonly string[];
  readonly metrics: boolean;
  readonly summary: boolean;
  readonly report: boolean;
  /** model kinds with saved final weights */
  readonly weights: readonly string[];
}

export function runFileIndex(dir: string): RunFileIndex {
  const modelsDir = path.join(dir, MODELS_DIR);
  const weights = existsSync(modelsDir)
    ? readdirSync(modelsDir, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(path.join(modelsDir, d.name, WEIGHTS_FILE))).map((d) => d.name).sort()
    : [];
  return {
    predictions: predictionEntries(dir),
    metrics: findMetricsFile(dir) !== null,
    summary: existsSync(path.join(dir, RUN_SUMMARY_FILE)),
    report: existsSync(path.join(dir, REPORT_FILE)),
    weights,
  };
}

/** Files a training run derives from its evaluation (rebuilt only by training, not by a re-evaluation). */
export const EVALUATION_DERIVED_FILES = [REPORT_FILE, NSE_MAP_FILE] as const;

/**
 * After a re-evaluation: removes the predictions of entries it did not score (`kept` are the ones
 * it wrote) and the files derived from the previous scores, so the folder never mixes two
 * evaluations. Returns the removed paths, relative to the run folder.
 */
export function removeStaleOutputs(dir: string, kept: readonly string[]): string[] {
  const keep = new Set(kept);
  const stale = [
    ...predictionEntries(dir).filter((e) => !keep.has(e)).map((e) => path.relative(dir, predictionPath(dir, e))),
    ...EVALUATION_DERIVED_FILES.filter((f) => existsSync(path.join(dir, f))),
  ];
  for (const f of stale) rmSync(path.join(dir, f), { force: true });
  return stale;
}

/** ensemble.json; null when the run is not an ensemble. */
export function readEnsembleRecord(dir: string): EnsembleRecord | null {
  const file = path.join(dir, ENSEMBLE_FILE);
  return existsSync(file) ? parseFile(ensembleRecordSchema, file) : null;
}

export async function writeEnsembleRecord(dir: string, record: EnsembleRecord): Promise<void> {
  await writeChecked(ensembleRecordSchema, path.join(dir, ENSEMBLE_FILE), 'ensemble record', record);
}

/** progress.json of a run folder (a member); null when none was written. */
export function readProgressRecord(dir: string): ProgressRecord | null {
  const file = path.join(dir, PROGRESS_FILE);
  return existsSync(file) ? parseFile(progressRecordSchema, file) : null;
}

export async function writeProgressRecord(dir: string, record: ProgressRecord): Promise<void> {
  await writeChecked(progressRecordSchema, path.join(dir, PROGRESS_FILE), 'progress record', record);
}

// ---------------------------------------------------------------- scenario runs

/**
 * scenarios/<name>/ of a run: what `vegdyn scenario run` wrote for one scenario of the project
 *   summary.json          ScenarioSummary: the scenario, period, entries' basin and subbasin changes, extrapolation shares
 *   daily/<entry>.nc      daily LAI over the period, scenario (lai) and baseline (lai_baseline), CF NetCDF4
 *   changes.nc            change maps per entry and season (absolute, relative) and the extrapolation fractions, CF NetCDF4
 *   series.csv            basin and subbasin daily means, baseline and scenario, per entry
 */
export const SCENARIO_RUNS_DIR = 'scenarios';
export const SCENARIO_SUMMARY_FILE = 'summary.json';
export const SCENARIO_CHANGES_FILE = 'changes.nc';
export const SCENARIO_SERIES_FILE = 'series.csv';
export const SCENARIO_DAILY_DIR = 'daily';

export function scenarioRunDir(dir: string, scenario: string): string {
  if (!RUN_ID.test(scenario)) throw new Error(`'${scenario}' is not a scenario name`);
  return path.join(dir, SCENARIO_RUNS_DIR, scenario);
}

const regionChange = z.object({ region: z.string(), baseline: z.number().nullable(), scenario: z.number().nullable(), change: z.number().nullable(), relative: z.number().nullable() });
export const scenarioSummarySchema = z.looseObject({
  runId: z.string(),
  scenario: z.looseObject({ name: z.string() }),
  period: z.object({ from: z.string(), to: z.string() }),
  spinUpFrom: z.string(),
  envelope: z.union([z.literal('range'), z.number()]),
  /** share of basin cell-days outside the training envelope, overall and per variable */
  outsideEnvelope: z.object({ share: z.number(), perVariable: z.record(z.string(), z.number()) }),
  entries: z.array(z.looseObject({
    id: z.string(),
    label: z.string(),
    /** how the entry responds to CO2: through the process model, or not (the networks' channel, or none) */
    co2: z.enum(['process-model', 'blind-no-channel', 'blind-constant-in-training']),
    /** per season (annual, DJF, ...), the basin and each subbasin */
    changes: z.record(z.string(), z.array(regionChange)),
  })),
  createdAt: z.string(),
});
export type ScenarioSummary = z.infer<typeof scenarioSummarySchema>;

export function readScenarioSummary(dir: string, scenario: string): ScenarioSummary | null {
  const file = path.join(scenarioRunDir(dir, scenario), SCENARIO_SUMMARY_FILE);
  return existsSync(file) ? parseFile(scenarioSummarySchema, file) : null;
}

export async function writeScenarioSummary(dir: string, summary: ScenarioSummary): Promise<void> {
  await writeChecked(scenarioSummarySchema, path.join(scenarioRunDir(dir, summary.scenario.name), SCENARIO_SUMMARY_FILE), 'scenario summary', summary);
}

/** cluster/cluster.json; null when the run was not submitted to a cluster. */
export function readClusterRecord(dir: string): ClusterRecord | null {
  const file = path.join(dir, CLUSTER_FILE);
  return existsSync(file) ? parseFile(clusterRecordSchema, file) : null;
}

export async function writeClusterRecord(dir: string, record: ClusterRecord): Promise<void> {
  await writeChecked(clusterRecordSchema, path.join(dir, CLUSTER_FILE), 'cluster record', record);
}

/** Writes the job script of a cluster run (cluster/job.sbatch, executable). */
export async function writeJobScript(dir: string, script: string): Promise<string> {
  const file = path.join(dir, JOB_SCRIPT_FILE);
  await writeFileAtomic(file, script);
  chmodSync(file, 0o755);
  return file;
}

/** The scenarios a run has results of (scenarios/<name>/summary.json present), by name. */
export function listScenarioRuns(dir: string): string[] {
  const root = path.join(dir, SCENARIO_RUNS_DIR);
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && RUN_ID.test(d.name) && existsSync(path.join(root, d.name, SCENARIO_SUMMARY_FILE)))
    .map((d) => d.name).sort();
}

/**
 * extrapolation/ of a run: what `vegdyn scenario extrapolation-test` wrote (docs/extrapolation.md)
 *   summary.json   ExtrapolationSummary: the change, the scored days, each entry's scores against the virtual basin's truth
 *   table.md       the same as a Markdown table
 */
export const EXTRAPOLATION_DIR = 'extrapolation';
export const EXTRAPOLATION_SUMMARY_FILE = path.join(EXTRAPOLATION_DIR, 'summary.json');
export const EXTRAPOLATION_TABLE_FILE = path.join(EXTRAPOLATION_DIR, 'table.md');

const finiteOrNull = z.number().nullable();
export const extrapolationSummarySchema = z.looseObject({
  runId: z.string(),
  /** the change in words and as a scenario definition */
  change: z.string(),
  definition: z.looseObject({ changes: z.record(z.string(), z.unknown()), co2Ppm: z.unknown() }),
  /** first changed day, and the scored days (inclusive) */
  changeFrom: z.string(),
  scored: z.object({ from: z.string(), to: z.string(), days: z.number().int() }),
  generator: z.object({ name: z.string(), version: z.string(), seed: z.number().int() }),
  /** basin cells and grid the test ran on ('quick' is a cropped window) */
  grid: z.object({ ncols: z.number().int(), nrows: z.number().int(), basinCells: z.number().int(), quick: z.boolean() }),
  entries: z.array(z.looseObject({
    id: z.string(),
    label: z.string(),
    co2: z.enum(['process-model', 'blind-no-channel', 'blind-constant-in-training']),
    nseChanged: finiteOrNull,
    nseBaseline: finiteOrNull,
    biasChanged: finiteOrNull,
    predictedChange: finiteOrNull,
    trueChange: finiteOrNull,
    changeError: finiteOrNull,
    cellChangeErrorMedian: finiteOrNull,
    cellChangeAbsErrorMedian: finiteOrNull,
  })),
  /** wall clock of the whole test (s) */
  seconds: z.number(),
  /** CPU time of the process over the test, user + system, all threads (s); comparable under load, unlike `seconds` */
  cpuSeconds: z.number().optional(),
  /** wall clock per stage (s): generating the truth, training (0 with --run), predicting */
  stageSeconds: z.strictObject({ generate: z.number(), train: z.number(), predict: z.number() }).optional(),
  createdAt: z.string(),
});
export type ExtrapolationSummary = z.infer<typeof extrapolationSummarySchema>;

export function readExtrapolationSummary(dir: string): ExtrapolationSummary | null {
  const file = path.join(dir, EXTRAPOLATION_SUMMARY_FILE);
  return existsSync(file) ? parseFile(extrapolationSummarySchema, file) : null;
}

export async function writeExtrapolationSummary(dir: string, summary: ExtrapolationSummary): Promise<void> {
  await writeChecked(extrapolationSummarySchema, path.join(dir, EXTRAPOLATION_SUMMARY_FILE), 'extrapolation summary', summary);
}

// ---------------------------------------------------------------- identical twin (run/twin.ts)

/** twins/ of a project: identical-twin experiments (`vegdyn twin`), not model runs, so not in runs/ */
export const TWINS_DIR = 'twins';
export const TWIN_RECORD_FILE = 'twin.json';
/** per parameter: true values, and recovered minus true per parameterization (GeoTIFF bands) */
export const TWIN_MAPS_FILE = path.join('maps', 'twin-parameters.tif');

/** twins/<id>/ of a project; throws when `id` is not a plain folder name. */
export function twinDir(projectDir: string, id: string): string {
  if (!RUN_ID.test(id)) throw new Error(`'${id}' is not a twin id`);
  return path.join(projectDir, TWINS_DIR, id);
}

const isoPeriod = z.object({ from: z.string(), to: z.string() });
const recoverySchema = z.object({
  pearson: z.number().nullable(),
  medianRelativeError: z.number().nullable(),
  withinPftPearson: z.number().nullable().optional(),
  defaultsPearson: z.number().nullable(),
  defaultsMedianRelativeError: z.number().nullable(),
  meetsTargets: z.boolean(),
});
export const twinRecordSchema = z.looseObject({
  id: z.string(),
  status: z.enum(RUN_STATUSES),
  createdAt: z.string(),
  quick: z.boolean(),
  dataset: z.object({ id: z.string(), source: z.string() }),
  window: z.object({ row0: z.number().int(), col0: z.number().int(), rows: z.number().int(), cols: z.number().int(), basinCells: z.number().int() }),
  periods: z.object({ record: isoPeriod, train: isoPeriod, validate: isoPeriod, test: isoPeriod }),
  truth: z.looseObject({ formula: z.string(), amplitude: z.number(), weights: z.record(z.string(), z.record(z.string(), z.number())), relativeNoise: z.number() }),
  results: z.record(z.string(), z.looseObject({
    training: z.looseObject({ epochs: z.number().int(), bestEpoch: z.number().int(), bestValLoss: z.number().nullable(), seconds: z.number() }),
    parameters: z.record(z.string(), recoverySchema),
    errorCorrelations: z.array(z.object({ a: z.string(), b: z.string(), r: z.number().nullable() })),
  })),
  lossProfile: z.record(z.string(), z.array(z.object({ factor: z.number(), loss: z.number() }))).optional(),
  timings: z.record(z.string(), z.number()),
  machine: z.looseObject({ cpus: z.number().int(), loadAverage: z.array(z.number()) }),
  error: z.string().optional(),
});
export type TwinRecord = z.infer<typeof twinRecordSchema>;

export function readTwinRecord(dir: string): TwinRecord | null {
  const file = path.join(dir, TWIN_RECORD_FILE);
  return existsSync(file) ? parseFile(twinRecordSchema, file) : null;
}

export async function writeTwinRecord(dir: string, record: TwinRecord): Promise<void> {
  await writeChecked(twinRecordSchema, path.join(dir, TWIN_RECORD_FILE), 'twin record', record);
}
