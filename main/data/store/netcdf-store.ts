/**
 * The dataset store: a project's basin dataset as one CF-1.8 NetCDF4 (HDF5) file,
 * `<project>/data/dataset.nc`, written and read with h5wasm, plus `<project>/data/basins.geojson`
 * (the outline and subbasins, for GIS users; the NetCDF file holds them too).
 *
 * NetCDF4 as netCDF-C, GDAL and xarray read it: dimensions are HDF5 dimension scales (datasets
 * `time`, `lat`, `lon`, `obs_time`, `subbasin`, `nv` made scales, attached to every variable, which
 * writes DIMENSION_LIST / REFERENCE_LIST); latitude is stored ascending (south to north) so rows are
 * flipped on I/O; attributes are fixed-length ASCII strings; floats use _FillValue -9999.
 *
 * Byte identity: HDF5 records object modification times in object headers and h5wasm offers no
 * switch to turn that off, so two writes of the same dataset differ in those few bytes; every
 * stored array and attribute is identical (tests compare them).
 */
import h5wasm from 'h5wasm/node';
import type { Dataset as H5Dataset, File as H5File, Group as H5Group } from 'h5wasm/node';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Dataset, ForcingName, LaiObservations, LandCoverFractions, Normalization, Splits, StaticLayers, Subbasin } from '../dataset.ts';
import type { DatasetMeta } from '../dataset-slices.ts';
import { FORCING_NAMES, FORCING_UNITS, LAND_COVER_CLASSES } from '../dataset.ts';
import type { GridSpec } from '../grid.ts';
import { cellLat, cellLon } from '../grid.ts';
import { addDays, daysBetween } from '../time-axis.ts';
import type { DayRange } from '../time-axis.ts';
import { withAtomicPath, writeFileAtomic } from '../../project/atomic-write.ts';
import { InMemoryDataset } from './in-memory-dataset.ts';
import { fractionsProblem } from '../land-cover-fractions.ts';
import { writeGridCoordinates } from './cf-grid-coordinates.ts';
import { FLOAT_FILL, FORCING_CF, LAI_CF, TIME_CALENDAR, TIME_REFERENCE, TIME_UNITS } from './cf-conventions.ts';

export const DATASET_FILE = path.join('data', 'dataset.nc');
export const BASINS_FILE = path.join('data', 'basins.geojson');
/** Version of the layout below; readers refuse newer files. */
export const STORE_FORMAT_VERSION = 1;
/** Days per HDF5 chunk of the daily variables (one chunk = 32 x 54 x 63 floats = 435 kB). */
const TIME_CHUNK = 32;
/** Days moved between JavaScript and the HDF5 library at a time (bounds the wasm heap). */
const IO_BLOCK_DAYS = 512;
const DEFLATE_LEVEL = 1;
/**
 * Variables worth deflating. Measured on the virtual basin (h5wasm gzip level 1, no shuffle filter
 * available): Rainf shrinks to 22 % (dry days are zeros) and LAI observations compress well (gaps),
 * while smooth-but-noisy floats (Tair, PSurf, radiation, LAI_true) only reach 77-90 % at ~10x the
 * write time, so those are stored chunked but uncompressed.
 */
const DEFLATED = new Set(['Rainf', 'LAI', 'subbasin_fraction']);
/** Names of the class codes in flag_meanings (CF: words joined by underscores). */
const CLASS_MEANINGS: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(LAND_COVER_CLASSES).map(([code, name]) => [Number(code), name.replace(/ /g, '_')]),
);

export interface StoreProgress {
  readonly fraction: number;
  readonly message: string;
}

export interface StoreOptions {
  readonly onProgress?: (p: StoreProgress) => void;
  readonly signal?: AbortSignal;
}

let ready: Promise<unknown> | undefined;
async function h5(): Promise<typeof h5wasm> {
  ready ??= h5wasm.ready;
  await ready;
  return h5wasm;
}

export function datasetPath(projectDir: string): string {
  return path.join(projectDir, DATASET_FILE);
}

export function hasDataset(projectDir: string): boolean {
  return existsSync(datasetPath(projectDir));
}

// ---------------------------------------------------------------- writing

function text(obj: H5Group | H5Dataset, name: string, value: string): void {
  // fixed-length strings (NC_CHAR) are what every netCDF reader understands
  if (!/^[\x20-\x7e\n\t]*$/.test(value)) throw new Error(`netcdf store: attribute ${name} must be ASCII: ${value.slice(0, 60)}`);
  obj.create_attribute(name, value, null, `S${Math.max(1, value.length)}`);
}

function num(obj: H5Group | H5Dataset, name: string, value: number | readonly number[], dtype: '<d' | '<i' | '<f' = '<d'): void {
  const arr = Array.isArray(value) ? value : [value as number];
  const data = dtype === '<i' ? Int32Array.from(arr) : dtype === '<f' ? Float32Array.from(arr) : Float64Array.from(arr);
  obj.create_attribute(name, data, Array.isArray(value) ? [arr.length] : null, dtype);
}

