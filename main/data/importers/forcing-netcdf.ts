/**
 * Forcing import from NetCDF (NetCDF4 via h5wasm, NetCDF3 via netcdfjs) and GRIB1/GRIB2 (via
 * gdal3.js, seen as the same NcFile view by grib-file.ts): one file or many, concatenated in time,
 * on any regular latitude/longitude grid that overlaps the project grid.
 *
 * Per source time step: CF decoding, unit conversion, derived quantities at source resolution
 * (specific humidity from relative humidity, vapour pressure or dew point with pressure; wind speed
 * from its components), then area-weighted regridding to the project grid. Steps are then
 * aggregated to days: precipitation summed, everything else averaged. A day is kept only when all
 * its steps are present; incomplete days at either end are dropped (and reported), a gap or a
 * duplicate inside the series is refused.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { cellCount, type GridSpec } from '../grid.ts';
import { GridDefinitionError, gridFromCentres } from '../grid-definition.ts';
import { FORCING_NAMES, FORCING_UNITS, type ForcingName } from '../dataset.ts';
import { formatIsoDate } from '../time-axis.ts';
import { ImportError, guardFileSync } from './errors.ts';
import { openNetcdf, type NcFile, type NcVariable } from './netcdf-file.ts';
import { GRIB_EXTENSIONS, hasGribExtension, openGrib } from './grib-file.ts';
import { attrString, decodeTimes, decodeValues, type Calendar } from './cf-decode.ts';
import { areaAverage, overlapWeights, type OverlapWeights } from './regrid.ts';
import {
  ROLE_NAMES, ROLE_STANDARD_NAMES, SOURCE_ROLES, saturationVapourPressure, specificHumidity, unitConversion,
  type SourceRole, type UnitConversion,
} from './forcing-units.ts';
import { expandInputs } from './input-files.ts';
import type { ImportedForcing, LayerProvenance } from './types.ts';

const DAY_MS = 86_400_000;
export const NETCDF_EXTENSIONS = ['.nc', '.nc4', '.nc3', '.cdf', '.netcdf', '.h5'];
/** What a forcing folder is searched for: NetCDF and GRIB files. */
export const FORCING_EXTENSIONS = [...NETCDF_EXTENSIONS, ...GRIB_EXTENSIONS];

export interface ForcingImportOptions {
  /** the project grid; default the first file's own grid (a project without a grid yet takes it) */
  readonly grid?: GridSpec;
  /** explicit source variable per role, e.g. { Tair: 't2m' } (overrides recognition) */
  readonly mapping?: Readonly<Partial<Record<SourceRole, string>>>;
  /** units per source variable name, overriding (or supplying missing) 'units' attributes */
  readonly units?: Readonly<Record<string, string>>;
  /** what a time stamp marks within its step when the file has no time bounds; default 'auto' */
  readonly timeStamp?: 'auto' | 'start' | 'middle' | 'end';
  /** minimum valid source area in a project cell (fraction); default 0.5 */
  readonly minValidFraction?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number, file: string) => void;
}

export interface Coords {
  readonly timeVar: NcVariable;
  readonly latVar: NcVariable;
  readonly lonVar: NcVariable;
}

interface RoleSource {
  readonly variable: NcVariable;
  readonly units: string;
  readonly conversion: UnitConversion;
  /** why this variable was taken for the role (printed with the import) */
  readonly why: string;
}

interface FileMeta {
  readonly path: string;
  readonly times: Float64Array;
  readonly calendar: Calendar;
  /** step midpoints from time bounds, when the file has them */
  readonly boundsMid: Float64Array | undefined;
  readonly lat: Float64Array;
  readonly lon: Float64Array;
  readonly roles: ReadonlyMap<SourceRole, RoleSource>;
  readonly coords: Coords;
}

