/**
 * Handlers of the map requests (main/api/requests/map.ts): thin. They validate what the contract
 * cannot, call main/map (layer catalogue and sources, series, clip, export) and shape the reply.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { HandlerContext, HandlersFor } from '../define.ts';
import type { mapRequests } from '../requests/map.ts';
import { sessionOf } from '../session.ts';
import { addDays } from '../../data/time-axis.ts';
import { clampDay, findLayerSource, layerCatalogue } from '../../map/catalogue.ts';
import { ApiError } from '../api-error.ts';
import { activeClip, clearClip, ClipInputError, clipForMap, setClip } from '../../map/clip.ts';
import { exportLayerGeoTiff } from '../../map/export-layer.ts';
import { projectDataset, requireProjectDataset } from '../../map/project-dataset.ts';
import { listRuns } from '../../map/run-listing.ts';
import { runForMap } from '../../map/runs-for-map.ts';
import { mapSeries, type MapSeries } from '../../map/series.ts';
import { scenarioSeries } from '../../map/scenario-series.ts';
import type { DatasetMeta } from '../../data/dataset-slices.ts';
import { datasetSummary } from '../../map/summary.ts';
import { missingLayers } from '../../map/missing-layers.ts';
import { readProjectGrid } from '../../data/project-grid.ts';
import { gridBounds } from '../../data/grid.ts';
import { LEAF_RUNS_DIR, listLeafRuns, readLeafRun, storeLeafUpload } from './map-leaf.ts';
import { toNullable } from '../binary-wire.ts';

/** GeoTIFFs up to this size also travel back base64 for download. */
const INLINE_EXPORT_BYTES = 20 * 1024 * 1024;

const datasetOf = (ctx: HandlerContext) => requireProjectDataset(ctx.projectDir());

export const mapHandlers: HandlersFor<typeof mapRequests> = {
  async 'map.summary'(_req, ctx) {
    const dir = ctx.projectDir();
    const name = sessionOf(ctx).project?.manifest.name ?? dir;
    const ds = await projectDataset(dir);
    const own = ds ? { grid: ds.meta.grid, from: 'dataset' as const } : await readProjectGrid(dir);
    return {
      project: { name, dir },
      projectGrid: own ? { grid: { ...own.grid }, bounds: gridBounds(own.grid), from: own.from } : null,
      dataset: ds ? datasetSummary(ds.meta) : null,
    };
  },

  async 'map.layers'(_req, ctx) {
    const dir = ctx.projectDir();
    const ds = await projectDataset(dir);
    const missing = missingLayers(ds?.meta ?? null, listRuns(dir));
    // a layer that would only show empty grids (observed LAI before any was imported) is listed as missing instead
    const absent = new Set(missing.map((m) => m.id));
    return { layers: ds ? layerCatalogue(ds, dir).filter((l) => !absent.has(l.id)) : [], missing };
  },

  async 'map.runs'(_req, ctx) {
    return { runs: listRuns(ctx.projectDir()).map(runForMap) };
  },

  async 'map.grid'(req, ctx) {
    const ds = await datasetOf(ctx);
    const source = findLayerSource(ds, req.layer, ctx.projectDir());
    const grid = source.grid(clampDay(ds, req.day));
    return {
      layer: req.layer,
      day: source.layer.time === 'static' ? null : (req.day ?? 0),
      sourceDay: grid.sourceDay,
      sourceDate: grid.sourceDay === null ? null : addDays(ds.meta.startDate, grid.sourceDay),
      values: grid.values,
    };
  },

  async 'map.grids'(req, ctx) {
    const ds = await datasetOf(ctx);
    const source = findLayerSource(ds, req.layer, ctx.projectDir());
    const end = Math.min(ds.meta.dayCount, req.start + req.count);
    const frames = [];
    for (let day = req.start; day < end; day++) {
      const grid = source.grid(day);
      frames.push({ day, sourceDay: grid.sourceDay, values: grid.values });
    }
    return { layer: req.layer, frames };
  },

  async 'map.clip.get'(_req, ctx) {
    const dir = ctx.projectDir();
    const ds = await projectDataset(dir);
    const clip = ds && activeClip(dir, ds.meta);
    return { clip: clip ? clipForMap(clip) : null };
  },

  async 'map.clip.set'(req, ctx) {
    const ds = await datasetOf(ctx);
    try {
      return { clip: clipForMap(await setClip(ctx.projectDir(), ds.meta, req)) };
    } catch (err) {
      // a file or polygon the clip cannot use is the request's fault (HTTP 400), not the engine's
      if (err instanceof ClipInputError) throw new ApiError({ code: 'invalid-request', message: err.message, field: err.field });
      throw err;
    }
  },

  async 'map.clip.clear'(_req, ctx) {
    return { cleared: await clearClip(ctx.projectDir()) };
  },

  async 'map.exportGeoTiff'(req, ctx) {
    const ds = await datasetOf(ctx);
    const out = await exportLayerGeoTiff(ds, ctx.projectDir(), req.layer, req.start, req.end);
    return { ...out, base64: out.bytes <= INLINE_EXPORT_BYTES ? readFileSync(out.path).toString('base64') : null };
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
    const ds = await datasetOf(ctx);
    const { cell, subbasin, clip } = req;
    if ([cell, subbasin, clip].filter((x) => x !== undefined).length !== 1) throw new Error('give exactly one of cell, subbasin or clip');
    const where = cell !== undefined ? { cell } : subbasin !== undefined ? { subbasin } : { clip: true as const };
    return seriesReply(ds.meta, mapSeries(ds, ctx.projectDir(), where, req.run));
  },

  async 'map.scenarioSeries'(req, ctx) {
    const ds = await datasetOf(ctx);
    const { cell, subbasin } = req;
    if ([cell, subbasin].filter((x) => x !== undefined).length !== 1) throw new Error('give exactly one of cell or subbasin');
    return seriesReply(ds.meta, scenarioSeries(ds.meta, ctx.projectDir(), req.run, req.scenario, cell !== undefined ? { cell } : { subbasin: subbasin! }));
  },
};

/** a chart's series as the wire carries them (null for NaN) */
function seriesReply(meta: DatasetMeta, out: MapSeries) {
  return {
    title: out.title,
    startDate: meta.startDate,
    dayCount: meta.dayCount,
    units: 'm2 m-2',
    splits: out.splits,
    ...(out.splitsOf !== undefined ? { splitsOf: out.splitsOf } : {}),
    series: out.series.map((s) => ({ ...s, values: toNullable(s.values) })),
  };
}
