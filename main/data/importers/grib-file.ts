/**
 * GRIB1 / GRIB2 files (as NLDAS-2 distributes its forcing: one file per hour, each a run of GRIB
 * messages, one per field) read through gdal3.js's GRIB driver and presented as the same small
 * NetCDF-like view (NcFile) that the forcing importer already understands, so decoding, unit
 * conversion, regridding and daily aggregation are shared with NetCDF.
 *
 * What GDAL gives per band (one band per GRIB field) and how it is used:
 * - GRIB_ELEMENT (TMP, SPFH, PRES, UGRD, VGRD, DLWRF, DSWRF, APCP...) names the variable. degrib
 *   appends the accumulation length to accumulated elements (APCP01 for a 1-hour total); that
 *   suffix is dropped because the window is checked from the times instead (see below).
 * - GRIB_SHORT_NAME (2-HTGL, 10-HTGL, 0-SFC) is the level. When one element comes at several
 *   levels, the near-surface level forcing wants (2 m, 10 m, surface) keeps the bare name and the
 *   others become ELEMENT@LEVEL, which --map can still select.
 * - GRIB_UNIT ([C], [kg/(m^2)], [W/(m^2)] ...) becomes the 'units' attribute. GDAL normalises
 *   temperatures to degC by default; forcing-units.ts converts back to K.
 * - GRIB_REF_TIME + GRIB_FORECAST_SECONDS is when the field's step starts: the instant of an
 *   analysis, or the start of an accumulation or average. GRIB_VALID_TIME is the end of the
 *   accumulation, so VALID - start is its window (0 for instantaneous fields); the importer checks
 *   that window against the time step.
 *
 * Before GDAL sees a file, its message structure is checked here (each message starts with 'GRIB',
 * declares a length that fits in the file and ends with '7777'), because GDAL quietly skips a
 * damaged last message, which would turn a truncated download into missing hours.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ImportError } from './errors.ts';
import { gdalReason, removeScratchOutput, withGdal, type GdalDataset, type GdalOutputPath } from './gdal-runtime.ts';
import type { AttrValue, NcFile, NcVariable } from './netcdf-file.ts';

export const GRIB_EXTENSIONS = ['.grb', '.grb1', '.grb2', '.grib', '.grib1', '.grib2'];

/** Grids larger than this (cells) are refused: a corrupt section 3 must not make GDAL allocate gigabytes. */
const MAX_CELLS = 2 ** 25;
/** A WMO bulletin header may precede the first message; GRIB itself allows nothing else. */
const MAX_LEADING_BYTES = 1024;

/** The level each forcing element is expected at, when a file has the element at several levels. */
const PREFERRED_LEVEL: Readonly<Record<string, string>> = {
  TMP: '2-HTGL', SPFH: '2-HTGL', DPT: '2-HTGL', RH: '2-HTGL',
  UGRD: '10-HTGL', VGRD: '10-HTGL', WIND: '10-HTGL',
};
const SURFACE_LEVEL = '0-SFC';

export function hasGribExtension(file: string): boolean {
  const lower = file.toLowerCase();
  return GRIB_EXTENSIONS.some((e) => lower.endsWith(e));
}

export interface GribMessage {
  readonly offset: number;
  readonly length: number;
  readonly edition: 1 | 2;
}

/** Walks the messages of a GRIB file; refuses truncated or damaged framing. */
export function scanGribMessages(file: string, bytes: Uint8Array): GribMessage[] {
  const isGrib = (p: number) => bytes[p] === 0x47 && bytes[p + 1] === 0x52 && bytes[p + 2] === 0x49 && bytes[p + 3] === 0x42;
  let pos = 0;
  while (pos + 4 <= Math.min(bytes.length, MAX_LEADING_BYTES) && !isGrib(pos)) pos++;
  if (!isGrib(pos)) {
    throw new ImportError(file, `is not a GRIB file (no 'GRIB' message start in its first ${Math.min(bytes.length, MAX_LEADING_BYTES)} bytes${bytes.length === 0 ? ': the file is empty' : ''})`);
  }
  const out: GribMessage[] = [];
  while (pos < bytes.length) {
    if (!isGrib(pos)) {
      // only padding may sit between messages
      if (bytes[pos] === 0 || bytes[pos] === 0x0a || bytes[pos] === 0x0d || bytes[pos] === 0x20) { pos++; continue; }
      throw new ImportError(file, `has unexpected bytes at offset ${pos} after GRIB message ${out.length} (expected 'GRIB' or the end of the file); the file looks corrupt`);
    }
    if (pos + 16 > bytes.length) throw new ImportError(file, `ends inside the header of GRIB message ${out.length + 1} at offset ${pos}; the file looks truncated`);
    const edition = bytes[pos + 7];
    let length: number;
    if (edition === 2) {
      length = 0;
      for (let k = 8; k < 16; k++) length = length * 256 + bytes[pos + k]!;
    } else if (edition === 1) {
      length = (bytes[pos + 4]! << 16) | (bytes[pos + 5]! << 8) | bytes[pos + 6]!;
    } else {
      throw new ImportError(file, `has GRIB edition ${edition} in message ${out.length + 1} at offset ${pos} (expected 1 or 2); the file looks corrupt`);
    }
    if (length < 16) throw new ImportError(file, `GRIB message ${out.length + 1} at offset ${pos} declares an impossible length of ${length} bytes; the file looks corrupt`);
    if (pos + length > bytes.length) {
      throw new ImportError(file, `GRIB message ${out.length + 1} at offset ${pos} declares ${length} bytes but only ${bytes.length - pos} remain; the file looks truncated`);
    }
    const end = pos + length;
    if (!(bytes[end - 4] === 0x37 && bytes[end - 3] === 0x37 && bytes[end - 2] === 0x37 && bytes[end - 1] === 0x37)) {
      throw new ImportError(file, `GRIB message ${out.length + 1} at offset ${pos} does not end with '7777'; the file looks truncated or corrupt`);
    }
    out.push({ offset: pos, length, edition });
    pos = end;
  }
  return out;
}

