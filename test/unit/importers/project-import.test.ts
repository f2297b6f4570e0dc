import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importForcingNetcdf } from '../../../main/data/importers/forcing-netcdf.ts';
import { importLai } from '../../../main/data/importers/lai.ts';
import { importBasins } from '../../../main/data/importers/basins.ts';
import { applyImport } from '../../../main/data/importers/project-import.ts';
import { openDataset } from '../../../main/data/store/netcdf-store.ts';
import { sameGrid } from '../../../main/data/grid.ts';
import { gridFromCentres } from '../../../main/data/grid-definition.ts';
import { openProject } from '../../../main/project/project-store.ts';
import { FORCING_NAMES } from '../../../main/data/dataset.ts';
import { dailyForcing, DAILY_NX as NX, DAILY_NY as NY, DAILY_DAYS as DAYS } from './make-files.ts';
import { geotiffFromAsc } from './make-files.ts';
import { hashTree } from './project-hash.ts';


function vegdyn(...args: string[]) {
  return spawnSync(process.execPath, ['bin/vegdyn.mjs', ...args], { encoding: 'utf8' });
}

test('vegdyn import forcing into a new project (which takes the file\'s grid), then LAI and subbasins; the dataset store reads back the same values', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-pimport-'));
  try {
    const project = path.join(dir, 'proj');
    const nc = dailyForcing(dir);
    let r = vegdyn('import', 'forcing', nc, '--project', project, '--json');
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as { days: number; maskCells: number; from: string };
    assert.equal(summary.days, DAYS);
    assert.equal(summary.from, '2003-05-01');
    assert.equal(summary.maskCells, NX * NY);

    // a project made without a grid takes the forcing file's own cells: 5 x 4 centres from -108.5625 E, 39.0625 N
    const grid = gridFromCentres([-108.5625, -108.4375, -108.3125, -108.1875, -108.0625], [39.0625, 39.1875, 39.3125, 39.4375], 'daily.nc');
    const expected = await importForcingNetcdf([nc], { grid });
    let ds = await openDataset(project);
    assert.ok(sameGrid(ds.grid, grid), JSON.stringify(ds.grid));
    const manifestGrid = (await openProject(project)).manifest.grid!;
    assert.deepEqual([manifestGrid.ncols, manifestGrid.nrows, manifestGrid.lon0, manifestGrid.latTop, manifestGrid.cellSize], [NX, NY, -108.5625, 39.4375, 0.125]);
    assert.equal(ds.startDate, '2003-05-01');
    assert.equal(ds.dayCount, DAYS);
    for (const f of FORCING_NAMES) {
      const got = ds.forcing(f);
      const want = expected.variables[f];
      for (let i = 0; i < want.length; i++) {
        assert.ok(Object.is(got[i], want[i]) || (Number.isNaN(got[i]!) && Number.isNaN(want[i]!)) || got[i] === want[i], `${f} value ${i}: ${got[i]} vs ${want[i]}`);
      }
    }

    // LAI on day 3 of the axis, as a GeoTIFF made by gdal_translate (one value per project cell)
    const west = -108.5625 - 0.0625, north = 39.0625 + 0.125 * (NY - 1) + 0.0625;
    const lai = Array.from({ length: NY * NX }, (_, k) => 100 + k * 7);
    geotiffFromAsc(dir, 'lai_2003-05-03.tif', { west, north, size: 0.125, ncols: NX, nrows: NY, values: lai, nodata: -1 }, { scale: 0.01 });
    // (in-process from here on: each CLI start costs seconds on a loaded machine)
    await applyImport(project, await importLai([path.join(dir, 'lai_2003-05-03.tif')], { grid }));
    ds = await openDataset(project);
    assert.deepEqual([...ds.observations.dayIndex], [2]);
    const row0 = Math.round((grid.latTop - (north - 0.0625)) / grid.cellSize);
    const col0 = Math.round((west + 0.0625 - grid.lon0) / grid.cellSize);
    for (let y = 0; y < NY; y++) for (let x = 0; x < NX; x++) {
      const got = ds.observations.values[(row0 + y) * grid.ncols + col0 + x]!;
      assert.ok(Math.abs(got - lai[y * NX + x]! * 0.01) < 1e-5, `LAI row ${y} col ${x}: ${got}`);
    }

    // subbasins from GeoJSON
    const gj = path.join(dir, 'subs.geojson');
    writeFileSync(gj, JSON.stringify({ type: 'FeatureCollection', features: [
      { type: 'Feature', properties: { id: 3, name: 'West half' }, geometry: { type: 'Polygon', coordinates: [[[-108.625, 39.0], [-108.375, 39.0], [-108.375, 39.5], [-108.625, 39.5], [-108.625, 39.0]]] } },
    ] }));
    await applyImport(project, await importBasins(gj, { grid }));
    ds = await openDataset(project);
    assert.deepEqual(ds.subbasins.map((s) => [s.id, s.name]), [[3, 'West half']]);
    assert.equal(ds.subbasins[0]!.cellFractions.reduce((a, b) => a + b, 0), 8);
    const log = JSON.parse(readFileSync(path.join(project, 'data', 'imports.json'), 'utf8')) as { kind: string }[];
    assert.deepEqual(log.map((e) => e.kind), ['forcing', 'lai', 'basins']);

    // a refused import: one line on stderr, non-zero exit, project unchanged
    const before = hashTree(project);
    r = vegdyn('import', 'lai', path.join(dir, 'lai_2003-05-03.tif'), '--project', project, '--scale', '1');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /^vegdyn: .*lai_2003-05-03\.tif: band 1 \(2003-05-03\) has no valid LAI in any project cell.*\n$/);
    const outside = geotiffFromAsc(dir, 'lai_1990-01-01.tif', { west, north, size: 0.125, ncols: NX, nrows: NY, values: lai, nodata: -1 }, { scale: 0.01 });
    await assert.rejects(async () => applyImport(project, await importLai([outside], { grid })), /has no observation date inside the dataset's period 2003-05-01 \+ 6 days \(found 1990-01-01/);
    assert.equal(hashTree(project), before);
    // no dataset yet: LAI first is refused with the remedy
    const empty = path.join(dir, 'empty');
    await assert.rejects(async () => applyImport(empty, await importLai([outside], { grid })), /empty: has no dataset yet: import forcing first/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
