/**
 * A rectangular window of a Dataset as a Dataset of its own (forcing, static layers, mask,
 * observations and truth cropped; normalization and splits kept). Used by the model bench and the
 * tests to run the physics models on a small grid with real basin data.
 */
import type { Dataset, ForcingName } from '../../data/dataset.ts';
import type { GridSpec } from '../../data/grid.ts';
import type { DayRange } from '../../data/time-axis.ts';

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
    ...(ds.atmosphericCo2Ppm ? { atmosphericCo2Ppm: ds.atmosphericCo2Ppm } : {}),
  };
}