function isLat(v: NcVariable): boolean {
  const sn = attrString(v.attrs, 'standard_name');
  const u = attrString(v.attrs, 'units')?.toLowerCase();
  return sn === 'latitude' || (u !== undefined && /^degrees?_?n(orth)?$/.test(u)) || ['lat', 'latitude', 'nav_lat'].includes(v.name.toLowerCase());
}
function isLon(v: NcVariable): boolean {
  const sn = attrString(v.attrs, 'standard_name');
  const u = attrString(v.attrs, 'units')?.toLowerCase();
  return sn === 'longitude' || (u !== undefined && /^degrees?_?e(ast)?$/.test(u)) || ['lon', 'longitude', 'nav_lon'].includes(v.name.toLowerCase());
}
function isTime(v: NcVariable): boolean {
  const u = attrString(v.attrs, 'units') ?? '';
  return attrString(v.attrs, 'standard_name') === 'time' || attrString(v.attrs, 'axis') === 'T' || v.name.toLowerCase() === 'time' || / since /i.test(u);
}

export function findCoords(nc: NcFile): Coords {
  const pick = (test: (v: NcVariable) => boolean, what: string, example: string): NcVariable => {
    const found = nc.variables.filter(test);
    if (found.length === 0) throw new ImportError(nc.path, `has no ${what} coordinate (expected a 1-D variable such as '${example}' with CF units or standard_name)`);
    const oneD = found.filter((v) => v.dims.length === 1);
    if (oneD.length === 0) throw new ImportError(nc.path, `has only a ${found[0]!.dims.length}-D ${what} coordinate; curvilinear grids are not supported (expected 1-D coordinates of a regular latitude/longitude grid)`, found[0]!.name);
    // prefer the coordinate variable that is its own dimension
    return oneD.find((v) => v.dims[0] === v.name) ?? oneD[0]!;
  };
  return {
    latVar: pick(isLat, 'latitude', 'lat'),
    lonVar: pick(isLon, 'longitude', 'lon'),
    timeVar: pick(isTime, 'time', 'time'),
  };
}

function identifyRoles(nc: NcFile, coords: Coords, options: ForcingImportOptions): Map<SourceRole, RoleSource> {
  const roles = new Map<SourceRole, RoleSource>();
  const coordNames = new Set([coords.latVar.name, coords.lonVar.name, coords.timeVar.name]);
  const dataVars = nc.variables.filter((v) => !coordNames.has(v.name) && v.dims.includes(coords.timeVar.dims[0]!) && v.dims.includes(coords.latVar.dims[0]!) && v.dims.includes(coords.lonVar.dims[0]!));
  const take = (role: SourceRole, v: NcVariable, why: string) => {
    const given = options.units?.[v.name];
    const units = given ?? attrString(v.attrs, 'units');
    roles.set(role, { variable: v, units: units ?? '', conversion: unitConversion(nc.path, v.name, role, units), why: `${why}${given !== undefined ? `; units '${given}' from --units` : ''}` });
  };
  for (const role of SOURCE_ROLES) {
    const explicit = options.mapping?.[role];
    if (explicit !== undefined) {
      const v = nc.variable(explicit);
      if (!v) throw new ImportError(nc.path, `is mapped to ${role} but is not in the file (variables: ${nc.variables.map((x) => x.name).join(', ')})`, explicit);
      if (!dataVars.includes(v)) throw new ImportError(nc.path, `is mapped to ${role} but does not have the time, latitude and longitude dimensions (found [${v.dims.join(', ')}])`, explicit);
      take(role, v, 'mapped by --map');
      continue;
    }
    const byName = ROLE_NAMES[role].map((n) => dataVars.find((v) => v.name === n)).find((v) => v !== undefined);
    const byStd = dataVars.find((v) => ROLE_STANDARD_NAMES[role].includes(attrString(v.attrs, 'standard_name') ?? ''));
    const v = byName ?? byStd;
    const why = byName ? `its name is one VegDyn knows for ${role}` : `its standard_name '${attrString(byStd?.attrs ?? {}, 'standard_name') ?? ''}'`;
    if (v && ![...roles.values()].some((r) => r.variable === v)) take(role, v, why);
  }
  const missing: string[] = [];
  const need = (ok: boolean, what: string) => { if (!ok) missing.push(what); };
  need(roles.has('Rainf'), 'Rainf (precipitation)');
  need(roles.has('Tair'), 'Tair (air temperature)');
  need(roles.has('PSurf'), 'PSurf (surface pressure)');
  need(roles.has('Qair') || roles.has('RelHum') || roles.has('VapPres') || roles.has('DewPoint'), 'Qair (specific humidity, or relative humidity, vapour pressure or dew point)');
  need(roles.has('LWdown'), 'LWdown (downward longwave)');
  need(roles.has('SWdown'), 'SWdown (downward shortwave)');
  need(roles.has('Wind') || (roles.has('Wind_E') && roles.has('Wind_N')), 'Wind (wind speed, or its eastward and northward components)');
  if (missing.length > 0) {
    const found = dataVars.map((v) => `${v.name}${attrString(v.attrs, 'standard_name') ? ` (${attrString(v.attrs, 'standard_name')})` : ''}`).join(', ') || 'none on a time/latitude/longitude grid';
    throw new ImportError(nc.path, `lacks forcing variables: ${missing.join('; ')}. Variables found: ${found}. Map them explicitly, e.g. --map Tair=t2m`);
  }
  // derived humidity needs temperature and pressure at the same steps, which are required anyway
  return roles;
}