interface GdalInfoJson {
  size?: number[];
  geoTransform?: number[];
  coordinateSystem?: { wkt?: string };
  bands?: { band: number; noDataValue?: number | string; metadata?: Record<string, Record<string, string>> }[];
}

interface GribBand {
  readonly index: number;
  readonly element: string;
  readonly level: string;
  readonly unit: string;
  readonly comment: string;
  /** start of the field's step, UTC ms */
  readonly startMs: number;
  /** accumulation or averaging window in seconds (0 for instantaneous fields) */
  readonly windowSeconds: number;
  readonly noData: number | undefined;
}

/** GDAL writes times as '1051747200' (newer) or '  1051747200 sec UTC' (older). */
function seconds(file: string, band: number, key: string, meta: Readonly<Record<string, string>>): number {
  const m = /-?\d+/.exec(meta[key] ?? '');
  if (!m) throw new ImportError(file, `band ${band} has no ${key} in its GRIB metadata (found '${meta[key] ?? ''}')`);
  return Number(m[0]);
}

function describeBands(file: string, info: GdalInfoJson): GribBand[] {
  return (info.bands ?? []).map((b) => {
    const meta = b.metadata?.[''] ?? {};
    const raw = (meta.GRIB_ELEMENT ?? '').trim();
    if (!raw) throw new ImportError(file, `band ${b.band} has no GRIB_ELEMENT (GDAL could not identify the field)`);
    const ref = seconds(file, b.band, 'GRIB_REF_TIME', meta);
    const forecast = meta.GRIB_FORECAST_SECONDS === undefined ? 0 : seconds(file, b.band, 'GRIB_FORECAST_SECONDS', meta);
    const valid = meta.GRIB_VALID_TIME === undefined ? ref + forecast : seconds(file, b.band, 'GRIB_VALID_TIME', meta);
    const windowSeconds = Math.max(0, valid - (ref + forecast));
    // degrib's accumulation suffix (APCP01, APCP03): the window is known from the times
    const element = windowSeconds > 0 ? raw.replace(/\d+$/, '') || raw : raw;
    const nd = b.noDataValue === undefined ? undefined : Number(b.noDataValue);
    return {
      index: b.band - 1,
      element,
      level: (meta.GRIB_SHORT_NAME ?? '').trim(),
      unit: (meta.GRIB_UNIT ?? '').trim(),
      comment: (meta.GRIB_COMMENT ?? '').trim(),
      startMs: (ref + forecast) * 1000,
      windowSeconds,
      noData: nd !== undefined && Number.isFinite(nd) ? nd : undefined,
    };
  });
}

interface GribVariable {
  readonly name: string;
  readonly bands: readonly GribBand[];
  /** band index per time step of the file's time axis */
  readonly bandAt: Int32Array;
}

