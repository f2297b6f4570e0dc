/**
 * The project's active clip: one polygon (drawn, imported from GeoJSON / zipped shapefile, or a
 * subbasin) kept in <project>/clip.json. The map masks cells outside it, series and exports honour
 * it. Cell weights are exact area fractions (main/data/polygon-fractions.ts).
 */
import { existsSync, promises as fs, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GridSpec } from '../../data/grid.ts';
import { importBasins } from '../../data/importers/basins.ts';
import { CLIP_FILE } from '../../run/clip-file.ts';

// the clip file's reader, writer and cell fractions live beside the evaluation, which shares them
// with training (a clipped run) and `vegdyn evaluate --clip`
export { CLIP_FILE, clipFractions, readClip, writeClip, type ProjectClip } from '../../run/clip-file.ts';

export async function clearClip(projectDir: string): Promise<boolean> {
  const file = path.join(projectDir, CLIP_FILE);
  if (!existsSync(file)) return false;
  await fs.rm(file);
  return true;
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
