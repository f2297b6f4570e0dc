/**
 * `vegdyn export geotiff|csv --project DIR ...`: project dataset layers to GeoTIFF (one band per
 * date, for any GIS) and time series to CSV (a cell, the basin or a subbasin, area-weighted).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { openProject } from '../project/project-store.ts';
import { FORCING_NAMES, FORCING_UNITS, type Dataset, type ForcingName } from '../data/dataset.ts';
import { addDays, daysBetween } from '../data/time-axis.ts';
import { cellCount } from '../data/grid.ts';
import { basinMean, subbasinMean } from '../data/aggregate.ts';
import type { GeoTiffBand } from '../export/geotiff.ts';
import type { CsvSeries } from '../export/csv.ts';

const STATIC = ['elevation', 'land_cover', 'sand_percent', 'clay_percent', 'organic_fraction', 'basin_mask'] as const;
const MAX_BANDS = 5000;

interface Layers { readonly dates: string[]; readonly series: Float32Array; readonly units: string }

/** A variable of the dataset as dated layers [layer][cell] within [from, to]. */
function layersOf(ds: Dataset, variable: string, from: string | undefined, to: string | undefined): Layers {
  const n = cellCount(ds.grid);
  const last = addDays(ds.startDate, ds.dayCount - 1);
  const lo = Math.max(0, from ? daysBetween(ds.startDate, from) : 0);
  const hi = Math.min(ds.dayCount - 1, to ? daysBetween(ds.startDate, to) : ds.dayCount - 1);
  if ((FORCING_NAMES as readonly string[]).includes(variable) || variable === 'LAI_true') {
    if (hi < lo) throw new Error(`export: no days between ${from ?? ds.startDate} and ${to ?? last} (the dataset covers ${ds.startDate} .. ${last})`);
    let series: Float32Array;
    if (variable === 'LAI_true') {
      if (!ds.trueLai) throw new Error(`export: dataset ${ds.id} has no noise-free LAI (only virtual basins do)`);
      series = ds.trueLai.subarray(lo * n, (hi + 1) * n);
    } else series = ds.forcing(variable as ForcingName, { start: lo, end: hi + 1 });
    return { dates: Array.from({ length: hi - lo + 1 }, (_, i) => addDays(ds.startDate, lo + i)), series, units: variable === 'LAI_true' ? 'm2 m-2' : FORCING_UNITS[variable as ForcingName] };
  }
  if (variable === 'LAI') {
    const rows: number[] = [];
    ds.observations.dayIndex.forEach((d, k) => { if (d >= lo && d <= hi) rows.push(k); });
    if (rows.length === 0) throw new Error(`export: no LAI observation between ${from ?? ds.startDate} and ${to ?? last}`);
    const series = new Float32Array(rows.length * n);
    rows.forEach((k, i) => series.set(ds.observations.values.subarray(k * n, (k + 1) * n), i * n));
    return { dates: rows.map((k) => addDays(ds.startDate, ds.observations.dayIndex[k]!)), series, units: 'm2 m-2' };
  }
  const s = ds.staticLayers;
  const staticLayer: Record<(typeof STATIC)[number], [ArrayLike<number>, string]> = {
    elevation: [s.elevation, 'm'], land_cover: [s.landCover, 'class code'], sand_percent: [s.sandPercent, '%'],
    clay_percent: [s.clayPercent, '%'], organic_fraction: [s.organicFraction, '1'], basin_mask: [ds.mask, '1'],
  };
  const hit = staticLayer[variable as (typeof STATIC)[number]];
  if (!hit) throw new Error(`export: unknown variable '${variable}' (choose one of ${[...FORCING_NAMES, 'LAI', 'LAI_true', ...STATIC].join(', ')})`);
  return { dates: ['static'], series: Float32Array.from(hit[0]), units: hit[1] };
}

function checkDate(value: string, what: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new Error(`${what}: expected YYYY-MM-DD, got '${value}'`);
  return value;
}