/** Source names the importer recognises (or was told to map): GRIB fields outside these may have holes. */
function knownNames(options: ForcingImportOptions): Set<string> {
  return new Set([...Object.values(ROLE_NAMES).flat(), ...Object.values(options.mapping ?? {}).filter((v): v is string => typeof v === 'string')]);
}

async function startsWithGrib(file: string): Promise<boolean> {
  try {
    const fh = await fs.open(file, 'r');
    try {
      const head = Buffer.alloc(4);
      await fh.read(head, 0, 4, 0);
      return head.toString('latin1') === 'GRIB';
    } finally {
      await fh.close();
    }
  } catch {
    return false; // openNetcdf reports why the file cannot be read
  }
}

/** Opens a forcing file by its kind: GRIB by extension or signature, anything else as NetCDF. */
async function openForcingFile(file: string, options: ForcingImportOptions, withData: boolean): Promise<NcFile> {
  if (hasGribExtension(file) || await startsWithGrib(file)) return openGrib(file, { withData, knownNames: knownNames(options) });
  return openNetcdf(file);
}

async function readMeta(file: string, options: ForcingImportOptions): Promise<FileMeta> {
  const nc = await openForcingFile(file, options, false);
  try {
    const coords = findCoords(nc);
    const roles = identifyRoles(nc, coords, options);
    const tv = coords.timeVar;
    const decoded = decodeTimes(file, tv.name, nc.read(tv.name), attrString(tv.attrs, 'units'), attrString(tv.attrs, 'calendar'));
    let boundsMid: Float64Array | undefined;
    const boundsName = attrString(tv.attrs, 'bounds');
    const bv = boundsName ? nc.variable(boundsName) : undefined;
    if (bv && bv.shape.length === 2 && bv.shape[1] === 2 && bv.shape[0] === decoded.ms.length) {
      const b = decodeTimes(file, bv.name, nc.read(bv.name), attrString(bv.attrs, 'units') ?? attrString(tv.attrs, 'units'), attrString(bv.attrs, 'calendar') ?? attrString(tv.attrs, 'calendar'));
      boundsMid = new Float64Array(decoded.ms.length);
      for (let i = 0; i < boundsMid.length; i++) boundsMid[i] = (b.ms[2 * i]! + b.ms[2 * i + 1]!) / 2;
    }
    const lat = nc.read(coords.latVar.name);
    const lon = nc.read(coords.lonVar.name);
    if (lat.some((x) => !Number.isFinite(x) || x < -90 || x > 90)) throw new ImportError(file, 'has latitudes outside -90..90 or missing', coords.latVar.name);
    if (lon.some((x) => !Number.isFinite(x) || x < -360 || x > 360)) throw new ImportError(file, 'has longitudes outside -360..360 or missing', coords.lonVar.name);
    return { path: file, times: decoded.ms, calendar: decoded.calendar, boundsMid, lat, lon, roles, coords };
  } finally {
    nc.close();
  }
}

function sameAxis(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) < 1e-6);
}

interface Step { readonly file: number; readonly t: number; readonly ms: number; readonly mid: number }

