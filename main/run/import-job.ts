/**
 * 'import' job: runs an importer and writes the result into the project's dataset in a worker
 * thread, with progress and cancellation. Nothing is written until the import has succeeded, and
 * the dataset is replaced atomically, so a refused or cancelled import leaves the project as it was.
 */
import { z } from 'zod';
import type { JobContext } from '../compute/job-context.ts';
import type { ImportParams } from '../data/importers/import-params.ts';
import { importForcingNetcdf } from '../data/importers/forcing-netcdf.ts';
import { importLai } from '../data/importers/lai.ts';
import { importLandCover, importSoil, type SoilInput, type SoilLayerName } from '../data/importers/static-layers.ts';
import { importBasins } from '../data/importers/basins.ts';
import { applyImport } from '../data/importers/project-import.ts';
import type { ImportResult } from '../data/importers/types.ts';
import type { GridSpec } from '../data/grid.ts';
import { readProjectGrid } from '../data/project-grid.ts';
import { importJobParamsSchema } from './job-params.ts';

/** checked again in the worker: jobs started without the API contract (the CLI) too */
export const paramsSchema = importJobParamsSchema;

export interface ImportJobResult {
  readonly kind: ImportResult['kind'];
  readonly written: boolean;
  readonly file?: string;
  readonly startDate?: string;
  readonly dayCount?: number;
  readonly dates?: number;
  readonly notes: string[];
}

/**
 * Runs the importer that `p` names onto `grid` (the project's, readProjectGrid); nothing is
 * written. Forcing into a project without a grid yet keeps the file's own grid.
 */
export async function runImporter(p: ImportParams, grid: GridSpec | undefined, signal?: AbortSignal, onProgress?: (fraction: number, message: string) => void): Promise<ImportResult> {
  const need = (): GridSpec => {
    if (!grid) throw new Error(`the project has no grid yet, so ${p.kind} has nothing to fill: import forcing first (its grid becomes the project's), or create the project with --bbox, --grid-from or --basin`);
    return grid;
  };
  switch (p.kind) {
    case 'forcing':
      return importForcingNetcdf(p.paths, {
        ...(grid ? { grid } : {}),
        ...(p.mapping ? { mapping: p.mapping } : {}), ...(p.units ? { units: p.units } : {}), ...(p.timeStamp ? { timeStamp: p.timeStamp } : {}),
        ...(p.minValidFraction !== undefined ? { minValidFraction: p.minValidFraction } : {}), ...(signal ? { signal } : {}),
        ...(onProgress ? { onProgress: (done: number, total: number, file: string) => onProgress((0.6 * done) / total, `reading ${file}`) } : {}),
      });
    case 'lai':
      return importLai(p.paths, {
        grid: need(),
        ...(p.datePattern ? { datePattern: p.datePattern } : {}), ...(p.scale !== undefined ? { scale: p.scale } : {}), ...(p.offset !== undefined ? { offset: p.offset } : {}),
        ...(p.nodata ? { nodata: p.nodata } : {}), ...(p.validRange ? { validRange: p.validRange } : {}), ...(p.variable ? { variable: p.variable } : {}),
        ...(p.minValidFraction !== undefined ? { minValidFraction: p.minValidFraction } : {}),
      });
    case 'landcover':
      return importLandCover(p.path, {
        grid: need(),
        ...(p.band ? { band: p.band } : {}), ...(p.nodata ? { nodata: p.nodata } : {}),
        ...(p.remap ? { remap: Object.fromEntries(Object.entries(p.remap).map(([k, v]) => [Number(k), v])) } : {}),
        ...(p.minValidFraction !== undefined ? { minValidFraction: p.minValidFraction } : {}),
      });
    case 'soil': {
      const inputs: Partial<Record<SoilLayerName, SoilInput>> = {};
      if (p.sand) inputs.sandPercent = p.sand;
      if (p.clay) inputs.clayPercent = p.clay;
      if (p.organic) inputs.organicFraction = p.organic;
      if (p.elevation) inputs.elevation = p.elevation;
      return importSoil(inputs, { grid: need() });
    }
    case 'basins':
      return importBasins(p.path, { grid: need(), ...(p.feature !== undefined ? { feature: p.feature } : {}), ...(p.dissolve ? { dissolve: true } : {}), ...(p.nameField ? { nameField: p.nameField } : {}), ...(p.idField ? { idField: p.idField } : {}) });
  }
}

export async function run(job: z.infer<typeof paramsSchema>, ctx: JobContext): Promise<ImportJobResult> {
  ctx.progress(0, `importing ${job.params.kind}`);
  const grid = (await readProjectGrid(job.projectDir))?.grid;
  const result = await runImporter(job.params, grid, ctx.signal, (f, m) => ctx.progress(f, m));
  ctx.signal.throwIfAborted();
  // a dry run makes every check the real import makes (the new dataset is built in memory) and writes nothing
  const summary = await applyImport(job.projectDir, result, {
    ...(job.params.kind === 'basins' && job.params.role ? { basinRole: job.params.role } : {}),
    ...(job.dryRun ? { dryRun: true } : {}),
    signal: ctx.signal,
    onProgress: (f, m) => ctx.progress(0.6 + 0.4 * f, m),
  });
  if (job.dryRun) {
    ctx.progress(1, 'checked; nothing written');
    return { kind: result.kind, written: false, ...('dates' in result ? { dates: result.dates.length } : {}), notes: [...summary.notes] };
  }
  ctx.log('info', `imported ${result.kind} into ${summary.file}`);
  return { kind: result.kind, written: true, file: summary.file, startDate: summary.startDate, dayCount: summary.dayCount, notes: [...summary.notes] };
}
