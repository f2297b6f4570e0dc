/**
 * Issue #11 §2: a static-layer import (elevation, soil, land cover) merges into the existing layer
 * and reports filled and missing cells; a dry run makes every check the real import makes (a many-feature outline is
 * refused by both, and the dry run writes nothing); the forcing variable choice is reported.
 * Real files made with GDAL; in-process import job (the path the CLI and the UI share).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run as runImportJob, paramsSchema } from '../../../main/run/import-job.ts';
import { openDataset } from '../../../main/data/store/netcdf-store.ts';
import { dailyForcing, geotiffFromAsc, writeNetcdf, axis, DAILY_NX as NX, DAILY_NY as NY } from './make-files.ts';
import { hashTree } from './project-hash.ts';

const ctx = { signal: new AbortController().signal, progress: () => undefined, log: () => undefined };
const job = (projectDir: string, params: unknown, dryRun = false) => runImportJob(paramsSchema.parse({ projectDir, params, dryRun }), ctx);

test('a small DEM or land-cover map fills its cells and keeps the rest; dry runs refuse what the import refuses and write nothing', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-merge-'));
  try {
    const project = path.join(dir, 'p');
    const forcing = await job(project, { kind: 'forcing', paths: [dailyForcing(dir)] });
    // the choice of each forcing and why
    assert.ok(forcing.notes.includes("Tair <- 'Tair' (K): its name is one VegDyn knows for Tair"), forcing.notes.join('\n'));
    // a DEM over the whole 5 x 4 grid, then one over its 2 x 2 north-western cells only
    const west = -108.625, north = 39.5;
    const full = geotiffFromAsc(dir, 'dem-full.tif', { west, north, size: 0.125, ncols: NX, nrows: NY, values: Array.from({ length: NX * NY }, (_, k) => 1000 + k), nodata: -9999 });
    await job(project, { kind: 'soil', elevation: { file: full } });
    const small = geotiffFromAsc(dir, 'dem-small.tif', { west, north, size: 0.125, ncols: 2, nrows: 2, values: [5, 6, 7, 8], nodata: -9999 });
    const before = hashTree(project);
    const dry = await job(project, { kind: 'soil', elevation: { file: small } }, true);
    assert.equal(dry.written, false);
    assert.equal(hashTree(project), before);
    const r = await job(project, { kind: 'soil', elevation: { file: small } });
    assert.ok(r.notes.includes(`elevation: filled 4 of ${NX * NY} basin cells from the file, ${NX * NY - 4} keep their previous values; 0 basin cells stay missing`), r.notes.join('\n'));
    assert.deepEqual(dry.notes, r.notes);
    const elev = (await openDataset(project)).staticLayers.elevation;
    assert.deepEqual([...elev.slice(0, 3)], [5, 6, 1002]);
    assert.deepEqual([...elev.slice(NX, NX + 3)], [7, 8, 1000 + NX + 2]);
    assert.equal(elev[NX * NY - 1], 1000 + NX * NY - 1);

    // land cover merges the same way: class 5 everywhere, then class 7 on three of the 2 x 2
    // north-western cells (the fourth is no data in the small file and keeps class 5)
    const lcFull = geotiffFromAsc(dir, 'lc-full.tif', { west, north, size: 0.125, ncols: NX, nrows: NY, values: Array.from({ length: NX * NY }, () => 5), nodata: 0 }, { type: 'Byte' });
    await job(project, { kind: 'landcover', path: lcFull });
    const lcSmall = geotiffFromAsc(dir, 'lc-small.tif', { west, north, size: 0.125, ncols: 2, nrows: 2, values: [7, 7, 7, 0], nodata: 0 }, { type: 'Byte' });
    const lc = await job(project, { kind: 'landcover', path: lcSmall });
    assert.ok(lc.notes.includes(`land cover: filled 3 of ${NX * NY} basin cells from the file, ${NX * NY - 3} keep their previous values; 0 basin cells stay missing`), lc.notes.join('\n'));
    const stat = (await openDataset(project)).staticLayers;
    assert.deepEqual([...stat.landCover.slice(0, 3)], [7, 7, 5]);
    assert.deepEqual([...stat.landCover.slice(NX, NX + 3)], [7, 5, 5]);
    assert.equal(stat.landCover.filter((v) => v === 5).length, NX * NY - 3);
    assert.deepEqual(stat.landCoverFractions?.classes, [5, 7]);
    const n = NX * NY;
    assert.deepEqual([0, 2, NX].map((c) => [stat.landCoverFractions!.values[c]!, stat.landCoverFractions!.values[n + c]!]), [[0, 1], [1, 0], [0, 1]]);

    // a two-feature file as the basin outline: the dry run refuses it as the import does
    const gj = path.join(dir, 'two.geojson');
    const sq = (x: number) => ({ type: 'Polygon', coordinates: [[[x, 39.1], [x + 0.1, 39.1], [x + 0.1, 39.3], [x, 39.3], [x, 39.1]]] });
    writeFileSync(gj, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: 'A' }, geometry: sq(-108.5) }, { type: 'Feature', properties: { name: 'B' }, geometry: sq(-108.3) }] }));
    const held = hashTree(project);
    const outline = { kind: 'basins', path: gj, role: 'outline' };
    await assert.rejects(job(project, outline, true), /two\.geojson: holds 2 features; a basin outline must be exactly one/);
    await assert.rejects(job(project, outline), /two\.geojson: holds 2 features; a basin outline must be exactly one/);
    assert.equal(hashTree(project), held);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('humidity: vapour pressure is preferred over relative humidity, and the choice says what was passed over', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-choice-'));
  try {
    const dims = ['time', 'lat', 'lon'];
    const n = 3 * 2 * 2;
    const arr = (name: string, v: number, units: string) => ({ name, dtype: 'Float32' as const, dims, values: Array.from({ length: n }, () => v), attrs: { units } });
    const nc = writeNetcdf(dir, 'rh-and-vp.nc', 'NC', {
      dims: [{ name: 'time', size: 3 }, { name: 'lat', size: 2 }, { name: 'lon', size: 2 }],
      arrays: [
        { name: 'time', dtype: 'Float64', dims: ['time'], values: [0.5, 1.5, 2.5], attrs: { units: 'days since 2010-07-01 00:00:00' } },
        { name: 'lat', dtype: 'Float64', dims: ['lat'], values: axis(-33.0, 0.25, 2), attrs: { units: 'degrees_north' } },
        { name: 'lon', dtype: 'Float64', dims: ['lon'], values: axis(149.0, 0.25, 2), attrs: { units: 'degrees_east' } },
        arr('pr', 1, 'mm'), arr('tas', 290, 'K'), arr('ps', 95000, 'Pa'), arr('rh', 60, '%'), arr('vp', 1200, 'Pa'),
        arr('rlds', 300, 'W m-2'), arr('rsds', 200, 'W m-2'), arr('sfcWind', 3, 'm s-1'),
      ],
    });
    const r = await job(path.join(dir, 'p'), { kind: 'forcing', paths: [nc] }, true);
    const q = r.notes.find((x) => x.startsWith('Qair <- '));
    assert.match(q ?? '', /^Qair <- 'vp' \(Pa, VapPres -> specific humidity with PSurf\): its name is one VegDyn knows for VapPres; no specific humidity in the file, and VapPres comes first of vapour pressure, dew point, relative humidity \(also found, not used: 'rh' \(RelHum\)\)$/);
    assert.ok(r.notes.some((x) => /^project grid: 2 x 2 cells of 0\.25 deg, lon 148\.875\.\.149\.375, lat -33\.125\.\.-32\.625, from the forcing file$/.test(x)), r.notes.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('own-format NetCDF3 far from the UCRB: its own grid (--grid-from), variables and units given with --map and --units', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-ownformat-'));
  try {
    const dims = ['t', 'y', 'x'];
    const n = 3 * 3 * 4;
    const arr = (name: string, v: (k: number) => number, units: string) => ({ name, dtype: 'Float32' as const, dims, values: Array.from({ length: n }, (_, k) => v(k)), attrs: { units } });
    // a station-network product over the Murray-Darling: odd names, temperature in degC labelled 'unknown'
    const nc = writeNetcdf(dir, 'mdb.nc', 'NC', {
      dims: [{ name: 't', size: 3 }, { name: 'y', size: 3 }, { name: 'x', size: 4 }],
      arrays: [
        { name: 't', dtype: 'Float64', dims: ['t'], values: [0.5, 1.5, 2.5], attrs: { units: 'days since 2015-01-10 00:00:00', standard_name: 'time' } },
        { name: 'y', dtype: 'Float64', dims: ['y'], values: axis(-34.95, 0.1, 3), attrs: { units: 'degrees_north', standard_name: 'latitude' } },
        { name: 'x', dtype: 'Float64', dims: ['x'], values: axis(146.05, 0.1, 4), attrs: { units: 'degrees_east', standard_name: 'longitude' } },
        arr('rain_day', () => 3, 'mm'), arr('temp_mean', (k) => 20 + (k % 4), 'unknown'), arr('p_sfc', () => 1000, 'hPa'), arr('spec_hum', () => 0.008, 'kg kg-1'),
        arr('lw_in', () => 320, 'W m-2'), arr('sw_in', () => 280, 'W m-2'), arr('wind_spd', () => 2.5, 'm s-1'),
      ],
    });
    const project = path.join(dir, 'mdb');
    const { createProjectWithGrid } = await import('../../../main/run/create-project.ts');
    const { grid } = await createProjectWithGrid(project, { gridFrom: nc });
    assert.deepEqual([grid!.ncols, grid!.nrows, grid!.cellSize, grid!.lon0, grid!.latTop], [4, 3, 0.1, 146.05, -34.75]);
    const params = { kind: 'forcing', paths: [nc], mapping: { Rainf: 'rain_day', Tair: 'temp_mean', PSurf: 'p_sfc', Qair: 'spec_hum', LWdown: 'lw_in', SWdown: 'sw_in', Wind: 'wind_spd' } };
    await assert.rejects(job(project, params), /mdb\.nc, variable 'temp_mean': .*unknown/);
    const r = await job(project, { ...params, units: { temp_mean: 'degC' } });
    assert.ok(r.notes.includes("Tair <- 'temp_mean' (degC): mapped by --map; units 'degC' from --units"), r.notes.join('\n'));
    const ds = await openDataset(project);
    assert.ok(Math.abs(ds.forcing('Tair')[0]! - (20 + 273.15)) < 1e-3);
    assert.ok(Math.abs(ds.forcing('PSurf')[0]! - 100000) < 1e-2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
