/**
 * Slices of `<project>/data/dataset.nc` read on demand with h5wasm hyperslabs (one step's grid,
 * one cell's series, a region's bounding box over time in blocks), behind a bounded LRU cache: the
 * map and the series browse a 36-year record without holding its 1.3 GB of series in memory.
 * The file stays open (read-only) until close().
 */
import type { Dataset as H5Dataset } from 'h5wasm/node';
import type { GridSpec } from '../grid.ts';
import { cellCount } from '../grid.ts';
import { regionSeriesInBlocks, type StoredBox } from '../aggregate.ts';
import { checkStep, sampleSteps, type DatasetSlices, type SeriesVariable } from '../dataset-slices.ts';
import { LruCache } from '../../util/lru-cache.ts';
import { attr, datasetPath, getVar, openStoreFile, readDatasetMeta, withFileName } from './netcdf-store.ts';

/** Default bytes of grids and series kept: about 1200 daily grids of the UCRB window. */
export const DEFAULT_SLICE_CACHE_BYTES = 16 * 1024 * 1024;

export async function openDatasetSlices(projectDir: string, options: { cacheBytes?: number } = {}): Promise<DatasetSlices> {
  const file = datasetPath(projectDir);
  const f = await openStoreFile(file);
  let meta;
  try {
    meta = readDatasetMeta(f, file);
  } catch (err) {
    f.close();
    throw withFileName(file, err);
  }
  const grid: GridSpec = meta.grid;
  const n = cellCount(grid);
  const cache = new LruCache<Float32Array>(options.cacheBytes ?? DEFAULT_SLICE_CACHE_BYTES);
  const vars = new Map<SeriesVariable, { v: H5Dataset; fill: number }>();
  let open = true;

  const variable = (name: SeriesVariable) => {
    if (!open) throw new Error(`${file}: the dataset reader was closed`);
    if (name === 'LAI_true' && !meta.hasTrueLai) throw new Error(`dataset ${meta.id} has no true LAI (only the virtual basin has)`);
    let hit = vars.get(name);
    if (!hit) {
      const v = getVar(f, file, name);
      const fill = attr(v, '_FillValue');
      hit = { v, fill: typeof fill === 'number' ? Math.fround(fill) : Number.NaN };
      vars.set(name, hit);
    }
    return hit;
  };
  const steps = (name: SeriesVariable): number => (name === 'LAI' ? meta.observations.dayIndex.length : meta.dayCount);

  /** (step, lat, lon) hyperslab as stored (rows south first), fill values -> NaN. */
  const read = (name: SeriesVariable, box: StoredBox): Float32Array => {
    const { v, fill } = variable(name);
    let block: unknown;
    try {
      block = v.slice(box.map((r) => [...r]));
    } catch (err) {
      throw withFileName(file, new Error(`${name}: reading [${box.map((r) => r.join(':')).join(', ')}] failed: ${err instanceof Error ? err.message : String(err)}`));
    }
    if (!(block instanceof Float32Array)) throw new Error(`${file}: ${name}: expected 32-bit floats, found ${v.dtype}`);
    if (!Number.isNaN(fill)) for (let i = 0; i < block.length; i++) if (block[i] === fill) block[i] = Number.NaN;
    return block;
  };

  /** One step's grid, rows north first. */
  const readStep = (name: SeriesVariable, t: number): Float32Array => {
    checkStep(meta, name, t, steps(name));
    const stored = read(name, [[t, t + 1], [0, grid.nrows], [0, grid.ncols]]);
    const out = new Float32Array(n);
    for (let r = 0; r < grid.nrows; r++) out.set(stored.subarray(r * grid.ncols, (r + 1) * grid.ncols), (grid.nrows - 1 - r) * grid.ncols);
    return out;
  };

  return {
    meta,
    steps,
    step: (name, t) => cache.through(`step:${name}:${t}`, () => readStep(name, t)),
    sample(name, count) {
      const idx = sampleSteps(steps(name), count);
      const out = new Float32Array(idx.length * n);
      // not cached: a display range is computed once per dataset
      idx.forEach((t, k) => out.set(readStep(name, t), k * n));
      return out;
    },
    cellSeries(name, cell) {
      if (!(Number.isInteger(cell) && cell >= 0 && cell < n)) throw new Error(`cell ${cell} is outside the ${grid.ncols}x${grid.nrows} grid`);
      return cache.through(`cell:${name}:${cell}`, () => {
        const row = grid.nrows - 1 - Math.floor(cell / grid.ncols);
        const col = cell % grid.ncols;
        return read(name, [[0, steps(name)], [row, row + 1], [col, col + 1]]);
      });
    },
    regionSeries(name, region) {
      return regionSeriesInBlocks(grid, region, steps(name), (box) => read(name, box));
    },
    close() {
      if (!open) return;
      open = false;
      cache.clear();
      vars.clear();
      f.close();
    },
  };
}
