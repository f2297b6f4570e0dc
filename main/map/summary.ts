/** What the map shows of the open project's dataset: grid, bounds, dates, splits, basin and subbasins. */
import type { DatasetMeta } from '../data/dataset-slices.ts';
import { cellCount, gridBounds } from '../data/grid.ts';

/** The subbasin holding most of each cell, null outside every subbasin. */
export function subbasinOfCells(meta: Pick<DatasetMeta, 'grid' | 'subbasins'>): (number | null)[] {
  const n = cellCount(meta.grid);
  const out = new Array<number | null>(n).fill(null);
  const best = new Float32Array(n);
  for (const sb of meta.subbasins) {
    for (let c = 0; c < n; c++) {
      const f = sb.cellFractions[c]!;
      if (f > best[c]!) { best[c] = f; out[c] = sb.id; }
    }
  }
  return out;
}

export function splitsOf(meta: Pick<DatasetMeta, 'splits'>) {
  const { train, validate, test } = meta.splits;
  return { train: { ...train }, validate: { ...validate }, test: { ...test } };
}

export function datasetSummary(meta: DatasetMeta) {
  return {
    id: meta.id,
    source: meta.source,
    grid: { ...meta.grid },
    bounds: gridBounds(meta.grid),
    startDate: meta.startDate,
    dayCount: meta.dayCount,
    mask: Array.from(meta.mask),
    observationDays: Array.from(meta.observations.dayIndex),
    splits: splitsOf(meta),
    basin: meta.basin,
    subbasins: meta.subbasins.map((s) => ({ id: s.id, name: s.name, geometry: s.geometry })),
    subbasinOfCell: subbasinOfCells(meta),
  };
}
