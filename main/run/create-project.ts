/**
 * Creating a project on its own grid: `vegdyn project create DIR --grid-from FILE | --bbox W,S,E,N
 * [--resolution DEG] [--origin LON,LAT] | --basin FILE`, and the Project panel's "New project...".
 * Everything is checked before the folder is made, so a refused grid leaves nothing behind.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createProject, type OpenProject } from '../project/project-store.ts';
import { cellCount, describeGrid, type GridSpec } from '../data/grid.ts';
import { gridFromBbox, type Bbox } from '../data/grid-definition.ts';
import { writeProjectOutline } from '../data/project-grid.ts';
import type { BasinGrid } from '../data/importers/grid-from-file.ts';
import { DEMO_PRESET } from '../training/run-config.ts';
import { describeCapacityRefusal, wasmGridCapacity } from '../training/grid-capacity.ts';

/** What a project's grid is made from; exactly one of gridFrom, bbox, basin (or none: the first forcing import sets it). */
export interface GridChoice {
  readonly gridFrom?: string;
  readonly bbox?: Bbox;
  readonly resolution?: number;
  readonly origin?: readonly [number, number];
  readonly basin?: string;
  /** with basin: the one feature to use, by name (default: all features, dissolved) */
  readonly feature?: string;
}

export interface CreatedProject {
  readonly project: OpenProject;
  readonly grid: GridSpec | undefined;
  readonly notes: string[];
}

/** Above this many cells even the dataset's forcing (a year of 7 daily float grids) stops fitting in memory comfortably. */
export const MAX_PROJECT_CELLS = 250_000;

export class CreateProjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CreateProjectError';
  }
}

function definedBy(c: GridChoice): string {
  if (c.gridFrom) return `--grid-from ${path.basename(c.gridFrom)}`;
  if (c.basin) return `--basin ${path.basename(c.basin)}${c.feature ? ` --feature ${c.feature}` : ''}`;
  return `--bbox ${c.bbox!.join(',')}${c.resolution !== undefined ? ` --resolution ${c.resolution}` : ''}${c.origin ? ` --origin ${c.origin.join(',')}` : ''}`;
}

/** Which backend would train: only asked when the grid is over the wasm limit (loading tfjs takes a moment). */
export type BackendProbe = () => Promise<string>;

export async function createProjectWithGrid(dir: string, options: { name?: string; description?: string } & GridChoice, probeBackend?: BackendProbe): Promise<CreatedProject> {
  const given = [options.gridFrom, options.bbox, options.basin].filter((x) => x !== undefined).length;
  if (given > 1) throw new CreateProjectError('give only one of --grid-from, --bbox and --basin');
  if ((options.resolution !== undefined || options.origin) && options.gridFrom) throw new CreateProjectError('--resolution and --origin go with --bbox or --basin, not with --grid-from (the file defines its cells)');
  if (options.feature !== undefined && !options.basin) throw new CreateProjectError('--feature goes with --basin');
  const abs = path.resolve(dir);
  if (existsSync(path.join(abs, 'project.json'))) throw new CreateProjectError(`${abs}: already holds a project (project.json); open it instead`);
  const notes: string[] = [];
  let grid: GridSpec | undefined;
  let outline: BasinGrid['outline'] | undefined;
  const lattice = { ...(options.resolution !== undefined ? { resolution: options.resolution } : {}), ...(options.origin ? { origin: options.origin } : {}) };
  if (options.gridFrom) {
    grid = await (await import('../data/importers/grid-from-file.ts')).gridFromFile(options.gridFrom);
  } else if (options.bbox) {
    grid = gridFromBbox(options.bbox, lattice);
  } else if (options.basin) {
    const b = await (await import('../data/importers/grid-from-file.ts')).gridFromBasin(options.basin, { ...lattice, ...(options.feature !== undefined ? { feature: options.feature } : {}) });
    grid = b.grid;
    outline = b.outline;
    notes.push(b.featureCount > 1 ? `outline: the ${b.featureCount} features dissolved into one basin (choose one with --feature NAME)` : `outline: '${String(b.outline.properties?.['name'])}'`);
  }
  if (grid) {
    const cells = cellCount(grid);
    if (cells > MAX_PROJECT_CELLS) {
      throw new CreateProjectError(`the grid (${describeGrid(grid)}) has ${cells} cells; VegDyn holds at most ${MAX_PROJECT_CELLS} per project. Use a smaller extent or a coarser resolution (--bbox W,S,E,N --resolution DEG)`);
    }
    const cap = wasmGridCapacity(grid, DEMO_PRESET);
    if (!cap.fits) {
      const backend = probeBackend ? await probeBackend() : 'wasm';
      if (backend === 'wasm' || backend === 'cpu') throw new CreateProjectError(`${describeCapacityRefusal(cap, DEMO_PRESET, backend)} (demo preset)`);
      notes.push(`the grid is over the wasm backend's limit of ${cap.maxCells} cells for the demo preset; the ${backend} backend in use has no such limit`);
    }
    notes.push(`grid: ${describeGrid(grid)} (${definedBy(options)})`);
  } else {
    notes.push('no grid yet: the first forcing import gives the project the forcing file\'s grid');
  }
  const project = await createProject(abs, {
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.description !== undefined ? { description: options.description } : {}),
    ...(grid ? { grid: { ...grid, definedBy: definedBy(options) } } : {}),
  });
  if (outline) await writeProjectOutline(abs, outline);
  return { project, grid, notes };
}