/** Copies a [time][row-north-first][col] block into a new array with rows south-first. */
function flipRows(src: Float32Array | Uint8Array, grid: GridSpec, layers: number): Float32Array | Uint8Array {
  const { ncols, nrows } = grid;
  const out = src instanceof Uint8Array ? new Uint8Array(src.length) : new Float32Array(src.length);
  for (let t = 0; t < layers; t++) {
    const base = t * ncols * nrows;
    for (let r = 0; r < nrows; r++) {
      out.set(src.subarray(base + r * ncols, base + (r + 1) * ncols), base + (nrows - 1 - r) * ncols);
    }
  }
  return out;
}

function nanToFill(a: Float32Array): Float32Array {
  for (let i = 0; i < a.length; i++) if (Number.isNaN(a[i]!)) a[i] = FLOAT_FILL;
  return a;
}

function attachGrid(v: H5Dataset, first: string | null): void {
  let k = 0;
  if (first) v.attach_scale(k++, `/${first}`);
  v.attach_scale(k++, '/lat');
  v.attach_scale(k, '/lon');
}

function describe(v: H5Dataset, cf: { standardName?: string; longName: string; units?: string; cellMethods?: string }, gridded = true): void {
  if (cf.standardName) text(v, 'standard_name', cf.standardName);
  text(v, 'long_name', cf.longName);
  if (cf.units) text(v, 'units', cf.units);
  if (cf.cellMethods) text(v, 'cell_methods', cf.cellMethods);
  if (gridded) text(v, 'grid_mapping', 'crs');
}

/** Writes a [layers][cell] float series as (dim, lat, lon), in blocks, with NaN stored as _FillValue. */
function writeSeries(
  f: H5File, name: string, dim: string, series: Float32Array, layers: number, grid: GridSpec, progress: (done: number) => void, signal?: AbortSignal,
): H5Dataset {
  const cells = grid.ncols * grid.nrows;
  let v: H5Dataset | undefined;
  for (let t0 = 0; t0 < layers; t0 += IO_BLOCK_DAYS) {
    signal?.throwIfAborted();
    const t1 = Math.min(layers, t0 + IO_BLOCK_DAYS);
    const block = nanToFill(flipRows(series.subarray(t0 * cells, t1 * cells), grid, t1 - t0) as Float32Array);
    if (!v) {
      v = f.create_dataset({
        name, data: block, shape: [t1 - t0, grid.nrows, grid.ncols], maxshape: [null, grid.nrows, grid.ncols],
        chunks: [Math.min(TIME_CHUNK, Math.max(1, layers)), grid.nrows, grid.ncols],
        ...(DEFLATED.has(name) ? { compression: 'gzip' as const, compression_opts: DEFLATE_LEVEL } : {}),
      });
    } else {
      v.resize([t1, grid.nrows, grid.ncols]);
      v.write_slice([[t0, t1], [], []], block);
    }
    progress(t1 - t0);
  }
  if (!v) throw new Error(`netcdf store: variable ${name} has no time steps`);
  num(v, '_FillValue', FLOAT_FILL, '<f');
  attachGrid(v, dim);
  return v;
}

function writeStatic(f: H5File, name: string, data: Float32Array | Uint8Array, grid: GridSpec): H5Dataset {
  const flipped = flipRows(data, grid, 1);
  const v = f.create_dataset({ name, data: flipped instanceof Float32Array ? nanToFill(flipped) : flipped, shape: [grid.nrows, grid.ncols] });
  if (flipped instanceof Float32Array) num(v, '_FillValue', FLOAT_FILL, '<f');
  attachGrid(v, null);
  return v;
}

/**
 * landcover_fraction(landcover_class, lat, lon): per-class area fractions, with the class codes as
 * a coordinate carrying CF flag_values / flag_meanings (int32, the coordinate's own type).
 */
function writeLandCoverFractions(f: H5File, fr: LandCoverFractions, grid: GridSpec): void {
  const codes = Int32Array.from(fr.classes);
  const cls = scale(f, 'landcover_class', codes);
  text(cls, 'long_name', 'land-cover class (IGBP code)');
  num(cls, 'flag_values', Array.from(codes), '<i');
  text(cls, 'flag_meanings', Array.from(codes, (c) => CLASS_MEANINGS[c] ?? `class_${c}`).join(' '));
  const data = nanToFill(flipRows(fr.values, grid, codes.length) as Float32Array);
  // mostly zeros: deflate shrinks it to a few percent
  const v = f.create_dataset({ name: 'landcover_fraction', data, shape: [codes.length, grid.nrows, grid.ncols], chunks: [1, grid.nrows, grid.ncols], compression: 'gzip', compression_opts: DEFLATE_LEVEL });
  num(v, '_FillValue', FLOAT_FILL, '<f');
  attachGrid(v, 'landcover_class');
  describe(v, { standardName: 'area_fraction', longName: "fraction of the cell's classified area in each land-cover class", units: '1' });
}