/** Imports forcing from NetCDF and GRIB files and folders. Nothing is written anywhere. */
export async function importForcingNetcdf(inputs: readonly string[], options: ForcingImportOptions = {}): Promise<ImportedForcing> {
  const files = await expandInputs(inputs, FORCING_EXTENSIONS, 'NetCDF or GRIB');
  const metas: FileMeta[] = [];
  for (const f of files) {
    options.signal?.throwIfAborted();
    metas.push(await readMeta(f, options));
  }
  const first = metas[0]!;
  const grid = options.grid ?? ownGrid(first);
  const n = cellCount(grid);
  for (const m of metas.slice(1)) {
    if (!sameAxis(m.lat, first.lat) || !sameAxis(m.lon, first.lon)) {
      throw new ImportError(m.path, `has a different latitude/longitude grid from ${path.basename(first.path)} (files concatenated in time must share one grid)`);
    }
    for (const [role, src] of first.roles) {
      if (!m.roles.has(role)) throw new ImportError(m.path, `lacks the ${role} variable that ${path.basename(first.path)} has ('${src.variable.name}')`);
    }
  }
  const weights = overlapWeights(grid, { centres: first.lon }, { centres: first.lat });
  if (typeof weights === 'string') throw new ImportError(first.path, `is not on a regular latitude/longitude grid: ${weights}`);
  if (weights.coverage === 0) {
    const latR = `${Math.min(...first.lat)}..${Math.max(...first.lat)} N`;
    const lonR = `${Math.min(...first.lon)}..${Math.max(...first.lon)} E`;
    throw new ImportError(first.path, `does not overlap the project grid (file covers ${latR}, ${lonR}; project cell centres ${grid.latTop - (grid.nrows - 1) * grid.cellSize}..${grid.latTop} N, ${grid.lon0}..${grid.lon0 + (grid.ncols - 1) * grid.cellSize} E)`);
  }

  // ---- the time axis over all files
  const steps: Step[] = [];
  metas.forEach((m, fi) => m.times.forEach((ms, t) => steps.push({ file: fi, t, ms, mid: m.boundsMid?.[t] ?? NaN })));
  steps.sort((a, b) => a.ms - b.ms);
  for (let i = 1; i < steps.length; i++) {
    if (steps[i]!.ms === steps[i - 1]!.ms) {
      const a = steps[i - 1]!, b = steps[i]!;
      throw new ImportError(metas[b.file]!.path, `repeats time ${new Date(b.ms).toISOString()} (also at index ${a.t} of ${path.basename(metas[a.file]!.path)}); duplicated time steps are refused`, first.coords.timeVar.name);
    }
  }
  const noleap = metas.some((m) => m.calendar === 'noleap');
  let dt = Infinity;
  for (let i = 1; i < steps.length; i++) dt = Math.min(dt, steps[i]!.ms - steps[i - 1]!.ms);
  if (steps.length === 1) {
    // one step: a GRIB accumulation window tells its length, otherwise take it as a day
    const windows = metas.flatMap((m) => [...m.roles.values()].map((r) => r.variable.attrs.grib_window_seconds)).filter((w): w is number => typeof w === 'number' && w > 0);
    dt = windows.length > 0 ? windows[0]! * 1000 : DAY_MS;
  }
  if (!(dt > 0) || DAY_MS % dt !== 0) {
    throw new ImportError(first.path, `has a time step of ${dt / 3_600_000} h, which does not divide a day (expected e.g. 1, 3, 6 or 24 h)`, first.coords.timeVar.name);
  }
  const skippedLeapDays: number[] = [];
  for (let i = 1; i < steps.length; i++) {
    const gap = steps[i]!.ms - steps[i - 1]!.ms;
    if (gap === dt) continue;
    const missingDay = Math.floor((steps[i - 1]!.ms + dt) / DAY_MS) * DAY_MS;
    const d = new Date(missingDay);
    if (noleap && gap === dt + DAY_MS && d.getUTCMonth() === 1 && d.getUTCDate() === 29) {
      skippedLeapDays.push(missingDay);
      continue;
    }
    const at = steps[i - 1]!;
    throw new ImportError(metas[at.file]!.path, `has a gap in time: ${new Date(at.ms).toISOString()} is followed by ${new Date(steps[i]!.ms).toISOString()} (expected steps of ${dt / 3_600_000} h)`, first.coords.timeVar.name);
  }
  const stepsPerDay = DAY_MS / dt;
  checkAccumulationWindows(metas, dt);
  const allAtNoon = steps.every((s) => s.ms % DAY_MS === DAY_MS / 2);
  const stamp = options.timeStamp === undefined || options.timeStamp === 'auto' ? (dt === DAY_MS && allAtNoon ? 'middle' : 'start') : options.timeStamp;
  const shift = stamp === 'start' ? dt / 2 : stamp === 'end' ? -dt / 2 : 0;
  const dayOf = (s: Step) => Math.floor((Number.isNaN(s.mid) ? s.ms + shift : s.mid) / DAY_MS);
  const perDay = new Map<number, number>();
  for (const s of steps) perDay.set(dayOf(s), (perDay.get(dayOf(s)) ?? 0) + 1);
  const dayKeys = [...perDay.keys()].sort((a, b) => a - b);
  const notes: string[] = [];
  let firstDay = dayKeys[0]!;
  let lastDay = dayKeys[dayKeys.length - 1]!;
  if (perDay.get(firstDay)! < stepsPerDay) { notes.push(`dropped ${formatIsoDate(firstDay * DAY_MS)}: only ${perDay.get(firstDay)} of ${stepsPerDay} steps`); firstDay++; }
  if (lastDay >= firstDay && perDay.get(lastDay)! < stepsPerDay) { notes.push(`dropped ${formatIsoDate(lastDay * DAY_MS)}: only ${perDay.get(lastDay)} of ${stepsPerDay} steps`); lastDay--; }
  if (lastDay < firstDay) throw new ImportError(first.path, `holds no complete day (${steps.length} steps of ${dt / 3_600_000} h)`, first.coords.timeVar.name);
  for (let d = firstDay; d <= lastDay; d++) {
    const count = perDay.get(d) ?? 0;
    if (count !== stepsPerDay && !skippedLeapDays.includes(d * DAY_MS)) {
      throw new ImportError(first.path, `has ${count} of ${stepsPerDay} steps on ${formatIsoDate(d * DAY_MS)}`, first.coords.timeVar.name);
    }
  }
  const days = lastDay - firstDay + 1;
  if (days * n > 2 ** 31 / 4) throw new ImportError(first.path, `spans ${days} days, too many to hold in memory at once; import it in parts`);

  // ---- values
  const sums = Object.fromEntries(FORCING_NAMES.map((f) => [f, new Float32Array(days * n)])) as Record<ForcingName, Float32Array>;
  const winSize = weights.rowCount * weights.colCount;
  const stepFields: Partial<Record<SourceRole, Float32Array>> = {};
  const copies: Partial<Record<SourceRole, Float32Array>> = {};
  const scratch = { Qair: new Float32Array(winSize), Wind: new Float32Array(winSize) };
  // Steps are summed into days at source resolution and each complete day is regridded once (the
  // weights are linear, so regridding the day's sum equals summing the regridded steps where all
  // are valid; a source cell missing at any step of a day is left out of that day's mean). Only
  // the days still being filled are held, usually one.
  const filling = new Map<number, { sums: Record<ForcingName, Float32Array>; steps: number }>();
  const spare: Record<ForcingName, Float32Array>[] = [];
  const minValid = options.minValidFraction ?? 0.5;
  const validCount = Object.fromEntries(FORCING_NAMES.map((f) => [f, 0])) as Record<ForcingName, number>;

  for (let fi = 0; fi < metas.length; fi++) {
    options.signal?.throwIfAborted();
    const meta = metas[fi]!;
    options.onProgress?.(fi, metas.length, meta.path);
    const nc = await openForcingFile(meta.path, options, true);
    try {
      // each variable's window for all of this file's steps: read, decoded and converted in one pass
      // each (per-value work over a year of hourly steps is what made the import slow)
      const slabs = new Map<SourceRole, Slab>();
      for (const [role, src] of meta.roles) {
        const slab = readWindow(nc, src.variable, meta.coords, weights, meta.times.length);
        convertInPlace(slab.data, src.conversion, dt / 1000);
        slabs.set(role, slab);
      }
      for (let t = 0; t < meta.times.length; t++) {
        const s: Step = { file: fi, t, ms: meta.times[t]!, mid: meta.boundsMid?.[t] ?? NaN };
        const day = dayOf(s) - firstDay;
        if (day < 0 || day >= days) continue;
        for (const [role, slab] of slabs) stepFields[role] = stepField(slab, t, weights, (copies[role] ??= new Float32Array(winSize)));
        const derived = deriveStep(stepFields, scratch, winSize);
        let open = filling.get(day);
        if (!open) {
          const reused = spare.pop();
          if (reused) for (const f of FORCING_NAMES) reused[f].fill(0);
          open = { sums: reused ?? Object.fromEntries(FORCING_NAMES.map((f) => [f, new Float32Array(winSize)])) as Record<ForcingName, Float32Array>, steps: 0 };
          filling.set(day, open);
        }
        for (const f of FORCING_NAMES) {
          const acc = open.sums[f];
          const v = derived[f];
          for (let k = 0; k < winSize; k++) acc[k] = acc[k]! + v[k]!;
        }
        if (++open.steps === stepsPerDay) {
          for (const f of FORCING_NAMES) areaAverage(open.sums[f], weights, sums[f].subarray(day * n, (day + 1) * n), minValid);
          filling.delete(day);
          spare.push(open.sums);
        }
      }
    } finally {
      nc.close();
    }
  }
  for (const f of FORCING_NAMES) {
    const acc = sums[f];
    if (f !== 'Rainf') for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! / stepsPerDay;
    for (let i = 0; i < acc.length; i++) if (!Number.isNaN(acc[i]!)) validCount[f]++;
  }
  // noleap sources have no 29 February: fill it from its neighbours so the daily axis is gap-free
  for (const ms of skippedLeapDays) {
    const d = ms / DAY_MS - firstDay;
    if (d <= 0 || d >= days - 1) continue;
    for (const f of FORCING_NAMES) {
      const acc = sums[f];
      for (let c = 0; c < n; c++) acc[d * n + c] = (acc[(d - 1) * n + c]! + acc[(d + 1) * n + c]!) / 2;
    }
    notes.push(`${formatIsoDate(ms)} is missing from the noleap calendar; filled with the mean of 28 February and 1 March`);
  }
  for (const f of FORCING_NAMES) {
    if (validCount[f] === 0) throw new ImportError(first.path, `has no valid ${f} value inside the project grid (all missing after decoding _FillValue/missing_value)`, describeSource(first, f));
  }
  if (weights.coverage < 1) notes.push(`the source covers ${(weights.coverage * 100).toFixed(1)}% of the project cells; the rest are missing`);

  const dates = Array.from({ length: days }, (_, d) => formatIsoDate((firstDay + d) * DAY_MS));
  const provenance = Object.fromEntries(FORCING_NAMES.map((f) => [f, provenanceFor(first, f, files, stepsPerDay)])) as Record<ForcingName, LayerProvenance>;
  notes.unshift(...describeChoices(first));
  return { kind: 'forcing', grid, dates, variables: sums, coverage: weights.coverage, provenance, notes };
}

