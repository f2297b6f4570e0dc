/**
 * GeoTIFF export of the layer the map shows: one band per date in [start, end] (observation
 * layers: one per observation date in range), or one band for static layers, masked to the active
 * clip, written to <project>/exports/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { DatasetSlices } from '../data/dataset-slices.ts';
import { addDays } from '../data/time-axis.ts';
import { writeGeoTiff } from '../export/geotiff.ts';
import { findLayerSource } from './catalogue.ts';
import { activeClip } from './clip.ts';

/** More bands than this are refused: choose a shorter range. */
const MAX_BANDS = 1000;

export interface LayerExport {
  readonly path: string;
  readonly fileName: string;
  readonly bands: number;
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
  readonly descriptions: string[];
}

export async function exportLayerGeoTiff(slices: DatasetSlices, projectDir: string, layerId: string, startDay?: number, endDay?: number): Promise<LayerExport> {
  const meta = slices.meta;
  const source = findLayerSource(slices, layerId, projectDir);
  const layer = source.layer;
  const start = Math.min(meta.dayCount - 1, startDay ?? 0);
  const end = Math.min(meta.dayCount - 1, endDay ?? start);
  if (end < start) throw new Error(`end (${end}) is before start (${start})`);
  const bands: { data: Float32Array; description: string; metadata: Record<string, string> }[] = [];
  if (layer.time === 'static') {
    bands.push({ data: source.grid(0).values, description: layer.label, metadata: {} });
  } else {
    const seen = new Set<number>();
    for (let d = start; d <= end; d++) {
      const g = source.grid(d);
      if (g.sourceDay === null || seen.has(g.sourceDay)) continue;
      if (layer.time === 'observations' && g.sourceDay < start && d !== start) continue;
      seen.add(g.sourceDay);
      const date = addDays(meta.startDate, g.sourceDay);
      bands.push({ data: g.values, description: date, metadata: { date, layer: layer.id } });
      if (bands.length > MAX_BANDS) throw new Error(`more than ${MAX_BANDS} bands: choose a shorter date range`);
    }
    if (bands.length === 0) throw new Error('no data in that date range');
  }
  const clip = activeClip(projectDir, meta);
  const mask = clip ? Uint8Array.from(clip.fractions, (f) => (f > 0 ? 1 : 0)) : undefined;
  const safe = layer.id.replace(/[^A-Za-z0-9._-]+/g, '_');
  const span = layer.time === 'static' ? '' : `_${addDays(meta.startDate, start)}${end > start ? `_${addDays(meta.startDate, end)}` : ''}`;
  const fileName = `${safe}${span}${clip ? '_clip' : ''}.tif`;
  const exportsDir = path.join(projectDir, 'exports');
  mkdirSync(exportsDir, { recursive: true });
  const summary = await writeGeoTiff(path.join(exportsDir, fileName), {
    grid: meta.grid, bands, ...(mask ? { mask } : {}),
    metadata: { layer: layer.id, title: layer.label, units: layer.units, source: meta.source, ...(clip ? { clip: clip.props.clip.name } : {}) },
  });
  return { path: summary.path, fileName, bands: summary.bands, width: summary.width, height: summary.height, bytes: summary.bytes, descriptions: bands.map((b) => b.description) };
}
