/**
 * Builders for real-format test inputs, made by GDAL's command-line tools (gdal-bin), not by
 * VegDyn: NetCDF4/NetCDF3 through gdalmdimtranslate from a multidimensional VRT, GeoTIFF through
 * gdal_translate, vectors through ogr2ogr.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export function run(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, [...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
  return r.stdout;
}

export interface MdimArray {
  readonly name: string;
  /** GDAL data type: Float64, Float32, Int16, Int32, Byte... */
  readonly dtype: string;
  readonly dims: readonly string[];
  readonly values: ArrayLike<number>;
  readonly attrs?: Readonly<Record<string, string | number>>;
  readonly nodata?: number;
}

export interface MdimSpec {
  readonly dims: readonly { name: string; size: number; type?: string }[];
  readonly arrays: readonly MdimArray[];
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Writes a NetCDF file with gdalmdimtranslate. format: NC4 (NetCDF4), NC (classic), NC2 (64-bit offset). */
export function writeNetcdf(dir: string, name: string, format: 'NC4' | 'NC' | 'NC2', spec: MdimSpec): string {
  const lines = ['<VRTDataset>', '  <Group name="/">'];
  for (const d of spec.dims) lines.push(`    <Dimension name="${d.name}" size="${d.size}"${d.type ? ` type="${d.type}"` : ''}/>`);
  for (const a of spec.arrays) {
    lines.push(`    <Array name="${a.name}">`, `      <DataType>${a.dtype}</DataType>`);
    for (const d of a.dims) lines.push(`      <DimensionRef ref="${d}"/>`);
    if (a.nodata !== undefined) lines.push(`      <NoDataValue>${a.nodata}</NoDataValue>`);
    lines.push(`      <InlineValues>${Array.from(a.values, (v) => (Number.isNaN(v) ? 'nan' : String(v))).join(' ')}</InlineValues>`);
    for (const [k, v] of Object.entries(a.attrs ?? {})) {
      const type = typeof v === 'number' ? (a.dtype === 'Float64' ? 'Float64' : 'Float32') : 'String';
      lines.push(`      <Attribute name="${k}"><DataType>${type}</DataType><Value>${xml(String(v))}</Value></Attribute>`);
    }
    lines.push('    </Array>');
  }
  lines.push('  </Group>', '</VRTDataset>');
  const vrt = path.join(dir, `${name}.vrt`);
  writeFileSync(vrt, lines.join('\n'));
  const out = path.join(dir, name);
  run('gdalmdimtranslate', ['-q', '-of', 'netCDF', '-co', `FORMAT=${format}`, vrt, out]);
  return out;
}

/** Centres of a regular axis. */
export function axis(first: number, step: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i * step);
}

export interface AscGrid {
  /** west edge, north edge, pixel size (degrees or metres) */
  readonly west: number;
  readonly north: number;
  readonly size: number;
  readonly ncols: number;
  readonly nrows: number;
  /** row-major from the north-west pixel */
  readonly values: ArrayLike<number>;
  readonly nodata?: number;
}

/** Writes an Esri ASCII grid (plain text), the input from which gdal_translate makes GeoTIFFs. */
export function writeAsc(file: string, g: AscGrid): string {
  const rows: string[] = [];
  for (let r = 0; r < g.nrows; r++) rows.push(Array.from({ length: g.ncols }, (_, c) => String(g.values[r * g.ncols + c])).join(' '));
  writeFileSync(file, [
    `ncols ${g.ncols}`, `nrows ${g.nrows}`, `xllcorner ${g.west}`, `yllcorner ${g.north - g.nrows * g.size}`, `cellsize ${g.size}`,
    ...(g.nodata !== undefined ? [`NODATA_value ${g.nodata}`] : []), ...rows, '',
  ].join('\n'));
  return file;
}

/** A GeoTIFF made by gdal_translate from an ASCII grid. */
export function geotiffFromAsc(dir: string, name: string, g: AscGrid, opts: { srs?: string; type?: string; scale?: number; extra?: string[] } = {}): string {
  const asc = writeAsc(path.join(dir, `${name}.asc`), g);
  const out = path.join(dir, name);
  const args = ['-q', '-of', 'GTiff', '-a_srs', opts.srs ?? 'EPSG:4326', '-ot', opts.type ?? 'Int16'];
  if (opts.scale !== undefined) args.push('-a_scale', String(opts.scale));
  if (g.nodata !== undefined) args.push('-a_nodata', String(g.nodata));
  args.push(...(opts.extra ?? []), asc, out);
  run('gdal_translate', args);
  return out;
}