/**
 * GRIB fields carry their accumulation window (grib-file.ts): a precipitation total over 1 h is
 * an amount per step only when the steps are 1 h long, so any other window is refused rather than
 * summed into a wrong daily total.
 */
function checkAccumulationWindows(metas: readonly FileMeta[], dtMs: number): void {
  for (const m of metas) {
    for (const [role, src] of m.roles) {
      const w = src.variable.attrs.grib_window_seconds;
      if (typeof w !== 'number' || w === 0 || w * 1000 === dtMs) continue;
      throw new ImportError(m.path, `is accumulated or averaged over ${w / 3600} h but the files step every ${dtMs / 3_600_000} h, so it cannot be used as ${role} (expected one field per step, accumulated over that step)`, src.variable.name);
    }
  }
}

interface Slab { readonly data: Float32Array; readonly strides: { readonly t: number; readonly y: number; readonly x: number } }

function convertInPlace(data: Float32Array, conv: UnitConversion, dtSeconds: number): void {
  if (conv.unchanged) return;
  for (let i = 0; i < data.length; i++) data[i] = conv.apply(data[i]!, dtSeconds);
}

/**
 * Step t of a slab as a row-major window: a view into the slab when the file stores time, latitude,
 * longitude in that order (the usual layout), else a strided copy into `copy`.
 */
