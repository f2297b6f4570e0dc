/**
 * Read-only access to a project's run folders (read through main/run/run-folder.ts) for the map:
 * the list of runs with their scores, daily predictions per model and per-cell metrics. Files are
 * cached per path and modification time, so a run that finishes later is picked up.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { findMetricsFile, findPredictionFile, readGridVariables, readMetricsFile, readParameterMaps, readPredictionAxis, readPredictionCell, readPredictionDay, readPredictionRegion, readSpreadMapsFile } from '../run/run-files.ts';
import { HISTORY_FILE, PARAMETER_MAPS_FILE, RUN_CONFIG_FILE, SCENARIO_CHANGES_FILE, SCENARIO_SUMMARY_FILE, SPREAD_MAPS_FILE, listRunIds, memberDirOf, spreadPath, type EnsembleSummary, listScenarioRuns, readModelJson, readRunConfig, readRunRecord, readRunSummary, readScenarioSummary, runDir, runFileIndex, runsDir, scenarioRunDir, type ScenarioSummary } from '../run/run-folder.ts';
import { LEARNED_PARAMETERS_FILE } from '../physics/grid/learned-parameters.ts';
import { PARAMETER_SPECS } from '../physics/grid/pft-params.ts';
import type { ParameterRange } from '../physics/parameter-range.ts';
import { daysBetween } from '../data/time-axis.ts';
import { LruCache } from '../util/lru-cache.ts';
import { regionKey, type RegionWeights } from '../data/aggregate.ts';

export interface BoxStats {
  readonly n: number;
  readonly median: number;
  readonly q25: number;
  readonly q75: number;
  readonly whiskerLow: number;
  readonly whiskerHigh: number;
  readonly min: number;
  readonly max: number;
}

export interface RunEntry {
  readonly id: string;
  readonly label: string;
  readonly role: string;
  readonly nse: BoxStats | null;
  readonly byLandCover: readonly { code: number; name: string; nse: BoxStats | null }[];
}

export interface RunListing {
  readonly id: string;
  readonly status: string;
  readonly createdAt: string | null;
  readonly preset: string | null;
  readonly models: readonly string[];
  readonly backend: string | null;
  readonly seconds: number | null;
  readonly error: string | null;
  readonly failed: readonly { kind: string; reason: string }[];
  readonly skipped: readonly { kind: string; reason: string }[];
  readonly periods: Readonly<Record<string, { from: string; to: string }>> | null;
  readonly config: unknown;
  /** evaluation entries (models and references) with NSE statistics on the test period */
  readonly entries: readonly RunEntry[];
  /** entries with daily predictions on disk */
  readonly predictions: readonly string[];
  readonly history: Readonly<Record<string, readonly { epoch: number; trainLoss: number; valLoss: number | null }[]>>;
  /** learned per-PFT parameters of physics-encoded models (models/<kind>/learned-parameters.json) */
  readonly parameters: Readonly<Record<string, LearnedParameters>>;
  /** an ensemble run: its collected members and their NSE distribution (the entries score the mean); null otherwise */
  readonly ensemble: EnsembleSummary | null;
}

export interface LearnedParameters {
  readonly pfts: readonly string[];
  /** 'per-pft' (a table; reports without the field), or 'per-cell-network' (values: the mean over each PFT's cells) */
  readonly parameterization: string;
  /** title and symbol come from the physics declaration (pft-params.ts), the rest from the run's file */
  readonly parameters: Readonly<Record<string, { title: string; symbol: string; units: string; min: number; max: number; description: string; defaults: number[]; values: number[]; learned: boolean;
    /** per-cell parameterizations: per PFT the median and 5-95 % range over its cells (NaN: a PFT without cells); null otherwise */
    cells: { median: number[]; p05: number[]; p95: number[]; count: number[] } | null }>>;
}


