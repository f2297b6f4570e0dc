/**
 * Handlers of the map requests (main/api/requests/map.ts): read-only views of the open project's
 * dataset shaped for the renderer. Everything here is computed from the Dataset on demand; the
 * per-dataset layer statistics are cached because they scan whole series once.
 */
import type { HandlerContext, HandlersFor } from '../define.ts';
import type { mapRequests, MapLayer, seriesSchema } from '../requests/map.ts';
import type { z } from 'zod';

type SeriesOut = z.infer<typeof seriesSchema>;
import { FORCING_NAMES, FORCING_UNITS, LAND_COVER_CLASSES, type Dataset, type ForcingName } from '../../data/dataset.ts';
import { cellCount, gridBounds } from '../../data/grid.ts';
import { addDays } from '../../data/time-axis.ts';
import { sessionOf } from '../session.ts';
import { projectDataset } from './map-dataset.ts';

const FORCING_LABELS: Readonly<Record<ForcingName, string>> = {
  Rainf: 'Precipitation',
  Tair: 'Air temperature',
  PSurf: 'Surface pressure',
  Qair: 'Specific humidity',
  LWdown: 'Longwave radiation',
  SWdown: 'Shortwave radiation',
  Wind: 'Wind speed',
};

/**
 * JSON-ready copy: NaN -> null, and float32 values rounded to the 7 significant digits they hold
 * (so 273.15 travels as 273.15, not 273.149993896484375).
 */
export function toNullable(values: ArrayLike<number>): (number | null)[] {
  const out = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[i] = Number.isFinite(v) ? (v === 0 ? 0 : Number(v.toPrecision(7))) : null;
  }
  return out;
}

/** p-th percentile (0..100) of the finite values of `a` at the selected positions. */
function percentileRange(a: ArrayLike<number>, lo: number, hi: number, stride = 1): [number, number] {
  const vals: number[] = [];
  for (let i = 0; i < a.length; i += stride) {
    const v = a[i]!;
    if (Number.isFinite(v)) vals.push(v);
  }
  if (vals.length === 0) return [0, 1];
  vals.sort((x, y) => x - y);
  const at = (p: number): number => vals[Math.min(vals.length - 1, Math.max(0, Math.round((p / 100) * (vals.length - 1))))]!;
  let a0 = at(lo);
  let a1 = at(hi);
  if (!(a1 > a0)) a1 = a0 + (Math.abs(a0) > 0 ? Math.abs(a0) * 0.01 : 1);
  // friendlier bounds: 3 significant digits
  a0 = Number(a0.toPrecision(3));
  a1 = Number(a1.toPrecision(3));
  return [a0, a1];
}