function scale(f: H5File, name: string, data: Float64Array | Int32Array, unlimited = false): H5Dataset {
  const v = f.create_dataset(unlimited
    ? { name, data, maxshape: [null], chunks: [Math.max(1, Math.min(4096, data.length))] }
    : { name, data });
  v.make_scale(name);
  return v;
}

function basinsFeatureCollection(ds: Dataset): GeoJSON.FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { kind: 'basin', name: 'basin', dataset: ds.id }, geometry: ds.basin },
      ...ds.subbasins.map((s): GeoJSON.Feature => ({ type: 'Feature', properties: { kind: 'subbasin', id: s.id, name: s.name }, geometry: s.geometry })),
    ],
  };
}

/**
 * Writes `dataset` to `<projectDir>/data/dataset.nc` (and basins.geojson), atomically: into a
 * temporary file renamed over the target only when complete. A cancelled or failed write leaves
 * the previous files untouched.
 */
export async function writeDataset(projectDir: string, dataset: Dataset, options: StoreOptions = {}): Promise<string> {
  const lib = await h5();
  const { grid, dayCount } = dataset;
  const cells = grid.ncols * grid.nrows;
  const nObs = dataset.observations.dayIndex.length;
  const target = datasetPath(projectDir);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const report = options.onProgress ?? (() => undefined);
  const totalLayers = dayCount * (FORCING_NAMES.length + (dataset.trueLai ? 1 : 0)) + nObs;
  let doneLayers = 0;
  const progress = (name: string) => (n: number) => {
    doneLayers += n;
    report({ fraction: doneLayers / totalLayers, message: `writing ${name}` });
  };
  const attrs = dataset.attributes ?? {};
  const offset = daysBetween(TIME_REFERENCE, dataset.startDate);

  await withAtomicPath(target, async (tmp) => {
    const f = new lib.File(tmp, 'w', { track_order: true });
    try {
      // global attributes (no timestamps, so equal inputs give equal metadata)
      text(f, 'Conventions', 'CF-1.8');
      text(f, 'title', `VegDyn basin dataset: ${dataset.source}`);
      text(f, 'institution', 'VegDyn');
      text(f, 'source', dataset.source);
      text(f, 'history', `written by VegDyn dataset store (format ${STORE_FORMAT_VERSION})`);
      text(f, 'references', 'NLDAS-2 forcing names and units (Xia et al. 2012, doi:10.1029/2011JD016048); GLOBMAP LAI cadence (Liu et al. 2012, doi:10.1029/2012JG002084); see docs/virtual-basin.md');
      text(f, 'comment', 'Daily forcing on the NLDAS-2 1/8 degree grid; LAI observations on composite dates (obs_time, with composite periods in obs_time_bnds).');
      text(f, 'vegdyn_dataset_id', dataset.id);
      text(f, 'vegdyn_start_date', dataset.startDate);
      num(f, 'vegdyn_day_count', dayCount, '<i');
      num(f, 'vegdyn_format_version', STORE_FORMAT_VERSION, '<i');
      for (const split of ['train', 'validate', 'test'] as const) num(f, `vegdyn_split_${split}`, [dataset.splits[split].start, dataset.splits[split].end], '<i');
      for (const [k, v] of Object.entries(attrs)) {
        if (typeof v === 'number') num(f, k, v, Number.isInteger(v) ? '<i' : '<d');
        else text(f, k, v);
      }
      const [west, south, east, north] = [cellLon(grid, 0), cellLat(grid, grid.nrows - 1), cellLon(grid, grid.ncols - 1), cellLat(grid, 0)];
      num(f, 'geospatial_lat_min', south - grid.cellSize / 2);
      num(f, 'geospatial_lat_max', north + grid.cellSize / 2);
      num(f, 'geospatial_lon_min', west - grid.cellSize / 2);
      num(f, 'geospatial_lon_max', east + grid.cellSize / 2);
      text(f, 'time_coverage_start', dataset.startDate);
      text(f, 'time_coverage_end', addDays(dataset.startDate, dayCount - 1));

      // coordinates
      const time = scale(f, 'time', Int32Array.from({ length: dayCount }, (_, t) => offset + t), true);
      text(time, 'standard_name', 'time');
      text(time, 'long_name', 'time');
      text(time, 'units', TIME_UNITS);
      text(time, 'calendar', TIME_CALENDAR);
      text(time, 'axis', 'T');
      writeGridCoordinates(f, grid);

      // daily forcing
      const source = typeof attrs.generator === 'string' ? `${attrs.generator} ${attrs.generator_version ?? ''}`.trim() : dataset.source;
      for (const name of FORCING_NAMES) {
        const v = writeSeries(f, name, 'time', dataset.forcing(name), dayCount, grid, progress(name), options.signal);
        describe(v, FORCING_CF[name]);
        if (FORCING_CF[name].units !== FORCING_UNITS[name]) throw new Error(`netcdf store: units of ${name} disagree`);
        text(v, 'source', source);
        num(v, 'vegdyn_train_mean', dataset.normalization.forcing[name].mean);
        num(v, 'vegdyn_train_std', dataset.normalization.forcing[name].std);
      }
      if (dataset.trueLai) {
        const v = writeSeries(f, 'LAI_true', 'time', dataset.trueLai, dayCount, grid, progress('LAI_true'), options.signal);
        describe(v, { ...LAI_CF, longName: 'noise-free daily leaf area index of the generating vegetation model (not observable in reality)', cellMethods: 'time: point' });
        text(v, 'source', source);
      }

      // observations on composite dates
      const obs = dataset.observations;
      const obsTime = scale(f, 'obs_time', Int32Array.from(obs.dayIndex, (d) => offset + d), true);
      text(obsTime, 'standard_name', 'time');
      text(obsTime, 'long_name', 'representative (middle) day of each LAI composite period');
      text(obsTime, 'units', TIME_UNITS);
      text(obsTime, 'calendar', TIME_CALENDAR);
      text(obsTime, 'bounds', 'obs_time_bnds');
      const nv = f.create_dataset({ name: 'nv', data: new Float32Array(2) });
      // netCDF-4's own marker for a dimension without a coordinate variable
      nv.make_scale('This is a netCDF dimension but not a netCDF variable.         2');
      if (nObs > 0) {
        const bnds = new Int32Array(nObs * 2);
        for (let k = 0; k < nObs; k++) {
          bnds[2 * k] = offset + (obs.periodStart ? obs.periodStart[k]! : obs.dayIndex[k]!);
          bnds[2 * k + 1] = offset + (obs.periodEnd ? obs.periodEnd[k]! : obs.dayIndex[k]! + 1);
        }
        const b = f.create_dataset({ name: 'obs_time_bnds', data: bnds, shape: [nObs, 2] });
        b.attach_scale(0, '/obs_time');
        b.attach_scale(1, '/nv');
        text(b, 'long_name', 'composite period [first day, day after the last day)');
        const v = writeSeries(f, 'LAI', 'obs_time', obs.values, nObs, grid, progress('LAI'), options.signal);
        describe(v, { ...LAI_CF, longName: 'observed leaf area index (satellite-style composite; missing under snow, cloud and outside the basin)' });
        text(v, 'source', dataset.trueLai ? `${source}: satellite observation model` : dataset.source);
        num(v, 'vegdyn_train_mean', dataset.normalization.lai.mean);
        num(v, 'vegdyn_train_std', dataset.normalization.lai.std);
      }

      // static layers
      const st = dataset.staticLayers;
      describe(writeStatic(f, 'elevation', st.elevation, grid), { standardName: 'surface_altitude', longName: 'mean elevation of the cell', units: 'm' });
      const lc = writeStatic(f, 'land_cover', st.landCover, grid);
      describe(lc, { standardName: 'area_type', longName: 'majority land-cover class (IGBP codes)' });
      lc.create_attribute('flag_values', Uint8Array.from([1, 4, 7, 10, 12, 16]), [6], '<B');
      text(lc, 'flag_meanings', 'evergreen_needleleaf_forest deciduous_broadleaf_forest open_shrubland grassland cropland barren');
      lc.create_attribute('_FillValue', Uint8Array.from([0]), null, '<B');
      if (st.landCoverFractions && st.landCoverFractions.classes.length > 0) {
        writeLandCoverFractions(f, st.landCoverFractions, grid);
        text(lc, 'ancillary_variables', 'landcover_fraction');
      }
      describe(writeStatic(f, 'sand_percent', st.sandPercent, grid), { longName: 'sand content of the top soil', units: '%' });
      describe(writeStatic(f, 'clay_percent', st.clayPercent, grid), { longName: 'clay content of the top soil', units: '%' });
      describe(writeStatic(f, 'organic_fraction', st.organicFraction, grid), { longName: 'organic-matter mass fraction of the top soil', units: '1' });
      const mask = writeStatic(f, 'basin_mask', dataset.mask, grid);
      describe(mask, { longName: 'cell lies inside the basin and has data' });
      mask.create_attribute('flag_values', Uint8Array.from([0, 1]), [2], '<B');
      text(mask, 'flag_meanings', 'outside inside');

      // basin and subbasins
      const geom = f.create_dataset({ name: 'basin_geometry', data: JSON.stringify(dataset.basin), shape: [] });
      text(geom, 'long_name', 'basin outline as a GeoJSON geometry (EPSG:4326)');
      const nSub = dataset.subbasins.length;
      if (nSub > 0) {
        const sid = scale(f, 'subbasin', Int32Array.from(dataset.subbasins, (s) => s.id));
        text(sid, 'long_name', 'subbasin identifier');
        const names = f.create_dataset({ name: 'subbasin_name', data: dataset.subbasins.map((s) => s.name) });
        names.attach_scale(0, '/subbasin');
        text(names, 'long_name', 'subbasin name');
        const geoms = f.create_dataset({ name: 'subbasin_geometry', data: dataset.subbasins.map((s) => JSON.stringify(s.geometry)) });
        geoms.attach_scale(0, '/subbasin');
        text(geoms, 'long_name', 'subbasin outline as a GeoJSON geometry (EPSG:4326)');
        const fr = new Float32Array(nSub * cells);
        dataset.subbasins.forEach((s, k) => fr.set(s.cellFractions, k * cells));
        const frac = f.create_dataset({ name: 'subbasin_fraction', data: flipRows(fr, grid, nSub), shape: [nSub, grid.nrows, grid.ncols] });
        attachGrid(frac, 'subbasin');
        describe(frac, { longName: 'fraction of the cell area inside the subbasin', units: '1' });
      }
    } finally {
      f.close();
    }
  });
  await writeFileAtomic(path.join(projectDir, BASINS_FILE), `${JSON.stringify(basinsFeatureCollection(dataset))}\n`);
  report({ fraction: 1, message: `wrote ${target}` });
  return target;
}

