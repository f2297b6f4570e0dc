/**
 * Handlers of the map requests (main/api/requests/map.ts): read-only views of the open project's
 * dataset shaped for the renderer. Everything here is computed from the Dataset on demand; the
 * per-dataset layer statistics are cached because they scan whole series once.
 */
import type { HandlerContext, HandlersFor } from '../define.ts';
import type { mapRequests, MapLayer, seriesSchema } from '../requests/map.ts';
import type { z } from 'zod';

type SeriesOut = z.infer<typeof seriesSchema>;
import { FORCING_NAMES, FORCING_UNITS, LAND_COVER_CLASSES, landCoverFraction, type Dataset, type ForcingName } from '../../data/dataset.ts';
import { cellCount, gridBounds } from '../../data/grid.ts';
import { addDays, type DayRange } from '../../data/time-axis.ts';
import { sessionOf } from '../session.ts';
import { projectDataset } from './map-dataset.ts';
import { listRuns, readMetrics, readPrediction, runLabel, type BoxStats, type RunListing } from './map-runs.ts';
import { daysBetween } from '../../data/time-axis.ts';
import { clearClip, clipFractions, geometryFromUpload, readClip, writeClip, type ProjectClip } from './map-clip.ts';
import { writeGeoTiff } from '../../export/geotiff.ts';
import { findSubbasin, regionMeans, regionWeights, subbasinWeights } from '../../data/aggregate.ts';
import { LAND_COVER_TO_PFT } from '../../physics/grid/pft-params.ts';
import { LEAF_RUNS_DIR, listLeafRuns, readLeafRun, storeLeafUpload } from './map-leaf.ts';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

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
const FRACTION_LAYER = 'static.landCoverFraction.';

/**
 * One layer per land-cover class fraction, offered only when the dataset's fractions say more than
 * its majority map (some value strictly between 0 and 1): the virtual basin's one-hot fractions
 * would only repeat the land-cover layer class by class.
 */
function landCoverFractionLayers(ds: Dataset): MapLayer[] {
  const fr = ds.staticLayers.landCoverFractions;
  if (!fr || !fr.values.some((v) => v > 0 && v < 1)) return [];
  return fr.classes.map((code) => ({
    id: `${FRACTION_LAYER}${code}`, label: `Land cover fraction: ${(LAND_COVER_CLASSES as Record<number, string | undefined>)[code] ?? `class ${code}`}`,
    group: 'Static', units: 'fraction', kind: 'sequential' as const, time: 'static' as const, range: [0, 1] as [number, number], colormap: 'viridis',
    description: "Share of each cell's classified area in this class, from the imported land cover.",
  }));
}

