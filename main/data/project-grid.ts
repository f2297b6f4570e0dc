/**
 * Where a project's grid comes from. Every reader asks here: the grid of data/dataset.nc when the
 * project has a dataset (the data are on it), else the grid in project.json (set by
 * `vegdyn project create --bbox | --grid-from | --basin`), else none yet: a project created without
 * a grid takes it from its first forcing import (the forcing file's own grid).
 *
 * The optional basin outline given at creation (`--basin`) is kept in data/outline.geojson and
 * becomes the basin and mask when the first forcing import creates the dataset.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { openProject, saveProject } from '../project/project-store.ts';
import { PROJECT_FILE, type ProjectGrid } from '../project/project-manifest.ts';
import { writeFileAtomic } from '../project/atomic-write.ts';
import { sameGrid, type GridSpec } from './grid.ts';
import { datasetPath, hasDataset, openStoreFile, readDatasetMeta } from './store/netcdf-store.ts';

export const OUTLINE_FILE = path.join('data', 'outline.geojson');

export interface ResolvedGrid {
  readonly grid: GridSpec;
  readonly from: 'dataset' | 'project';
}

/** The grid of the project's dataset, or of its manifest; undefined when it has neither. */
export async function readProjectGrid(projectDir: string): Promise<ResolvedGrid | undefined> {
  if (hasDataset(projectDir)) {
    const file = datasetPath(projectDir);
    const f = await openStoreFile(file);
    try {
      return { grid: readDatasetMeta(f, file).grid, from: 'dataset' };
    } finally {
      f.close();
    }
  }
  if (!existsSync(path.join(projectDir, PROJECT_FILE))) return undefined;
  const g = (await openProject(projectDir)).manifest.grid;
  return g ? { grid: gridOf(g), from: 'project' } : undefined;
}

/** The project's grid, or an error saying how to give the project one. */
export async function requireProjectGrid(projectDir: string, forWhat: string): Promise<GridSpec> {
  const r = await readProjectGrid(projectDir);
  if (!r) {
    throw new Error(`${path.resolve(projectDir)}: the project has no grid yet, so ${forWhat} has nothing to fill. Import forcing first (its grid becomes the project's), or create the project with 'vegdyn project create DIR --bbox W,S,E,N', '--grid-from FILE' or '--basin FILE'`);
  }
  return r.grid;
}

export function gridOf(g: ProjectGrid): GridSpec {
  return Object.freeze({ ncols: g.ncols, nrows: g.nrows, lon0: g.lon0, latTop: g.latTop, cellSize: g.cellSize });
}

/**
 * Writes the grid into project.json when the manifest has none (or a different one, after a
 * dataset was written on another grid, which applyImport refuses, so only the demo generator
 * reaches that). Folders without project.json (a bare dataset folder) are left alone.
 */
export async function recordProjectGrid(projectDir: string, grid: GridSpec, definedBy: string): Promise<void> {
  if (!existsSync(path.join(projectDir, PROJECT_FILE))) return;
  const p = await openProject(projectDir);
  const old = p.manifest.grid;
  if (old && sameGrid(gridOf(old), grid)) return;
  await saveProject(p, { grid: { ncols: grid.ncols, nrows: grid.nrows, lon0: grid.lon0, latTop: grid.latTop, cellSize: grid.cellSize, definedBy } });
}

/** Saves the outline given at creation (one GeoJSON Feature, EPSG:4326). */
export async function writeProjectOutline(projectDir: string, feature: GeoJSON.Feature<GeoJSON.Polygon | GeoJSON.MultiPolygon>): Promise<void> {
  await writeFileAtomic(path.join(projectDir, OUTLINE_FILE), `${JSON.stringify(feature)}\n`);
}

export async function readProjectOutline(projectDir: string): Promise<GeoJSON.Feature<GeoJSON.Polygon | GeoJSON.MultiPolygon> | undefined> {
  const file = path.join(projectDir, OUTLINE_FILE);
  if (!existsSync(file)) return undefined;
  const raw = JSON.parse(await fs.readFile(file, 'utf8')) as GeoJSON.Feature<GeoJSON.Polygon | GeoJSON.MultiPolygon>;
  if (raw?.type !== 'Feature' || !raw.geometry || (raw.geometry.type !== 'Polygon' && raw.geometry.type !== 'MultiPolygon')) {
    throw new Error(`${file}: expected one GeoJSON Feature with a Polygon or MultiPolygon geometry`);
  }
  return raw;
}
