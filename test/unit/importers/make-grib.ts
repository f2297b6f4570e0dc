/**
 * Real GRIB2 test inputs made by gdal_translate (gdal-bin's GRIB writer), laid out the way NLDAS-2
 * forcing is: one file per hour holding one message per field, each field identified by its GRIB2
 * discipline / category / number (which GDAL reports back as GRIB_ELEMENT) at its usual level.
 * APCP is written with product template 4.8 as a 1-hour accumulation, like NLDAS-2's.
 *
 * Values go through Esri ASCII grids and a VRT (one band per field), and are encoded as IEEE
 * floats so that what the importer reads can be compared exactly with what was written.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { run, writeAsc, type AscGrid } from './make-files.ts';

export const NLDAS_ELEMENTS = ['TMP', 'SPFH', 'PRES', 'UGRD', 'VGRD', 'DLWRF', 'DSWRF', 'APCP'] as const;
export type NldasElement = (typeof NLDAS_ELEMENTS)[number];

/** GRIB2 discipline-0 parameter category and number, and the first fixed surface (type scale value). */
const PARAM: Readonly<Record<NldasElement, { cat: number; num: number; surface: string }>> = {
  TMP: { cat: 0, num: 0, surface: '103 0 2' }, // 2 m above ground
  SPFH: { cat: 1, num: 0, surface: '103 0 2' },
  PRES: { cat: 3, num: 0, surface: '1 0 0' }, // ground surface
  UGRD: { cat: 2, num: 2, surface: '103 0 10' }, // 10 m above ground
  VGRD: { cat: 2, num: 3, surface: '103 0 10' },
  DLWRF: { cat: 5, num: 3, surface: '1 0 0' },
  DSWRF: { cat: 4, num: 7, surface: '1 0 0' },
  APCP: { cat: 1, num: 8, surface: '1 0 0' },
};

export interface GribGrid {
  readonly west: number;
  readonly north: number;
  readonly size: number;
  readonly ncols: number;
  readonly nrows: number;
}

export interface GribField {
  readonly element: NldasElement;
  /** row-major from the north-west cell; temperatures in K; NaN = missing (a GRIB bitmap; that field is complex-packed to 0.01) */
  readonly values: ArrayLike<number>;
  /** reference time, ISO UTC (default: the file's) */
  readonly refTime?: string;
  /** accumulation hours for APCP (default 1) */
  readonly accumHours?: number;
}

function isoParts(iso: string): number[] {
  const d = new Date(iso);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()];
}

