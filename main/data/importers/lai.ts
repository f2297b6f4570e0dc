/**
 * LAI observations import: GeoTIFF per date (date from the file name), multiband GeoTIFF with a
 * date per band (description or metadata), or NetCDF with a time axis. Values are decoded (file
 * scale/offset or the user's, nodata and values outside the valid range to missing) and averaged
 * onto the project grid by area; a cell is missing where less than `minValidFraction` of its area
 * has valid observations.
 */
import path from 'node:path';
import { cellCount, type GridSpec } from '../grid.ts';
import { formatIsoDate } from '../time-axis.ts';
import { ImportError } from './errors.ts';
import { compileDatePattern, findDate } from './date-pattern.ts';
import { decodeBand, readRasterWindow } from './raster-gdal.ts';
import { areaAverage, overlapWeights } from './regrid.ts';
import { expandInputs } from './input-files.ts';
import { NETCDF_EXTENSIONS, findCoords } from './forcing-netcdf.ts';
import { openNetcdf } from './netcdf-file.ts';
import { attrString, decodeTimes, decodeValues } from './cf-decode.ts';
import type { ImportedLai } from './types.ts';

export interface LaiImportOptions {
  /** the project grid */
  readonly grid: GridSpec;
  /** file-name template for single-date files, e.g. 'GLOBMAP_LAI_{YYYY}{DOY}.tif' */
  readonly datePattern?: string;
  /** overrides the file's scale factor (e.g. 0.01 for LAI stored as integer x100) */
  readonly scale?: number;
  readonly offset?: number;
  /** extra raw values that mean "no data" besides the file's own nodata */
  readonly nodata?: readonly number[];
  /** physical values outside this range are missing; default [0, 10] m2 m-2 */
  readonly validRange?: readonly [number, number];
  /** default 0.5 */
  readonly minValidFraction?: number;
  /** NetCDF variable holding LAI, if not recognised by name or standard_name */
  readonly variable?: string;
}

const RASTER_EXTENSIONS = ['.tif', '.tiff', '.gtiff'];
const DATE_KEYS = ['date', 'DATE', 'Date', 'time', 'TIME', 'acquisition_date', 'ACQUISITIONDATETIME'];

interface Layer { date: string; values: Float32Array; origin: string }

export async function importLai(inputs: readonly string[], options: LaiImportOptions): Promise<ImportedLai> {
  const grid = options.grid;
  const n = cellCount(grid);
  const files = await expandInputs(inputs, [...RASTER_EXTENSIONS, ...NETCDF_EXTENSIONS], 'LAI');
  const pattern = options.datePattern ? compileDatePattern(options.datePattern) : undefined;
  const [lo, hi] = options.validRange ?? [0, 10];
  const minValid = options.minValidFraction ?? 0.5;
  const layers: Layer[] = [];
  const sourceUnits = new Set<string>();

  const finish = (file: string, label: string, date: string, decoded: Float32Array, weights: Parameters<typeof areaAverage>[1]) => {
    for (let i = 0; i < decoded.length; i++) if (decoded[i]! < lo || decoded[i]! > hi) decoded[i] = NaN;
    const values = areaAverage(decoded, weights, new Float32Array(n), minValid);
    if (!values.some((v) => !Number.isNaN(v))) {
      throw new ImportError(file, `${label} (${date}) has no valid LAI in any project cell (all missing, or outside the valid range ${lo}..${hi} after scaling; check --scale and --nodata)`);
    }
    layers.push({ date, values, origin: `${path.basename(file)} ${label}` });
  };

  for (const file of files) {
    if (NETCDF_EXTENSIONS.some((e) => file.toLowerCase().endsWith(e))) {
      await readNetcdfLai(file, grid, options, (label, date, decoded, weights, units) => { sourceUnits.add(units); finish(file, label, date, decoded, weights); });
      continue;
    }
    const win = await readRasterWindow(file, grid);
    const base = path.basename(file);
    win.bands.forEach((band, b) => {
      let date: string | undefined;
      if (win.bands.length === 1) {
        date = pattern ? pattern.match(base) : findDate(base);
        if (!date && pattern) throw new ImportError(file, `has a name that does not match the date pattern '${pattern.source}'`);
      }
      if (!date) {
        const candidates = [band.description, ...DATE_KEYS.map((k) => band.metadata[k] ?? '')];
        date = candidates.map((c) => (c ? findDate(c) : undefined)).find((d) => d !== undefined);
      }
      if (!date) {
        throw new ImportError(file, win.bands.length === 1
          ? `has no date in its name '${base}' or band description (expected e.g. 2001-01-01, 20010101 or 2001001, or give --date-pattern)`
          : `band ${b + 1} has no date (expected an ISO date in the band description or a 'date' metadata item; found description '${band.description}')`);
      }
      const decoded = decodeBand(win.raw[b]!, band, { scale: options.scale, offset: options.offset, nodata: options.nodata });
      finish(file, `band ${b + 1}`, date, decoded, win.weights);
    });
    sourceUnits.add(win.metadata.units ?? 'm2 m-2 (assumed)');
  }

  layers.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  for (let i = 1; i < layers.length; i++) {
    if (layers[i]!.date === layers[i - 1]!.date) throw new ImportError(layers[i]!.origin, `has date ${layers[i]!.date}, which ${layers[i - 1]!.origin} has too (duplicate observation dates are refused)`);
  }
  const values = new Float32Array(layers.length * n);
  layers.forEach((l, i) => values.set(l.values, i * n));
  const scaleNote = options.scale !== undefined ? `scale ${options.scale} (given)` : 'file scale/offset';
  return {
    kind: 'lai',
    grid,
    dates: layers.map((l) => l.date),
    values,
    provenance: {
      files,
      source: layers.length <= 4 ? layers.map((l) => l.origin).join(', ') : `${layers.length} layers`,
      sourceUnits: [...sourceUnits].join(', '),
      conversion: `${scaleNote}; valid range ${lo}..${hi}; area-weighted mean onto the project grid, missing below ${minValid * 100}% valid area`,
    },
    notes: [],
  };
}

