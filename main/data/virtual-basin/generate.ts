/**
 * The embedded virtual Upper Colorado River Basin: terrain -> drainage -> climate -> land surface
 * -> daily weather -> vegetation -> satellite observations, all from one seed.
 *
 * Determinism: every random draw comes from seeded streams (prng.ts). The simulation always starts
 * on SIMULATION_ORIGIN (a spin-up year before 1981) whatever period is requested, and stores only the
 * requested days, so a short period is exactly the matching slice of the full 1981-2016 dataset.
 */
import type { Dataset, ForcingName, Subbasin } from '../dataset.ts';
import { FORCING_NAMES } from '../dataset.ts';
import type { GridSpec } from '../grid.ts';
import { UCRB_GRID, cellLat, cellLon } from '../grid.ts';
import { addDays, daysBetween, parseIsoDate } from '../time-axis.ts';
import { computeSplits } from '../splits.ts';
import { computeNormalization } from '../normalization.ts';
import { InMemoryDataset } from '../store/in-memory-dataset.ts';
import { generateTerrain, type Terrain } from './terrain.ts';
import { d8Receivers, fillDepressions, flowAccumulation, labelByOutlets, snapToRiver } from './hydrography.ts';
import { cellsToGeometry } from './cell-polygons.ts';
import { WeatherGenerator, allocateDayForcing, buildClimatology } from './climate.ts';
import { generateLandSurface } from './land-surface.ts';
import { VegetationModel } from './vegetation.ts';
import { observeLai } from './observations.ts';
import { changeDayForcing, co2RatioOn, type ClimateChange } from './changed-climate.ts';

export const GENERATOR_NAME = 'vegdyn-virtual-ucrb';
/** Bump when any process or constant changes the generated numbers. */
export const GENERATOR_VERSION = '1.2.0';
export const DEFAULT_SEED = 42;
export const DEFAULT_START_DATE = '1981-01-01';
export const DEFAULT_END_DATE = '2016-12-31';
/** The weather and vegetation are spun up from here (one year before the data start). */
export const SIMULATION_ORIGIN = '1980-01-01';
export const LATEST_END_DATE = '2099-12-31';

export interface GenerationProgress {
  readonly phase: 'landscape' | 'simulation' | 'observations' | 'statistics' | 'done';
  /** 0..1 over the whole generation */
  readonly fraction: number;
  readonly message: string;
}

export interface VirtualBasinOptions {
  readonly seed?: number;
  /** first day stored, ISO (default 1981-01-01; not before 1980-01-01) */
  readonly startDate?: string;
  /** last day stored, inclusive, ISO (default 2016-12-31) */
  readonly endDate?: string;
  readonly onProgress?: (p: GenerationProgress) => void;
  readonly signal?: AbortSignal;
  /**
   * a changed climate from a day inside the period on: the vegetation is simulated a second time
   * in it (the baseline dataset itself is unchanged) and its truth returned as `changedClimate`
   */
  readonly change?: ClimateChange;
}

/** The true LAI under a changed climate, next to the baseline's (the dataset's trueLai). */
export interface ChangedClimateTruth {
  readonly change: ClimateChange;
  /** the day index of change.from on the dataset's axis */
  readonly fromDay: number;
  /** [day][cell] over the dataset's days; equal to the baseline truth before fromDay */
  readonly trueLai: Float32Array;
}

/** What the generator returns: the dataset, and the changed climate's truth when one was asked for. */
export type VirtualBasinDataset = Dataset & { readonly changedClimate?: ChangedClimateTruth };

/** Gauges that close the named subbasins (the eight USGS HUC-4 units of the real UCRB), lon/lat. */
export const SUBBASIN_OUTLETS: ReadonlyArray<{ readonly name: string; readonly outlets: ReadonlyArray<readonly [number, number]> }> = [
  { name: 'Colorado Headwaters', outlets: [[-108.2, 39.33]] },
  { name: 'Gunnison', outlets: [[-108.07, 38.74]] },
  { name: 'Upper Colorado-Dolores', outlets: [[-109.7, 38.4]] },
  { name: 'Great Divide-Upper Green', outlets: [[-108.9, 40.78]] },
  { name: 'White-Yampa', outlets: [[-108.75, 40.47], [-109.4, 40.08]] },
  { name: 'Lower Green', outlets: [[-109.95, 38.4]] },
  { name: 'San Juan', outlets: [[-110.45, 37.17]] },
  { name: 'Upper Colorado-Dirty Devil', outlets: [[-111.6, 36.87]] },
];
/** The basin outlet: Lees Ferry, Arizona, the UCRB's compact point. */
export const BASIN_OUTLET: readonly [number, number] = [-111.6, 36.87];

