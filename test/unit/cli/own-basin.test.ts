/**
 * Issue #11 "Done when", end to end through the CLI: a project for a basin far from the UCRB
 * (central Illinois), built from small real-format files that GDAL makes: a NetCDF3 forcing file
 * on a 1/16 degree grid (the project is on the NLDAS 1/8 degree lattice), a GeoTIFF series of LAI,
 * a land-cover GeoTIFF and a basin outline. It trains the calibrated physics-only model and the
 * ConvLSTM with --periods at a tiny size, re-evaluates the run, and exports a GeoTIFF whose
 * gdalinfo origin, pixel size and size are the project's grid.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addDays, dayOfYear } from '../../../main/data/time-axis.ts';
import { axis, geotiffFromAsc, run, writeNetcdf } from '../importers/make-files.ts';

const START = '2019-01-01';
const DAYS = 456; // to 2020-03-31
const F = { west: -90.5, south: 40.0, size: 0.0625, nx: 16, ny: 16 };

function vegdyn(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/vegdyn.mjs', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `vegdyn ${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const season = (d: number) => Math.sin((2 * Math.PI * (dayOfYear(addDays(START, d)) - 100)) / 365);

function forcingFile(dir: string): string {
  const n = DAYS * F.ny * F.nx;
  const field = (f: (d: number, j: number, i: number) => number) => {
    const out = new Array<number>(n);
    let k = 0;
    for (let d = 0; d < DAYS; d++) for (let j = 0; j < F.ny; j++) for (let i = 0; i < F.nx; i++) out[k++] = Number(f(d, j, i).toFixed(4));
    return out;
  };
  const dims = ['time', 'lat', 'lon'];
  return writeNetcdf(dir, 'illinois-forcing.nc', 'NC', {
    dims: [{ name: 'time', size: DAYS }, { name: 'lat', size: F.ny }, { name: 'lon', size: F.nx }],
    arrays: [
      { name: 'time', dtype: 'Float64', dims: ['time'], values: axis(0.5, 1, DAYS), attrs: { units: `days since ${START} 00:00:00`, calendar: 'standard', standard_name: 'time' } },
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

test('a basin outside the UCRB from real-format files: create, import, train with --periods, evaluate, export on the project grid', { timeout: 600_000 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-own-basin-'));
  try {
    const outline = path.join(dir, 'sangamon.geojson');
    writeFileSync(outline, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: 'Upper Sangamon' }, geometry: { type: 'Polygon', coordinates: [[[-90.2, 40.2], [-89.7, 40.15], [-89.65, 40.6], [-89.9, 40.85], [-90.25, 40.7], [-90.2, 40.2]]] } }] }));
    const project = path.join(dir, 'sangamon');
    vegdyn('project', 'create', project, '--basin', outline);
    const grid = (JSON.parse(readFileSync(path.join(project, 'project.json'), 'utf8')) as { grid: { ncols: number; nrows: number; lon0: number; latTop: number; cellSize: number } }).grid;
    assert.equal(grid.cellSize, 0.125);

    const imported = vegdyn('import', 'forcing', forcingFile(dir), '--project', project);
    assert.match(imported, /Tair <- 'tas' \(K\): its name is one VegDyn knows for Tair/);
    assert.match(imported, /mask: \d+ cells at least half inside the project's outline with complete forcing/);
    // LAI every 8 days at 1/16 degree, scaled Int16 GeoTIFFs
    const laiDir = path.join(dir, 'lai');
    mkdirSync(laiDir);
    for (let d = 0; d < DAYS; d += 8) {
      const values = Array.from({ length: F.nx * F.ny }, (_, k) => Math.round(100 * (1 + 2 * Math.max(0, season(d)) + 0.1 * (k % 3) + 0.05 * ((d / 8) % 2))));
      geotiffFromAsc(laiDir, `lai_${addDays(START, d)}.tif`, { west: F.west, north: F.south + F.ny * F.size, size: F.size, ncols: F.nx, nrows: F.ny, values, nodata: -1 }, { scale: 0.01 });
    }
    assert.match(vegdyn('import', 'lai', laiDir, '--project', project), /imported lai/);
    const lc = Array.from({ length: 40 * 40 }, (_, k) => [12, 12, 14, 4][k % 4]!);
    const lcTif = geotiffFromAsc(dir, 'landcover.tif', { west: F.west, north: F.south + 1, size: 0.025, ncols: 40, nrows: 40, values: lc, nodata: 255 }, { type: 'Byte' });
    assert.match(vegdyn('import', 'landcover', lcTif, '--project', project), /imported landcover/);

    const config = path.join(dir, 'tiny.json');
    writeFileSync(config, JSON.stringify({
      models: ['conv-lstm', 'physics-calibrated'], epochs: 1, patience: 1, hiddenSize: 4, batchSize: 1, windowDays: 20, warmupDays: 5, windowsPerEpoch: 2,
      perModel: { 'conv-lstm': { epochs: 1 }, 'physics-calibrated': { epochs: 1, windowsPerEpoch: 1 } },
    }));
    const periods = 'train=2019-01-01..2019-12-31,validate=2020-01-01..2020-01-20,test=2020-01-21..2020-03-31';
    const trained = vegdyn('train', '--project', project, '--config', config, '--periods', periods, '--run-id', 'tiny');
    assert.match(trained, /ConvLSTM/);
    assert.match(trained, /Physics only \(calibrated\)/);
    const summary = JSON.parse(readFileSync(path.join(project, 'runs', 'tiny', 'evaluation', 'summary.json'), 'utf8')) as unknown;
    assert.match(JSON.stringify(summary), /2020-01-21/);
    assert.match(vegdyn('evaluate', path.join(project, 'runs', 'tiny')), /ConvLSTM/);

    // the export lies on the project's grid, as gdalinfo reads it
    const tif = path.join(dir, 'mask.tif');
    vegdyn('export', 'geotiff', '--project', project, '--variable', 'basin_mask', '--out', tif);
    const info = JSON.parse(run('gdalinfo', ['-json', tif])) as { geoTransform: number[]; size: number[] };
    assert.deepEqual(info.size, [grid.ncols, grid.nrows]);
    const [x0, dx, rx, y0, ry, dy] = info.geoTransform as [number, number, number, number, number, number];
    assert.ok(Math.abs(x0 - (grid.lon0 - grid.cellSize / 2)) < 1e-9, `origin x ${x0}`);
    assert.ok(Math.abs(y0 - (grid.latTop + grid.cellSize / 2)) < 1e-9, `origin y ${y0}`);
    assert.deepEqual([dx, rx, ry, dy], [grid.cellSize, 0, 0, -grid.cellSize]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
