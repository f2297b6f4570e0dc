/**
 * The one area-weighted mean of gridded values over a region (the basin, a subbasin, a clip or any
 * polygon). The map's series, `data.aggregate`, the CSV export, the evaluation and the report all
 * call it, so they agree to the last digit.
 *
 * Weight of a cell = (its area) x (the region's fraction of the cell) x (the valid-data mask).
 * - Cell area: a spherical Earth of radius EARTH_RADIUS_M, area = R^2 dlon (sin(lat_n) - sin(lat_s))
 *   in m^2. On a regular lon/lat grid this equals R^2 dlon 2 sin(dlat/2) cos(lat_centre), i.e. it is
 *   exactly proportional to cos(centre latitude); the UCRB spans 36-43 N, where cells shrink by 10 %.
 *   (The WGS84 ellipsoid changes the relative weights across the UCRB by under 0.1 %; the GDAL
 *   reference test measures it.)
 * - Region fraction: exact polygon/cell overlap (polygon-fractions.ts), times the basin mask.
 * - Valid-data mask, per time step: a cell counts only where its value is finite.
 * Rule for partially missing steps: a step's mean is taken over its valid cells (weights
 * renormalised), and is missing (NaN) when the valid weight is under MIN_VALID_AREA_FRACTION of the
 * region's total weight, so that a mean of a few cloud-free corners does not pass for the region's.
 */
import type { Dataset } from './dataset.ts';
import type { GridSpec } from './grid.ts';
import { cellLat } from './grid.ts';
import { polygonCellFractions } from './polygon-fractions.ts';

/** Radius of the spherical Earth of the cell areas: WGS84's authalic radius (same total area). */
export const EARTH_RADIUS_M = 6_371_007.2;

/** A step's mean is missing when under this share of the region's weight has valid data. */
export const MIN_VALID_AREA_FRACTION = 0.5;

/** Area of each cell in m^2 on the sphere (row 0 = north). */
export function cellAreas(grid: GridSpec): Float64Array {
  const rad = Math.PI / 180;
  const half = grid.cellSize / 2;
  const w = new Float64Array(grid.ncols * grid.nrows);
  for (let r = 0; r < grid.nrows; r++) {
    const lat = cellLat(grid, r);
    const a = EARTH_RADIUS_M * EARTH_RADIUS_M * grid.cellSize * rad * (Math.sin((lat + half) * rad) - Math.sin((lat - half) * rad));
    w.fill(a, r * grid.ncols, (r + 1) * grid.ncols);
  }
  return w;
}

/** The cells of a region and their weights (area x fraction x mask), ready to average any grid. */
export interface RegionWeights {
  readonly cells: Int32Array;
  readonly weights: Float64Array;
  /** sum of the weights (m^2 of the region inside the mask) */
  readonly total: number;
  /** grid cells per time step */
  readonly cellCount: number;
}

export interface AggregateOptions {
  /** only cells where mask is 1 count (e.g. the dataset's basin mask) */
  readonly mask?: Uint8Array;
  /** share of the region's weight that must be valid for a step's mean (default MIN_VALID_AREA_FRACTION) */
  readonly minValidFraction?: number;
}

export function regionWeights(grid: GridSpec, fractions: ArrayLike<number>, mask?: Uint8Array): RegionWeights {
  const n = grid.ncols * grid.nrows;
  if (fractions.length !== n) throw new Error(`aggregate: ${fractions.length} cell fractions for a grid of ${n} cells`);
  if (mask && mask.length !== n) throw new Error(`aggregate: mask has ${mask.length} cells, grid has ${n}`);
  const area = cellAreas(grid);
  const cells: number[] = [];
  const weights: number[] = [];
  let total = 0;
  for (let c = 0; c < n; c++) {
    const f = fractions[c]!;
    if (f > 0 && (!mask || mask[c])) {
      cells.push(c);
      weights.push(f * area[c]!);
      total += f * area[c]!;
    }
  }
  return { cells: Int32Array.from(cells), weights: Float64Array.from(weights), total, cellCount: n };
}

/** Mean of one step (`values[offset + cell]`) over the region, by the rule above. */
export function regionMeanAt(region: RegionWeights, values: ArrayLike<number>, offset = 0, minValidFraction = MIN_VALID_AREA_FRACTION): number {
  let s = 0;
  let w = 0;
  const { cells, weights } = region;
  for (let k = 0; k < cells.length; k++) {
    const v = values[offset + cells[k]!]!;
    if (Number.isFinite(v)) {
      s += v * weights[k]!;
      w += weights[k]!;
    }
  }
  return w > 0 && w >= minValidFraction * region.total ? s / w : Number.NaN;
}

/** Means of every step of a [step][cell] series over the region. */
export function regionMeans(region: RegionWeights, series: ArrayLike<number>, minValidFraction = MIN_VALID_AREA_FRACTION): Float64Array {
  const n = region.cellCount;
  if (series.length % n !== 0) throw new Error(`aggregate: series length ${series.length} is not a multiple of the ${n} grid cells`);
  const out = new Float64Array(series.length / n);
  for (let t = 0; t < out.length; t++) out[t] = regionMeanAt(region, series, t * n, minValidFraction);
  return out;
}