export interface Landscape {
  readonly terrain: Terrain;
  readonly mask: Uint8Array;
  readonly basin: GeoJSON.Polygon | GeoJSON.MultiPolygon;
  readonly subbasins: Subbasin[];
  readonly flowReceiver: Int32Array;
  readonly flowAccumulation: Int32Array;
}

function rowColOf(grid: GridSpec, lon: number, lat: number): [number, number] {
  return [Math.round((grid.latTop - lat) / grid.cellSize), Math.round((lon - grid.lon0) / grid.cellSize)];
}

/** Terrain, D8 drainage, basin mask and named subbasins. */
export function buildLandscape(grid: GridSpec, seed: number): Landscape {
  const terrain = generateTerrain(grid, seed);
  const filled = fillDepressions(grid, terrain.elevation);
  const recv = d8Receivers(grid, filled);
  const acc = flowAccumulation(recv);
  const outletIds = new Map<number, number>();
  SUBBASIN_OUTLETS.forEach((sb, id) => {
    for (const [lon, lat] of sb.outlets) {
      const [r, c] = rowColOf(grid, lon, lat);
      outletIds.set(snapToRiver(grid, acc, r, c, 1), id);
    }
  });
  const [br, bc] = rowColOf(grid, BASIN_OUTLET[0], BASIN_OUTLET[1]);
  const basinOutlet = snapToRiver(grid, acc, br, bc, 1);
  outletIds.set(basinOutlet, SUBBASIN_OUTLETS.length - 1);
  const label = labelByOutlets(recv, outletIds);
  const n = grid.ncols * grid.nrows;
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) mask[i] = label[i]! >= 0 ? 1 : 0;
  const basin = cellsToGeometry(grid, (i) => mask[i] === 1);
  const subbasins: Subbasin[] = [];
  SUBBASIN_OUTLETS.forEach((sb, id) => {
    const cellFractions = new Float32Array(n);
    let count = 0;
    for (let i = 0; i < n; i++) {
      if (label[i] === id) {
        cellFractions[i] = 1;
        count++;
      }
    }
    if (count === 0) throw new Error(`virtual basin: subbasin '${sb.name}' received no cells (seed ${seed})`);
    subbasins.push({ id: id + 1, name: sb.name, geometry: cellsToGeometry(grid, (i) => label[i] === id), cellFractions });
  });
  return { terrain, mask, basin, subbasins, flowReceiver: recv, flowAccumulation: acc };
}

function checkOptions(o: VirtualBasinOptions): { seed: number; startDate: string; endDate: string } {
  const seed = o.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(seed)) throw new Error(`virtual basin: seed must be an integer, got ${seed}`);
  const startDate = o.startDate ?? DEFAULT_START_DATE;
  const endDate = o.endDate ?? DEFAULT_END_DATE;
  parseIsoDate(startDate);
  parseIsoDate(endDate);
  if (daysBetween(SIMULATION_ORIGIN, startDate) < 0) throw new Error(`virtual basin: start date ${startDate} is before ${SIMULATION_ORIGIN}`);
  if (daysBetween(endDate, LATEST_END_DATE) < 0) throw new Error(`virtual basin: end date ${endDate} is after ${LATEST_END_DATE}`);
  if (daysBetween(startDate, endDate) < 2) throw new Error(`virtual basin: end date ${endDate} must be at least 2 days after start date ${startDate}`);
  return { seed, startDate, endDate };
}

/**
 * The generation as steps: yields after every simulated year so callers can let the event loop
 * run (progress messages, cancellation); the return value is the Dataset.
 */
