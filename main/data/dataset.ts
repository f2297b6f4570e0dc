/**
 * The in-memory view of a project's basin dataset that models, training, evaluation, export and
 * the UI share. Produced by the dataset store (from CF NetCDF4 in the project folder), whether the
 * data came from the virtual basin generator or from importers.
 *
 * Layout conventions: grids are row-major, row 0 = north (see grid.ts). A "series" array is
 * [time][cell] flattened: value of day t, cell c is at t * cellCount + c. Missing is NaN.
 */
import type { GridSpec } from './grid.ts';
import type { DayRange } from './time-axis.ts';

/** NLDAS-2 forcing variables, daily; units in FORCING_UNITS. */
export const FORCING_NAMES = ['Rainf', 'Tair', 'PSurf', 'Qair', 'LWdown', 'SWdown', 'Wind'] as const;
export type ForcingName = (typeof FORCING_NAMES)[number];

export const FORCING_UNITS: Readonly<Record<ForcingName, string>> = Object.freeze({
  Rainf: 'kg m-2', // daily total
  Tair: 'K',
  PSurf: 'Pa',
  Qair: 'kg kg-1',
  LWdown: 'W m-2',
  SWdown: 'W m-2',
  Wind: 'm s-1',
});

/** Land-cover classes (IGBP-like codes) that the basin uses; 0 = no data / outside. */
export const LAND_COVER_CLASSES = Object.freeze({
  1: 'evergreen needleleaf forest',
  4: 'deciduous broadleaf forest',
  7: 'open shrubland',
  10: 'grassland',
  12: 'cropland',
  16: 'barren',
} as const);
export type LandCoverCode = keyof typeof LAND_COVER_CLASSES;

export interface StaticLayers {
  /** metres above sea level, per cell */
  readonly elevation: Float32Array;
  /** land-cover code (LAND_COVER_CLASSES) of the majority class, per cell; 0 = none */
  readonly landCover: Uint8Array;
  /** percent sand, percent clay (0..100), organic-matter fraction (0..1) of the top soil, per cell */
  readonly sandPercent: Float32Array;
  readonly clayPercent: Float32Array;
  readonly organicFraction: Float32Array;
  /**
   * per-class area fractions of the land cover (the majority in `landCover` is their largest
   * class). Absent in datasets written before fractions were stored; read it with
   * landCoverFraction().
   */
  readonly landCoverFractions?: LandCoverFractions;
}

/** Land-cover class fractions: one layer per class code. */
export interface LandCoverFractions {
  /** class codes (1..255), ascending; layer k of `values` is class classes[k] */
  readonly classes: readonly number[];
  /**
   * [class][cell]: fraction (0..1) of the cell's classified area in that class; they sum to 1 in
   * every cell with land cover (landCover != 0) and are NaN in cells without
   */
  readonly values: Float32Array;
}

/**
 * Typed accessor: the fraction (0..1) of each cell in land-cover class `code`, NaN in cells
 * without land cover; zeros where the dataset has fractions but not that class. Undefined when the
 * dataset holds no fractions (files written before they were stored): callers decide whether the
 * majority class is good enough for them.
 */
export function landCoverFraction(ds: Pick<Dataset, 'staticLayers' | 'grid'>, code: number): Float32Array | undefined {
  const fr = ds.staticLayers.landCoverFractions;
  if (!fr) return undefined;
  const cells = ds.grid.ncols * ds.grid.nrows;
  const k = fr.classes.indexOf(code);
  if (k >= 0) return fr.values.subarray(k * cells, (k + 1) * cells);
  const lc = ds.staticLayers.landCover;
  return Float32Array.from({ length: cells }, (_, c) => (lc[c] === 0 ? NaN : 0));
}

export interface Subbasin {
  readonly id: number;
  readonly name: string;
  /** GeoJSON polygon or multipolygon in EPSG:4326 */
  readonly geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon;
  /** fraction (0..1) of each cell's area inside the subbasin, per cell */
  readonly cellFractions: Float32Array;
}

export interface Splits {
  readonly train: DayRange;
  readonly validate: DayRange;
  readonly test: DayRange;
}

export interface Normalization {
  /** per-forcing mean and standard deviation over valid cells of the training period only */
  readonly forcing: Readonly<Record<ForcingName, { mean: number; std: number }>>;
  readonly lai: { mean: number; std: number };
}

export interface LaiObservations {
  /** day index (on the dataset's daily axis) of each observation date, ascending */
  readonly dayIndex: Int32Array;
  /** [obs][cell], NaN where missing (clouds, snow, outside) */
  readonly values: Float32Array;
  /**
   * composite period of each observation, day indices [periodStart, periodEnd): the value is the
   * mean over that period (dayIndex is its middle day). Absent when the source gives single dates.
   */
  readonly periodStart?: Int32Array;
  readonly periodEnd?: Int32Array;
}

export interface Dataset {
  readonly id: string;
  /** human-readable description of where the data came from (e.g. 'virtual UCRB, seed 42') */
  readonly source: string;
  readonly grid: GridSpec;
  /** ISO date of day index 0; the axis is daily and gap-free */
  readonly startDate: string;
  readonly dayCount: number;
  /** 1 where the cell is inside the basin and has data, else 0; per cell */
  readonly mask: Uint8Array;
  readonly staticLayers: StaticLayers;
  /** the basin outline, EPSG:4326 */
  readonly basin: GeoJSON.Polygon | GeoJSON.MultiPolygon;
  readonly subbasins: readonly Subbasin[];
  readonly splits: Splits;
  readonly normalization: Normalization;
  /** daily series [day][cell] of one forcing variable in FORCING_UNITS, for day range [start, end) */
  forcing(name: ForcingName, range?: DayRange): Float32Array;
  readonly observations: LaiObservations;
  /** noise-free daily LAI [day][cell] where known (virtual basin only), else undefined */
  readonly trueLai?: Float32Array;
  /** provenance kept with the data (e.g. generator, generator_version, seed, split_rule) */
  readonly attributes?: Readonly<Record<string, string | number>>;
  /**
   * Atmospheric CO2 (ppm) on an ISO date where the dataset sets it (a what-if scenario,
   * data/scenario/). Absent: the historic record, whose CO2 the grid process model takes from
   * the Mauna Loa annual means (physics/grid/calendar.ts).
   */
  readonly atmosphericCo2Ppm?: (isoDate: string) => number;
}