/** Writes one GRIB2 file holding `fields` (one message each), all referenced to `refTime` unless a field says otherwise. */
export function writeGrib2(dir: string, name: string, grid: GribGrid, refTime: string, fields: readonly GribField[]): string {
  const bands: string[] = [];
  const args = ['-q', '-of', 'GRIB', '-co', 'DATA_ENCODING=IEEE_FLOATING_POINT', '-co', 'DISCIPLINE=0'];
  const NODATA = -9999;
  fields.forEach((f, k) => {
    const values = Array.from(f.values, (v) => (Number.isNaN(v) ? NODATA : Math.fround(v)));
    const file = writeAsc(path.join(dir, `${name}.b${k + 1}.asc`), { ...grid, values, nodata: NODATA } satisfies AscGrid);
    bands.push(`  <VRTRasterBand dataType="Float32" band="${k + 1}"><NoDataValue>${NODATA}</NoDataValue><SimpleSource><SourceFilename relativeToVRT="0">${file}</SourceFilename><SourceBand>1</SourceBand></SimpleSource></VRTRasterBand>`);
    const b = `BAND_${k + 1}_`;
    // IEEE floats keep values exact but cannot mark missing cells; complex packing (to 0.01) can
    // (gdal-bin 3.6 fails 'while packing' these small grids with 3 decimals)
    if (values.includes(NODATA)) args.push('-co', `${b}DATA_ENCODING=COMPLEX_PACKING`, '-co', `${b}DECIMAL_SCALE_FACTOR=2`);
    const p = PARAM[f.element];
    const ref = f.refTime ?? refTime;
    args.push('-co', `${b}IDS=CENTER=7 SUBCENTER=0 MASTER_TABLE=2 SIGNF_REF_TIME=1 REF_TIME=${ref} PROD_STATUS=0 TYPE=1`);
    if (f.element === 'APCP') {
      const hours = f.accumHours ?? 1;
      const end = isoParts(new Date(Date.parse(ref) + hours * 3_600_000).toISOString());
      // template 4.8: statistical process 1 (accumulation) over `hours` hours, ending at `end`
      args.push('-co', `${b}PDS_PDTN=8`, '-co', `${b}PDS_TEMPLATE_ASSEMBLED_VALUES=${p.cat} ${p.num} 2 0 0 0 0 1 0 ${p.surface} 255 0 0 ${end.join(' ')} 1 0 1 2 1 ${hours} 1 0`);
    } else {
      args.push('-co', `${b}PDS_PDTN=0`, '-co', `${b}PDS_TEMPLATE_ASSEMBLED_VALUES=${p.cat} ${p.num} 2 0 0 0 0 1 0 ${p.surface} 255 0 0`);
    }
    if (f.element === 'TMP') args.push('-co', `${b}INPUT_UNIT=K`);
  });
  const vrt = path.join(dir, `${name}.vrt`);
  writeFileSync(vrt, `<VRTDataset rasterXSize="${grid.ncols}" rasterYSize="${grid.nrows}">
  <SRS>EPSG:4326</SRS>
  <GeoTransform>${grid.west}, ${grid.size}, 0, ${grid.north}, 0, ${-grid.size}</GeoTransform>
${bands.join('\n')}
</VRTDataset>`);
  const out = path.join(dir, name);
  run('gdal_translate', [...args, vrt, out]);
  return out;
}

/** GRIB_ELEMENT of every band as gdalinfo (gdal-bin, not gdal3.js) reports it. */
export function gdalinfoElements(file: string): string[] {
  const info = JSON.parse(run('gdalinfo', ['-json', file])) as { bands: { metadata?: Record<string, Record<string, string>> }[] };
  return info.bands.map((b) => b.metadata?.['']?.GRIB_ELEMENT ?? '');
}

/** Plausible NLDAS-2 values per element at step k and cell (r, c), for inputs whose values do not matter. */
const PLAIN: Readonly<Record<NldasElement, (k: number, r: number, c: number) => number>> = {
  TMP: (k, r, c) => 275 + (k % 8) - r + c * 0.5,
  SPFH: (k, r) => 0.004 + r * 1e-4 + (k % 4) * 1e-5,
  PRES: (k, r, c) => 79000 + r * 40 - c * 10 + k,
  UGRD: (k) => 1 + (k % 3) * 0.5,
  VGRD: (_k, _r, c) => -1 + c * 0.2,
  DLWRF: (k, r) => 260 + r + (k % 5),
  DSWRF: (k, _r, c) => (k % 8 >= 4 ? 300 + c * 5 : 0),
  APCP: (k, r, c) => ((k + r + c) % 3) * 0.5,
};

/** One GRIB2 file with `days` days of `stepHours`-hourly NLDAS-2 fields from `startIso` (APCP totals over each step). */
export function nldasGribDays(dir: string, name: string, grid: GribGrid, startIso: string, days: number, stepHours: number): string {
  const start = Date.parse(startIso);
  const fields: GribField[] = [];
  for (let k = 0; k < (days * 24) / stepHours; k++) {
    const ref = new Date(start + k * stepHours * 3_600_000).toISOString().replace('.000', '');
    for (const e of NLDAS_ELEMENTS) {
      fields.push({ element: e, refTime: ref, accumHours: stepHours, values: Array.from({ length: grid.ncols * grid.nrows }, (_, i) => PLAIN[e](k, Math.floor(i / grid.ncols), i % grid.ncols)) });
    }
  }
  return writeGrib2(dir, name, grid, startIso, fields);
}
