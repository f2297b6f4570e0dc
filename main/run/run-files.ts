/**
 * The evaluation outputs of a run folder as NetCDF4 (CF-1.8, h5wasm), readable by gdalinfo,
 * xarray and Panoply with the right georeference:
 *
 *   predictions/<entry>.nc   lai(time, lat, lon): daily LAI over the record, m2 m-2, written by the
 *                            NetCDF export (main/export/netcdf.ts), deflated in 32-day chunks
 *   evaluation/metrics.nc    one (lat, lon) variable per entry and metric, named <metric>_<entry>
 *                            (e.g. nse_conv_lstm), each tagged with vegdyn_entry / vegdyn_metric:
 *                            gdalinfo lists each as a one-band subdataset, xarray as a 2-D array
 *
 * Runs written before this format (tensor bundles, `predictions/<entry>.vdtb`, `evaluation/metrics.vdtb`,
 * from before 0.1.0) are not read: re-evaluate such a run (`vegdyn evaluate`) to write the NetCDF files.
 * Every write is atomic (a temporary file renamed over the target).
 */
import h5wasm from 'h5wasm/node';
import type { Dataset as H5Dataset, File as H5File } from 'h5wasm/node';
import { existsSync, readdirSync, promises as fs } from 'node:fs';
import path from 'node:path';
import type { GridSpec } from '../data/grid.ts';
import { regionSeriesInBlocks, type RegionWeights, type StoredBox } from '../data/aggregate.ts';
import { addDays } from '../data/time-axis.ts';
import { FLOAT_FILL, TIME_REFERENCE } from '../data/store/cf-conventions.ts';
import { writeGridCoordinates } from '../data/store/cf-grid-coordinates.ts';
import { readSeries } from '../data/store/netcdf-store.ts';
import { writeNetcdfSeries } from '../export/netcdf.ts';
import { withAtomicPath } from '../project/atomic-write.ts';
import { METRIC_NAMES, type CellMetrics } from '../evaluation/metrics.ts';

export const PRODUCED_BY = 'VegDyn (main/run/run-files.ts)';
export const PREDICTIONS_DIR = 'predictions';
export const METRICS_FILE = path.join('evaluation', 'metrics.nc');

/** The metrics stored per entry: the five of metrics.ts plus the number of scored pairs. */
export const STORED_METRICS = [...METRIC_NAMES, 'count'] as const;
export type StoredMetric = (typeof STORED_METRICS)[number];

const METRIC_CF: Readonly<Record<StoredMetric, { longName: string; units: string }>> = {
  nse: { longName: 'Nash-Sutcliffe efficiency of daily LAI at observed dates', units: '1' },
  kge: { longName: 'Kling-Gupta efficiency of daily LAI at observed dates', units: '1' },
  rmse: { longName: 'root mean square error of daily LAI at observed dates', units: 'm2 m-2' },
  bias: { longName: 'mean error (simulated minus observed) of daily LAI at observed dates', units: 'm2 m-2' },
  r: { longName: 'Pearson correlation of simulated and observed LAI at observed dates', units: '1' },
  count: { longName: 'number of observed dates scored', units: '1' },
};

let h5Ready = false;
const readyPromise = h5wasm.ready.then(() => { h5Ready = true; });

/** Resolves when the HDF5 library is loaded (the synchronous readers below need it). */
export async function runFilesReady(): Promise<void> {
  await readyPromise;
}

function requireReady(file: string): void {
  if (!h5Ready) throw new Error(`${file}: the HDF5 library is still loading; await runFilesReady() before reading run files`);
}

function text(obj: H5File | H5Dataset, name: string, value: string): void {
  // fixed-length ASCII strings (NC_CHAR) are what every netCDF reader understands
  const ascii = value.replace(/[^\x20-\x7e\n\t]/g, '?');
  obj.create_attribute(name, ascii, null, `S${Math.max(1, ascii.length)}`);
}

function attr(obj: H5File | H5Dataset, name: string): unknown {
  const a = obj.attrs[name];
  if (!a) return undefined;
  const v = a.json_value;
  return Array.isArray(v) && v.length === 1 ? v[0] : v;
}

/** NetCDF variable names allow letters, digits and underscores; entry ids use hyphens. */
export function ncName(entry: string): string {
  return entry.replace(/[^A-Za-z0-9_]/g, '_');
}

