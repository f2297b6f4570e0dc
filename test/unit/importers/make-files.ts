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