/** A model's learned-parameters.json, with title, symbol and units from the physics declaration. */
export function learnedOf(v: unknown): LearnedParameters | null {
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  if (!Array.isArray(o['pfts']) || !o['parameters'] || typeof o['parameters'] !== 'object') return null;
  const parameters: Record<string, LearnedParameters['parameters'][string]> = {};
  for (const [name, raw] of Object.entries(o['parameters'] as Record<string, unknown>)) {
    const q = raw as Record<string, unknown>;
    const nums = (a: unknown) => (Array.isArray(a) ? a.map((x) => num(x)) : []);
    const declared = (PARAMETER_SPECS as Readonly<Record<string, { range: ParameterRange } | undefined>>)[name]?.range;
    parameters[name] = { title: declared?.title ?? name, symbol: declared?.symbol ?? '', units: declared?.units ?? String(q['units'] ?? ''), min: num(q['min']), max: num(q['max']), description: String(q['description'] ?? ''), defaults: nums(q['defaults']), values: nums(q['values']), learned: q['learned'] === true, cells: cellsOf(q['cells']) };
  }
  return { pfts: (o['pfts'] as unknown[]).map(String), parameterization: typeof o['parameterization'] === 'string' ? o['parameterization'] : 'per-pft', parameters };
}

/** a report's per-PFT cell distribution (reportOfCellMaps), or null where it has none */
function cellsOf(v: unknown): LearnedParameters['parameters'][string]['cells'] {
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  const nums = (a: unknown) => (Array.isArray(a) ? a.map((x) => num(x)) : []);
  return { median: nums(o['median']), p05: nums(o['p05']), p95: nums(o['p95']), count: nums(o['count']).map((x) => (Number.isFinite(x) ? x : 0)) };
}

const fileCache = new Map<string, { stamp: string; value: unknown }>();

function fileStamp(file: string): string {
  const st = statSync(file);
  return `${st.mtimeMs}:${st.size}`;
}

/** `read(file)`, kept until the file changes; `what` tells apart several things read from one file. */
function cached<T>(file: string, read: () => T, what = ''): T {
  const stamp = fileStamp(file);
  const key = what ? `${file}#${what}` : file;
  const hit = fileCache.get(key);
  if (hit && hit.stamp === stamp) return hit.value as T;
  const value = read();
  if (fileCache.size > 64) fileCache.delete(fileCache.keys().next().value!);
  fileCache.set(key, { stamp, value });
  return value;
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN;
}

function boxOf(v: unknown): BoxStats | null {
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  return { n: num(o['n']), median: num(o['median']), q25: num(o['q25']), q75: num(o['q75']), whiskerLow: num(o['whiskerLow']), whiskerHigh: num(o['whiskerHigh']), min: num(o['min']), max: num(o['max']) };
}

export { runDir, runsDir };

/** A run folder as the map lists it; a folder whose records do not parse is listed with the error. */
export function readRun(projectDir: string, runId: string): RunListing {
  const dir = runDir(projectDir, runId);
  try {
    return listingOf(dir, runId);
  } catch (err) {
    return {
      id: runId, status: 'unreadable', createdAt: null, preset: null, models: [], backend: null, seconds: null,
      error: err instanceof Error ? err.message : String(err), failed: [], skipped: [], periods: null, config: null,
      entries: [], predictions: [], history: {}, parameters: {}, ensemble: null,
    };
  }
}

function listingOf(dir: string, runId: string): RunListing {
  const info = readRunRecord(dir);
  const config = existsSync(path.join(dir, RUN_CONFIG_FILE)) ? readRunConfig(dir) : null;
  const summary = readRunSummary(dir);
  const entries: RunEntry[] = (summary?.entries ?? []).map((e) => ({
    id: e.id,
    label: e.label,
    role: e.role,
    nse: boxOf(e.summary.nse),
    byLandCover: e.byLandCover.map((b) => ({ code: b.code, name: b.name, nse: boxOf(b.nse) })),
  }));
  const models = config ? [...config.models] : [];
  const history: Record<string, { epoch: number; trainLoss: number; valLoss: number | null }[]> = {};
  for (const m of models) {
    const h = readModelJson(dir, m, HISTORY_FILE);
    if (Array.isArray(h)) {
      history[m] = h.map((r) => {
        const o = r as Record<string, unknown>;
        const v = num(o['valLoss']);
        return { epoch: num(o['epoch']), trainLoss: num(o['trainLoss']), valLoss: Number.isFinite(v) ? v : null };
      });
    }
  }
  const parameters: Record<string, LearnedParameters> = {};
  for (const m of models) {
    const lp = learnedOf(readModelJson(dir, m, LEARNED_PARAMETERS_FILE));
    if (lp) parameters[m] = lp;
  }
  const total = info?.timings['total'];
  return {
    id: runId,
    status: info ? info.status : 'starting',
    createdAt: info?.createdAt ?? null,
    preset: config?.preset ?? null,
    models,
    backend: info?.backend.chosen ?? null,
    seconds: total !== undefined && Number.isFinite(total) ? total : null,
    error: info?.error ?? null,
    failed: info?.failed ?? [],
    skipped: summary?.skipped ?? [],
    periods: config?.periods ?? null,
    config,
    entries,
    // predictions/<entry>.nc on disk
    predictions: runFileIndex(dir).predictions,
    history,
    parameters,
    ensemble: summary?.ensemble ?? null,
  };
}