/** Groups bands into variables (element, and level where ambiguous) on one time axis. */
function groupVariables(file: string, bands: readonly GribBand[], knownNames: ReadonlySet<string>): { times: number[]; variables: GribVariable[] } {
  const byKey = new Map<string, GribBand[]>();
  for (const b of bands) {
    const key = `${b.element}\u0000${b.level}`;
    let list = byKey.get(key);
    if (!list) byKey.set(key, (list = []));
    list.push(b);
  }
  const levelsOf = new Map<string, string[]>();
  for (const list of byKey.values()) {
    const b = list[0]!;
    levelsOf.set(b.element, [...(levelsOf.get(b.element) ?? []), b.level]);
  }
  const nameOf = (element: string, level: string): string => {
    const levels = levelsOf.get(element)!;
    if (levels.length === 1) return element;
    const preferred = PREFERRED_LEVEL[element] ?? SURFACE_LEVEL;
    return level === preferred ? element : `${element}@${level}`;
  };
  const times = [...new Set(bands.map((b) => b.startMs))].sort((a, b) => a - b);
  const timeIndex = new Map(times.map((t, i) => [t, i]));
  const variables: GribVariable[] = [];
  for (const list of byKey.values()) {
    const name = nameOf(list[0]!.element, list[0]!.level);
    const bandAt = new Int32Array(times.length).fill(-1);
    for (const b of list) {
      const t = timeIndex.get(b.startMs)!;
      if (bandAt[t] !== -1) {
        throw new ImportError(file, `holds ${name} (${b.level || 'no level'}) twice for ${new Date(b.startMs).toISOString()} (bands ${bandAt[t]! + 1} and ${b.index + 1}); duplicated time steps are refused`, name);
      }
      bandAt[t] = b.index;
    }
    const missing = times.filter((_, i) => bandAt[i] === -1);
    if (missing.length > 0) {
      // fields the forcing cannot use may come at other times; forcing fields must not have holes
      if (!knownNames.has(name)) continue;
      throw new ImportError(file, `has ${name} at ${times.length - missing.length} of the file's ${times.length} times; it is missing at ${missing.slice(0, 3).map((t) => new Date(t).toISOString()).join(', ')}${missing.length > 3 ? ', ...' : ''}`, name);
    }
    variables.push({ name, bands: list, bandAt });
  }
  return { times, variables };
}

export interface GribOpenOptions {
  /** read the pixel values too (for the values pass); the metadata pass does not need them */
  readonly withData: boolean;
  /** variable names the caller recognises: only those must cover every time of the file */
  readonly knownNames: ReadonlySet<string>;
}

/** Opens a GRIB1/GRIB2 file as an NcFile with variables time, lat, lon and one per field. */
export async function openGrib(file: string, options: GribOpenOptions): Promise<NcFile> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await fs.readFile(file));
  } catch (err) {
    throw new ImportError(file, `cannot be read (${err instanceof Error ? err.message : String(err)})`);
  }
  const messages = scanGribMessages(file, bytes);
  const editions = new Set(messages.map((m) => m.edition));
  return withGdal(async (gdal, ctx) => {
    let ds: GdalDataset | undefined;
    let out: GdalOutputPath | undefined;
    try {
      try {
        const opened = await gdal.open(file);
        ds = opened.datasets[0];
        if (!ds) throw new Error(opened.errors.join('; ') || 'no dataset');
      } catch (err) {
        throw new ImportError(file, `cannot be opened by GDAL's GRIB driver; the file looks truncated or corrupt (${gdalReason(err, ctx.messages)})`);
      }
      let info: GdalInfoJson;
      try {
        info = (await gdal.gdalinfo(ds, ['-json'])) as GdalInfoJson;
      } catch (err) {
        throw new ImportError(file, `GRIB metadata could not be read; the file looks corrupt (${gdalReason(err, ctx.messages)})`);
      }
      const [width = 0, height = 0] = info.size ?? [];
      if (!(width > 0 && height > 0) || width * height > MAX_CELLS) throw new ImportError(file, `has an implausible grid of ${width} x ${height} cells`);
      const gt = info.geoTransform;
      const wkt = info.coordinateSystem?.wkt ?? '';
      if (!gt || gt.length !== 6) throw new ImportError(file, 'has no geotransform (GDAL could not place the GRIB grid)');
      if (!/^GEOG(CRS|CS)\[/.test(wkt) || gt[2] !== 0 || gt[4] !== 0) {
        const crs = /^[A-Z]+\["([^"]*)"/.exec(wkt)?.[1] ?? 'unknown CRS';
        throw new ImportError(file, `is on a ${crs} grid; only regular latitude/longitude GRIB grids (such as NLDAS-2's) can be imported (reproject first, e.g. gdalwarp -t_srs EPSG:4326)`);
      }
      if (!(gt[1]! > 0) || gt[5] === 0) throw new ImportError(file, `has an unusable geotransform [${gt.join(', ')}]`);
      const bands = describeBands(file, info);
      // GRIB2 messages may hold several fields, so there can be more bands than messages, never fewer
      if (bands.length < messages.length) throw new ImportError(file, `GDAL read ${bands.length} fields from ${messages.length} GRIB messages; the file looks corrupt`);
      const { times, variables } = groupVariables(file, bands, options.knownNames);
      let values: Float32Array | undefined;
      if (options.withData) {
        try {
          out = await gdal.gdal_translate(ds, ['-of', 'ENVI', '-co', 'INTERLEAVE=BSQ', '-ot', 'Float32'], ctx.outputName('grib'));
        } catch (err) {
          throw new ImportError(file, `GRIB values could not be decoded; the file looks truncated or corrupt (${gdalReason(err, ctx.messages)})`);
        }
        const raw = await fs.readFile(out.real);
        const expected = width * height * bands.length * 4;
        if (raw.length !== expected) throw new ImportError(file, `GRIB values could not be decoded in full (${raw.length} of ${expected} bytes); the file looks truncated or corrupt`);
        values = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
      }
      const lat = Float64Array.from({ length: height }, (_, j) => gt[3]! + (j + 0.5) * gt[5]!);
      const lon = Float64Array.from({ length: width }, (_, i) => gt[0]! + (i + 0.5) * gt[1]!);
      const format = editions.size === 1 && editions.has(1) ? 'grib1' : editions.size === 1 ? 'grib2' : 'grib';
      return gribView(file, format, { times, lat, lon, variables, values, width, height });
    } finally {
      if (ds) await gdal.close(ds).catch(() => undefined);
      removeScratchOutput(out);
    }
  });
}