// ---------------------------------------------------------------- predictions

export interface PredictionFile {
  readonly grid: GridSpec;
  /** ISO date of day 0 of `daily` */
  readonly startDate: string;
  /** [day][cell] in grid.ts layout (row 0 north), m2 m-2, NaN outside the basin */
  readonly daily: Float32Array;
  readonly runId: string;
  /** entry id: model kind ('lstm', ...) or 'physics-only' */
  readonly entry: string;
  readonly label: string;
  /** what the run was: preset, model settings (global attributes; ASCII) */
  readonly attributes?: Readonly<Record<string, string | number>>;
}

/**
 * Significant bits of the float32 mantissa kept in prediction files (netCDF-C's BitRound
 * quantization, recorded in the variable's _QuantizeBitRoundNumberOfSignificantBits): a relative
 * error of at most 2^-13 (under 0.001 m2 m-2 for any LAI below 8), far below the observations'
 * noise, while the zeroed low bits let deflate shrink the file. Measured on the 63 x 54 grid
 * (`npm run bench -- --only run-files`): see the suite for write time and size.
 */
export const PREDICTION_SIGNIFICANT_BITS = 12;

/** BitRound: rounds each float32 to `keep` mantissa bits (round half up in magnitude); NaN and infinities pass. */
export function bitRound(values: Float32Array, keep: number): Float32Array {
  if (!Number.isInteger(keep) || keep < 1 || keep > 23) throw new Error(`bitRound: keep must be 1..23 mantissa bits, got ${keep}`);
  const out = new Float32Array(values);
  if (keep === 23) return out;
  const u = new Uint32Array(out.buffer);
  const drop = 23 - keep;
  const half = 1 << (drop - 1);
  const mask = ~((1 << drop) - 1) >>> 0;
  for (let i = 0; i < u.length; i++) {
    const x = u[i]!;
    if ((x & 0x7f800000) === 0x7f800000) continue;
    // a carry out of the mantissa steps the exponent up: still the correctly rounded value
    u[i] = ((x + half) & mask) >>> 0;
  }
  return out;
}

export function predictionPath(runDir: string, entry: string): string {
  return path.join(runDir, PREDICTIONS_DIR, `${entry}.nc`);
}

/** Writes predictions/<entry>.nc atomically; returns its size. */
export async function writePrediction(runDir: string, p: PredictionFile): Promise<{ path: string; bytes: number }> {
  const n = p.grid.nrows * p.grid.ncols;
  const days = p.daily.length / n;
  if (!Number.isInteger(days) || days < 1) throw new Error(`prediction of ${p.entry}: ${p.daily.length} values are not whole days of ${n} cells`);
  const dates = Array.from({ length: days }, (_, t) => addDays(p.startDate, t));
  await fs.mkdir(path.join(runDir, PREDICTIONS_DIR), { recursive: true });
  return writeNetcdfSeries(predictionPath(runDir, p.entry), {
    grid: p.grid,
    dates,
    variables: [{
      name: 'lai', units: 'm2 m-2', standardName: 'leaf_area_index', longName: `daily leaf area index simulated by ${p.label}`, cellMethods: 'time: mean',
      data: bitRound(p.daily, PREDICTION_SIGNIFICANT_BITS),
      attributes: { _QuantizeBitRoundNumberOfSignificantBits: PREDICTION_SIGNIFICANT_BITS },
    }],
    attributes: {
      title: `VegDyn daily LAI: ${p.label} (run ${p.runId})`,
      produced_by: PRODUCED_BY,
      vegdyn_run_id: p.runId,
      vegdyn_entry: p.entry,
      vegdyn_model_kind: p.entry,
      vegdyn_entry_label: p.label,
      time_coverage_start: dates[0]!,
      time_coverage_end: dates[dates.length - 1]!,
      ...(p.attributes ?? {}),
    },
  });
}

export interface Prediction {
  /** ISO date of the first day of `daily` */
  readonly startDate: string;
  readonly days: number;
  /** [day][cell], m2 m-2, NaN where missing */
  readonly daily: Float32Array;
}

