/**
 * Read-only access to a project's run folders (written by main/training/experiment.ts) for the map:
 * the list of runs with their scores, daily predictions per model and per-cell metrics. Files are
 * cached per path and modification time, so a run that finishes later is picked up.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { findMetricsFile, findPredictionFile, predictionEntries, readMetricsFile, readPredictionFile, type Prediction } from '../../evaluation/run-files.ts';
import { LEARNED_PARAMETERS_FILE } from '../../physics/grid/learned-parameters.ts';
import { PARAMETER_SPECS } from '../../physics/grid/pft-params.ts';
import type { ParameterRange } from '../../physics/parameter-range.ts';

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
}

export interface LearnedParameters {
  readonly pfts: readonly string[];
  /** title and symbol come from the physics declaration (pft-params.ts), the rest from the run's file */
  readonly parameters: Readonly<Record<string, { title: string; symbol: string; units: string; min: number; max: number; description: string; defaults: number[]; values: number[]; learned: boolean }>>;
}


function learnedOf(v: unknown): LearnedParameters | null {
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  if (!Array.isArray(o['pfts']) || !o['parameters'] || typeof o['parameters'] !== 'object') return null;
  const parameters: Record<string, LearnedParameters['parameters'][string]> = {};
  for (const [name, raw] of Object.entries(o['parameters'] as Record<string, unknown>)) {
    const q = raw as Record<string, unknown>;
    const nums = (a: unknown) => (Array.isArray(a) ? a.map((x) => num(x)) : []);
    const declared = (PARAMETER_SPECS as Readonly<Record<string, { range: ParameterRange } | undefined>>)[name]?.range;
    parameters[name] = { title: declared?.title ?? name, symbol: declared?.symbol ?? '', units: declared?.units ?? String(q['units'] ?? ''), min: num(q['min']), max: num(q['max']), description: String(q['description'] ?? ''), defaults: nums(q['defaults']), values: nums(q['values']), learned: q['learned'] === true };
  }
  return { pfts: (o['pfts'] as unknown[]).map(String), parameters };
}

const fileCache = new Map<string, { stamp: string; value: unknown }>();

function cached<T>(file: string, read: () => T): T {
  const st = statSync(file);
  const stamp = `${st.mtimeMs}:${st.size}`;
  const hit = fileCache.get(file);
  if (hit && hit.stamp === stamp) return hit.value as T;
  const value = read();
  if (fileCache.size > 64) fileCache.delete(fileCache.keys().next().value!);
  fileCache.set(file, { stamp, value });
  return value;
}

function readJson(file: string): unknown {
  return existsSync(file) ? cached(file, () => JSON.parse(readFileSync(file, 'utf8')) as unknown) : null;
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN;
}

function boxOf(v: unknown): BoxStats | null {
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  return { n: num(o['n']), median: num(o['median']), q25: num(o['q25']), q75: num(o['q75']), whiskerLow: num(o['whiskerLow']), whiskerHigh: num(o['whiskerHigh']), min: num(o['min']), max: num(o['max']) };
}

export function runsDir(projectDir: string): string {
  return path.join(projectDir, 'runs');
}

export function runDir(projectDir: string, runId: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(runId) || runId === '.' || runId === '..') throw new Error(`'${runId}' is not a run id`);
  return path.join(runsDir(projectDir), runId);
}

export function readRun(projectDir: string, runId: string): RunListing {
  const dir = runDir(projectDir, runId);
  const info = (readJson(path.join(dir, 'run.json')) ?? {}) as Record<string, unknown>;
  const config = readJson(path.join(dir, 'config.json')) as Record<string, unknown> | null;
  const summary = readJson(path.join(dir, 'evaluation', 'summary.json')) as Record<string, unknown> | null;
  const entries: RunEntry[] = [];
  for (const e of (summary?.['entries'] as unknown[] | undefined) ?? []) {
    const o = e as Record<string, unknown>;
    const s = o['summary'] as Record<string, unknown> | undefined;
    entries.push({
      id: String(o['id']),
      label: String(o['label'] ?? o['id']),
      role: String(o['role'] ?? 'model'),
      nse: boxOf(s?.['nse']),
      byLandCover: ((o['byLandCover'] as unknown[] | undefined) ?? []).map((b) => {
        const q = b as Record<string, unknown>;
        return { code: Number(q['code']), name: String(q['name'] ?? q['code']), nse: boxOf(q['nse']) };
      }),
    });
  }
  // predictions/<entry>.nc, or .vdtb in runs made before the NetCDF outputs
  const predictions = predictionEntries(dir);
  const models = Array.isArray(config?.['models']) ? (config['models'] as unknown[]).map(String) : [];
  const history: Record<string, { epoch: number; trainLoss: number; valLoss: number | null }[]> = {};
  for (const m of models) {
    const h = readJson(path.join(dir, 'models', m, 'history.json'));
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
    const lp = learnedOf(readJson(path.join(dir, 'models', m, LEARNED_PARAMETERS_FILE)));
    if (lp) parameters[m] = lp;
  }
  const backend = info['backend'] as Record<string, unknown> | undefined;
  const timings = info['timings'] as Record<string, unknown> | undefined;
  const asList = (v: unknown): { kind: string; reason: string }[] =>
    Array.isArray(v) ? v.map((x) => ({ kind: String((x as Record<string, unknown>)['kind']), reason: String((x as Record<string, unknown>)['reason']) })) : [];
  return {
    id: runId,
    status: typeof info['status'] === 'string' ? info['status'] : existsSync(path.join(dir, 'run.json')) ? 'unknown' : 'starting',
    createdAt: typeof info['createdAt'] === 'string' ? info['createdAt'] : null,
    preset: typeof config?.['preset'] === 'string' ? config['preset'] : null,
    models,
    backend: typeof backend?.['chosen'] === 'string' ? backend['chosen'] : null,
    seconds: Number.isFinite(num(timings?.['total'])) ? num(timings?.['total']) : null,
    error: typeof info['error'] === 'string' ? info['error'] : null,
    failed: asList(info['failed']),
    skipped: asList(summary?.['skipped']),
    periods: (config?.['periods'] as Record<string, { from: string; to: string }> | undefined) ?? null,
    config,
    entries,
    predictions,
    history,
    parameters,
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
  const dir = runsDir(projectDir);
  if (!existsSync(dir)) return [];
  // dot folders are skipped: an install being built (main/evaluation/pretrained-demo.ts)
  const ids = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(d.name)).map((d) => d.name);
  const runs = ids.map((id) => readRun(projectDir, id));
  return runs.sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || b.id.localeCompare(a.id));
}

export type { Prediction };

export function readPrediction(projectDir: string, runId: string, entry: string): Prediction {
  if (!/^[A-Za-z0-9._-]+$/.test(entry)) throw new Error(`'${entry}' is not a model name`);
  const file = findPredictionFile(runDir(projectDir, runId), entry);
  if (!file) throw new Error(`run ${runId} has no predictions of '${entry}'`);
  return cached(file, () => readPredictionFile(file));
}

/** Per-cell metric grids of a run: '<entry>/<metric>' -> values (row 0 = north). */
export function readMetrics(projectDir: string, runId: string): ReadonlyMap<string, Float32Array> {
  const file = findMetricsFile(runDir(projectDir, runId));
  if (!file) throw new Error(`run ${runId} has no evaluation yet`);
  return cached(file, () => readMetricsFile(file));
}
