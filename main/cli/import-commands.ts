/**
 * `vegdyn import forcing|lai|landcover|soil|basins <path...> --project DIR`: reads real-format
 * files into the project's dataset. Each command first imports into memory (nothing written), then
 * replaces the dataset atomically; a refused import leaves the project as it was.
 */
import type { Command } from 'commander';
import { openOrCreateProject, openProject } from '../project/project-store.ts';
import type { ForcingImportOptions } from '../data/importers/forcing-netcdf.ts';
import { SOURCE_ROLES, type SourceRole } from '../data/importers/forcing-units.ts';
import type { SoilInput, SoilLayerName } from '../data/importers/static-layers.ts';
import type { ApplySummary, ApplyOptions } from '../data/importers/project-import.ts';
import type { ImportResult } from '../data/importers/types.ts';
import type { GridSpec } from '../data/grid.ts';

// The readers (gdal3.js, h5wasm, the GRIB decoder) load only inside the command that runs, so
// `vegdyn --help` and the other commands start without them.
const importers = {
  forcing: () => import('../data/importers/forcing-netcdf.ts'),
  lai: () => import('../data/importers/lai.ts'),
  staticLayers: () => import('../data/importers/static-layers.ts'),
  basins: () => import('../data/importers/basins.ts'),
};

function pairs(value: string, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`${what}: expected NAME=VALUE pairs separated by commas, got '${part}'`);
    out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

function numberList(value: string, what: string): number[] {
  return value.split(',').map((s) => {
    const v = Number(s.trim());
    if (s.trim() === '' || !Number.isFinite(v)) throw new Error(`${what}: '${s}' is not a number`);
    return v;
  });
}

function num(value: string, what: string): number {
  const v = Number(value);
  if (!Number.isFinite(v)) throw new Error(`${what}: '${value}' is not a number`);
  return v;
}

function fraction(value: string): number {
  const v = Number(value);
  if (!(v > 0 && v <= 1)) throw new Error(`--min-valid: expected a fraction in (0, 1], got '${value}'`);
  return v;
}

interface Common { project: string; dryRun?: boolean; json?: boolean }

/** The project's grid (dataset.nc, else project.json); undefined when the project has none yet. */
async function projectGrid(dir: string): Promise<GridSpec | undefined> {
  return (await (await import('../data/project-grid.ts')).readProjectGrid(dir))?.grid;
}

/** The grid an import other than forcing fills: refused, naming the way out, when the project has none. */
async function requiredGrid(dir: string, what: string): Promise<GridSpec> {
  return (await import('../data/project-grid.ts')).requireProjectGrid(dir, `importing ${what}`);
}

async function finish(result: ImportResult, opts: Common, extra: ApplyOptions = {}): Promise<void> {
  const describe = describeResult(result);
  let last = -1;
  const { applyImport } = await import('../data/importers/project-import.ts');
  // a dry run makes every check the real import makes (it builds the new dataset in memory) and writes nothing
  const summary: ApplySummary = await applyImport(opts.project, result, {
    ...extra,
    ...(opts.dryRun ? { dryRun: true } : {}),
    onProgress: (f, message) => {
      const pct = Math.floor(f * 100);
      if (!opts.json && pct >= last + 10) { last = pct; process.stderr.write(`[${String(pct).padStart(3)}%] ${message}\n`); }
    },
  });
  if (opts.json) process.stdout.write(`${JSON.stringify({ ...(opts.dryRun ? { dryRun: true } : {}), ...describe, ...summary }, null, 2)}\n`);
  else {
    process.stdout.write(opts.dryRun
      ? `checked (nothing written): ${result.kind} would give ${summary.startDate} + ${summary.dayCount} days, ${summary.observations} LAI dates, ${summary.maskCells} basin cells\n`
      : `imported ${result.kind} into ${summary.file}: ${summary.startDate} + ${summary.dayCount} days, ${summary.observations} LAI dates, ${summary.maskCells} basin cells\n`);
    for (const note of summary.notes) process.stdout.write(`  note: ${note}\n`);
  }
}

function describeResult(r: ImportResult): Record<string, unknown> {
  switch (r.kind) {
    case 'forcing': return { kind: r.kind, days: r.dates.length, from: r.dates[0], to: r.dates.at(-1), coverage: r.coverage, notes: r.notes };
    case 'lai': return { kind: r.kind, dates: r.dates.length, from: r.dates[0], to: r.dates.at(-1) };
    case 'landcover': return { kind: r.kind, classes: [...r.fractions.keys()], classifiedCells: r.majority.reduce((a, m) => a + (m ? 1 : 0), 0) };
    case 'soil': return { kind: r.kind, layers: Object.keys(r.layers) };
    case 'basins': return { kind: r.kind, features: r.features.map((f) => `${f.id}:${f.name}`) };
  }
}

