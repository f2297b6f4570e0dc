import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importForcingNetcdf } from '../../../main/data/importers/forcing-netcdf.ts';
import { applyImport } from '../../../main/data/importers/project-import.ts';
import { openDataset } from '../../../main/data/store/netcdf-store.ts';
import { UCRB_GRID, cellCount, cellLat, cellLon } from '../../../main/data/grid.ts';
import { basinMean } from '../../../main/data/aggregate.ts';
import { dailyForcing, run } from '../importers/make-files.ts';
import { createProject } from '../../../main/project/project-store.ts';

function vegdyn(...args: string[]) {
  return spawnSync(process.execPath, ['bin/vegdyn.mjs', ...args], { encoding: 'utf8' });
}

test('vegdyn export geotiff and csv from a project: gdal reads the bands; the CSV holds the basin means', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-export-cli-'));
  try {
    const project = path.join(dir, 'proj');
    await createProject(project);
    await applyImport(project, await importForcingNetcdf([dailyForcing(dir)], { grid: UCRB_GRID }));
    const ds = await openDataset(project);
    const n = cellCount(ds.grid);

    const tif = path.join(dir, 'tair.tif');
    let r = vegdyn('export', 'geotiff', '--project', project, '--variable', 'Tair', '--from', '2003-05-02', '--to', '2003-05-04', '--clip', '--out', tif);
    assert.equal(r.status, 0, r.stderr);
    const info = JSON.parse(run('gdalinfo', ['-json', tif])) as { bands: { description: string }[]; geoTransform: number[]; metadata: { ''?: Record<string, string> } };
    assert.deepEqual(info.bands.map((b) => b.description), ['2003-05-02', '2003-05-03', '2003-05-04']);
    assert.deepEqual(info.geoTransform, [-112.5, 0.125, 0, 43.125, 0, -0.125]);
    assert.equal(info.metadata['']?.units, 'K');
    const tair = ds.forcing('Tair');
    for (const cell of ds.mask.reduce<number[]>((a, m, c) => (m ? [...a, c] : a), []).slice(0, 6).concat([0])) {
      const row = Math.floor(cell / ds.grid.ncols), col = cell % ds.grid.ncols;
      const vals = run('gdallocationinfo', ['-valonly', '-wgs84', tif, String(cellLon(ds.grid, col)), String(cellLat(ds.grid, row))]).trim().split('\n').map(Number);
      for (let b = 0; b < 3; b++) {
        const want = ds.mask[cell] ? tair[(b + 1) * n + cell]! : -9999;
        assert.ok(Math.abs(vals[b]! - want) < 1e-3, `cell ${cell} band ${b + 1}: ${vals[b]} vs ${want}`);
      }
    }

    const csv = path.join(dir, 'basin.csv');
    r = vegdyn('export', 'csv', '--project', project, '--variable', 'Rainf,Tair', '--out', csv);
    assert.equal(r.status, 0, r.stderr);
    const lines = readFileSync(csv, 'utf8').trimEnd().split('\r\n');
    assert.equal(lines[0], 'date,Rainf [kg m-2],Tair [K]');
    assert.equal(lines.length, ds.dayCount + 1);
    const rain = basinMean(ds, ds.forcing('Rainf'));
    const t = basinMean(ds, tair);
    lines.slice(1).forEach((line, d) => {
      const [date, a, b] = line.split(',');
      assert.equal(date, `2003-05-0${d + 1}`);
      assert.ok(Math.abs(Number(a) - rain[d]!) < 1e-5 * Math.max(1, Math.abs(rain[d]!)), `Rainf day ${d}`);
      assert.ok(Math.abs(Number(b) - t[d]!) < 1e-4, `Tair day ${d}`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
