import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeNetcdfSeries } from '../../../main/export/netcdf.ts';
import { importLai } from '../../../main/data/importers/lai.ts';
import { UCRB_GRID, cellCount, cellLat, cellLon } from '../../../main/data/grid.ts';
import { run } from '../importers/make-files.ts';

const grid = UCRB_GRID;
const n = cellCount(grid);

test('writeNetcdfSeries: CF NetCDF4 that gdal georeferences and reads cell by cell, and that the LAI importer reads back', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-nc-export-'));
  try {
    const dates = ['2001-01-01', '2001-01-09', '2001-01-17'];
    const lai = new Float32Array(dates.length * n).map((_, i) => Math.fround(((i * 37) % 700) / 100));
    lai[5] = NaN;
    const mask = new Uint8Array(n).fill(1);
    mask[n - 1] = 0;
    const file = path.join(dir, 'lai.nc');
    await writeNetcdfSeries(file, {
      grid, dates, mask,
      variables: [{ name: 'LAI', units: 'm2 m-2', longName: 'leaf area index', standardName: 'leaf_area_index', data: lai }],
      attributes: { title: 'test export', source: 'VegDyn test' },
    });
    const sub = `NETCDF:"${file}":LAI`;
    const info = JSON.parse(run('gdalinfo', ['-json', sub])) as { geoTransform: number[]; size: number[]; bands: { noDataValue: number; metadata: { ''?: Record<string, string> } }[]; coordinateSystem: { wkt: string } };
    assert.deepEqual(info.size, [63, 54]);
    assert.deepEqual(info.geoTransform, [-112.5, 0.125, 0, 43.125, 0, -0.125]);
    assert.match(info.coordinateSystem.wkt, /WGS 84/);
    assert.equal(info.bands.length, 3);
    assert.equal(info.bands[0]!.noDataValue, -9999);
    assert.deepEqual(info.bands.map((b) => b.metadata['']?.NETCDF_DIM_time), ['7305', '7313', '7321']); // days since 1981-01-01
    for (const cell of [0, 5, 62, 1000, 2500, n - 63, n - 1]) {
      const row = Math.floor(cell / grid.ncols), col = cell % grid.ncols;
      const got = run('gdallocationinfo', ['-valonly', '-wgs84', sub, String(cellLon(grid, col)), String(cellLat(grid, row))]).trim().split('\n').map(Number);
      for (let t = 0; t < 3; t++) {
        const v = lai[t * n + cell]!;
        const want = mask[cell] === 0 || Number.isNaN(v) ? -9999 : v;
        assert.ok(Math.abs(got[t]! - want) < 1e-6, `cell ${cell} date ${t}: ${got[t]} vs ${want}`);
      }
    }
    // the importer (h5wasm, CF decoding, latitude flip) reads the same values back
    const back = await importLai([file], { grid, minValidFraction: 1 });
    assert.deepEqual(back.dates, dates);
    for (let i = 0; i < lai.length; i++) {
      const want = mask[i % n] === 0 ? NaN : lai[i]!;
      assert.ok(Object.is(back.values[i], want) || Math.abs(back.values[i]! - want) < 1e-6, `value ${i}: ${back.values[i]} vs ${want}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
