/**
 * The project's active clip: one polygon (drawn, imported from GeoJSON / zipped shapefile, or a
 * subbasin) kept in <project>/clip.json. The map masks cells outside it, series and exports honour
 * it. Cell weights are exact area fractions (main/data/polygon-fractions.ts), and its mean is the
 * one area-weighted mean (main/data/aggregate.ts). Its source serves the fractions as a grid.
 */
import { existsSync, promises as fs, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GridSpec } from '../data/grid.ts';
import { importBasins } from '../data/importers/basins.ts';
import { ImportError } from '../data/importers/errors.ts';
import { CLIP_FILE, clipFractions, readClip, writeClip, type ProjectClip } from '../run/clip-file.ts';
import type { DatasetMeta } from '../data/dataset-slices.ts';
import { regionWeights, type RegionWeights } from '../data/aggregate.ts';
import type { LayerSource } from './layer-source.ts';

// the clip file's reader, writer and cell fractions live beside the evaluation, which shares them
// with training (a clipped run) and `vegdyn evaluate --clip`
export { CLIP_FILE, readClip, type ProjectClip };

export async function clearClip(projectDir: string): Promise<boolean> {
  const file = path.join(projectDir, CLIP_FILE);
  if (!existsSync(file)) return false;
  await fs.rm(file);
  return true;
}

/** A clip request the engine cannot use (bad file, several features without a choice, outside the basin): a request error. */
export class ClipInputError extends Error {
  constructor(message: string, readonly field: string) {
    super(message);
    this.name = 'ClipInputError';
  }
}

/**
 * Reads the polygon of an uploaded GeoJSON or zipped shapefile (through the basins importer, so
 * invalid geometry is refused naming the feature). A file of several features needs a choice:
 * one feature by name, or all of them dissolved.
 */
export async function geometryFromUpload(fileName: string, base64: string, grid: GridSpec, choice: { feature?: string | undefined; dissolve?: boolean | undefined } = {}): Promise<{ name: string; geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon }> {
  const ext = path.extname(fileName).toLowerCase();
  if (!['.geojson', '.json', '.zip'].includes(ext)) throw new ClipInputError(`'${fileName}': choose a GeoJSON (.geojson, .json) or a zipped shapefile (.zip)`, 'file.name');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-clip-'));
  try {
    const file = path.join(dir, `upload${ext}`);
    await fs.writeFile(file, Buffer.from(base64, 'base64'));
    let imported;
    try {
      imported = await importBasins(file, { grid, ...(choice.feature !== undefined ? { feature: choice.feature } : {}), ...(choice.dissolve ? { dissolve: true } : {}) });
    } catch (err) {
      if (err instanceof ImportError) throw new ClipInputError(err.message.replace(file, `'${fileName}'`), 'file');
      throw err;
    }
    if (imported.features.length > 1) {
      const names = imported.features.map((f) => `'${f.name}'`);
      throw new ClipInputError(`'${fileName}' holds ${imported.features.length} features (${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''}); choose one by name (file.feature) or merge them all (file.dissolve)`, 'file.feature');
    }
    const first = imported.features[0]!;
    return { name: first.name || path.basename(fileName, ext), geometry: first.geometry };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** A clip resolved on the dataset's grid: its fractions (basin cells only), region weights and cell count. */
export type ClipSource = LayerSource<'clip', { readonly clip: ProjectClip }> & {
  readonly fractions: Float32Array;
  readonly region: RegionWeights;
  /** cells with any part inside */
  readonly cells: number;
};

export function clipSource(meta: DatasetMeta, clip: ProjectClip): ClipSource {
  const fractions = clipFractions(meta.grid, meta.mask, clip);
  let cells = 0;
  for (const v of fractions) if (v > 0) cells++;
  const shown = Float32Array.from(fractions, (f) => (f > 0 ? f : Number.NaN));
  return {
    kind: 'clip', props: { clip }, fractions, region: regionWeights(meta.grid, fractions, meta.mask), cells,
    layer: { id: 'clip', label: `Clip ${clip.name}`, group: 'Clip', units: 'fraction', kind: 'sequential', time: 'static', range: [0, 1], colormap: 'viridis', description: "Share of each basin cell's area inside the clip" },
    grid: () => ({ values: shown, sourceDay: null }),
  };
}

/** The project's active clip resolved on the grid, or null. */
export function activeClip(projectDir: string, meta: DatasetMeta): ClipSource | null {
  const clip = readClip(projectDir);
  return clip ? clipSource(meta, clip) : null;
}

/** The clip as the map requests return it. */
export function clipForMap(source: ClipSource) {
  const { clip } = source.props;
  return { name: clip.name, source: clip.source, geometry: clip.geometry, cellFractions: Array.from(source.fractions, (v) => Number(v.toPrecision(5))), cells: source.cells };
}

export interface ClipChoice {
  readonly name?: string | undefined;
  readonly geometry?: GeoJSON.Polygon | GeoJSON.MultiPolygon | undefined;
  readonly subbasin?: number | undefined;
  readonly file?: { readonly name: string; readonly base64: string; readonly feature?: string | undefined; readonly dissolve?: boolean | undefined } | undefined;
}

/** Makes the project's clip from exactly one of a drawn geometry, a subbasin or an uploaded file; refuses one that misses the basin. */
export async function setClip(projectDir: string, meta: DatasetMeta, choice: ClipChoice): Promise<ClipSource> {
  const given = [choice.geometry, choice.subbasin, choice.file].filter((x) => x !== undefined).length;
  if (given !== 1) throw new ClipInputError('give exactly one of geometry, subbasin or file', 'geometry');
  let clip: ProjectClip;
  const createdAt = new Date().toISOString();
  if (choice.geometry) clip = { name: choice.name ?? 'drawn polygon', source: 'drawn', geometry: choice.geometry, createdAt };
  else if (choice.subbasin !== undefined) {
    const sb = meta.subbasins.find((s) => s.id === choice.subbasin);
    if (!sb) throw new ClipInputError(`no subbasin ${choice.subbasin}`, 'subbasin');
    clip = { name: choice.name ?? sb.name, source: `subbasin ${sb.id}`, geometry: sb.geometry, createdAt };
  } else {
    const up = await geometryFromUpload(choice.file!.name, choice.file!.base64, meta.grid, choice.file!);
    clip = { name: choice.name ?? up.name, source: `file ${choice.file!.name}`, geometry: up.geometry, createdAt };
  }
  const source = clipSource(meta, clip);
  if (source.cells === 0) throw new ClipInputError(`the clip '${clip.name}' does not overlap the basin`, choice.file ? 'file' : choice.geometry ? 'geometry' : 'subbasin');
  await writeClip(projectDir, clip);
  return source;
}