export function registerExportCommands(program: Command): void {
  const exp = program.command('export').description('export project data to GeoTIFF or CSV');

  exp.command('geotiff')
    .description('a dataset variable as a GeoTIFF, one band per date (EPSG:4326, DEFLATE, band descriptions = dates)')
    .requiredOption('--project <dir>', 'project folder')
    .requiredOption('--variable <name>', `${FORCING_NAMES.join(', ')}, LAI, LAI_true, ${STATIC.join(', ')}`)
    .option('--from <date>', 'first date (YYYY-MM-DD)', (v) => checkDate(v, '--from'))
    .option('--to <date>', 'last date (YYYY-MM-DD)', (v) => checkDate(v, '--to'))
    .option('--clip', 'write cells outside the basin mask as nodata')
    .option('--no-compress', 'uncompressed strips instead of DEFLATE tiles')
    .option('--out <file>', 'output file (default <project>/exports/<variable>_<from>_<to>.tif)')
    .action(async (opts: { project: string; variable: string; from?: string; to?: string; clip?: boolean; compress: boolean; out?: string }) => {
      const project = await openProject(opts.project);
      const [{ openDataset }, { writeGeoTiff }] = await Promise.all([import('../data/store/netcdf-store.ts'), import('../export/geotiff.ts')]);
      const ds = await openDataset(project.dir);
      const layers = layersOf(ds, opts.variable, opts.from, opts.to);
      if (layers.dates.length > MAX_BANDS) throw new Error(`export: ${layers.dates.length} bands is too many for one GeoTIFF (at most ${MAX_BANDS}); narrow --from/--to`);
      const n = cellCount(ds.grid);
      const bands: GeoTiffBand[] = layers.dates.map((d, i) => ({ data: layers.series.subarray(i * n, (i + 1) * n), description: d }));
      const out = opts.out ?? path.join(project.dir, 'exports', `${opts.variable}_${layers.dates[0]}_${layers.dates.at(-1)}.tif`.replace(/_static_static/, ''));
      const summary = await writeGeoTiff(out, {
        grid: ds.grid, bands, compress: opts.compress, ...(opts.clip ? { mask: ds.mask } : {}),
        metadata: { variable: opts.variable, units: layers.units, source: ds.source.replace(/[^\x20-\x7e]/g, '?') },
      });
      process.stdout.write(`wrote ${summary.path}: ${summary.bands} band(s), ${summary.width}x${summary.height}, ${summary.bytes} bytes\n`);
    });

  exp.command('netcdf')
    .description('dataset variables over a date range as CF-1.8 NetCDF4 (readable by xarray, GDAL, Panoply)')
    .requiredOption('--project <dir>', 'project folder')
    .requiredOption('--variable <names>', 'comma-separated daily variables (forcing names, LAI_true), or LAI alone')
    .option('--from <date>', 'first date (YYYY-MM-DD)', (v) => checkDate(v, '--from'))
    .option('--to <date>', 'last date (YYYY-MM-DD)', (v) => checkDate(v, '--to'))
    .option('--clip', 'write cells outside the basin mask as missing')
    .option('--out <file>', 'output file (default <project>/exports/<variables>_<from>_<to>.nc)')
    .action(async (opts: { project: string; variable: string; from?: string; to?: string; clip?: boolean; out?: string }) => {
      const project = await openProject(opts.project);
      const [{ openDataset }, { writeNetcdfSeries }] = await Promise.all([import('../data/store/netcdf-store.ts'), import('../export/netcdf.ts')]);
      const ds = await openDataset(project.dir);
      const names = opts.variable.split(',').map((v) => v.trim()).filter(Boolean);
      if (names.includes('LAI') && names.length > 1) throw new Error('export netcdf: LAI observations have their own dates; export them alone');
      const layers = names.map((v) => ({ v, l: layersOf(ds, v, opts.from, opts.to) }));
      if (layers.some(({ l }) => l.dates[0] === 'static')) throw new Error('export netcdf: static layers have no time axis; use export geotiff');
      const dates = layers[0]!.l.dates;
      const out = opts.out ?? path.join(project.dir, 'exports', `${names.join('-')}_${dates[0]}_${dates.at(-1)}.nc`);
      const r = await writeNetcdfSeries(out, {
        grid: ds.grid, dates, ...(opts.clip ? { mask: ds.mask } : {}),
        variables: layers.map(({ v, l }) => ({ name: v, units: l.units, longName: v === 'LAI' ? 'observed leaf area index' : v, data: l.series, ...(v.startsWith('LAI') ? { standardName: 'leaf_area_index' } : {}) })),
        attributes: { title: `VegDyn export of ${names.join(', ')}`, source: ds.source, history: `vegdyn export netcdf ${new Date().toISOString().slice(0, 10)}` },
      });
      process.stdout.write(`wrote ${r.path}: ${names.length} variable(s), ${dates.length} dates, ${r.bytes} bytes\n`);
    });

  exp.command('csv')
    .description('time series of variables at a cell, over the basin, or over a subbasin (area-weighted), as CSV')
    .requiredOption('--project <dir>', 'project folder')
    .requiredOption('--variable <names>', 'comma-separated variables (forcing names, LAI, LAI_true)')
    .option('--cell <row,col>', 'one grid cell (row 0 = north)')
    .option('--subbasin <id|name>', 'area-weighted mean over a subbasin')
    .option('--from <date>', 'first date', (v) => checkDate(v, '--from'))
    .option('--to <date>', 'last date', (v) => checkDate(v, '--to'))
    .option('--out <file>', 'output file (default <project>/exports/<where>.csv)')
    .action(async (opts: { project: string; variable: string; cell?: string; subbasin?: string; from?: string; to?: string; out?: string }) => {
      const project = await openProject(opts.project);
      const [{ openDataset }, { writeTimeSeriesCsv }] = await Promise.all([import('../data/store/netcdf-store.ts'), import('../export/csv.ts')]);
      const ds = await openDataset(project.dir);
      const n = cellCount(ds.grid);
      let where = 'basin';
      let reduce = (series: Float32Array): ArrayLike<number> => basinMean(ds, series);
      if (opts.cell) {
        const m = /^(\d+),(\d+)$/.exec(opts.cell);
        const row = Number(m?.[1]), col = Number(m?.[2]);
        if (!m || row >= ds.grid.nrows || col >= ds.grid.ncols) throw new Error(`--cell: expected ROW,COL within ${ds.grid.nrows}x${ds.grid.ncols}, got '${opts.cell}'`);
        where = `cell_${row}_${col}`;
        reduce = (series) => Float32Array.from({ length: series.length / n }, (_, t) => series[t * n + row * ds.grid.ncols + col]!);
      } else if (opts.subbasin) {
        const key = /^\d+$/.test(opts.subbasin) ? Number(opts.subbasin) : opts.subbasin;
        where = `subbasin_${opts.subbasin}`;
        reduce = (series) => subbasinMean(ds, key, series);
      }
      const variables = opts.variable.split(',').map((v) => v.trim()).filter(Boolean);
      // daily variables share one axis; LAI observation dates are placed on it with gaps between
      const daily = layersOf(ds, variables.find((v) => v !== 'LAI') ?? 'Tair', opts.from, opts.to);
      const series: CsvSeries[] = variables.map((v) => {
        const l = layersOf(ds, v, opts.from, opts.to);
        const values = reduce(l.series);
        if (v !== 'LAI') return { name: `${v} [${l.units}]`, values };
        const byDate = new Map(l.dates.map((d, i) => [d, values[i]!]));
        return { name: `${v} [${l.units}]`, values: daily.dates.map((d) => byDate.get(d) ?? NaN) };
      });
      const out = opts.out ?? path.join(project.dir, 'exports', `${variables.join('-')}_${where}.csv`);
      await writeTimeSeriesCsv(out, { dates: daily.dates, series });
      process.stdout.write(`wrote ${out}: ${daily.dates.length} rows, ${series.length} series (${where})\n`);
    });
}
