/**
 * The project's active clip: one polygon (drawn, imported from GeoJSON / zipped shapefile, or a
 * subbasin) kept in <project>/clip.json. The map masks cells outside it, series and exports honour
 * it. Cell weights are exact area fractions (main/data/polygon-fractions.ts).
 */
import { existsSync, readFileSync, promises as fs, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GridSpec } from '../../data/grid.ts';
import { polygonCellFractions } from '../../data/polygon-fractions.ts';
import { importBasins } from '../../data/importers/basins.ts';
import { writeFileAtomic } from '../../project/atomic-write.ts';

export const CLIP_FILE = 'clip.json';

export interface ProjectClip {
  readonly name: string;
  /** how it was made: 'drawn', 'subbasin <id>', 'file <name>' */
  readonly source: string;
  readonly geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon;
  readonly createdAt: string;
}

export function readClip(projectDir: string): ProjectClip | null {
  const file = path.join(projectDir, CLIP_FILE);
  if (!existsSync(file)) return null;
  const o = JSON.parse(readFileSync(file, 'utf8')) as ProjectClip;
  if (!o || (o.geometry?.type !== 'Polygon' && o.geometry?.type !== 'MultiPolygon')) throw new Error(`${file}: not a clip (needs a Polygon or MultiPolygon geometry)`);
  return o;
}

export async function writeClip(projectDir: string, clip: ProjectClip): Promise<void> {
  await writeFileAtomic(path.join(projectDir, CLIP_FILE), `${JSON.stringify(clip)}\n`);
}

export async function clearClip(projectDir: string): Promise<boolean> {
  const file = path.join(projectDir, CLIP_FILE);
  if (!existsSync(file)) return false;
  await fs.rm(file);
  return true;
}

/** Area fraction of each cell inside the clip, restricted to the basin mask. */
export function clipFractions(grid: GridSpec, mask: Uint8Array, clip: ProjectClip): Float32Array {
  const f = polygonCellFractions(grid, clip.geometry);
  for (let c = 0; c < f.length; c++) if (!mask[c]) f[c] = 0;
  return f;
}

/** Reads the first polygon of an uploaded GeoJSON or zipped shapefile (through the basins importer). */
export async function geometryFromUpload(fileName: string, base64: string, grid: GridSpec): Promise<{ name: string; geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon }> {
  const ext = path.extname(fileName).toLowerCase();
  if (!['.geojson', '.json', '.zip'].includes(ext)) throw new Error(`'${fileName}': choose a GeoJSON (.geojson, .json) or a zipped shapefile (.zip)`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-clip-'));
  try {
    const file = path.join(dir, `upload${ext}`);
    await fs.writeFile(file, Buffer.from(base64, 'base64'));
    const imported = await importBasins(file, { grid });
    const first = imported.features[0];
    if (!first) throw new Error(`'${fileName}' holds no polygon`);
    return { name: first.name || path.basename(fileName, ext), geometry: first.geometry };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
