/**
 * A project owns its grid (issue #11 §1): made from a bounding box on the NLDAS-2 lattice (or
 * another), from a file's cells (GeoTIFF, forcing NetCDF) or from a basin outline; stored in
 * project.json and then in dataset.nc; importers fill it; grids the wasm backend cannot train on
 * are refused with the limit. Real files made with GDAL; the CLI is run once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gridBounds, sameGrid, cellCount } from '../../../main/data/grid.ts';
import { gridFromBbox, gridFromCentres } from '../../../main/data/grid-definition.ts';
import { createProjectWithGrid } from '../../../main/run/create-project.ts';
import { openProject } from '../../../main/project/project-store.ts';
import { readProjectGrid } from '../../../main/data/project-grid.ts';
import { polygonCellFractions } from '../../../main/data/polygon-fractions.ts';
import { run as runImportJob, paramsSchema } from '../../../main/run/import-job.ts';
import { run as runTrainJob, paramsSchema as trainParams } from '../../../main/run/train-job.ts';
import { openDataset } from '../../../main/data/store/netcdf-store.ts';
import { DEMO_PRESET } from '../../../main/training/run-config.ts';
import { wasmGridCapacity } from '../../../main/training/grid-capacity.ts';
import { dailyForcing, geotiffFromAsc } from '../importers/make-files.ts';
import { inProcessApi } from '../in-process-api.ts';
import { ApiError } from '../../../main/api/api-error.ts';

const jobCtx = { signal: new AbortController().signal, progress: () => undefined, log: () => undefined };

test('a bounding box snaps to the NLDAS-2 lattice, or to the lattice given by --resolution and --origin', () => {
  const g = gridFromBbox([-90.3, 40.1, -89.6, 40.9]);
  // centres on -124.9375 + 0.125 i, 25.0625 + 0.125 j
  assert.ok(Math.abs((g.lon0 + 124.9375) / 0.125 - Math.round((g.lon0 + 124.9375) / 0.125)) < 1e-9);
  assert.ok(Math.abs((g.latTop - 25.0625) / 0.125 - Math.round((g.latTop - 25.0625) / 0.125)) < 1e-9);
  const [w, s, e, n] = gridBounds(g);
  assert.deepEqual([w, s, e, n], [-90.375, 40.0, -89.5, 41.0]);
  assert.deepEqual([g.ncols, g.nrows], [7, 8]);
  // a box whose edges lie on cell edges takes exactly those cells
  const exact = gridFromBbox([-90.375, 40.0, -89.5, 41.0]);
  assert.ok(sameGrid(exact, g));
  const coarse = gridFromBbox([10.1, 45.1, 11.9, 46.9], { resolution: 0.5, origin: [0.25, 0.25] });
  assert.deepEqual(gridBounds(coarse), [10, 45, 12, 47]);
  assert.throws(() => gridFromBbox([-89, 40, -90, 41]), /--bbox: west \(-89\) must be less than east \(-90\)/);
  assert.throws(() => gridFromBbox([-90, 40, -89, 41], { resolution: 0 }), /--resolution: expected a cell size/);
  assert.throws(() => gridFromCentres([0, 0.1, 0.2], [0, 0.125, 0.25], 'x.nc'), /x\.nc: its cells are 0\.1\d* deg \(longitude\) by 0\.125 deg \(latitude\); a project grid has square cells/);
  assert.throws(() => gridFromCentres([0, 0.1, 0.3], [0, 0.1, 0.2], 'x.nc'), /x\.nc: its longitude axis is not regularly spaced/);
});

test('project create: --bbox, --grid-from a GeoTIFF or forcing NetCDF, refusals leave nothing behind', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-pgrid-'));
  try {
    // CLI, once: the grid is printed and stored in project.json
    const p1 = path.join(dir, 'illinois');
    const r = spawnSync(process.execPath, ['bin/vegdyn.mjs', 'project', 'create', p1, '--bbox', '-90.3,40.1,-89.6,40.9'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /grid: 7 x 8 cells of 0\.125 deg, lon -90\.375\.\.-89\.5, lat 40\.\.41 \(--bbox -90\.3,40\.1,-89\.6,40\.9\)/);
    const m = (await openProject(p1)).manifest.grid!;
    assert.deepEqual([m.ncols, m.nrows, m.lon0, m.latTop, m.cellSize], [7, 8, -90.3125, 40.9375, 0.125]);
    assert.equal((await readProjectGrid(p1))!.from, 'project');

    // a GeoTIFF's cells (0.05 deg, somewhere in Europe)
    const tif = geotiffFromAsc(dir, 'dem.tif', { west: 10, north: 46, size: 0.05, ncols: 6, nrows: 4, values: Array.from({ length: 24 }, (_, k) => k), nodata: -9999 });
    const { grid: gTif } = await createProjectWithGrid(path.join(dir, 'alps'), { gridFrom: tif });
    assert.deepEqual(gridBounds(gTif!).map((v) => Number(v.toFixed(9))), [10, 45.8, 10.3, 46]);
    assert.equal(gTif!.cellSize, 0.05);
    // a forcing NetCDF's cells
    const nc = dailyForcing(dir);
    const { grid: gNc } = await createProjectWithGrid(path.join(dir, 'fromnc'), { gridFrom: nc });
    assert.deepEqual([gNc!.ncols, gNc!.nrows, gNc!.lon0, gNc!.latTop], [5, 4, -108.5625, 39.4375]);

    // refusals: nothing is created
    const big = path.join(dir, 'big');
    const cap = wasmGridCapacity(gridFromBbox([-100, 30, -80, 45]), DEMO_PRESET);
    assert.equal(cap.fits, false);
    await assert.rejects(createProjectWithGrid(big, { bbox: [-100, 30, -80, 45] }), new RegExp(`the grid has ${cap.cells} cells; .* so at most ${cap.maxCells} cells fit\\. Use a smaller extent, a coarser resolution`));
    assert.equal(existsSync(big), false);
    await assert.rejects(createProjectWithGrid(big, { bbox: [-100, 30, -99, 31], gridFrom: tif }), /give only one of --grid-from, --bbox and --basin/);
    await assert.rejects(createProjectWithGrid(big, { gridFrom: path.join(dir, 'missing.tif') }), /missing\.tif: does not exist/);
    assert.equal(existsSync(big), false);
    // the same box at 1 degree fits
    const { grid: coarse } = await createProjectWithGrid(big, { bbox: [-100, 30, -80, 45], resolution: 1, origin: [0.5, 0.5] });
    assert.equal(cellCount(coarse!), 20 * 15);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('project create --basin: outline bbox plus one cell; the first forcing import masks to the outline; LAI before a grid is refused', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-pbasin-'));
  try {
    const outline = path.join(dir, 'basin.geojson');
    const ring = [[-108.5, 39.1], [-108.2, 39.1], [-108.2, 39.4], [-108.5, 39.4], [-108.5, 39.1]];
    writeFileSync(outline, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: 'Plateau Creek' }, geometry: { type: 'Polygon', coordinates: [ring] } }] }));
    const project = path.join(dir, 'p');
    const created = await createProjectWithGrid(project, { basin: outline });
    const g = created.grid!;
    // cells overlapping -108.5..-108.2 x 39.1..39.4 (west edge on a cell edge) are centres -108.4375..-108.1875 (3)
    // x 39.0625..39.4375 (4), plus one on each side
    assert.deepEqual([g.ncols, g.nrows, g.lon0, g.latTop], [5, 6, -108.5625, 39.5625]);
    assert.match(created.notes.join('\n'), /outline: 'Plateau Creek'/);

    // LAI before forcing: the grid exists, but there is no dataset yet (the time axis comes from forcing)
    const forcing = dailyForcing(dir);
    const f = await runImportJob(paramsSchema.parse({ projectDir: project, params: { kind: 'forcing', paths: [forcing] } }), jobCtx);
    assert.equal(f.written, true);
    const ds = await openDataset(project);
    assert.ok(sameGrid(ds.grid, g));
    const fr = polygonCellFractions(g, { type: 'Polygon', coordinates: [ring] });
    // the forcing covers centres -108.5625..-108.0625 x 39.0625..39.4375: every column, rows 1..4
    let want = 0;
    for (let row = 1; row <= 4; row++) for (let col = 0; col < g.ncols; col++) if (fr[row * g.ncols + col]! >= 0.5) want++;
    assert.ok(want > 0);
    assert.equal(ds.mask.reduce((a, v) => a + v, 0), want);
    assert.equal(ds.basin.type, 'Polygon');

    // without LAI observations a training run could score nothing: refused before any training, with the reason
    await assert.rejects(runTrainJob(trainParams.parse({ projectDir: project, periods: 'train=2003-05-01..2003-05-02,validate=2003-05-03..2003-05-04,test=2003-05-05..2003-05-06' }), jobCtx),
      /this run could score nothing: the test period 2003-05-05\.\.2003-05-06 holds no LAI observation date \(the dataset has no LAI observations: import them with vegdyn import lai\)/);

    // a project without any grid: LAI is refused, naming the ways to give it one
    const bare = path.join(dir, 'bare');
    await createProjectWithGrid(bare, {});
    await assert.rejects(runImportJob(paramsSchema.parse({ projectDir: bare, params: { kind: 'lai', paths: [forcing] } }), jobCtx), /the project has no grid yet, so lai has nothing to fill: import forcing first .* --bbox, --grid-from or --basin/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const { tmp, api } = inProcessApi('vegdyn-newproject-api-', {}, true);

test('project.create with a grid: an uploaded outline (web mode) or a box; a refused grid is a request error naming grid', { timeout: 60_000 }, async () => {
  const outline = JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: 'Creek' }, geometry: { type: 'Polygon', coordinates: [[[-89.9, 40.2], [-89.7, 40.2], [-89.7, 40.4], [-89.9, 40.4], [-89.9, 40.2]]] } }] });
  const dir = path.join(tmp, 'creek');
  const created = await api.request('project.create', { dir, grid: { file: { name: 'creek.geojson', base64: Buffer.from(outline).toString('base64'), use: 'basin' } } });
  assert.ok(created.notes.some((n) => /^grid: 5 x 5 cells of 0\.125 deg/.test(n)), created.notes.join('\n'));
  const g = (await openProject(dir)).manifest.grid!;
  // -89.9..-89.7 x 40.2..40.4 on the 1/8 lattice (centres -89.9375..-89.6875, 40.1875..40.4375) plus one cell each side
  assert.deepEqual([g.ncols, g.nrows, g.lon0, g.latTop], [5, 5, -90.0625, 40.5625]);
  assert.ok(existsSync(path.join(dir, 'data', 'outline.geojson')));
  await assert.rejects(api.request('project.create', { dir: path.join(tmp, 'bad'), grid: { bbox: [-89, 40, -90, 41] } }), (e: unknown) => {
    assert.ok(e instanceof ApiError, String(e));
    assert.equal(e.code, 'invalid-request');
    assert.equal(e.field, 'grid');
    assert.match(e.message, /--bbox: west \(-89\) must be less than east \(-90\)/);
    return true;
  });
  assert.equal(existsSync(path.join(tmp, 'bad')), false);
  // an upload gets the import panel's checks (import-upload.ts): a name that is a path is refused, naming grid.file
  await assert.rejects(api.request('project.create', { dir: path.join(tmp, 'bad'), grid: { file: { name: '../creek.geojson', base64: Buffer.from(outline).toString('base64'), use: 'basin' } } }), (e: unknown) => {
    assert.ok(e instanceof ApiError, String(e));
    assert.equal(e.field, 'grid.file');
    assert.match(e.message, /upload '\.\.\/creek\.geojson': the file name may hold only/);
    return true;
  });
  assert.equal(existsSync(path.join(tmp, 'bad')), false);
  // the summary gives the map the project's own grid before it has a dataset; map.layers says what is missing
  await api.request('project.open', { dir });
  const summary = await api.request('map.summary', {});
  assert.equal(summary.dataset, null);
  assert.deepEqual(summary.projectGrid?.bounds, [-90.125, 40.0, -89.5, 40.625]);
  assert.equal(summary.projectGrid?.from, 'project');
  const layers = await api.request('map.layers', {});
  assert.deepEqual(layers.layers, []);
  assert.ok(layers.missing.some((m) => m.id === 'forcing' && /no forcing imported/.test(m.reason)), JSON.stringify(layers.missing));
});