/**
 * Area-weighted mean of a [step][cell] series over the cells' `fractions`.
 * @returns one value per step, NaN where the rule above says missing
 */
export function areaWeightedMean(grid: GridSpec, series: Float32Array, fractions: ArrayLike<number>, options: AggregateOptions = {}): Float64Array {
  return regionMeans(regionWeights(grid, fractions, options.mask), series, options.minValidFraction);
}

/** Finds a subbasin by id or name (in a Dataset or the metadata of its slices), with an error listing the ones there are. */
export function findSubbasin<S extends { readonly id: number; readonly name: string }>(dataset: { readonly id: string; readonly subbasins: readonly S[] }, idOrName: number | string): S {
  const s = dataset.subbasins.find((b) => b.id === idOrName || b.name === idOrName);
  if (!s) throw new Error(`dataset ${dataset.id}: no subbasin '${idOrName}' (has: ${dataset.subbasins.map((b) => `${b.id} ${b.name}`).join(', ')})`);
  return s;
}

/** Weights of a subbasin (valid basin cells only). */
export function subbasinWeights(dataset: Dataset, idOrName: number | string): RegionWeights {
  return regionWeights(dataset.grid, findSubbasin(dataset, idOrName).cellFractions, dataset.mask);
}

/** Mean of a [step][cell] series over a subbasin (valid basin cells only). */
export function subbasinMean(dataset: Dataset, idOrName: number | string, series: Float32Array): Float64Array {
  return regionMeans(subbasinWeights(dataset, idOrName), series);
}

/** Mean of a [step][cell] series over the whole basin (mask cells). */
export function basinMean(dataset: Dataset, series: Float32Array): Float64Array {
  return areaWeightedMean(dataset.grid, series, dataset.mask, { mask: dataset.mask });
}

/** Mean of a [step][cell] series over an arbitrary polygon (e.g. drawn on the map). */
export function polygonMean(dataset: Dataset, geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon, series: Float32Array, options: AggregateOptions = {}): Float64Array {
  return areaWeightedMean(dataset.grid, series, polygonCellFractions(dataset.grid, geometry), options);
}

/** A (step, lat, lon) hyperslab of a stored grid file: [start, end) per axis, rows south first. */
export type StoredBox = readonly [readonly [number, number], readonly [number, number], readonly [number, number]];

/** Steps per hyperslab when a region's series is read from a file: bounds the memory of one read. */
export const REGION_BLOCK_STEPS = 512;

/**
 * The region's mean at each of `steps` steps of a stored [step][lat][lon] variable (NetCDF files
 * keep rows south first), reading only the region's bounding box, REGION_BLOCK_STEPS steps at a
 * time, through `read` (which returns the box's values, NaN where missing). The dataset's slices
 * and the runs' prediction files both read their region series this way.
 */
export function regionSeriesInBlocks(grid: GridSpec, region: RegionWeights, steps: number, read: (box: StoredBox) => Float32Array): Float32Array {
  const out = new Float32Array(steps);
  if (region.cells.length === 0) return out.fill(Number.NaN);
  // the region's bounding box in stored rows (south first), and each cell's place in it
  let r0 = Infinity, r1 = -Infinity, c0 = Infinity, c1 = -Infinity;
  for (const c of region.cells) {
    const row = grid.nrows - 1 - Math.floor(c / grid.ncols);
    const col = c % grid.ncols;
    r0 = Math.min(r0, row); r1 = Math.max(r1, row + 1); c0 = Math.min(c0, col); c1 = Math.max(c1, col + 1);
  }
  const width = c1 - c0;
  const local: RegionWeights = {
    cells: region.cells.map((c) => (grid.nrows - 1 - Math.floor(c / grid.ncols) - r0) * width + (c % grid.ncols) - c0),
    weights: region.weights, total: region.total, cellCount: (r1 - r0) * width,
  };
  for (let t0 = 0; t0 < steps; t0 += REGION_BLOCK_STEPS) {
    const t1 = Math.min(steps, t0 + REGION_BLOCK_STEPS);
    out.set(regionMeans(local, read([[t0, t1], [r0, r1], [c0, c1]])), t0);
  }
  return out;
}

/** A key that changes whenever the region's cells or weights do (for caches of region series). */
export function regionKey(region: RegionWeights): string {
  // FNV-1a over the cell indices and the weights' float32 bits
  let h = 0x811c9dc5;
  const bits = new Uint32Array(Float32Array.from(region.weights).buffer);
  for (let k = 0; k < region.cells.length; k++) {
    h = Math.imul(h ^ region.cells[k]!, 0x01000193);
    h = Math.imul(h ^ bits[k]!, 0x01000193);
  }
  return `${region.cells.length}:${(h >>> 0).toString(16)}:${region.total}`;
}