// ---------------------------------------------------------------- reading

class StoreReadError extends Error {
  constructor(file: string, variable: string, problem: string) {
    super(`${file}: variable '${variable}': ${problem}`);
    this.name = 'StoreReadError';
  }
}

export function getVar(f: H5File, file: string, name: string): H5Dataset {
  const v = f.get(name);
  if (!v || !(v instanceof h5wasm.Dataset)) throw new StoreReadError(file, name, 'missing');
  return v;
}

export function attr(v: H5Group | H5Dataset, name: string): unknown {
  const a = v.attrs[name];
  if (!a) return undefined;
  const value = a.json_value;
  return Array.isArray(value) && value.length === 1 ? value[0] : value;
}

function attrText(v: H5Group | H5Dataset, file: string, owner: string, name: string): string {
  const value = attr(v, name);
  if (typeof value !== 'string') throw new StoreReadError(file, owner, `attribute ${name} missing or not text`);
  return value;
}

function attrNumber(v: H5Group | H5Dataset, file: string, owner: string, name: string): number {
  const value = attr(v, name);
  if (typeof value !== 'number' && typeof value !== 'bigint') throw new StoreReadError(file, owner, `attribute ${name} missing or not a number`);
  return Number(value);
}

function checkShape(v: H5Dataset, file: string, name: string, expected: number[]): void {
  const shape = v.shape ?? [];
  if (shape.length !== expected.length || shape.some((s, i) => s !== expected[i])) {
    throw new StoreReadError(file, name, `shape [${shape.join(', ')}], expected [${expected.join(', ')}]`);
  }
}