function stepField(slab: Slab, t: number, w: OverlapWeights, copy: Float32Array): Float32Array {
  const size = w.rowCount * w.colCount;
  const { t: st, y: sy, x: sx } = slab.strides;
  if (sx === 1 && sy === w.colCount && st === size) return slab.data.subarray(t * size, (t + 1) * size);
  let k = 0;
  for (let y = 0; y < w.rowCount; y++) {
    for (let x = 0; x < w.colCount; x++) copy[k++] = slab.data[t * st + y * sy + x * sx]!;
  }
  return copy;
}

/** Reads a variable's window (all times of this file) and returns it decoded with strides. */
function readWindow(nc: NcFile, v: NcVariable, coords: Coords, w: OverlapWeights, nt: number): Slab {
  const tDim = coords.timeVar.dims[0]!, yDim = coords.latVar.dims[0]!, xDim = coords.lonVar.dims[0]!;
  const start: number[] = [];
  const count: number[] = [];
  for (let i = 0; i < v.dims.length; i++) {
    const d = v.dims[i]!;
    if (d === tDim) { start.push(0); count.push(nt); }
    else if (d === yDim) { start.push(w.row0); count.push(w.rowCount); }
    else if (d === xDim) { start.push(w.col0); count.push(w.colCount); }
    else if (v.shape[i] === 1) { start.push(0); count.push(1); }
    else throw new ImportError(nc.path, `has an extra dimension '${d}' of size ${v.shape[i]} (expected time, latitude, longitude and only size-1 others)`, v.name);
  }
  if (v.shape[v.dims.indexOf(tDim)] !== nt) throw new ImportError(nc.path, `has ${v.shape[v.dims.indexOf(tDim)]} time steps, the time coordinate has ${nt}`, v.name);
  const raw = guardFileSync(nc.path, 'reading values', () => nc.readSlab(v.name, start, count), v.name);
  const data = decodeValues(raw, v.attrs);
  const strideOf = (dim: string) => {
    const i = v.dims.indexOf(dim);
    return count.slice(i + 1).reduce((a, b) => a * b, 1);
  };
  return { data, strides: { t: strideOf(tDim), y: strideOf(yDim), x: strideOf(xDim) } };
}