export function* virtualBasinSteps(options: VirtualBasinOptions = {}): Generator<void, VirtualBasinDataset, void> {
  const { seed, startDate, endDate } = checkOptions(options);
  const grid = UCRB_GRID;
  const report = options.onProgress ?? (() => undefined);
  const signal = options.signal;
  const n = grid.ncols * grid.nrows;
  report({ phase: 'landscape', fraction: 0, message: 'terrain, drainage and subbasins' });
  const land = buildLandscape(grid, seed);
  const clim = buildClimatology(grid, land.terrain);
  const surface = generateLandSurface(grid, land.terrain, clim, seed);
  signal?.throwIfAborted();
  yield;

  const dayCount = daysBetween(startDate, endDate) + 1;
  const skip = daysBetween(SIMULATION_ORIGIN, startDate);
  const totalDays = skip + dayCount;
  const forcing = {} as Record<ForcingName, Float32Array>;
  for (const name of FORCING_NAMES) forcing[name] = new Float32Array(dayCount * n);
  const trueLai = new Float32Array(dayCount * n);
  const snow = new Uint8Array(dayCount * n);
  const weather = new WeatherGenerator(grid, land.terrain, clim, seed);
  const veg = new VegetationModel(surface.landCover, surface.sandPercent, surface.clayPercent, surface.organicFraction);
  const day = allocateDayForcing(n);
  const scratchLai = new Float32Array(n);
  const scratchSnow = new Uint8Array(n);
  // the changed climate: a copy of the vegetation branches off the baseline on its first day
  const change = options.change;
  const changeFrom = change ? skip + daysBetween(startDate, change.from) : Infinity;
  if (change && (changeFrom < skip || changeFrom >= totalDays)) throw new Error(`virtual basin: the changed climate's first day ${change.from} is outside ${startDate}..${endDate}`);
  const changedLai = change ? new Float32Array(dayCount * n) : undefined;
  const changedDay = allocateDayForcing(n);
  let changedVeg: VegetationModel | undefined;
  const originMs = parseIsoDate(SIMULATION_ORIGIN);
  for (let k = 0; k < totalDays; k++) {
    const date = new Date(originMs + k * 86_400_000);
    const year = date.getUTCFullYear();
    const doy = Math.round((date.getTime() - Date.UTC(year, 0, 1)) / 86_400_000) + 1;
    weather.day(year, doy, day);
    const t = k - skip;
    const laiOut = t >= 0 ? trueLai.subarray(t * n, (t + 1) * n) : scratchLai;
    const snowOut = t >= 0 ? snow.subarray(t * n, (t + 1) * n) : scratchSnow;
    if (changedLai && k >= changeFrom) {
      changedVeg ??= veg.clone();
      for (const name of FORCING_NAMES) changedDay[name].set(day[name]);
      const iso = addDays(SIMULATION_ORIGIN, k);
      changeDayForcing(changedDay, change!, date.getUTCMonth());
      changedVeg.step(doy, changedDay.Rainf, changedDay.Tair, changedDay.PSurf, changedDay.SWdown, changedDay.LWdown, changedLai.subarray(t * n, (t + 1) * n), scratchSnow, co2RatioOn(change!, iso));
    }
    veg.step(doy, day.Rainf, day.Tair, day.PSurf, day.SWdown, day.LWdown, laiOut, snowOut);
    if (t >= 0) for (const name of FORCING_NAMES) forcing[name].set(day[name], t * n);
    if (doy === 1 || k === totalDays - 1) {
      signal?.throwIfAborted();
      report({ phase: 'simulation', fraction: 0.02 + 0.9 * ((k + 1) / totalDays), message: `simulated ${addDays(SIMULATION_ORIGIN, k)}` });
      yield;
    }
  }

  report({ phase: 'observations', fraction: 0.93, message: 'satellite composites' });
  const observations = observeLai(startDate, dayCount, n, trueLai, snow, land.mask, seed);
  signal?.throwIfAborted();
  yield;
  report({ phase: 'statistics', fraction: 0.97, message: 'splits and training-period normalization' });
  const { splits, rule } = computeSplits(startDate, dayCount);
  const normalization = computeNormalization((name) => forcing[name], n, land.mask, splits.train, observations);
  const dataset = new InMemoryDataset({
    id: `virtual-ucrb-seed${seed}-${startDate}-${endDate}`,
    source: `virtual Upper Colorado River Basin (synthetic, ${GENERATOR_NAME} ${GENERATOR_VERSION}), seed ${seed}`,
    grid,
    startDate,
    dayCount,
    mask: land.mask,
    staticLayers: { elevation: land.terrain.elevation, ...surface },
    basin: land.basin,
    subbasins: land.subbasins,
    splits,
    normalization,
    forcing,
    observations,
    trueLai,
    attributes: { generator: GENERATOR_NAME, generator_version: GENERATOR_VERSION, seed, split_rule: rule, simulation_origin: SIMULATION_ORIGIN },
  });
  report({ phase: 'done', fraction: 1, message: `${dayCount} days x ${n} cells` });
  if (!change || !changedLai) return dataset;
  const fromDay = changeFrom - skip;
  changedLai.set(trueLai.subarray(0, fromDay * n));
  return Object.assign(dataset, { changedClimate: { change, fromDay, trueLai: changedLai } });
}

/** Generates the virtual basin synchronously (fast for a few years; ~see docs for the full period). */
export function generateVirtualBasin(options: VirtualBasinOptions = {}): VirtualBasinDataset {
  const steps = virtualBasinSteps(options);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Same as generateVirtualBasin but lets the event loop run between years (progress, AbortSignal). */
export async function generateVirtualBasinAsync(options: VirtualBasinOptions = {}): Promise<VirtualBasinDataset> {
  const steps = virtualBasinSteps(options);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Longitude/latitude of a cell centre, for callers that label cells. */
export function cellCentre(grid: GridSpec, cell: number): [number, number] {
  return [cellLon(grid, cell % grid.ncols), cellLat(grid, Math.floor(cell / grid.ncols))];
}