/** Reads a (layers, lat, lon) float variable into [layer][cell] rows north-first, _FillValue -> NaN (also used for run predictions). */
/**
 * Reads the [layers][lat][lon] variable `name` as [layer][row north first][col], fill values as
 * NaN; only the layers [range.start, range.end) when a range is given (a hyperslab: the rest of
 * the file is not read).
 */
export function readSeries(v: H5Dataset, file: string, name: string, layers: number, grid: GridSpec, signal?: AbortSignal, range?: DayRange): Float32Array {
  checkShape(v, file, name, [layers, grid.nrows, grid.ncols]);
  const from = range?.start ?? 0;
  const to = range?.end ?? layers;
  if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from <= to && to <= layers)) throw new StoreReadError(file, name, `layers [${from}, ${to}) are outside [0, ${layers})`);
  const cells = grid.ncols * grid.nrows;
  const out = new Float32Array((to - from) * cells);
  const fill = attr(v, '_FillValue');
  const fillValue = typeof fill === 'number' ? Math.fround(fill) : NaN;
  for (let t0 = from; t0 < to; t0 += IO_BLOCK_DAYS) {
    signal?.throwIfAborted();
    const t1 = Math.min(to, t0 + IO_BLOCK_DAYS);
    const block = v.slice([[t0, t1], [], []]);
    if (!(block instanceof Float32Array)) throw new StoreReadError(file, name, `expected 32-bit floats, found ${v.dtype}`);
    const flipped = flipRows(block, grid, t1 - t0) as Float32Array;
    if (!Number.isNaN(fillValue)) for (let i = 0; i < flipped.length; i++) if (flipped[i] === fillValue) flipped[i] = NaN;
    out.set(flipped, (t0 - from) * cells);
  }
  return out;
}

function readStaticFloat(f: H5File, file: string, name: string, grid: GridSpec): Float32Array {
  const v = getVar(f, file, name);
  checkShape(v, file, name, [grid.nrows, grid.ncols]);
  const data = v.value;
  if (!(data instanceof Float32Array)) throw new StoreReadError(file, name, `expected 32-bit floats, found ${v.dtype}`);
  const fill = attr(v, '_FillValue');
  const out = flipRows(data, grid, 1) as Float32Array;
  if (typeof fill === 'number') for (let i = 0; i < out.length; i++) if (out[i] === Math.fround(fill)) out[i] = NaN;
  return out;
}

