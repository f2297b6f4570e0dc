/**
 * Area-weighted aggregation of gridded series over a subbasin or any polygon.
 *
 * The weight of a cell is (fraction of the cell inside the region) x (cell area), and a cell's area
 * on a lon/lat grid is proportional to cos(latitude) (spherical Earth: area = R^2 dlon
 * (sin(lat_n) - sin(lat_s)) ~ R^2 dlon dlat cos(lat)); the UCRB spans 36-43 N, where the
 * cell area shrinks by 10 %. Per time step, only cells with a finite value (and inside `mask`
 * when one is given) count, and the weights are renormalised over them; a step with no valid
 * cell is NaN.
 */
import type { Dataset } from './dataset.ts';
import type { GridSpec } from './grid.ts';
import { cellLat } from './grid.ts';
import { polygonCellFractions } from './polygon-fractions.ts';

/** Relative area of each cell (cos of its centre latitude). */
export function cellAreaWeights(grid: GridSpec): Float64Array {
  const w = new Float64Array(grid.ncols * grid.nrows);
  for (let r = 0; r < grid.nrows; r++) {
    const a = Math.cos((cellLat(grid, r) * Math.PI) / 180);
    w.fill(a, r * grid.ncols, (r + 1) * grid.ncols);
  }
  return w;
}

export interface AggregateOptions {
  /** only cells where mask is 1 count (e.g. the dataset's basin mask) */
  readonly mask?: Uint8Array;
}

/**
 * Area-weighted mean of a [layer][cell] series over the cells' `fractions`.
 * @returns one value per layer (time step), NaN where no valid cell
 */
export function areaWeightedMean(grid: GridSpec, series: Float32Array, fractions: Float32Array, options: AggregateOptions = {}): Float64Array {
  const n = grid.ncols * grid.nrows;
  if (fractions.length !== n) throw new Error(`aggregate: ${fractions.length} cell fractions for a grid of ${n} cells`);
  if (series.length % n !== 0) throw new Error(`aggregate: series length ${series.length} is not a multiple of the ${n} grid cells`);
  if (options.mask && options.mask.length !== n) throw new Error(`aggregate: mask has ${options.mask.length} cells, grid has ${n}`);
  const area = cellAreaWeights(grid);
  const cells: number[] = [];
  const weights: number[] = [];
  for (let c = 0; c < n; c++) {
    const f = fractions[c]!;
    if (f > 0 && (!options.mask || options.mask[c])) {
      cells.push(c);
      weights.push(f * area[c]!);
    }
  }
  const layers = series.length / n;
  const out = new Float64Array(layers);
  for (let t = 0; t < layers; t++) {
    const o = t * n;
    let s = 0;
    let w = 0;
    for (let k = 0; k < cells.length; k++) {
      const v = series[o + cells[k]!]!;
      if (Number.isFinite(v)) {
        s += v * weights[k]!;
        w += weights[k]!;
      }
    }
    out[t] = w > 0 ? s / w : NaN;
  }
  return out;
}

/** Finds a subbasin by id or name, with an error listing the ones there are. */
export function findSubbasin(dataset: Dataset, idOrName: number | string) {
  const s = dataset.subbasins.find((b) => b.id === idOrName || b.name === idOrName);
  if (!s) throw new Error(`dataset ${dataset.id}: no subbasin '${idOrName}' (has: ${dataset.subbasins.map((b) => `${b.id} ${b.name}`).join(', ')})`);
  return s;
}

/** Mean of a [layer][cell] series over a subbasin (valid basin cells only). */
export function subbasinMean(dataset: Dataset, idOrName: number | string, series: Float32Array): Float64Array {
  return areaWeightedMean(dataset.grid, series, findSubbasin(dataset, idOrName).cellFractions, { mask: dataset.mask });
}

/** Mean of a [layer][cell] series over the whole basin (mask cells). */
export function basinMean(dataset: Dataset, series: Float32Array): Float64Array {
  return areaWeightedMean(dataset.grid, series, Float32Array.from(dataset.mask), { mask: dataset.mask });
}

/** Mean of a [layer][cell] series over an arbitrary polygon (e.g. drawn on the map). */
export function polygonMean(dataset: Dataset, geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon, series: Float32Array, options: AggregateOptions = {}): Float64Array {
  return areaWeightedMean(dataset.grid, series, polygonCellFractions(dataset.grid, geometry), options);
}