/** Masked copy: cells outside the basin become NaN. */
function masked(ds: Dataset, values: ArrayLike<number>): Float32Array {
  const n = cellCount(ds.grid);
  const out = new Float32Array(n);
  for (let c = 0; c < n; c++) out[c] = ds.mask[c] ? values[c]! : Number.NaN;
  return out;
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

interface StaticLayerDef {
  readonly id: string;
  readonly label: string;
  readonly units: string;
  readonly colormap: string;
  read(ds: Dataset): ArrayLike<number>;
}

const STATIC_LAYERS: readonly StaticLayerDef[] = [
  { id: 'static.elevation', label: 'Elevation', units: 'm', colormap: 'cividis', read: (ds) => ds.staticLayers.elevation },
  { id: 'static.sand', label: 'Sand (top soil)', units: '%', colormap: 'cividis', read: (ds) => ds.staticLayers.sandPercent },
  { id: 'static.clay', label: 'Clay (top soil)', units: '%', colormap: 'cividis', read: (ds) => ds.staticLayers.clayPercent },
  { id: 'static.organic', label: 'Organic matter (top soil)', units: 'fraction', colormap: 'cividis', read: (ds) => ds.staticLayers.organicFraction },
];

const layerCache = new WeakMap<Dataset, MapLayer[]>();

export function datasetLayers(ds: Dataset): MapLayer[] {
  const hit = layerCache.get(ds);
  if (hit) return hit;
  const layers: MapLayer[] = [];
  const obs = ds.observations.values;
  layers.push({
    id: 'lai.observed', label: 'Observed LAI', group: 'LAI', units: 'm2 m-2', kind: 'sequential', time: 'observations',
    range: [0, percentileRange(obs, 0, 99, Math.max(1, Math.floor(obs.length / 200_000)))[1]], colormap: 'viridis',
    description: 'Satellite LAI on observation dates, regridded to the forcing grid; the map shows the latest observation on or before the chosen day.',
  });
  if (ds.trueLai) {
    layers.push({
      id: 'lai.true', label: 'True LAI (virtual basin)', group: 'LAI', units: 'm2 m-2', kind: 'sequential', time: 'daily',
      range: [0, percentileRange(ds.trueLai, 0, 99, Math.max(1, Math.floor(ds.trueLai.length / 200_000)))[1]], colormap: 'viridis',
      description: 'The noise-free daily LAI the virtual basin generator simulated (known only for synthetic data).',
    });
  }
  for (const name of FORCING_NAMES) {
    const series = ds.forcing(name);
    const stride = Math.max(1, Math.floor(series.length / 200_000));
    let range = percentileRange(series, 2, 98, stride);
    if (name === 'Rainf') range = [0, percentileRange(series, 0, 99, stride)[1]];
    layers.push({
      id: `forcing.${name}`, label: `${FORCING_LABELS[name]} (${name})`, group: 'Forcing (daily)', units: FORCING_UNITS[name],
      kind: 'sequential', time: 'daily', range, colormap: name === 'Rainf' ? 'viridis' : 'cividis',
    });
  }
  layers.push({
    id: 'static.landCover', label: 'Land cover', group: 'Land surface', units: 'class', kind: 'categorical', time: 'static', range: [0, 16],
    colormap: 'categorical',
    categories: Object.entries(LAND_COVER_CLASSES).map(([code, label]) => ({ code: Number(code), label })),
  });
  for (const def of STATIC_LAYERS) {
    const values = masked(ds, def.read(ds));
    layers.push({ id: def.id, label: def.label, group: 'Land surface', units: def.units, kind: 'sequential', time: 'static', range: percentileRange(values, 1, 99), colormap: def.colormap });
  }
  layerCache.set(ds, layers);
  return layers;
}

export interface LayerGrid {
  readonly values: Float32Array;
  readonly sourceDay: number | null;
}

/** The values of one layer on one day (NaN = missing), or throws for an unknown layer. */
export function layerGrid(ds: Dataset, layer: string, day: number | undefined): LayerGrid {
  const n = cellCount(ds.grid);
  const d = Math.max(0, Math.min(ds.dayCount - 1, day ?? 0));
  if (layer === 'lai.observed') {
    const k = observationAtOrBefore(ds.observations.dayIndex, d);
    if (k < 0) return { values: new Float32Array(n).fill(Number.NaN), sourceDay: null };
    return { values: masked(ds, ds.observations.values.subarray(k * n, (k + 1) * n)), sourceDay: ds.observations.dayIndex[k]! };
  }
  if (layer === 'lai.true') {
    if (!ds.trueLai) throw new Error('this dataset has no true LAI (only the virtual basin has)');
    return { values: masked(ds, ds.trueLai.subarray(d * n, (d + 1) * n)), sourceDay: d };
  }
  if (layer.startsWith('forcing.')) {
    const name = layer.slice('forcing.'.length) as ForcingName;
    if (!FORCING_NAMES.includes(name)) throw new Error(`unknown forcing variable '${name}' (have ${FORCING_NAMES.join(', ')})`);
    return { values: masked(ds, ds.forcing(name, { start: d, end: d + 1 })), sourceDay: d };
  }
  if (layer === 'static.landCover') {
    const lc = ds.staticLayers.landCover;
    const out = new Float32Array(n);
    for (let c = 0; c < n; c++) out[c] = ds.mask[c] && lc[c] ? lc[c]! : Number.NaN;
    return { values: out, sourceDay: null };
  }
  const def = STATIC_LAYERS.find((s) => s.id === layer);
  if (def) return { values: masked(ds, def.read(ds)), sourceDay: null };
  throw new Error(`unknown map layer '${layer}'`);
}

/** Area weights of a subbasin (fraction inside x basin mask), per cell. */
function subbasinWeights(ds: Dataset, id: number): Float32Array {
  const sb = ds.subbasins.find((s) => s.id === id);
  if (!sb) throw new Error(`no subbasin ${id} (have ${ds.subbasins.map((s) => s.id).join(', ')})`);
  const n = cellCount(ds.grid);
  const w = new Float32Array(n);
  for (let c = 0; c < n; c++) w[c] = ds.mask[c] ? sb.cellFractions[c]! : 0;
  return w;
}

/** Weighted mean per time step of a [time][cell] series, skipping NaN; NaN when under half the weight has data. */
function weightedSeries(series: Float32Array, steps: number, n: number, weights: Float32Array): Float32Array {
  const cells: number[] = [];
  let total = 0;
  for (let c = 0; c < n; c++) if (weights[c]! > 0) { cells.push(c); total += weights[c]!; }
  const out = new Float32Array(steps);
  for (let t = 0; t < steps; t++) {
    let s = 0;
    let w = 0;
    const off = t * n;
    for (const c of cells) {
      const v = series[off + c]!;
      if (Number.isFinite(v)) { s += v * weights[c]!; w += weights[c]!; }
    }
    out[t] = w > 0 && w >= 0.5 * total ? s / w : Number.NaN;
  }
  return out;
}

function cellSeries(series: Float32Array, steps: number, n: number, cell: number): Float32Array {
  const out = new Float32Array(steps);
  for (let t = 0; t < steps; t++) out[t] = series[t * n + cell]!;
  return out;
}

export function subbasinOfCells(ds: Dataset): (number | null)[] {
  const n = cellCount(ds.grid);
  const out = new Array<number | null>(n).fill(null);
  const best = new Float32Array(n);
  for (const sb of ds.subbasins) {
    for (let c = 0; c < n; c++) {
      const f = sb.cellFractions[c]!;
      if (f > best[c]!) { best[c] = f; out[c] = sb.id; }
    }
  }
  return out;
}

export const mapHandlers: HandlersFor<typeof mapRequests> = {
  async 'map.summary'(_req, ctx: HandlerContext) {
    const dir = ctx.projectDir();
    const name = sessionOf(ctx).project?.manifest.name ?? dir;
    const ds = await projectDataset(dir);
    if (!ds) return { project: { name, dir }, dataset: null };
    return {
      project: { name, dir },
      dataset: {
        id: ds.id,
        source: ds.source,
        grid: { ...ds.grid },
        bounds: gridBounds(ds.grid),
        startDate: ds.startDate,
        dayCount: ds.dayCount,
        mask: Array.from(ds.mask),
        observationDays: Array.from(ds.observations.dayIndex),
        splits: { train: { ...ds.splits.train }, validate: { ...ds.splits.validate }, test: { ...ds.splits.test } },
        basin: ds.basin,
        subbasins: ds.subbasins.map((s) => ({ id: s.id, name: s.name, geometry: s.geometry })),
        subbasinOfCell: subbasinOfCells(ds),
      },
    };
  },

  async 'map.layers'(_req, ctx) {
    const ds = await projectDataset(ctx.projectDir());
    return { layers: ds ? datasetLayers(ds) : [] };
  },

  async 'map.grid'(req, ctx) {
    const ds = await requireDataset(ctx);
    const meta = datasetLayers(ds).find((l) => l.id === req.layer);
    const grid = layerGrid(ds, req.layer, req.day);
    const isStatic = meta?.time === 'static';
    return {
      layer: req.layer,
      day: isStatic ? null : (req.day ?? 0),
      sourceDay: grid.sourceDay,
      sourceDate: grid.sourceDay === null ? null : addDays(ds.startDate, grid.sourceDay),
      values: toNullable(grid.values),
    };
  },

  async 'map.grids'(req, ctx) {
    const ds = await requireDataset(ctx);
    const end = Math.min(ds.dayCount, req.start + req.count);
    const frames = [];
    for (let day = req.start; day < end; day++) {
      const grid = layerGrid(ds, req.layer, day);
      frames.push({ day, sourceDay: grid.sourceDay, values: toNullable(grid.values) });
    }
    return { layer: req.layer, frames };
  },

  async 'map.series'(req, ctx) {
    const ds = await requireDataset(ctx);
    const n = cellCount(ds.grid);
    const { cell, subbasin } = req;
    if ((cell === undefined) === (subbasin === undefined)) throw new Error('give exactly one of cell or subbasin');
    const obs = ds.observations;
    const nObs = obs.dayIndex.length;
    let title: string;
    let pick: (series: Float32Array, steps: number) => Float32Array;
    if (cell !== undefined) {
      if (cell >= n) throw new Error(`cell ${cell} is outside the ${ds.grid.ncols}x${ds.grid.nrows} grid`);
      const row = Math.floor(cell / ds.grid.ncols);
      const col = cell % ds.grid.ncols;
      const lon = ds.grid.lon0 + col * ds.grid.cellSize;
      const lat = ds.grid.latTop - row * ds.grid.cellSize;
      title = `Cell row ${row}, column ${col} (${lat.toFixed(4)}° N, ${(-lon).toFixed(4)}° W)`;
      pick = (s, steps) => cellSeries(s, steps, n, cell);
    } else {
      const w = subbasinWeights(ds, subbasin!);
      title = `Subbasin ${ds.subbasins.find((s) => s.id === subbasin)!.name} (area-weighted mean)`;
      pick = (s, steps) => weightedSeries(s, steps, n, w);
    }
    const series: SeriesOut[] = [
      { id: 'observed', label: 'Observed LAI', kind: 'observed', days: Array.from(obs.dayIndex), values: toNullable(pick(obs.values, nObs)) },
    ];
    if (ds.trueLai) series.push({ id: 'truth', label: 'True LAI (virtual basin)', kind: 'truth', values: toNullable(pick(ds.trueLai, ds.dayCount)) });
    return {
      title,
      startDate: ds.startDate,
      dayCount: ds.dayCount,
      units: 'm2 m-2',
      splits: { train: { ...ds.splits.train }, validate: { ...ds.splits.validate }, test: { ...ds.splits.test } },
      series,
    };
  },
};

async function requireDataset(ctx: HandlerContext): Promise<Dataset> {
  const ds = await projectDataset(ctx.projectDir());
  if (!ds) throw new Error('the open project has no dataset yet: create the demo dataset or import data first');
  return ds;
}
