/**
 * Slices of a dataset read on demand: what the map and the series need, without holding the daily
 * series in memory. A step is one grid of one variable (a day, or an observation for LAI); a series
 * is one cell's or one region's values over every step. The NetCDF store answers with hyperslab
 * reads (store/netcdf-slices.ts); an in-memory Dataset answers from its arrays (slicesOfDataset).
 * Returned arrays may be shared with a cache: treat them as read-only.
 */
import type { Dataset, ForcingName, LaiObservations } from './dataset.ts';
import { FORCING_NAMES } from './dataset.ts';
import { cellCount } from './grid.ts';
import { regionMeans, type RegionWeights } from './aggregate.ts';

/** Variables with a series: the forcing, the observed LAI (one step per observation) and the true LAI. */
export type SeriesVariable = ForcingName | 'LAI' | 'LAI_true';

/** Everything of a Dataset except its series. */
export type DatasetMeta = Omit<Dataset, 'forcing' | 'observations' | 'trueLai'> & {
  readonly observations: Omit<LaiObservations, 'values'>;
  readonly hasTrueLai: boolean;
};

export interface DatasetSlices {
  readonly meta: DatasetMeta;
  /** number of steps of a variable (days, or observations for LAI) */
  steps(variable: SeriesVariable): number;
  /** one step's grid [cell], NaN = missing */
  step(variable: SeriesVariable, index: number): Float32Array;
  /** `count` steps spread evenly over the record, [k][cell]: enough for display ranges */
  sample(variable: SeriesVariable, count: number): Float32Array;
  /** one cell's value at every step */
  cellSeries(variable: SeriesVariable, cell: number): Float32Array;
  /** the region's area-weighted mean (data/aggregate.ts) at every step */
  regionSeries(variable: SeriesVariable, region: RegionWeights): Float32Array;
  /** frees what the reader holds (open file, cache) */
  close(): void;
}

export function isSeriesVariable(name: string): name is SeriesVariable {
  return name === 'LAI' || name === 'LAI_true' || (FORCING_NAMES as readonly string[]).includes(name);
}

/** Evenly spread step indices, first and last included. */
export function sampleSteps(steps: number, count: number): number[] {
  if (steps <= count) return Array.from({ length: steps }, (_, i) => i);
  return Array.from({ length: count }, (_, i) => Math.round((i * (steps - 1)) / (count - 1)));
}

/** Checks a step index, with an error naming the variable and the range. */
export function checkStep(meta: DatasetMeta, variable: SeriesVariable, index: number, steps: number): void {
  if (!(Number.isInteger(index) && index >= 0 && index < steps)) {
    throw new Error(`dataset ${meta.id}: step ${index} of ${variable} is outside [0, ${steps})`);
  }
}

/** The slices of a dataset already in memory (tests, benches, freshly generated data). */
export function slicesOfDataset(ds: Dataset): DatasetSlices {
  const n = cellCount(ds.grid);
  const { values: _values, ...observations } = ds.observations;
  const meta: DatasetMeta = {
    id: ds.id, source: ds.source, grid: ds.grid, startDate: ds.startDate, dayCount: ds.dayCount, mask: ds.mask,
    staticLayers: ds.staticLayers, basin: ds.basin, subbasins: ds.subbasins, splits: ds.splits, normalization: ds.normalization,
    observations, hasTrueLai: ds.trueLai !== undefined, ...(ds.attributes ? { attributes: ds.attributes } : {}),
  };
  const all = (variable: SeriesVariable): Float32Array => {
    if (variable === 'LAI') return ds.observations.values;
    if (variable === 'LAI_true') {
      if (!ds.trueLai) throw new Error(`dataset ${ds.id} has no true LAI (only the virtual basin has)`);
      return ds.trueLai;
    }
    return ds.forcing(variable);
  };
  const steps = (variable: SeriesVariable): number => all(variable).length / n;
  return {
    meta,
    steps,
    step(variable, index) {
      checkStep(meta, variable, index, steps(variable));
      return all(variable).subarray(index * n, (index + 1) * n);
    },
    sample(variable, count) {
      const src = all(variable);
      const idx = sampleSteps(steps(variable), count);
      const out = new Float32Array(idx.length * n);
      idx.forEach((t, k) => out.set(src.subarray(t * n, (t + 1) * n), k * n));
      return out;
    },
    cellSeries(variable, cell) {
      const src = all(variable);
      const T = steps(variable);
      const out = new Float32Array(T);
      for (let t = 0; t < T; t++) out[t] = src[t * n + cell]!;
      return out;
    },
    regionSeries(variable, region) {
      return Float32Array.from(regionMeans(region, all(variable)));
    },
    close() {},
  };
}