function gridDims(f: H5File, file: string): GridSpec {
  const lat = f.get('lat');
  const lon = f.get('lon');
  if (!(lat instanceof h5wasm.Dataset) || !(lon instanceof h5wasm.Dataset)) throw new Error(`${file}: variable 'lat' or 'lon' missing`);
  const la = lat.value as Float64Array;
  const lo = lon.value as Float64Array;
  if (la.length < 1 || lo.length < 1) throw new Error(`${file}: empty lat/lon coordinates`);
  const cellSize = lo.length > 1 ? lo[1]! - lo[0]! : la.length > 1 ? la[1]! - la[0]! : 0.125;
  return { nrows: la.length, ncols: lo.length, lon0: lo[0]!, latTop: la[la.length - 1]!, cellSize };
}

/**
 * Opens a prediction file, checks its daily time axis and hands its grid, axis and daily variable
 * (`variable`: 'lai', in an ensemble's spread/<entry>.nc 'lai_std', 'lai_p05', ..., in a scenario's
 * daily/<entry>.nc 'lai_baseline') to `use`.
 */
function withPrediction<T>(file: string, use: (p: { grid: GridSpec; t: number[]; lai: H5Dataset }) => T, variable = 'lai'): T {
  requireReady(file);
  const f = new h5wasm.File(file, 'r');
  try {
    const grid = gridDims(f, file);
    const time = f.get('time');
    const lai = f.get(variable);
    if (!(time instanceof h5wasm.Dataset)) throw new Error(`${file}: variable 'time' missing`);
    if (!(lai instanceof h5wasm.Dataset)) throw new Error(`${file}: variable '${variable}' missing`);
    const t = Array.from(time.value as ArrayLike<number>, Number);
    if (t.length === 0) throw new Error(`${file}: variable 'time' is empty`);
    for (let k = 1; k < t.length; k++) if (t[k] !== t[0]! + k) throw new Error(`${file}: variable 'time': step ${k} is day ${t[k]}, expected ${t[0]! + k} (predictions are daily)`);
    return use({ grid, t, lai });
  } finally {
    f.close();
  }
}

/** Reads a prediction written by writePrediction, every day. */
export function readPredictionFile(file: string): Prediction {
  return withPrediction(file, ({ grid, t, lai }) => ({ startDate: addDays(TIME_REFERENCE, t[0]!), days: t.length, daily: readSeries(lai, file, 'lai', t.length, grid) }));
}

/** A prediction file's first date and day count, without reading its values. */
export function readPredictionAxis(file: string, variable = 'lai'): { readonly startDate: string; readonly days: number } {
  return withPrediction(file, ({ t }) => ({ startDate: addDays(TIME_REFERENCE, t[0]!), days: t.length }), variable);
}

/** A (day, lat, lon) hyperslab of a prediction's daily variable as stored (rows south first), fill values -> NaN. */
function readBox(lai: H5Dataset, file: string, variable: string, box: StoredBox): Float32Array {
  const block = lai.slice(box.map((r) => [...r]));
  if (!(block instanceof Float32Array)) throw new Error(`${file}: variable '${variable}': expected 32-bit floats, found ${lai.dtype}`);
  const fill = attr(lai, '_FillValue');
  const fillValue = typeof fill === 'number' ? Math.fround(fill) : Number.NaN;
  const out = Float32Array.from(block);
  if (!Number.isNaN(fillValue)) for (let i = 0; i < out.length; i++) if (out[i] === fillValue) out[i] = Number.NaN;
  return out;
}

/** Every day of one cell (grid.ts index, row 0 north) of a prediction's `variable`: one hyperslab, NaN where missing. */
export function readPredictionCell(file: string, cell: number, variable = 'lai'): Float32Array {
  return withPrediction(file, ({ grid, t, lai }) => {
    if (!(Number.isInteger(cell) && cell >= 0 && cell < grid.ncols * grid.nrows)) throw new Error(`${file}: cell ${cell} is outside its ${grid.ncols}x${grid.nrows} grid`);
    // stored rows run south first
    const row = grid.nrows - 1 - Math.floor(cell / grid.ncols);
    const col = cell % grid.ncols;
    return readBox(lai, file, variable, [[0, t.length], [row, row + 1], [col, col + 1]]);
  }, variable);
}

/**
 * The area-weighted mean (data/aggregate.ts) over a region of every day of a prediction's
 * `variable`, reading only the region's bounding box, a block of days at a time: a subbasin's or
 * a clip's chart never loads the whole file (a 36-year prediction is 124 MB).
 */