/**
 * A run's name for people: its id when the user chose one, else its preset and start time
 * ('demo run of 2026-12-03 09:41'), so charts and layer groups do not show generated ids.
 */
export function runLabel(run: Pick<RunListing, 'id' | 'preset' | 'createdAt'>): string {
  // generated ids (evaluation/demo.ts defaultRunId): 20261203T094112Z-demo
  const generated = /^\d{8}T\d{6}Z-/.test(run.id);
  if (!generated || !run.createdAt) return run.id;
  return `${run.preset ?? 'custom'} run of ${run.createdAt.slice(0, 16).replace('T', ' ')}`;
}

/** Every run folder, newest first. */
export function listRuns(projectDir: string): RunListing[] {
  const runs = listRunIds(projectDir).map((id) => readRun(projectDir, id));
  return runs.sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || b.id.localeCompare(a.id));
}

/** predictions/<entry>.nc of a run, or of one of its ensemble members (`member`: 'm01'). */
function predictionFile(projectDir: string, runId: string, entry: string, member?: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(entry)) throw new Error(`'${entry}' is not a model name`);
  const dir = runDir(projectDir, runId);
  const file = findPredictionFile(member === undefined ? dir : memberDirOf(dir, member), entry);
  if (!file) throw new Error(`run ${runId}${member === undefined ? '' : ` member ${member}`} has no predictions of '${entry}'`);
  return file;
}

/** bytes of single prediction days, cell series and region means kept for the map (a 63 x 54 day is 14 kB, a 36-year cell or region series 53 kB) */
export const PREDICTION_DAY_CACHE_BYTES = 16 * 1024 * 1024;
const dayCache = new LruCache<Float32Array>(PREDICTION_DAY_CACHE_BYTES);

/**
 * Day `k` of a run entry's prediction, read alone (a hyperslab) for the map: browsing dates never
 * loads a whole prediction (a 36-year one is 124 MB); null outside the predicted days.
 */
export function readPredictionDayOf(projectDir: string, runId: string, entry: string, dayOfDataset: number, datasetStart: string): Float32Array | null {
  const file = predictionFile(projectDir, runId, entry);
  const stamp = fileStamp(file);
  const axis = cached(file, () => readPredictionAxis(file), 'axis');
  const k = dayOfDataset - daysBetween(datasetStart, axis.startDate);
  if (k < 0 || k >= axis.days) return null;
  return dayCache.through(`${file}:${stamp}:day:${k}`, () => readPredictionDay(file, k));
}

/** A prediction reduced to one place (a cell, a region's area mean): first date, day count, one value per day. */
export interface PlaceSeries {
  readonly startDate: string;
  readonly days: number;
  readonly values: Float32Array;
}

/** Every day of one cell of a prediction file's `variable`, read alone (a hyperslab) and cached with the days. */
function cellOfFile(file: string, cell: number, variable = 'lai'): PlaceSeries {
  const stamp = fileStamp(file);
  const axis = cached(file, () => readPredictionAxis(file), 'axis');
  return { ...axis, values: dayCache.through(`${file}:${stamp}:${variable}:cell:${cell}`, () => readPredictionCell(file, cell, variable)) };
}

/** Every day of one cell of a run entry's prediction (of ensemble member `member`: 'm01'), read alone for a clicked cell's chart. */
export function readPredictionCellOf(projectDir: string, runId: string, entry: string, cell: number, member?: string): PlaceSeries {
  return cellOfFile(predictionFile(projectDir, runId, entry, member), cell);
}