/** A multiband GeoTIFF (gdal_translate from a VRT stacking ASCII grids, one band description each). */
export function multibandGeotiff(dir: string, name: string, bands: readonly { grid: AscGrid; description: string }[], type = 'Int16', scale?: number): string {
  const g0 = bands[0]!.grid;
  const xmlBands = bands.map((b, i) => {
    const asc = writeAsc(path.join(dir, `${name}.b${i + 1}.asc`), b.grid);
    return `  <VRTRasterBand dataType="${type}" band="${i + 1}">
    <Description>${b.description}</Description>
    ${b.grid.nodata !== undefined ? `<NoDataValue>${b.grid.nodata}</NoDataValue>` : ''}
    ${scale !== undefined ? `<Scale>${scale}</Scale>` : ''}
    <SimpleSource><SourceFilename relativeToVRT="0">${asc}</SourceFilename><SourceBand>1</SourceBand></SimpleSource>
  </VRTRasterBand>`;
  });
  const vrt = path.join(dir, `${name}.vrt`);
  writeFileSync(vrt, `<VRTDataset rasterXSize="${g0.ncols}" rasterYSize="${g0.nrows}">
  <SRS>EPSG:4326</SRS>
  <GeoTransform>${g0.west}, ${g0.size}, 0, ${g0.north}, 0, ${-g0.size}</GeoTransform>
${xmlBands.join('\n')}
</VRTDataset>`);
  const out = path.join(dir, name);
  run('gdal_translate', ['-q', '-of', 'GTiff', '-co', 'COMPRESS=DEFLATE', vrt, out]);
  return out;
}

export const DAILY_NY = 4, DAILY_NX = 5, DAILY_DAYS = 6;
const NY = DAILY_NY, NX = DAILY_NX, DAYS = DAILY_DAYS;
const LAT = axis(39.0625, 0.125, NY);
const LON = axis(-108.5625, 0.125, NX);

/** Six days of daily NLDAS-named forcing on 5 x 4 NLDAS cells (39.0625..39.4375 N, 108.5625..108.0625 W). */
export function dailyForcing(dir: string, name = 'daily.nc', format: 'NC4' | 'NC' | 'NC2' = 'NC4'): string {
  const field = (f: (d: number, j: number, i: number) => number) => {
    const out: number[] = [];
    for (let d = 0; d < DAYS; d++) for (let j = 0; j < NY; j++) for (let i = 0; i < NX; i++) out.push(f(d, j, i));
    return out;
  };
  const dims = ['time', 'lat', 'lon'];
  return writeNetcdf(dir, name, format, {
    dims: [{ name: 'time', size: DAYS }, { name: 'lat', size: NY }, { name: 'lon', size: NX }],
    arrays: [
      { name: 'time', dtype: 'Float64', dims: ['time'], values: axis(0.5, 1, DAYS), attrs: { units: 'days since 2003-05-01 00:00:00', calendar: 'proleptic_gregorian' } },
      { name: 'lat', dtype: 'Float64', dims: ['lat'], values: LAT, attrs: { units: 'degrees_north' } },
      { name: 'lon', dtype: 'Float64', dims: ['lon'], values: LON, attrs: { units: 'degrees_east' } },
      { name: 'Rainf', dtype: 'Float32', dims, values: field((d, j, i) => (d + j + i) % 3), attrs: { units: 'kg m-2' } },
      { name: 'Tair', dtype: 'Float32', dims, values: field((d, j, i) => 280 + d - j * 0.5 + i * 0.25), attrs: { units: 'K' } },
      { name: 'PSurf', dtype: 'Float32', dims, values: field((d, j) => 80000 + d * 10 - j * 100), attrs: { units: 'Pa' } },
      { name: 'Qair', dtype: 'Float32', dims, values: field((d) => 0.004 + d * 1e-4), attrs: { units: 'kg kg-1' } },
      { name: 'LWdown', dtype: 'Float32', dims, values: field((d, j) => 250 + d + j), attrs: { units: 'W m-2' } },
      { name: 'SWdown', dtype: 'Float32', dims, values: field((d, _j, i) => 200 + d * 5 + i), attrs: { units: 'W m-2' } },
      { name: 'Wind', dtype: 'Float32', dims, values: field((d) => 2 + d * 0.1), attrs: { units: 'm s-1' } },
    ],
  });
}