export function readPredictionRegion(file: string, region: RegionWeights, variable = 'lai'): Float32Array {
  return withPrediction(file, ({ grid, t, lai }) => {
    if (region.cellCount !== grid.ncols * grid.nrows) throw new Error(`${file}: the region is on a grid of ${region.cellCount} cells, the prediction's has ${grid.ncols}x${grid.nrows}`);
    return regionSeriesInBlocks(grid, region, t.length, (box) => readBox(lai, file, variable, box));
  }, variable);
}

/** Day `k` (0-based from the file's first date) of a prediction's `variable`: one hyperslab, rows north first, NaN where missing. */
export function readPredictionDay(file: string, k: number, variable = 'lai'): Float32Array {
  return withPrediction(file, ({ grid, t, lai }) => {
    if (!(Number.isInteger(k) && k >= 0 && k < t.length)) throw new Error(`${file}: day ${k} is outside its ${t.length} days`);
    const block = readBox(lai, file, variable, [[k, k + 1], [0, grid.nrows], [0, grid.ncols]]);
    const out = new Float32Array(grid.ncols * grid.nrows);
    // stored rows run south first
    for (let r = 0; r < grid.nrows; r++) out.set(block.subarray(r * grid.ncols, (r + 1) * grid.ncols), (grid.nrows - 1 - r) * grid.ncols);
    return out;
  }, variable);
}

/** predictions/<entry>.nc, or null when the run has none for that entry. */
export function findPredictionFile(runDir: string, entry: string): string | null {
  const f = predictionPath(runDir, entry);
  return existsSync(f) ? f : null;
}

/** Entries with a daily prediction on disk, sorted. */
export function predictionEntries(runDir: string): string[] {
  const dir = path.join(runDir, PREDICTIONS_DIR);
  if (!existsSync(dir)) return [];
  const names = new Set<string>();
  for (const f of readdirSync(dir)) {
    const m = /^([A-Za-z0-9._-]+?)\.nc$/.exec(f);
    if (m) names.add(m[1]!);
  }
  return [...names].sort();
}

// ---------------------------------------------------------------- per-cell metrics

export interface MetricsEntry {
  readonly id: string;
  readonly label: string;
  readonly metrics: CellMetrics;
}

export interface MetricsFile {
  readonly grid: GridSpec;
  readonly runId: string;
  readonly entries: readonly MetricsEntry[];
  /** ISO dates of the scored period */
  readonly period: { readonly from: string; readonly to: string };
  /** the clip the statistics were restricted to, or null (the whole basin) */
  readonly clip: { readonly name: string; readonly source: string } | null;
}

/** Flips [row north-first][col] to south-first (CF/GDAL latitude order) and NaN to _FillValue. */
function toFileLayout(values: ArrayLike<number>, grid: GridSpec): Float32Array {
  const out = new Float32Array(grid.nrows * grid.ncols);
  for (let r = 0; r < grid.nrows; r++) {
    for (let c = 0; c < grid.ncols; c++) {
      const v = Number(values[r * grid.ncols + c]!);
      out[(grid.nrows - 1 - r) * grid.ncols + c] = Number.isFinite(v) ? v : FLOAT_FILL;
    }
  }
  return out;
}

/** One (lat, lon) variable of a grid file. */
export interface GridVariable {
  readonly name: string;
  /** [row north-first][col], NaN = missing */
  readonly values: ArrayLike<number>;
  readonly longName: string;
  readonly units: string;
  /** further text attributes (vegdyn_entry ...) */
  readonly attributes?: Readonly<Record<string, string>>;
  /** numeric attributes written as 32-bit floats, the variable's type (CF valid_min, valid_max ...) */
  readonly numbers?: Readonly<Record<string, number>>;
}

/**
 * Writes a CF NetCDF4 file of (lat, lon) variables atomically (metrics.nc, the ensemble's
 * spread maps): gdalinfo lists each variable as a one-band subdataset, xarray as a 2-D array.
 */