/**
 * Step-level forcings at source resolution from the converted role fields: the given fields as they
 * are, humidity and wind derived into `scratch` when the file has other quantities.
 */
function deriveStep(src: Partial<Record<SourceRole, Float32Array>>, scratch: { Qair: Float32Array; Wind: Float32Array }, size: number): Record<ForcingName, Float32Array> {
  let wind = src.Wind;
  if (!wind) {
    wind = scratch.Wind;
    for (let i = 0; i < size; i++) wind[i] = Math.hypot(src.Wind_E![i]!, src.Wind_N![i]!);
  }
  let q = src.Qair;
  if (!q) {
    q = scratch.Qair;
    if (src.VapPres) for (let i = 0; i < size; i++) q[i] = specificHumidity(src.VapPres[i]!, src.PSurf![i]!);
    else if (src.DewPoint) for (let i = 0; i < size; i++) q[i] = specificHumidity(saturationVapourPressure(src.DewPoint[i]!), src.PSurf![i]!);
    else for (let i = 0; i < size; i++) q[i] = specificHumidity((src.RelHum![i]! / 100) * saturationVapourPressure(src.Tair![i]!), src.PSurf![i]!);
  }
  return { Rainf: src.Rainf!, Tair: src.Tair!, PSurf: src.PSurf!, Qair: q, LWdown: src.LWdown!, SWdown: src.SWdown!, Wind: wind };
}

/**
 * Which file variable became which forcing, and why: a line per forcing, with the variables that
 * were passed over when a forcing has several possible sources (humidity, wind).
 */
