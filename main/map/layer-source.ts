/**
 * A map layer is a typed source: what it is (its kind and props, e.g. run 3's LAI of the ConvLSTM),
 * how the layer list describes it (`layer`), and its grid on a given day. The catalogue
 * (catalogue.ts) lists the sources of the open project; a layer id only names a source there and
 * is never parsed.
 */
import type { DatasetMeta } from '../data/dataset-slices.ts';
import { cellCount } from '../data/grid.ts';

/** How the layer list describes a layer (the api's map layer schema has this shape). */
export interface MapLayerInfo {
  readonly id: string;
  readonly label: string;
  readonly group: string;
  readonly units: string;
  readonly kind: 'sequential' | 'diverging' | 'categorical';
  /** 'static': one grid; 'daily': a grid per day; 'observations': the latest observation on or before the day */
  readonly time: 'static' | 'daily' | 'observations';
  readonly range: [number, number];
  readonly colormap: string;
  readonly categories?: { code: number; label: string }[];
  readonly description?: string;
}

export interface LayerGrid {
  /** one value per cell, row 0 = north, NaN = missing */
  readonly values: Float32Array;
  /** the day the values are from (null: static, or no observation yet) */
  readonly sourceDay: number | null;
}

export interface LayerSource<Kind extends string = string, Props = unknown> {
  readonly kind: Kind;
  readonly props: Props;
  readonly layer: MapLayerInfo;
  /** served when asked for by id, but not in the layer list */
  readonly hidden?: boolean;
  /** the grid shown on dataset day `day` (clamped to the record by the caller) */
  grid(day: number): LayerGrid;
}

/** Masked copy: cells outside the basin become NaN. */
export function masked(meta: Pick<DatasetMeta, 'mask'>, values: ArrayLike<number>): Float32Array {
  const out = new Float32Array(meta.mask.length);
  for (let c = 0; c < out.length; c++) out[c] = meta.mask[c] ? values[c]! : Number.NaN;
  return out;
}

export function missingGrid(meta: Pick<DatasetMeta, 'grid'>): Float32Array {
  return new Float32Array(cellCount(meta.grid)).fill(Number.NaN);
}

/** Index of the latest observation on or before `day`, or -1. */
export function observationAtOrBefore(dayIndex: Int32Array, day: number): number {
  let lo = 0;
  let hi = dayIndex.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (dayIndex[mid]! <= day) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

/**
 * Display range from the p_lo-th and p_hi-th percentiles (0..100) of the finite values, rounded to
 * 3 significant digits; a flat field gets a small span around its value.
 */
export function percentileRange(a: ArrayLike<number>, lo: number, hi: number): [number, number] {
  const vals: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (Number.isFinite(v)) vals.push(v);
  }
  if (vals.length === 0) return [0, 1];
  vals.sort((x, y) => x - y);
  const at = (p: number): number => vals[Math.min(vals.length - 1, Math.max(0, Math.round((p / 100) * (vals.length - 1))))]!;
  const a0 = at(lo);
  let a1 = at(hi);
  if (!(a1 > a0)) a1 = a0 + (Math.abs(a0) > 0 ? Math.abs(a0) * 0.01 : 1);
  return [Number(a0.toPrecision(3)), Number(a1.toPrecision(3))];
}