interface GribContent {
  readonly times: readonly number[];
  readonly lat: Float64Array;
  readonly lon: Float64Array;
  readonly variables: readonly GribVariable[];
  /** all bands, band-sequential, rows as GDAL gives them (north first) */
  readonly values: Float32Array | undefined;
  readonly width: number;
  readonly height: number;
}

function gribView(file: string, format: NcFile['format'], c: GribContent): NcFile {
  const nt = c.times.length;
  const coord = (name: string, size: number, attrs: Record<string, AttrValue>): NcVariable => ({ name, dims: [name], shape: [size], attrs });
  const vars: NcVariable[] = [
    coord('time', nt, { standard_name: 'time', units: 'seconds since 1970-01-01 00:00:00', calendar: 'proleptic_gregorian' }),
    coord('lat', c.height, { standard_name: 'latitude', units: 'degrees_north' }),
    coord('lon', c.width, { standard_name: 'longitude', units: 'degrees_east' }),
  ];
  const byName = new Map<string, GribVariable>();
  for (const v of c.variables) {
    const b = v.bands[0]!;
    // no _FillValue: whether a field has a bitmap (and so a nodata value) differs message by
    // message, so missing cells are turned into NaN band by band in readSlab
    const attrs: Record<string, AttrValue> = { units: b.unit, long_name: b.comment, grib_element: b.element, grib_level: b.level, grib_window_seconds: b.windowSeconds };
    // every band of a variable must have the same accumulation window
    const windows = new Set(v.bands.map((x) => x.windowSeconds));
    if (windows.size > 1) throw new ImportError(file, `mixes accumulation windows of ${[...windows].map((w) => `${w / 3600} h`).join(' and ')}`, v.name);
    vars.push({ name: v.name, dims: ['time', 'lat', 'lon'], shape: [nt, c.height, c.width], attrs });
    byName.set(v.name, v);
  }
  const cells = c.width * c.height;
  const noData = new Map<number, number>();
  for (const v of c.variables) for (const b of v.bands) if (b.noData !== undefined) noData.set(b.index, Math.fround(b.noData));
  const readSlab = (name: string, start: readonly number[], count: readonly number[]): Float64Array => {
    if (name === 'time' || name === 'lat' || name === 'lon') {
      const all = name === 'time' ? Float64Array.from(c.times, (t) => t / 1000) : name === 'lat' ? c.lat : c.lon;
      return all.slice(start[0]!, start[0]! + count[0]!);
    }
    const v = byName.get(name);
    if (!v) throw new ImportError(file, 'is not a field of this GRIB file', name);
    if (!c.values) throw new Error(`grib-file: ${path.basename(file)} was opened without its values`);
    const [t0, y0, x0] = start as [number, number, number];
    const [nt1, ny, nx] = count as [number, number, number];
    const out = new Float64Array(nt1 * ny * nx);
    let k = 0;
    for (let t = t0; t < t0 + nt1; t++) {
      const band = v.bandAt[t]!;
      const base = band * cells;
      const nd = noData.get(band) ?? NaN;
      for (let y = y0; y < y0 + ny; y++) {
        for (let x = x0; x < x0 + nx; x++) {
          const value = c.values[base + y * c.width + x]!;
          out[k++] = value === nd ? NaN : value;
        }
      }
    }
    return out;
  };
  return {
    path: file,
    format,
    variables: vars,
    globalAttrs: {},
    variable: (name) => vars.find((v) => v.name === name),
    read: (name) => {
      const v = vars.find((x) => x.name === name);
      if (!v) throw new ImportError(file, 'is not in the file', name);
      return readSlab(name, v.shape.map(() => 0), v.shape);
    },
    readSlab,
    close: () => undefined,
  };
}
