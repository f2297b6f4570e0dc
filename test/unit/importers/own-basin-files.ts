/**
 * The small real-format files of the own-basin tests (issue #11), for a region far from the UCRB
 * (central Illinois): a CF NetCDF3 daily forcing file on a 1/16 degree grid with CMIP-style names,
 * a series of scaled Int16 LAI GeoTIFFs every 8 days on the same grid, and a one-feature basin
 * outline. Used by test/unit/cli/own-basin.test.ts (CLI) and test/e2e/own-basin-ui.test.ts (UI).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { addDays, dayOfYear } from '../../../main/data/time-axis.ts';
import { axis, geotiffFromAsc, writeNetcdf } from './make-files.ts';

/** the files' grid: 1/16 degree, twice as fine as the NLDAS lattice the projects use */
export const ILLINOIS = { west: -90.5, south: 40.0, size: 0.0625, nx: 16, ny: 16 } as const;

/** a smooth annual cycle, 0 around day 100 of the year */
export const seasonOf = (start: string) => (d: number): number => Math.sin((2 * Math.PI * (dayOfYear(addDays(start, d)) - 100)) / 365);

/** `days` days of daily forcing from `start` (pr, tas, ps, huss, rlds, rsds, sfcWind) */
export function illinoisForcing(dir: string, start: string, days: number): string {
  const F = ILLINOIS;
  const season = seasonOf(start);
  const n = days * F.ny * F.nx;
  const field = (f: (d: number, j: number, i: number) => number) => {
    const out = new Array<number>(n);
    let k = 0;
    for (let d = 0; d < days; d++) for (let j = 0; j < F.ny; j++) for (let i = 0; i < F.nx; i++) out[k++] = Number(f(d, j, i).toFixed(4));
    return out;
  };
  const dims = ['time', 'lat', 'lon'];
  return writeNetcdf(dir, 'illinois-forcing.nc', 'NC', {
    dims: [{ name: 'time', size: days }, { name: 'lat', size: F.ny }, { name: 'lon', size: F.nx }],
    arrays: [
      { name: 'time', dtype: 'Float64', dims: ['time'], values: axis(0.5, 1, days), attrs: { units: `days since ${start} 00:00:00`, calendar: 'standard', standard_name: 'time' } },
      { name: 'lat', dtype: 'Float64', dims: ['lat'], values: axis(F.south + F.size / 2, F.size, F.ny), attrs: { units: 'degrees_north', standard_name: 'latitude' } },
      { name: 'lon', dtype: 'Float64', dims: ['lon'], values: axis(F.west + F.size / 2, F.size, F.nx), attrs: { units: 'degrees_east', standard_name: 'longitude' } },
      { name: 'pr', dtype: 'Float32', dims, values: field((d, j, i) => ((d * 7 + i + j) % 5 === 0 ? 6 : 0.5)), attrs: { units: 'kg m-2' } },
      { name: 'tas', dtype: 'Float32', dims, values: field((d, j, i) => 283 + 14 * season(d) - j * 0.05 + i * 0.02), attrs: { units: 'K' } },
      { name: 'ps', dtype: 'Float32', dims, values: field(() => 99000), attrs: { units: 'Pa' } },
      { name: 'huss', dtype: 'Float32', dims, values: field((d) => 0.008 + 0.004 * season(d)), attrs: { units: 'kg kg-1' } },
      { name: 'rlds', dtype: 'Float32', dims, values: field((d) => 310 + 40 * season(d)), attrs: { units: 'W m-2' } },
      { name: 'rsds', dtype: 'Float32', dims, values: field((d, _j, i) => 190 + 110 * season(d) + i), attrs: { units: 'W m-2' } },
      { name: 'sfcWind', dtype: 'Float32', dims, values: field((d) => 3 + (d % 4) * 0.5), attrs: { units: 'm s-1' } },
    ],
  });
}

/** LAI every 8 days from `start` at 1/16 degree (scaled Int16 GeoTIFFs, the date in the name) into `dir`/lai; returns the files */
export function illinoisLai(dir: string, start: string, days: number): string[] {
  const F = ILLINOIS;
  const season = seasonOf(start);
  const laiDir = path.join(dir, 'lai');
  mkdirSync(laiDir);
  const files: string[] = [];
  for (let d = 0; d < days; d += 8) {
    const values = Array.from({ length: F.nx * F.ny }, (_, k) => Math.round(100 * (1 + 2 * Math.max(0, season(d)) + 0.1 * (k % 3) + 0.05 * ((d / 8) % 2))));
    files.push(geotiffFromAsc(laiDir, `lai_${addDays(start, d)}.tif`, { west: F.west, north: F.south + F.ny * F.size, size: F.size, ncols: F.nx, nrows: F.ny, values, nodata: -1 }, { scale: 0.01 }));
  }
  return files;
}

/** the Upper Sangamon stand-in: one feature, inside the files' extent */
export function sangamonOutline(dir: string): string {
  const file = path.join(dir, 'sangamon.geojson');
  writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: 'Upper Sangamon' }, geometry: { type: 'Polygon', coordinates: [[[-90.2, 40.2], [-89.7, 40.15], [-89.65, 40.6], [-89.9, 40.85], [-90.25, 40.7], [-90.2, 40.2]]] } }] }));
  return file;
}
