import type { Command } from 'commander';
import { openProject } from '../project/project-store.ts';
import { readRecentProjects } from '../project/recent-projects.ts';
import { defaultProjectDir } from '../config/vegdyn-home.ts';

function numbers(value: string, what: string, count: number): number[] {
  const parts = value.split(',').map((x) => x.trim());
  const out = parts.map(Number);
  if (parts.length !== count || parts.some((x) => x === '') || !out.every(Number.isFinite)) throw new Error(`${what}: expected ${count} comma-separated number(s), got '${value}'`);
  return out;
}

export function registerProjectCommands(program: Command): void {
  const project = program.command('project').description('create and inspect project folders');
  project
    .command('create')
    .description('create a new project in an empty or new folder, on its own latitude/longitude grid (without a grid option the first forcing import sets it)')
    .argument('<dir>', 'project folder')
    .option('--name <name>', 'display name (default: the folder name)')
    .option('--description <text>', 'free-text description')
    .option('--grid-from <file>', 'the grid of a forcing NetCDF / GRIB file or an EPSG:4326 GeoTIFF (its cell centres, resolution and extent)')
    .option('--bbox <W,S,E,N>', 'the cells overlapping this box (degrees), on the NLDAS-2 1/8 deg lattice unless --resolution / --origin say otherwise', (v) => numbers(v, '--bbox', 4))
    .option('--resolution <deg>', 'cell size in degrees for --bbox / --basin (default 0.125)', (v) => numbers(v, '--resolution', 1)[0]!)
    .option('--origin <LON,LAT>', 'centre of any cell of the lattice for --bbox / --basin (default the NLDAS-2 origin -124.9375,25.0625)', (v) => numbers(v, '--origin', 2))
    .option('--basin <file>', 'a basin outline (GeoJSON or zipped shapefile): its bounding box plus one cell, and the outline becomes the basin mask')
    .option('--feature <name>', "with --basin: use the feature with this name (default: all features, dissolved)")
    .action(async (dir: string, opts: { name?: string; description?: string; gridFrom?: string; bbox?: number[]; resolution?: number; origin?: number[]; basin?: string; feature?: string }) => {
      const probe = async () => (await (await import('../compute/backend.ts')).initComputeBackend()).chosen;
      const { project: p, notes } = await (await import('../run/create-project.ts')).createProjectWithGrid(dir, {
        ...opts,
        bbox: opts.bbox ? [opts.bbox[0]!, opts.bbox[1]!, opts.bbox[2]!, opts.bbox[3]!] as const : undefined,
        origin: opts.origin ? [opts.origin[0]!, opts.origin[1]!] as const : undefined,
      }, probe);
      process.stdout.write(`created project '${p.manifest.name}' in ${p.dir}\n`);
      for (const n of notes) process.stdout.write(`  ${n}\n`);
    });
  project
    .command('info')
    .description('print the manifest of a project (checks it without changing anything)')
    .argument('[dir]', 'project folder (default: the demo project)')
    .action(async (dir: string | undefined) => {
      const p = await openProject(dir ?? defaultProjectDir());
      process.stdout.write(`${JSON.stringify({ dir: p.dir, ...p.manifest }, null, 2)}\n`);
    });
  project
    .command('recent')
    .description('list recently opened projects')
    .action(async () => {
      for (const p of await readRecentProjects()) process.stdout.write(`${p.openedAt}  ${p.name}  ${p.dir}\n`);
    });
}