function readStaticByte(f: H5File, file: string, name: string, grid: GridSpec): Uint8Array {
  const v = getVar(f, file, name);
  checkShape(v, file, name, [grid.nrows, grid.ncols]);
  const data = v.value;
  if (!(data instanceof Uint8Array)) throw new StoreReadError(file, name, `expected unsigned bytes, found ${v.dtype}`);
  return flipRows(data, grid, 1) as Uint8Array;
}

function readInts(v: H5Dataset, file: string, name: string): Int32Array {
  const data = v.value;
  if (data instanceof Int32Array) return data;
  if (data instanceof Float64Array || data instanceof Float32Array || data instanceof Int16Array || data instanceof Uint16Array) return Int32Array.from(data);
  throw new StoreReadError(file, name, `expected integers, found ${v.dtype}`);
}

/** Opens `file` read-only after checking that it is HDF5; the caller closes it. */
export async function openStoreFile(file: string): Promise<H5File> {
  const lib = await h5();
  if (!existsSync(file)) throw new Error(`${file}: no dataset in this project (run 'vegdyn demo-data' or import data)`);
  const head = Buffer.alloc(8);
  const fh = await fs.open(file, 'r');
  try {
    await fh.read(head, 0, 8, 0);
  } finally {
    await fh.close();
  }
  if (head.toString('latin1') !== '\x89HDF\r\n\x1a\n') throw new Error(`${file}: not a NetCDF4/HDF5 file (bad signature)`);
  return new lib.File(file, 'r');
}

/**
 * Everything of the store but the series: grid, axis, static layers, basin, subbasins, splits,
 * normalization, observation dates. Checks what it reads and throws naming the file and variable.
 */
