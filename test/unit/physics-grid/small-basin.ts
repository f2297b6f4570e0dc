/**
 * Test fixture: a real virtual-basin dataset (main/data/virtual-basin), generated for a short
 * period and cropped to a small window inside the basin so model tests stay fast on 2 cores.
 * The crop keeps the generator's forcing, static layers, normalization and observations.
 */
import { generateVirtualBasin } from '../../../main/data/virtual-basin/generate.ts';
import type { Dataset, ForcingName } from '../../../main/data/dataset.ts';
import type { GridSpec } from '../../../main/data/grid.ts';
import type { DayRange } from '../../../main/data/time-axis.ts';

const cache = new Map<string, Dataset>();

export function virtualBasin(startDate: string, endDate: string): Dataset {
  const key = `${startDate}/${endDate}`;
  let ds = cache.get(key);
  if (!ds) {
    ds = generateVirtualBasin({ seed: 42, startDate, endDate });
    cache.set(key, ds);
  }
  return ds;
}

/** The window of `rows` x `cols` cells whose top-left corner is (row0, col0). */
export function cropDataset(ds: Dataset, row0: number, col0: number, rows: number, cols: number): Dataset {
  const g = ds.grid;
  const grid: GridSpec = { ...g, ncols: cols, nrows: rows, lon0: g.lon0 + col0 * g.cellSize, latTop: g.latTop - row0 * g.cellSize };
  const idx = new Int32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) idx[r * cols + c] = (row0 + r) * g.ncols + col0 + c;
  const n0 = g.ncols * g.nrows;
  const n = idx.length;
  function pick<T extends Float32Array | Uint8Array>(a: T, make: (n: number) => T): T {
    const out = make(n);
    for (let i = 0; i < n; i++) out[i] = a[idx[i]!]!;
    return out;
  }
  const series = (a: Float32Array, days: number) => {
    const out = new Float32Array(days * n);
    for (let t = 0; t < days; t++) for (let i = 0; i < n; i++) out[t * n + i] = a[t * n0 + idx[i]!]!;
    return out;
  };
  const s = ds.staticLayers;
  const f32 = (k: number) => new Float32Array(k);
  return {
    id: `${ds.id}-crop`,
    source: `${ds.source}, cropped to ${rows}x${cols} at row ${row0}, col ${col0}`,
    grid,
    startDate: ds.startDate,
    dayCount: ds.dayCount,
    mask: pick(ds.mask, (k) => new Uint8Array(k)),
    staticLayers: {
      elevation: pick(s.elevation, f32),
      landCover: pick(s.landCover, (k) => new Uint8Array(k)),
      sandPercent: pick(s.sandPercent, f32),
      clayPercent: pick(s.clayPercent, f32),
      organicFraction: pick(s.organicFraction, f32),
    },
    basin: ds.basin,
    subbasins: [],
    splits: ds.splits,
    normalization: ds.normalization,
    forcing(name: ForcingName, range?: DayRange) {
      const r = range ?? { start: 0, end: ds.dayCount };
      return series(ds.forcing(name, r), r.end - r.start);
    },
    observations: { dayIndex: ds.observations.dayIndex, values: series(ds.observations.values, ds.observations.dayIndex.length) },
    trueLai: ds.trueLai ? series(ds.trueLai, ds.dayCount) : undefined,
  };
}

/** A window of the basin that holds every land-cover class the basin has (searched, not assumed). */
export function mixedWindow(ds: Dataset, rows: number, cols: number): Dataset {
  const g = ds.grid;
  let best = { r: 0, c: 0, score: -1 };
  for (let r0 = 0; r0 + rows <= g.nrows; r0 += 2) {
    for (let c0 = 0; c0 + cols <= g.ncols; c0 += 2) {
      const classes = new Set<number>();
      let inside = 0;
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
        const k = (r0 + r) * g.ncols + c0 + c;
        if (ds.mask[k]) { inside++; classes.add(ds.staticLayers.landCover[k]!); }
      }
      const score = classes.size * 1000 + inside;
      if (score > best.score) best = { r: r0, c: c0, score };
    }
  }
  return cropDataset(ds, best.r, best.c, rows, cols);
}