async function readNetcdfLai(
  file: string, grid: GridSpec, options: LaiImportOptions,
  emit: (label: string, date: string, decoded: Float32Array, weights: Parameters<typeof areaAverage>[1], units: string) => void,
): Promise<void> {
  const nc = await openNetcdf(file);
  try {
    const coords = findCoords(nc);
    const candidates = nc.variables.filter((v) => v.dims.length >= 3 && v.dims.includes(coords.timeVar.dims[0]!));
    const v = options.variable !== undefined
      ? nc.variable(options.variable)
      : candidates.find((x) => /^(lai|globmap_lai|leaf_area_index)$/i.test(x.name)) ?? candidates.find((x) => attrString(x.attrs, 'standard_name') === 'leaf_area_index');
    if (!v) throw new ImportError(file, `has no LAI variable (expected 'LAI' or standard_name leaf_area_index, or give --variable; found ${candidates.map((x) => x.name).join(', ') || 'none'})`, options.variable);
    const weights = overlapWeights(grid, { centres: nc.read(coords.lonVar.name) }, { centres: nc.read(coords.latVar.name) });
    if (typeof weights === 'string') throw new ImportError(file, `is not on a regular grid: ${weights}`);
    if (weights.coverage === 0) throw new ImportError(file, 'does not overlap the project grid');
    const tv = coords.timeVar;
    const times = decodeTimes(file, tv.name, nc.read(tv.name), attrString(tv.attrs, 'units'), attrString(tv.attrs, 'calendar'));
    const yDim = coords.latVar.dims[0]!, xDim = coords.lonVar.dims[0]!, tDim = tv.dims[0]!;
    for (let t = 0; t < times.ms.length; t++) {
      const start: number[] = [], count: number[] = [];
      v.dims.forEach((d, i) => {
        if (d === tDim) { start.push(t); count.push(1); }
        else if (d === yDim) { start.push(weights.row0); count.push(weights.rowCount); }
        else if (d === xDim) { start.push(weights.col0); count.push(weights.colCount); }
        else if (v.shape[i] === 1) { start.push(0); count.push(1); }
        else throw new ImportError(file, `has an extra dimension '${d}' of size ${v.shape[i]}`, v.name);
      });
      const raw = nc.readSlab(v.name, start, count);
      let decoded = decodeValues(raw, options.scale !== undefined ? { ...v.attrs, scale_factor: options.scale, add_offset: options.offset ?? 0 } : v.attrs);
      if (options.nodata) for (let i = 0; i < raw.length; i++) if (options.nodata.includes(raw[i]!)) decoded[i] = NaN;
      // slabs come in the variable's dim order; the weights want [lat][lon]
      if (v.dims.indexOf(yDim) > v.dims.indexOf(xDim)) {
        const tr = new Float32Array(decoded.length);
        for (let y = 0; y < weights.rowCount; y++) for (let x = 0; x < weights.colCount; x++) tr[y * weights.colCount + x] = decoded[x * weights.rowCount + y]!;
        decoded = tr;
      }
      emit(`time ${t}`, formatIsoDate(Math.floor(times.ms[t]! / 86_400_000) * 86_400_000), decoded, weights, attrString(v.attrs, 'units') ?? 'm2 m-2 (assumed)');
    }
  } finally {
    nc.close();
  }
}