export async function writeGridFile(
  target: string, grid: GridSpec, globals: Readonly<Record<string, string>>, variables: readonly GridVariable[],
): Promise<{ path: string; bytes: number }> {
  const names = new Set<string>();
  for (const v of variables) {
    if (names.has(v.name)) throw new Error(`${target}: two variables named '${v.name}'`);
    names.add(v.name);
  }
  await fs.mkdir(path.dirname(target), { recursive: true });
  await h5wasm.ready;
  await withAtomicPath(target, async (tmp) => {
    const f = new h5wasm.File(tmp, 'w');
    try {
      text(f, 'Conventions', 'CF-1.8');
      text(f, 'produced_by', PRODUCED_BY);
      for (const [k, v] of Object.entries(globals)) text(f, k, v);
      writeGridCoordinates(f, grid);
      for (const v of variables) {
        const ds = f.create_dataset({
          name: v.name, data: toFileLayout(v.values, grid), shape: [grid.nrows, grid.ncols],
          chunks: [grid.nrows, grid.ncols], compression: 'gzip', compression_opts: 1,
        });
        ds.create_attribute('_FillValue', Float32Array.of(FLOAT_FILL), null, '<f');
        ds.attach_scale(0, '/lat');
        ds.attach_scale(1, '/lon');
        text(ds, 'long_name', v.longName);
        text(ds, 'units', v.units);
        text(ds, 'grid_mapping', 'crs');
        for (const [k, a] of Object.entries(v.attributes ?? {})) text(ds, k, a);
        for (const [k, x] of Object.entries(v.numbers ?? {})) ds.create_attribute(k, Float32Array.of(x), null, '<f');
      }
    } finally {
      f.close();
    }
  });
  return { path: target, bytes: (await fs.stat(target)).size };
}

/** Writes evaluation/metrics.nc atomically. */
export async function writeMetrics(runDir: string, spec: MetricsFile): Promise<{ path: string; bytes: number }> {
  const seen = new Map<string, string>();
  for (const e of spec.entries) {
    const prior = seen.get(ncName(e.id));
    if (prior !== undefined) throw new Error(`metrics of run ${spec.runId}: entries '${prior}' and '${e.id}' map to the same variable name`);
    seen.set(ncName(e.id), e.id);
  }
  return writeGridFile(path.join(runDir, METRICS_FILE), spec.grid, {
    title: `VegDyn per-cell evaluation of run ${spec.runId}`,
    vegdyn_run_id: spec.runId,
    vegdyn_entries: spec.entries.map((e) => e.id).join(' '),
    vegdyn_period: `${spec.period.from}/${spec.period.to}`,
    vegdyn_clip: spec.clip ? `${spec.clip.name} (${spec.clip.source})` : 'none (whole basin)',
    comment: 'One variable per entry and metric, named <metric>_<entry>; cells outside the basin (or the clip) and cells without enough observed dates hold _FillValue.',
  }, spec.entries.flatMap((e) => STORED_METRICS.map((m) => ({
    name: `${m}_${ncName(e.id)}`, values: e.metrics[m],
    longName: `${e.label}: ${METRIC_CF[m].longName}, ${spec.period.from}..${spec.period.to}`, units: METRIC_CF[m].units,
    attributes: { vegdyn_entry: e.id, vegdyn_entry_label: e.label, vegdyn_metric: m },
  }))));
}

/** evaluation/metrics.nc, or null when the run has not been evaluated. */
export function findMetricsFile(runDir: string): string | null {
  const f = path.join(runDir, METRICS_FILE);
  return existsSync(f) ? f : null;
}

/** Per-cell metric grids: '<entry>/<metric>' -> values [row north-first][col], NaN where missing. */
export function readMetricsFile(file: string): Map<string, Float32Array> {
  const out = readTaggedGrids(file, 'vegdyn_metric');
  if (out.size === 0) throw new Error(`${file}: no metric variables (none carries vegdyn_entry and vegdyn_metric attributes)`);
  return out;
}

/** An ensemble's spread maps (spread/test-period.nc): '<entry>/<spread>' -> values, NaN where missing. */
export function readSpreadMapsFile(file: string): Map<string, Float32Array> {
  const out = readTaggedGrids(file, 'vegdyn_spread');
  if (out.size === 0) throw new Error(`${file}: no spread variables (none carries vegdyn_entry and vegdyn_spread attributes)`);
  return out;
}

/** The (lat, lon) variables of a grid file tagged with vegdyn_entry and `tag`: '<entry>/<tag value>' -> values. */
function readTaggedGrids(file: string, tag: string): Map<string, Float32Array> {
  return readGridVariables(file, (_, attribute) => {
    const entry = attribute('vegdyn_entry');
    const value = attribute(tag);
    return typeof entry === 'string' && typeof value === 'string' ? `${entry}/${value}` : undefined;
  });
}