export function readDatasetMeta(f: H5File, file: string): DatasetMeta {
  const version = attrNumber(f, file, 'global', 'vegdyn_format_version');
  if (version > STORE_FORMAT_VERSION) throw new Error(`${file}: dataset format ${version} was written by a newer VegDyn (this one reads up to ${STORE_FORMAT_VERSION})`);
  const lat = getVar(f, file, 'lat').value;
  const lon = getVar(f, file, 'lon').value;
  if (!(lat instanceof Float64Array) || !(lon instanceof Float64Array) || lat.length < 2 || lon.length < 2) throw new StoreReadError(file, 'lat/lon', 'expected float64 coordinates with at least 2 values');
  const cellSize = lon[1]! - lon[0]!;
  if (!(Math.abs(lat[1]! - lat[0]! - cellSize) < 1e-9 && cellSize > 0)) throw new StoreReadError(file, 'lat', 'latitudes must ascend with the same spacing as longitudes');
  const grid: GridSpec = { ncols: lon.length, nrows: lat.length, lon0: lon[0]!, latTop: lat[lat.length - 1]!, cellSize };
  const startDate = attrText(f, file, 'global', 'vegdyn_start_date');
  const dayCount = attrNumber(f, file, 'global', 'vegdyn_day_count');
  const timeVar = getVar(f, file, 'time');
  const time = readInts(timeVar, file, 'time');
  const units = attrText(timeVar, file, 'time', 'units');
  if (units !== TIME_UNITS) throw new StoreReadError(file, 'time', `units '${units}', expected '${TIME_UNITS}'`);
  const offset = daysBetween(TIME_REFERENCE, startDate);
  if (time.length !== dayCount) throw new StoreReadError(file, 'time', `${time.length} steps, expected ${dayCount}`);
  for (let t = 0; t < dayCount; t++) if (time[t] !== offset + t) throw new StoreReadError(file, 'time', `step ${t} is day ${time[t]}, expected ${offset + t} (the axis must be daily without gaps)`);

  const normForcing = {} as Record<ForcingName, { mean: number; std: number }>;
  for (const name of FORCING_NAMES) {
    const v = getVar(f, file, name);
    const u = attrText(v, file, name, 'units');
    if (u !== FORCING_UNITS[name]) throw new StoreReadError(file, name, `units '${u}', expected '${FORCING_UNITS[name]}'`);
    checkShape(v, file, name, [dayCount, grid.nrows, grid.ncols]);
    normForcing[name] = { mean: attrNumber(v, file, name, 'vegdyn_train_mean'), std: attrNumber(v, file, name, 'vegdyn_train_std') };
  }
  const trueVar = f.get('LAI_true');
  const hasTrueLai = trueVar instanceof h5wasm.Dataset;
  if (hasTrueLai) checkShape(trueVar, file, 'LAI_true', [dayCount, grid.nrows, grid.ncols]);

  const obsTime = readInts(getVar(f, file, 'obs_time'), file, 'obs_time');
  const nObs = obsTime.length;
  const dayIndex = Int32Array.from(obsTime, (d) => d - offset);
  let laiNorm = { mean: NaN, std: NaN };
  const periodStart = new Int32Array(nObs);
  const periodEnd = new Int32Array(nObs);
  if (nObs > 0) {
    const lv = getVar(f, file, 'LAI');
    checkShape(lv, file, 'LAI', [nObs, grid.nrows, grid.ncols]);
    laiNorm = { mean: attrNumber(lv, file, 'LAI', 'vegdyn_train_mean'), std: attrNumber(lv, file, 'LAI', 'vegdyn_train_std') };
    const bnds = readInts(getVar(f, file, 'obs_time_bnds'), file, 'obs_time_bnds');
    if (bnds.length !== 2 * nObs) throw new StoreReadError(file, 'obs_time_bnds', `${bnds.length} values, expected ${2 * nObs}`);
    for (let k = 0; k < nObs; k++) {
      periodStart[k] = bnds[2 * k]! - offset;
      periodEnd[k] = bnds[2 * k + 1]! - offset;
    }
  }
  for (let k = 0; k < nObs; k++) {
    if (dayIndex[k]! < 0 || dayIndex[k]! >= dayCount || (k > 0 && dayIndex[k]! <= dayIndex[k - 1]!)) throw new StoreReadError(file, 'obs_time', `composite ${k} (day ${obsTime[k]}) is outside the daily axis or out of order`);
  }

  const layers: StaticLayers = {
    elevation: readStaticFloat(f, file, 'elevation', grid),
    landCover: readStaticByte(f, file, 'land_cover', grid),
    sandPercent: readStaticFloat(f, file, 'sand_percent', grid),
    clayPercent: readStaticFloat(f, file, 'clay_percent', grid),
    organicFraction: readStaticFloat(f, file, 'organic_fraction', grid),
  };
  // files written before class fractions were stored have no landcover_fraction: still readable
  const frVar = f.get('landcover_fraction');
  let landCoverFractions: LandCoverFractions | undefined;
  if (frVar instanceof h5wasm.Dataset) {
    const classes = Array.from(readInts(getVar(f, file, 'landcover_class'), file, 'landcover_class'));
    landCoverFractions = { classes, values: readSeries(frVar, file, 'landcover_fraction', classes.length, grid) };
    const problem = fractionsProblem(landCoverFractions, layers.landCover);
    if (problem) throw new StoreReadError(file, 'landcover_fraction', problem);
  }
  const staticLayers: StaticLayers = landCoverFractions ? { ...layers, landCoverFractions } : layers;
  const mask = readStaticByte(f, file, 'basin_mask', grid);
  const basin = JSON.parse(String(getVar(f, file, 'basin_geometry').value)) as GeoJSON.Polygon | GeoJSON.MultiPolygon;
  const subbasins: Subbasin[] = [];
  const sidVar = f.get('subbasin');
  if (sidVar instanceof h5wasm.Dataset) {
    const ids = readInts(sidVar, file, 'subbasin');
    const names = getVar(f, file, 'subbasin_name').value as unknown;
    const geoms = getVar(f, file, 'subbasin_geometry').value as unknown;
    if (!Array.isArray(names) || !Array.isArray(geoms) || names.length !== ids.length || geoms.length !== ids.length) {
      throw new StoreReadError(file, 'subbasin_name', 'names and geometries must be one text per subbasin');
    }
    const fr = readSeries(getVar(f, file, 'subbasin_fraction'), file, 'subbasin_fraction', ids.length, grid);
    const cells = grid.ncols * grid.nrows;
    ids.forEach((id, k) => {
      subbasins.push({ id, name: String(names[k]), geometry: JSON.parse(String(geoms[k])) as Subbasin['geometry'], cellFractions: fr.slice(k * cells, (k + 1) * cells) });
    });
  }
  const splits = {
    train: splitRange(f, file, 'train', dayCount),
    validate: splitRange(f, file, 'validate', dayCount),
    test: splitRange(f, file, 'test', dayCount),
  };
  const normalization: Normalization = { forcing: normForcing, lai: laiNorm };
  const attributes: Record<string, string | number> = {};
  for (const key of ['generator', 'generator_version', 'seed', 'split_rule', 'simulation_origin']) {
    const a = attr(f, key);
    if (typeof a === 'string' || typeof a === 'number') attributes[key] = a;
  }
  return {
    id: attrText(f, file, 'global', 'vegdyn_dataset_id'),
    source: attrText(f, file, 'global', 'source'),
    grid, startDate, dayCount, mask, staticLayers, basin, subbasins, splits, normalization,
    observations: { dayIndex, periodStart, periodEnd },
    hasTrueLai,
    attributes,
  };
}

/** Errors thrown while reading `file` start with its path. */
export function withFileName(file: string, err: unknown): unknown {
  if (err instanceof Error && !err.message.startsWith(file)) err.message = `${file}: ${err.message}`;
  return err;
}