/** Whether every member in `members` (ids, 'm01') of run `runId` has its predictions of `entry` on disk (a copy may leave members/ out). */
export function membersPredicted(projectDir: string, runId: string, members: readonly string[], entry: string): boolean {
  const dir = runDir(projectDir, runId);
  return members.every((m) => findPredictionFile(memberDirOf(dir, m), entry) !== null);
}

/**
 * The area-weighted mean over a region (subbasin, clip) of every day of a run entry's prediction
 * (of ensemble member `member`), read box by box (one hyperslab per block of days) and cached by
 * region with the days: an area's chart or band never loads a whole file (124 MB for 36 years).
 */
export function readPredictionRegionOf(projectDir: string, runId: string, entry: string, region: RegionWeights, member?: string): PlaceSeries {
  const file = predictionFile(projectDir, runId, entry, member);
  const stamp = fileStamp(file);
  const axis = cached(file, () => readPredictionAxis(file), 'axis');
  return { ...axis, values: dayCache.through(`${file}:${stamp}:lai:region:${regionKey(region)}`, () => readPredictionRegion(file, region)) };
}

/**
 * Day `dayOfDataset` of an ensemble's spread per test date (spread/<entry>.nc, variable 'lai_std'
 * or 'lai_range_5_95'), read alone (a hyperslab); null outside the test period or when the run has no such file.
 */
export function readSpreadDayOf(projectDir: string, runId: string, entry: string, variable: string, dayOfDataset: number, datasetStart: string): Float32Array | null {
  const file = spreadPath(runDir(projectDir, runId), entry);
  if (!existsSync(file)) return null;
  const stamp = fileStamp(file);
  const axis = cached(file, () => readPredictionAxis(file, variable), `axis:${variable}`);
  const k = dayOfDataset - daysBetween(datasetStart, axis.startDate);
  if (k < 0 || k >= axis.days) return null;
  return dayCache.through(`${file}:${stamp}:${variable}:day:${k}`, () => readPredictionDay(file, k, variable));
}

/** Per-cell metric grids of a run: '<entry>/<metric>' -> values (row 0 = north). */
export function readMetrics(projectDir: string, runId: string): ReadonlyMap<string, Float32Array> {
  const file = findMetricsFile(runDir(projectDir, runId));
  if (!file) throw new Error(`run ${runId} has no evaluation yet`);
  return cached(file, () => readMetricsFile(file));
}

/** A physics model's learned parameters per cell (models/<kind>/parameter-maps.nc): name -> values (row 0 = north); null when the run has none. */
export function readParameterMapsOf(projectDir: string, runId: string, model: string): ReadonlyMap<string, Float32Array> | null {
  const file = path.join(runDir(projectDir, runId), 'models', model, PARAMETER_MAPS_FILE);
  if (!existsSync(file)) return null;
  return cached(file, () => readParameterMaps(file));
}

/** An ensemble run's spread maps: '<entry>/<spread>' -> values (row 0 = north); null when the run is no ensemble. */
export function readSpreadMaps(projectDir: string, runId: string): ReadonlyMap<string, Float32Array> | null {
  const file = path.join(runDir(projectDir, runId), SPREAD_MAPS_FILE);
  if (!existsSync(file)) return null;
  return cached(file, () => readSpreadMapsFile(file));
}

/** A run's scenario results: the summary, or null when unreadable (listed nowhere then). */
export function readScenarioResult(projectDir: string, runId: string, scenario: string): ScenarioSummary | null {
  const dir = runDir(projectDir, runId);
  const file = path.join(scenarioRunDir(dir, scenario), SCENARIO_SUMMARY_FILE);
  try {
    return cached(file, () => readScenarioSummary(dir, scenario));
  } catch {
    return null;
  }
}

/** The change maps and extrapolation fractions of a run's scenario: variable name -> values (row 0 = north). */
export function readScenarioChanges(projectDir: string, runId: string, scenario: string): ReadonlyMap<string, Float32Array> {
  const file = path.join(scenarioRunDir(runDir(projectDir, runId), scenario), SCENARIO_CHANGES_FILE);
  if (!existsSync(file)) throw new Error(`run ${runId} has no results of scenario '${scenario}'`);
  // the data variables carry grid_mapping; lat, lon and crs do not
  return cached(file, () => readGridVariables(file, (name, attribute) => (typeof attribute('grid_mapping') === 'string' ? name : undefined)));
}

export { listScenarioRuns };