/**
 * The (lat, lon) variables of a grid file (writeGridFile): key(variable name, text attribute) ->
 * values [row north-first][col], NaN where missing; variables `key` gives no key for are skipped.
 */
export function readGridVariables(file: string, key: (name: string, attribute: (a: string) => unknown) => string | undefined): Map<string, Float32Array> {
  requireReady(file);
  const f = new h5wasm.File(file, 'r');
  try {
    const out = new Map<string, Float32Array>();
    for (const name of f.keys()) {
      const v = f.get(name);
      if (!(v instanceof h5wasm.Dataset)) continue;
      const k = key(name, (a) => attr(v, a));
      if (k === undefined) continue;
      const shape = v.shape ?? [];
      if (shape.length !== 2) throw new Error(`${file}: variable '${name}': shape [${shape.join(', ')}], expected (lat, lon)`);
      const [nrows, ncols] = shape as [number, number];
      const data = v.value;
      if (!(data instanceof Float32Array)) throw new Error(`${file}: variable '${name}': expected 32-bit floats, found ${String(v.dtype)}`);
      const fill = attr(v, '_FillValue');
      const fillValue = typeof fill === 'number' ? Math.fround(fill) : NaN;
      const grid = new Float32Array(nrows * ncols);
      for (let r = 0; r < nrows; r++) {
        for (let c = 0; c < ncols; c++) {
          const x = data[(nrows - 1 - r) * ncols + c]!;
          grid[r * ncols + c] = x === fillValue ? NaN : x;
        }
      }
      out.set(k, grid);
    }
    return out;
  } finally {
    f.close();
  }
}


/**
 * A physics model's learned parameters per cell (models/<kind>/parameter-maps.nc): one (lat, lon)
 * variable per process parameter in physical units, with CF long_name, units, valid_min and
 * valid_max (its declared range), and the per-PFT defaults and learned flag as vegdyn_ attributes.
 */
export interface ParameterMapsFile {
  readonly runId: string;
  readonly model: string;
  readonly parameterization: string;
  readonly grid: GridSpec;
  readonly parameters: readonly {
    readonly name: string;
    readonly title: string;
    readonly symbol: string;
    readonly units: string;
    readonly min: number;
    readonly max: number;
    readonly description: string;
    readonly learned: boolean;
    /** default per PFT, in `pfts` order */
    readonly defaults: readonly number[];
    /** [row north-first][col], NaN outside the basin */
    readonly values: Float32Array;
  }[];
  readonly pfts: readonly string[];
}

export async function writeParameterMaps(target: string, spec: ParameterMapsFile): Promise<{ path: string; bytes: number }> {
  return writeGridFile(target, spec.grid, {
    title: `VegDyn learned process parameters of ${spec.model}, run ${spec.runId}`,
    vegdyn_run_id: spec.runId,
    vegdyn_model: spec.model,
    vegdyn_parameterization: spec.parameterization,
    comment: 'One variable per process parameter, in physical units, per grid cell; cells outside the basin hold _FillValue. valid_min/valid_max: the declared physical range (the learned value is min + (max - min) sigmoid(raw)).',
  }, spec.parameters.map((q) => ({
    name: q.name, values: q.values, longName: `${q.title} (${q.symbol})`, units: q.units,
    numbers: { valid_min: q.min, valid_max: q.max },
    attributes: {
      vegdyn_parameter: q.name, vegdyn_entry: spec.model, vegdyn_learned: String(q.learned), description: q.description,
      vegdyn_default_by_pft: spec.pfts.map((p, k) => `${p}=${q.defaults[k]}`).join(' '),
    },
  })));
}

/** The parameter maps of a parameter-maps.nc: parameter name -> values [row north-first][col], NaN outside the basin. */
export function readParameterMaps(file: string): Map<string, Float32Array> {
  const out = readGridVariables(file, (_, attribute) => {
    const p = attribute('vegdyn_parameter');
    return typeof p === 'string' ? p : undefined;
  });
  if (out.size === 0) throw new Error(`${file}: no parameter variables (none carries a vegdyn_parameter attribute)`);
  return out;
}