function describeChoices(meta: FileMeta): string[] {
  const r = meta.roles;
  const line = (f: ForcingName, role: SourceRole, how: string) => {
    const src = r.get(role)!;
    return `${f} <- '${src.variable.name}' (${src.units || 'no units'}${how}): ${src.why}`;
  };
  return FORCING_NAMES.map((f) => {
    if (f === 'Qair' && !r.has('Qair')) {
      const order = ['VapPres', 'DewPoint', 'RelHum'] as const;
      const used = order.find((x) => r.has(x))!;
      const others = order.filter((x) => x !== used && r.has(x)).map((x) => `'${r.get(x)!.variable.name}' (${x})`);
      return `${line(f, used, `, ${used} -> specific humidity with PSurf`)}; no specific humidity in the file, and ${used} comes first of vapour pressure, dew point, relative humidity${others.length ? ` (also found, not used: ${others.join(', ')})` : ''}`;
    }
    if (f === 'Wind' && !r.has('Wind')) return `Wind <- hypot('${r.get('Wind_E')!.variable.name}', '${r.get('Wind_N')!.variable.name}'): no wind speed in the file, so the speed of its eastward and northward components`;
    const alt = f === 'Qair' ? (['VapPres', 'DewPoint', 'RelHum'] as const).filter((x) => r.has(x)).map((x) => `'${r.get(x)!.variable.name}' (${x})`) : [];
    return `${line(f, f, '')}${alt.length ? ` (specific humidity is used as given; also found, not used: ${alt.join(', ')})` : ''}`;
  });
}

function describeSource(meta: FileMeta, f: ForcingName): string {
  const r = meta.roles;
  if (f === 'Wind' && !r.has('Wind')) return `${r.get('Wind_E')!.variable.name}+${r.get('Wind_N')!.variable.name}`;
  if (f === 'Qair' && !r.has('Qair')) {
    const src = r.get('VapPres') ?? r.get('DewPoint') ?? r.get('RelHum')!;
    return src.variable.name;
  }
  return r.get(f)!.variable.name;
}

function provenanceFor(meta: FileMeta, f: ForcingName, files: readonly string[], stepsPerDay: number): LayerProvenance {
  const r = meta.roles;
  const agg = stepsPerDay === 1 ? 'daily' : `${stepsPerDay} steps per day -> daily ${f === 'Rainf' ? 'total' : 'mean'}`;
  let source = describeSource(meta, f);
  let sourceUnits: string;
  let conv: string;
  if (f === 'Wind' && !r.has('Wind')) {
    sourceUnits = r.get('Wind_E')!.units;
    conv = `speed = hypot(eastward, northward) per step (${r.get('Wind_E')!.conversion.label})`;
  } else if (f === 'Qair' && !r.has('Qair')) {
    const [role, how] = r.has('VapPres') ? ['VapPres', 'q = 0.622 e / (p - 0.378 e)'] as const
      : r.has('DewPoint') ? ['DewPoint', 'e = es(Td) (Bolton 1980), q = 0.622 e / (p - 0.378 e)'] as const
        : ['RelHum', 'e = RH es(T) (Bolton 1980), q = 0.622 e / (p - 0.378 e)'] as const;
    sourceUnits = r.get(role)!.units;
    conv = `${how}, with ${r.get('PSurf')!.variable.name} as p (${r.get(role)!.conversion.label})`;
    source = `${source} (${role})`;
  } else {
    sourceUnits = r.get(f)!.units;
    conv = r.get(f)!.conversion.label;
  }
  return { files, source, sourceUnits, conversion: `${conv}; ${agg}; area-weighted to the project grid; units ${FORCING_UNITS[f]}` };
}

/** The grid whose cells are the file's own cells (for a project that has no grid yet). */
function ownGrid(meta: FileMeta): GridSpec {
  try {
    return gridFromCentres(meta.lon, meta.lat, meta.path);
  } catch (err) {
    if (err instanceof GridDefinitionError) throw new ImportError(meta.path, `cannot give the project its grid: ${err.message.replace(`${meta.path}: `, '')}`);
    throw err;
  }
}

/** The latitude and longitude axes of a forcing file (NetCDF or GRIB), for `project create --grid-from`. */
export async function readForcingAxes(file: string): Promise<{ lon: Float64Array; lat: Float64Array }> {
  const nc = await openForcingFile(file, {}, false);
  try {
    const coords = findCoords(nc);
    return { lon: nc.read(coords.lonVar.name), lat: nc.read(coords.latVar.name) };
  } finally {
    nc.close();
  }
}

/** The same importer under a name that does not suggest NetCDF only (it reads GRIB too). */
export const importForcing = importForcingNetcdf;