export interface OpenDatasetOptions {
  readonly signal?: AbortSignal;
  /**
   * Read only these days (ISO dates, both included) of the daily series, and the observations
   * whose composite periods lie inside them: the result is a dataset starting on `from` (splits
   * clipped to it; the file's normalization kept). What a run of a few years of a long record
   * needs (the identical twin) without reading the whole file.
   */
  readonly days?: { readonly from: string; readonly to: string };
}

/** Opens `<projectDir>/data/dataset.nc` into memory (training, evaluation, export; the map reads slices: netcdf-slices.ts). */
export async function openDataset(projectDir: string, options: OpenDatasetOptions = {}): Promise<Dataset> {
  const file = datasetPath(projectDir);
  const f = await openStoreFile(file);
  try {
    const { hasTrueLai, observations: allObs, ...whole } = readDatasetMeta(f, file);
    const days = options.days ? dayWindow(file, whole, options.days) : { start: 0, end: whole.dayCount };
    const { obs, observations } = observationsIn(allObs, days);
    const meta = options.days ? { ...whole, startDate: addDays(whole.startDate, days.start), dayCount: days.end - days.start, splits: clipSplits(whole.splits, days) } : whole;
    const forcing = {} as Record<ForcingName, Float32Array>;
    for (const name of FORCING_NAMES) forcing[name] = readSeries(getVar(f, file, name), file, name, whole.dayCount, whole.grid, options.signal, days);
    const trueLai = hasTrueLai ? readSeries(getVar(f, file, 'LAI_true'), file, 'LAI_true', whole.dayCount, whole.grid, options.signal, days) : undefined;
    const nObs = allObs.dayIndex.length;
    const values = obs.end > obs.start ? readSeries(getVar(f, file, 'LAI'), file, 'LAI', nObs, whole.grid, options.signal, obs) : new Float32Array(0);
    return new InMemoryDataset({
      ...meta, forcing,
      observations: { ...observations, values },
      ...(trueLai ? { trueLai } : {}),
    });
  } catch (err) {
    throw withFileName(file, err);
  } finally {
    f.close();
  }
}

/** The day indices [start, end) of the ISO dates from..to (both included) on the file's axis; throws when they are not inside it. */
function dayWindow(file: string, meta: Pick<DatasetMeta, 'startDate' | 'dayCount'>, days: { from: string; to: string }): DayRange {
  const start = daysBetween(meta.startDate, days.from);
  const end = daysBetween(meta.startDate, days.to) + 1;
  const last = addDays(meta.startDate, meta.dayCount - 1);
  if (!(start >= 0 && end <= meta.dayCount && start < end)) throw new StoreReadError(file, 'time', `the days ${days.from}..${days.to} asked for are not inside the dataset's ${meta.startDate}..${last}`);
  return { start, end };
}

/** The observations whose composite periods (or dates) lie inside `days`, re-indexed from days.start, and their index range in the file. */
function observationsIn(o: DatasetMeta['observations'], days: DayRange): { obs: DayRange; observations: Omit<LaiObservations, 'values'> } {
  const inside = (k: number) => (o.periodStart && o.periodEnd ? o.periodStart[k]! >= days.start && o.periodEnd[k]! <= days.end : o.dayIndex[k]! >= days.start && o.dayIndex[k]! < days.end);
  const n = o.dayIndex.length;
  let start = 0;
  while (start < n && !inside(start)) start++;
  let end = start;
  while (end < n && inside(end)) end++;
  const shift = (a: Int32Array) => Int32Array.from(a.subarray(start, end), (d) => d - days.start);
  return {
    obs: { start, end },
    observations: { dayIndex: shift(o.dayIndex), ...(o.periodStart && o.periodEnd ? { periodStart: shift(o.periodStart), periodEnd: shift(o.periodEnd) } : {}) },
  };
}

/** Each split intersected with `days`, on the axis starting at days.start (an empty split where they do not meet). */
function clipSplits(splits: Splits, days: DayRange): Splits {
  const clip = (r: DayRange): DayRange => {
    const start = Math.min(Math.max(r.start, days.start), days.end) - days.start;
    return { start, end: Math.max(start, Math.min(r.end, days.end) - days.start) };
  };
  return { train: clip(splits.train), validate: clip(splits.validate), test: clip(splits.test) };
}

function splitRange(f: H5File, file: string, split: string, dayCount: number): { start: number; end: number } {
  const v = attr(f, `vegdyn_split_${split}`);
  if (!Array.isArray(v) || v.length !== 2) throw new StoreReadError(file, 'global', `attribute vegdyn_split_${split} must be [start, end]`);
  const [start, end] = v.map(Number) as [number, number];
  if (!(start >= 0 && end <= dayCount && start <= end)) throw new StoreReadError(file, 'global', `split ${split} [${start}, ${end}) is outside [0, ${dayCount})`);
  return { start, end };
}
