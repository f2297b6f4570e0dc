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
      ...(s.landCoverFractions ? { landCoverFractions: { classes: s.landCoverFractions.classes, values: series(s.landCoverFractions.values, s.landCoverFractions.classes.length) } } : {}),
    },
    basin: ds.basin,
    subbasins: [],
    splits: ds.splits,
    normalization: ds.normalization,
    forcing(name: ForcingName, range?: DayRange) {
      const r = range ?? { start: 0, end: ds.dayCount };
      return series(ds.forcing(name, r), r.end - r.start);
    },
    observations: {
      ...ds.observations,
      values: series(ds.observations.values, ds.observations.dayIndex.length),
    },
    trueLai: ds.trueLai ? series(ds.trueLai, ds.dayCount) : undefined,
    ...(ds.atmosphericCo2Ppm ? { atmosphericCo2Ppm: ds.atmosphericCo2Ppm } : {}),
  };
}

/**
 * The top-left corner of the rows x cols window (on even rows and columns) that holds the most
 * land-cover classes of the basin, and among those the most basin cells: a small window that
 * still has every vegetation type.
 */
export function mixedWindowOrigin(ds: Pick<Dataset, 'grid' | 'mask' | 'staticLayers'>, rows: number, cols: number): { row0: number; col0: number } {
  const g = ds.grid;
  if (rows > g.nrows || cols > g.ncols) throw new Error(`a ${rows}x${cols} window does not fit the ${g.nrows}x${g.ncols} grid`);
  let best = { row0: 0, col0: 0, score: -1 };
  for (let r0 = 0; r0 + rows <= g.nrows; r0 += 2) {
    for (let c0 = 0; c0 + cols <= g.ncols; c0 += 2) {
      const classes = new Set<number>();
      let inside = 0;
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
        const k = (r0 + r) * g.ncols + c0 + c;
        if (ds.mask[k]) { inside++; classes.add(ds.staticLayers.landCover[k]!); }
      }
      const score = classes.size * 1000 + inside;
      if (score > best.score) best = { row0: r0, col0: c0, score };
    }
  }
  return { row0: best.row0, col0: best.col0 };
}
