/**
 * The clip polygon file, `<dir>/clip.json`: the project's active clip (set from the map workspace
 * through main/map/clip.ts setClip, behind the thin map.clip.* handlers) and the copy a clipped run keeps in its own folder, so a later
 * re-evaluation uses the polygon the run was trained on even after the project's clip changed.
 * Cell weights are exact area fractions (main/data/polygon-fractions.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { GridSpec } from '../data/grid.ts';
import { polygonCellFractions } from '../data/polygon-fractions.ts';
import { writeFileAtomic } from '../project/atomic-write.ts';

export const CLIP_FILE = 'clip.json';

export interface ProjectClip {
  readonly name: string;
  /** how it was made: 'drawn', 'subbasin <id>', 'file <name>' */
  readonly source: string;
  readonly geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon;
  readonly createdAt: string;
}

/** Reads `<dir>/clip.json`; null when there is none; throws naming the file when it is not a clip. */
export function readClip(dir: string): ProjectClip | null {
  const file = path.join(dir, CLIP_FILE);
  if (!existsSync(file)) return null;
  let o: ProjectClip;
  try {
    o = JSON.parse(readFileSync(file, 'utf8')) as ProjectClip;
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!o || typeof o !== 'object' || (o.geometry?.type !== 'Polygon' && o.geometry?.type !== 'MultiPolygon')) {
    throw new Error(`${file}: not a clip (needs a Polygon or MultiPolygon geometry)`);
  }
  return o;
}

export async function writeClip(dir: string, clip: ProjectClip): Promise<void> {
  await writeFileAtomic(path.join(dir, CLIP_FILE), `${JSON.stringify(clip)}\n`);
}

/** Area fraction of each cell inside the clip, restricted to the basin mask. */
export function clipFractions(grid: GridSpec, mask: Uint8Array, clip: ProjectClip): Float32Array {
  const f = polygonCellFractions(grid, clip.geometry);
  for (let c = 0; c < f.length; c++) if (!mask[c]) f[c] = 0;
  return f;
}

/** A clip resolved on a grid: the polygon, each cell's area fraction inside it, and the cells with any. */
export interface ClipCells {
  readonly name: string;
  readonly source: string;
  readonly fractions: Float32Array;
  /** 1 where the fraction is > 0 (and the cell is in the basin) */
  readonly cells: Uint8Array;
  readonly cellCount: number;
  /** sha256 of the polygon's GeoJSON geometry (recorded in run.json: which polygon a run used) */
  readonly sha256: string;
}

/** sha256 (hex) of a clip's geometry as JSON: equal for the same polygon, whatever its name. */
export function clipGeometryHash(clip: ProjectClip): string {
  return createHash('sha256').update(JSON.stringify(clip.geometry)).digest('hex');
}

/** Resolves `clip` on the grid; throws naming `where` when it covers no basin cell. */
export function clipCells(grid: GridSpec, mask: Uint8Array, clip: ProjectClip, where: string): ClipCells {
  const fractions = clipFractions(grid, mask, clip);
  const cells = Uint8Array.from(fractions, (f) => (f > 0 ? 1 : 0));
  const cellCount = cells.reduce((s, v) => s + v, 0);
  if (cellCount === 0) throw new Error(`${where}: the clip '${clip.name}' covers no cell of the basin`);
  return { name: clip.name, source: clip.source, fractions, cells, cellCount, sha256: clipGeometryHash(clip) };
}