export function datasetLayers(ds: Dataset): MapLayer[] {
  const hit = layerCache.get(ds);
  if (hit) return hit;
  const layers: MapLayer[] = [];
  const obs = ds.observations.values;
  layers.push({
    id: 'lai.observed', label: 'Observed LAI', group: 'Observations', units: 'm2 m-2', kind: 'sequential', time: 'observations',
    range: [0, percentileRange(obs, 0, 99, Math.max(1, Math.floor(obs.length / 200_000)))[1]], colormap: 'viridis',
    description: 'Satellite LAI on observation dates, regridded to the forcing grid; the map shows the latest observation on or before the chosen day.',
  });
  if (ds.trueLai) {
    layers.push({
      id: 'lai.true', label: 'True LAI (virtual basin)', group: 'Observations', units: 'm2 m-2', kind: 'sequential', time: 'daily',
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
      id: `forcing.${name}`, label: `${FORCING_LABELS[name]} (${name})`, group: 'Forcing', units: FORCING_UNITS[name],
      kind: 'sequential', time: 'daily', range, colormap: name === 'Rainf' ? 'viridis' : 'cividis',
    });
  }
  layers.push({
    id: 'static.landCover', label: 'Land cover', group: 'Static', units: 'class', kind: 'categorical', time: 'static', range: [0, 16],
    colormap: 'categorical',
    categories: Object.entries(LAND_COVER_CLASSES).map(([code, label]) => ({ code: Number(code), label })),
  });
  layers.push(...landCoverFractionLayers(ds));
  for (const def of STATIC_LAYERS) {
    const values = masked(ds, def.read(ds));
    layers.push({ id: def.id, label: def.label, group: 'Static', units: def.units, kind: 'sequential', time: 'static', range: percentileRange(values, 1, 99), colormap: def.colormap });
  }
  layerCache.set(ds, layers);
  return layers;
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

function boxOut(b: BoxStats | null) {
  return b && { n: Number.isFinite(b.n) ? b.n : 0, median: finite(b.median), q25: finite(b.q25), q75: finite(b.q75), whiskerLow: finite(b.whiskerLow), whiskerHigh: finite(b.whiskerHigh), min: finite(b.min), max: finite(b.max) };
}

function runOut(r: RunListing) {
  return {
    ...r,
    label: runLabel(r),
    failed: [...r.failed], skipped: [...r.skipped], models: [...r.models], predictions: [...r.predictions],
    periods: r.periods ? { ...r.periods } : null,
    entries: r.entries.map((e) => ({ id: e.id, label: e.label, role: e.role, nse: boxOut(e.nse), byLandCover: e.byLandCover.map((b) => ({ code: b.code, name: b.name, nse: boxOut(b.nse) })) })),
    history: Object.fromEntries(Object.entries(r.history).map(([k, h]) => [k, h.map((x) => ({ epoch: x.epoch, trainLoss: finite(x.trainLoss), valLoss: x.valLoss }))])),
    parameters: Object.fromEntries(Object.entries(r.parameters).map(([k, lp]) => [k, {
      pfts: [...lp.pfts],
      parameters: Object.fromEntries(Object.entries(lp.parameters).map(([n, q]) => [n, { ...q, min: finite(q.min), max: finite(q.max), defaults: q.defaults.map(finite), values: q.values.map(finite) }])),
    }])),
  };
}

/** Layers of finished runs: each entry's daily LAI, its difference to the observations, and per-cell NSE. */
export function runLayers(ds: Dataset, projectDir: string): MapLayer[] {
  const obsLayer = datasetLayers(ds)[0]!;
  const laiMax = obsLayer.range[1];
  const diff = Math.max(0.5, Number((laiMax / 3).toPrecision(2)));
  const out: MapLayer[] = [];
  for (const run of listRuns(projectDir)) {
    if (run.status !== 'finished') continue;
    const group = `Run: ${runLabel(run)}`;
    const label = (id: string) => run.entries.find((e) => e.id === id)?.label ?? id;
    for (const id of run.predictions) {
      out.push({ id: `run:${run.id}:lai:${id}`, label: `${label(id)} LAI`, group, units: 'm2 m-2', kind: 'sequential', time: 'daily', range: [0, laiMax], colormap: 'viridis', description: `Daily LAI simulated by ${label(id)} in run ${run.id}` });
      out.push({ id: `run:${run.id}:diff:${id}`, label: `${label(id)} minus observed`, group, units: 'm2 m-2', kind: 'diverging', time: 'observations', range: [-diff, diff], colormap: 'brbg', description: `${label(id)} LAI minus the observed LAI on the latest observation date on or before the chosen day (green: model higher)` });
    }
    for (const [kind, lp] of Object.entries(run.parameters)) {
      for (const [name, q] of Object.entries(lp.parameters)) {
        // human name, symbol and units: from the physics declaration (map-runs.ts learnedOf)
        const human = q.symbol ? `${q.title}, ${q.symbol}` : q.title;
        out.push({ id: `run:${run.id}:param:${kind}/${name}`, label: `${label(kind)}: ${human}${q.learned ? ' (learned)' : ' (default)'}`, group, units: q.units, kind: 'sequential', time: 'static', range: [Number.isFinite(q.min) ? q.min : 0, Number.isFinite(q.max) ? q.max : 1], colormap: 'cividis', description: `${q.description}; per vegetation type, mapped to cells by land cover` });
      }
    }
    for (const e of run.entries) {
      out.push({ id: `run:${run.id}:nse:${e.id}`, label: `${e.label} NSE`, group, units: 'dimensionless', kind: 'diverging', time: 'static', range: [-1, 1], colormap: 'rdbu', description: `Per-cell Nash-Sutcliffe efficiency of ${e.label} on the test period (run ${run.id}); 1 is perfect, 0 is no better than the cell mean` });
    }
  }
  return out;
}

/** Daily prediction of a run entry on the dataset's day `d` (NaN outside the predicted record). */
function predictionDay(ds: Dataset, projectDir: string, runId: string, entry: string, d: number): Float32Array {
  const n = cellCount(ds.grid);
  const p = readPrediction(projectDir, runId, entry);
  const k = d - daysBetween(ds.startDate, p.startDate);
  if (k < 0 || k >= p.days) return new Float32Array(n).fill(Number.NaN);
  return masked(ds, p.daily.subarray(k * n, (k + 1) * n));
}

function runLayerGrid(ds: Dataset, projectDir: string, layer: string, d: number): LayerGrid {
  const [, runId, what, entry] = layer.split(':');
  if (!runId || !what || !entry) throw new Error(`'${layer}' is not a run layer (run:<run>:<lai|diff|nse>:<entry>)`);
  const n = cellCount(ds.grid);
  if (what === 'lai') return { values: predictionDay(ds, projectDir, runId, entry, d), sourceDay: d };
  if (what === 'diff') {
    const k = observationAtOrBefore(ds.observations.dayIndex, d);
    if (k < 0) return { values: new Float32Array(n).fill(Number.NaN), sourceDay: null };
    const od = ds.observations.dayIndex[k]!;
    const model = predictionDay(ds, projectDir, runId, entry, od);
    const out = new Float32Array(n);
    for (let c = 0; c < n; c++) out[c] = model[c]! - ds.observations.values[k * n + c]!;
    return { values: masked(ds, out), sourceDay: od };
  }
  if (what === 'nse') {
    const grid = readMetrics(projectDir, runId).get(`${entry}/nse`);
    if (!grid) throw new Error(`run ${runId} has no NSE map of '${entry}'`);
    return { values: masked(ds, grid), sourceDay: null };
  }
  if (what === 'param') {
    const [kind, name] = entry.split('/');
    const run = listRuns(projectDir).find((r) => r.id === runId);
    const q = run?.parameters[kind ?? '']?.parameters[name ?? ''];
    if (!q) throw new Error(`run ${runId} has no learned parameter '${entry}'`);
    const out = new Float32Array(n).fill(Number.NaN);
    for (let c = 0; c < n; c++) {
      const lc = ds.staticLayers.landCover[c]!;
      if (!ds.mask[c] || !lc) continue;
      const pft = (LAND_COVER_TO_PFT as Record<number, { pft: number } | undefined>)[lc]?.pft;
      if (pft !== undefined) out[c] = q.values[pft] ?? Number.NaN;
    }
    return { values: out, sourceDay: null };
  }
  throw new Error(`unknown run layer kind '${what}'`);
}

export interface LayerGrid {
  readonly values: Float32Array;
  readonly sourceDay: number | null;
}

/** The values of one layer on one day (NaN = missing), or throws for an unknown layer. */
export function layerGrid(ds: Dataset, layer: string, day: number | undefined, projectDir?: string): LayerGrid {
  const n = cellCount(ds.grid);
  const d = Math.max(0, Math.min(ds.dayCount - 1, day ?? 0));
  if (layer.startsWith('run:')) {
    if (!projectDir) throw new Error('run layers need the project folder');
    return runLayerGrid(ds, projectDir, layer, d);
  }
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
  if (layer.startsWith(FRACTION_LAYER)) {
    const code = Number(layer.slice(FRACTION_LAYER.length));
    if (!Number.isInteger(code)) throw new Error(`unknown map layer '${layer}'`);
    const values = landCoverFraction(ds, code);
    if (!values) throw new Error('this dataset has no land-cover class fractions (import a land-cover GeoTIFF)');
    return { values: masked(ds, values), sourceDay: null };
  }
  const def = STATIC_LAYERS.find((s) => s.id === layer);
  if (def) return { values: masked(ds, def.read(ds)), sourceDay: null };
  throw new Error(`unknown map layer '${layer}'`);
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
    const dir = ctx.projectDir();
    const ds = await projectDataset(dir);
    return { layers: ds ? [...datasetLayers(ds), ...runLayers(ds, dir)] : [] };
  },

  async 'map.runs'(_req, ctx) {
    return { runs: listRuns(ctx.projectDir()).map(runOut) };
  },

  async 'map.grid'(req, ctx) {
    const ds = await requireDataset(ctx);
    const dir = ctx.projectDir();
    const grid = layerGrid(ds, req.layer, req.day, dir);
    const meta = (req.layer.startsWith('run:') ? runLayers(ds, dir) : datasetLayers(ds)).find((l) => l.id === req.layer);
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
      const grid = layerGrid(ds, req.layer, day, ctx.projectDir());
      frames.push({ day, sourceDay: grid.sourceDay, values: toNullable(grid.values) });
    }
    return { layer: req.layer, frames };
  },

  async 'map.clip.get'(_req, ctx) {
    const dir = ctx.projectDir();
    const clip = readClip(dir);
    const ds = await projectDataset(dir);
    return { clip: clip && ds ? clipOut(ds, clip) : null };
  },

  async 'map.clip.set'(req, ctx) {
    const dir = ctx.projectDir();
    const ds = await requireDataset(ctx);
    const given = [req.geometry, req.subbasin, req.file].filter((x) => x !== undefined).length;
    if (given !== 1) throw new Error('give exactly one of geometry, subbasin or file');
    let clip: ProjectClip;
    const createdAt = new Date().toISOString();
    if (req.geometry) clip = { name: req.name ?? 'drawn polygon', source: 'drawn', geometry: req.geometry, createdAt };
    else if (req.subbasin !== undefined) {
      const sb = ds.subbasins.find((s) => s.id === req.subbasin);
      if (!sb) throw new Error(`no subbasin ${req.subbasin}`);
      clip = { name: req.name ?? sb.name, source: `subbasin ${sb.id}`, geometry: sb.geometry, createdAt };
    } else {
      const up = await geometryFromUpload(req.file!.name, req.file!.base64, ds.grid);
      clip = { name: req.name ?? up.name, source: `file ${req.file!.name}`, geometry: up.geometry, createdAt };
    }
    const out = clipOut(ds, clip);
    if (out.cells === 0) throw new Error(`the clip '${clip.name}' does not overlap the basin`);
    await writeClip(dir, clip);
    return { clip: out };
  },

  async 'map.clip.clear'(_req, ctx) {
    return { cleared: await clearClip(ctx.projectDir()) };
  },

  async 'map.exportGeoTiff'(req, ctx) {
    const dir = ctx.projectDir();
    const ds = await requireDataset(ctx);
    const meta = [...datasetLayers(ds), ...runLayers(ds, dir)].find((l) => l.id === req.layer);
    if (!meta) throw new Error(`unknown map layer '${req.layer}'`);
    const start = Math.min(ds.dayCount - 1, req.start ?? 0);
    const end = Math.min(ds.dayCount - 1, req.end ?? start);
    if (end < start) throw new Error(`end (${end}) is before start (${start})`);
    const bands: { data: Float32Array; description: string; metadata: Record<string, string> }[] = [];
    if (meta.time === 'static') {
      bands.push({ data: layerGrid(ds, req.layer, undefined, dir).values, description: meta.label, metadata: {} });
    } else {
      const seen = new Set<number>();
      for (let d = start; d <= end; d++) {
        const g = layerGrid(ds, req.layer, d, dir);
        if (g.sourceDay === null || seen.has(g.sourceDay)) continue;
        if (meta.time === 'observations' && (g.sourceDay < start && d !== start)) continue;
        seen.add(g.sourceDay);
        const date = addDays(ds.startDate, g.sourceDay);
        bands.push({ data: g.values, description: date, metadata: { date, layer: meta.id } });
        if (bands.length > 1000) throw new Error('more than 1000 bands: choose a shorter date range');
      }
      if (bands.length === 0) throw new Error('no data in that date range');
    }
    const clip = readClip(dir);
    const mask = clip ? Uint8Array.from(clipFractions(ds.grid, ds.mask, clip), (f) => (f > 0 ? 1 : 0)) : undefined;
    const safe = req.layer.replace(/[^A-Za-z0-9._-]+/g, '_');
    const span = meta.time === 'static' ? '' : `_${addDays(ds.startDate, start)}${end > start ? `_${addDays(ds.startDate, end)}` : ''}`;
    const fileName = `${safe}${span}${clip ? '_clip' : ''}.tif`;
    const exportsDir = path.join(dir, 'exports');
    mkdirSync(exportsDir, { recursive: true });
    const target = path.join(exportsDir, fileName);
    const summary = await writeGeoTiff(target, {
      grid: ds.grid, bands, ...(mask ? { mask } : {}),
      metadata: { layer: meta.id, title: meta.label, units: meta.units, source: ds.source, ...(clip ? { clip: clip.name } : {}) },
    });
    return {
      path: summary.path, fileName, bands: summary.bands, width: summary.width, height: summary.height, bytes: summary.bytes,
      descriptions: bands.map((b) => b.description),
      base64: summary.bytes <= 20 * 1024 * 1024 ? readFileSync(summary.path).toString('base64') : null,
    };
  },

  async 'map.leafRuns'(_req, ctx) {
    const dir = ctx.projectDir();
    return { leafRunsDir: path.join(dir, LEAF_RUNS_DIR), runs: listLeafRuns(dir) };
  },

  async 'map.leafRun'(req, ctx) {
    return readLeafRun(ctx.projectDir(), req.id);
  },

  async 'map.leafUpload'(req, ctx) {
    const { name, text, ...read } = req;
    return storeLeafUpload(ctx.projectDir(), name, text, read);
  },

  async 'map.series'(req, ctx) {
    const ds = await requireDataset(ctx);
    const n = cellCount(ds.grid);
    const { cell, subbasin, clip } = req;
    if ([cell, subbasin, clip].filter((x) => x !== undefined).length !== 1) throw new Error('give exactly one of cell, subbasin or clip');
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
    } else if (clip) {
      const active = readClip(ctx.projectDir());
      if (!active) throw new Error('no clip is set: draw a polygon, import one or pick a subbasin first');
      const region = regionWeights(ds.grid, clipFractions(ds.grid, ds.mask, active), ds.mask);
      title = `Clip ${active.name} (area-weighted mean)`;
      pick = (s) => Float32Array.from(regionMeans(region, s));
    } else {
      const region = subbasinWeights(ds, subbasin!);
      title = `Subbasin ${findSubbasin(ds, subbasin!).name} (area-weighted mean)`;
      pick = (s) => Float32Array.from(regionMeans(region, s));
    }
    const series: SeriesOut[] = [
      { id: 'observed', label: 'Observed LAI', kind: 'observed', days: Array.from(obs.dayIndex), values: toNullable(pick(obs.values, nObs)) },
    ];
    if (ds.trueLai) series.push({ id: 'truth', label: 'True LAI (virtual basin)', kind: 'truth', values: toNullable(pick(ds.trueLai, ds.dayCount)) });
    // model series of one run (default: the newest finished run), aligned to the dataset's axis
    const dir = ctx.projectDir();
    const runs = listRuns(dir).filter((r) => r.status === 'finished' && r.predictions.length > 0);
    const run = req.run === undefined ? runs[0] : runs.find((r) => r.id === req.run);
    if (req.run !== undefined && !run) throw new Error(`no finished run '${req.run}' with predictions`);
    if (run) {
      for (const entry of run.predictions) {
        const p = readPrediction(dir, run.id, entry);
        const offset = daysBetween(ds.startDate, p.startDate);
        const picked = pick(p.daily, p.days);
        const aligned = new Float32Array(ds.dayCount).fill(Number.NaN);
        for (let k = 0; k < p.days; k++) if (k + offset >= 0 && k + offset < ds.dayCount) aligned[k + offset] = picked[k]!;
        const label = run.entries.find((e) => e.id === entry)?.label ?? entry;
        series.push({ id: `${run.id}:${entry}`, label: `${label} · ${runLabel(run)}`, kind: entry === 'physics-only' ? 'physics' : 'model', values: toNullable(aligned) });
      }
    }
    return {
      title,
      startDate: ds.startDate,
      dayCount: ds.dayCount,
      units: 'm2 m-2',
      ...(run?.periods ? { splits: runSplits(ds, run.periods), splitsOf: runLabel(run) } : { splits: { train: { ...ds.splits.train }, validate: { ...ds.splits.validate }, test: { ...ds.splits.test } } }),
      series,
    };
  },
};

/** A run's resolved periods (inclusive ISO dates, config.json) as day ranges on the dataset's axis. */
function runSplits(ds: Dataset, periods: Readonly<Record<string, { from: string; to: string }>>): { train: DayRange; validate: DayRange; test: DayRange } {
  const range = (name: 'train' | 'validate' | 'test'): DayRange => {
    const p = periods[name];
    if (!p) return { ...ds.splits[name] };
    return { start: daysBetween(ds.startDate, p.from), end: daysBetween(ds.startDate, p.to) + 1 };
  };
  return { train: range('train'), validate: range('validate'), test: range('test') };
}

function clipOut(ds: Dataset, clip: ProjectClip) {
  const f = clipFractions(ds.grid, ds.mask, clip);
  let cells = 0;
  for (const v of f) if (v > 0) cells++;
  return { name: clip.name, source: clip.source, geometry: clip.geometry, cellFractions: Array.from(f, (v) => Number(v.toPrecision(5))), cells };
}

async function requireDataset(ctx: HandlerContext): Promise<Dataset> {
  const ds = await projectDataset(ctx.projectDir());
  if (!ds) throw new Error('the open project has no dataset yet: create the demo dataset or import data first');
  return ds;
}