export function registerImportCommands(program: Command): void {
  const imp = program.command('import').description('import real-format data (NetCDF, GRIB, GeoTIFF, GeoJSON, zipped shapefile) into a project');
  const common = (c: Command) => c
    .requiredOption('--project <dir>', 'project folder')
    .option('--dry-run', 'read and check the input, write nothing')
    .option('--json', 'print a machine-readable summary');

  common(imp.command('forcing')
    .description('daily forcing from NetCDF4 / NetCDF3 or GRIB1 / GRIB2 (e.g. NLDAS-2 hourly) files or folders (concatenated in time); sub-daily steps are aggregated')
    .argument('<paths...>', 'NetCDF or GRIB files or folders')
    .option('--map <pairs>', `source variable per role, e.g. Tair=t2m,Rainf=tp (roles: ${SOURCE_ROLES.join(', ')})`)
    .option('--units <pairs>', "units per source variable when missing or wrong, e.g. tp=m,t2m=K")
    .option('--time-stamp <where>', 'what time stamps mark within their step when the file has no time bounds: auto, start, middle, end', 'auto')
    .option('--min-valid <fraction>', 'minimum valid source area per project cell', fraction))
    .action(async (paths: string[], opts: Common & { map?: string; units?: string; timeStamp: string; minValid?: number }) => {
      const mapping = opts.map ? pairs(opts.map, '--map') : {};
      for (const k of Object.keys(mapping)) if (!(SOURCE_ROLES as readonly string[]).includes(k)) throw new Error(`--map: unknown role '${k}' (roles: ${SOURCE_ROLES.join(', ')})`);
      if (!['auto', 'start', 'middle', 'end'].includes(opts.timeStamp)) throw new Error(`--time-stamp: expected auto, start, middle or end, got '${opts.timeStamp}'`);
      if (!opts.dryRun) await openOrCreateProject(opts.project);
      const grid = await projectGrid(opts.project);
      const options: ForcingImportOptions = {
        ...(grid ? { grid } : {}),
        mapping: mapping as Partial<Record<SourceRole, string>>,
        ...(opts.units ? { units: pairs(opts.units, '--units') } : {}),
        timeStamp: opts.timeStamp as ForcingImportOptions['timeStamp'],
        ...(opts.minValid !== undefined ? { minValidFraction: opts.minValid } : {}),
        onProgress: (done, total, file) => { if (!opts.json) process.stderr.write(`reading ${done + 1}/${total} ${file}\n`); },
      };
      await finish(await (await importers.forcing()).importForcingNetcdf(paths, options), opts);
    });

  common(imp.command('lai')
    .description('LAI observations from GeoTIFFs (one per date, or multiband with band dates) or NetCDF')
    .argument('<paths...>', 'files or folders')
    .option('--date-pattern <template>', "file-name template, e.g. 'GLOBMAP_LAI_{YYYY}{DOY}.tif' ({YYYY} {YY} {MM} {DD} {DOY}, * = anything)")
    .option('--scale <s>', 'scale factor overriding the file (e.g. 0.01)', (v) => num(v, '--scale'))
    .option('--offset <o>', 'offset overriding the file', (v) => num(v, '--offset'))
    .option('--nodata <values>', 'extra raw no-data values, comma-separated', (v) => numberList(v, '--nodata'))
    .option('--valid-range <lo,hi>', 'valid LAI range after scaling (default 0,10)', (v) => numberList(v, '--valid-range'))
    .option('--variable <name>', 'NetCDF variable holding LAI')
    .option('--min-valid <fraction>', 'minimum valid area per project cell (default 0.5)', fraction))
    .action(async (paths: string[], opts: Common & { datePattern?: string; scale?: number; offset?: number; nodata?: number[]; validRange?: number[]; variable?: string; minValid?: number }) => {
      if (opts.validRange && (opts.validRange.length !== 2 || opts.validRange[0]! >= opts.validRange[1]!)) throw new Error('--valid-range: expected LO,HI with LO < HI');
      if (!opts.dryRun) await openProject(opts.project);
      const result = await (await importers.lai()).importLai(paths, {
        grid: await requiredGrid(opts.project, 'LAI'),
        ...(opts.datePattern ? { datePattern: opts.datePattern } : {}),
        ...(opts.scale !== undefined ? { scale: opts.scale } : {}),
        ...(opts.offset !== undefined ? { offset: opts.offset } : {}),
        ...(opts.nodata ? { nodata: opts.nodata } : {}),
        ...(opts.validRange ? { validRange: [opts.validRange[0]!, opts.validRange[1]!] as const } : {}),
        ...(opts.variable ? { variable: opts.variable } : {}),
        ...(opts.minValid !== undefined ? { minValidFraction: opts.minValid } : {}),
      });
      await finish(result, opts);
    });

  common(imp.command('landcover')
    .description('land cover classes from a GeoTIFF: majority class and class fractions per cell')
    .argument('<file>', 'GeoTIFF of integer class codes')
    .option('--band <n>', 'band number', (v) => num(v, '--band'))
    .option('--nodata <values>', 'extra no-data codes, comma-separated', (v) => numberList(v, '--nodata'))
    .option('--remap <pairs>', 'recode classes, e.g. 2=1,5=4', (v) => pairs(v, '--remap')))
    .action(async (file: string, opts: Common & { band?: number; nodata?: number[]; remap?: Record<string, string> }) => {
      if (!opts.dryRun) await openProject(opts.project);
      const remap = opts.remap ? Object.fromEntries(Object.entries(opts.remap).map(([k, v]) => [Number(k), Number(v)])) : undefined;
      if (remap && Object.entries(remap).some(([k, v]) => !Number.isInteger(Number(k)) || !Number.isInteger(v))) throw new Error('--remap: codes must be integers');
      await finish(await (await importers.staticLayers()).importLandCover(file, { grid: await requiredGrid(opts.project, 'land cover'), ...(opts.band ? { band: opts.band } : {}), ...(opts.nodata ? { nodata: opts.nodata } : {}), ...(remap ? { remap } : {}) }), opts);
    });

  common(imp.command('soil')
    .description('soil texture from GeoTIFFs: area-weighted sand %, clay % and organic-matter fraction')
    .option('--sand <file>', 'sand GeoTIFF (percent after --sand-scale)')
    .option('--clay <file>', 'clay GeoTIFF (percent after --clay-scale)')
    .option('--organic <file>', 'organic-matter GeoTIFF (fraction 0..1 after --organic-scale)')
    .option('--sand-scale <s>', 'multiply sand values, e.g. 0.1 for g/kg', (v) => num(v, '--sand-scale'))
    .option('--clay-scale <s>', 'multiply clay values', (v) => num(v, '--clay-scale'))
    .option('--organic-scale <s>', 'multiply organic values, e.g. 0.001 for g/kg', (v) => num(v, '--organic-scale')))
    .action(async (opts: Common & { sand?: string; clay?: string; organic?: string; sandScale?: number; clayScale?: number; organicScale?: number }) => {
      const inputs: Partial<Record<SoilLayerName, SoilInput>> = {};
      if (opts.sand) inputs.sandPercent = { file: opts.sand, ...(opts.sandScale !== undefined ? { scale: opts.sandScale } : {}) };
      if (opts.clay) inputs.clayPercent = { file: opts.clay, ...(opts.clayScale !== undefined ? { scale: opts.clayScale } : {}) };
      if (opts.organic) inputs.organicFraction = { file: opts.organic, ...(opts.organicScale !== undefined ? { scale: opts.organicScale } : {}) };
      if (Object.keys(inputs).length === 0) throw new Error('import soil: give at least one of --sand, --clay, --organic');
      if (!opts.dryRun) await openProject(opts.project);
      await finish(await (await importers.staticLayers()).importSoil(inputs, { grid: await requiredGrid(opts.project, 'soil') }), opts);
    });

  common(imp.command('elevation')
    .description('elevation (m) from a DEM GeoTIFF, area-weighted mean per cell (any CRS; reprojected)')
    .argument('<file>', 'DEM GeoTIFF')
    .option('--scale <s>', 'multiply values, e.g. 0.3048 for feet', (v) => num(v, '--scale')))
    .action(async (file: string, opts: Common & { scale?: number }) => {
      if (!opts.dryRun) await openProject(opts.project);
      await finish(await (await importers.staticLayers()).importSoil({ elevation: { file, ...(opts.scale !== undefined ? { scale: opts.scale } : {}) } }, { grid: await requiredGrid(opts.project, 'elevation') }), opts);
    });

  common(imp.command('basins')
    .description('subbasins (or the basin outline) from GeoJSON or a zipped shapefile, reprojected from its .prj')
    .argument('<file>', '.geojson, .json, .shp or .zip')
    .option('--role <role>', "'subbasins' (replace the subbasins) or 'outline' (one polygon: basin outline and mask)", 'subbasins')
    .option('--name-field <field>', 'attribute holding the name')
    .option('--id-field <field>', 'attribute holding a numeric id')
    .option('--feature <name>', 'keep only the feature with this name (e.g. one county of many)')
    .option('--dissolve', 'merge all features into one basin (e.g. the counties that make it up)'))
    .action(async (file: string, opts: Common & { role: string; nameField?: string; idField?: string; feature?: string; dissolve?: boolean }) => {
      if (opts.role !== 'subbasins' && opts.role !== 'outline') throw new Error(`--role: expected subbasins or outline, got '${opts.role}'`);
      if (!opts.dryRun) await openProject(opts.project);
      const result = await (await importers.basins()).importBasins(file, { grid: await requiredGrid(opts.project, 'basins'), ...(opts.feature !== undefined ? { feature: opts.feature } : {}), ...(opts.dissolve ? { dissolve: true } : {}), ...(opts.nameField ? { nameField: opts.nameField } : {}), ...(opts.idField ? { idField: opts.idField } : {}) });
      await finish(result, opts, { basinRole: opts.role });
    });
}
