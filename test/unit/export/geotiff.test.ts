import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeGeoTiff } from '../../../main/export/geotiff.ts';
import { UCRB_GRID, cellCount, cellLat, cellLon } from '../../../main/data/grid.ts';

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

const grid = UCRB_GRID;
const n = cellCount(grid);

test('writeGeoTiff: georeference, nodata, band descriptions and values as gdal reads them', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-tif-test-'));
  try {
    const a = new Float32Array(n).map((_, c) => Math.fround(c * 0.37 - 100));
    const b = new Float32Array(n).map((_, c) => Math.fround(Math.sin(c) * 5));
    a[7] = NaN;
    const mask = new Uint8Array(n).fill(1);
    mask[100] = 0;
    mask[n - 1] = 0;
    const file = path.join(dir, 'lai.tif');
    await writeGeoTiff(file, {
      grid,
      bands: [{ data: a, description: '2001-01-01' }, { data: b, description: '2001-01-09', metadata: { date: '2001-01-09' } }],
      mask,
      metadata: { units: 'm2 m-2' },
    });
    const info = JSON.parse(run('gdalinfo', ['-json', file])) as {
      size: number[]; geoTransform: number[]; coordinateSystem: { wkt: string };
      metadata: { ''?: Record<string, string>; IMAGE_STRUCTURE?: Record<string, string> };
      bands: { description: string; noDataValue: number; type: string; metadata: { ''?: Record<string, string> } }[];
    };
    assert.deepEqual(info.size, [63, 54]);
    assert.deepEqual(info.geoTransform, [-112.5, 0.125, 0, 43.125, 0, -0.125]);
    assert.match(info.coordinateSystem.wkt, /ID\["EPSG",4326\]\]\s*$/);
    assert.equal(info.metadata.IMAGE_STRUCTURE?.COMPRESSION, 'DEFLATE');
    assert.equal(info.metadata['']?.units, 'm2 m-2');
    assert.equal(info.bands.length, 2);
    assert.deepEqual(info.bands.map((x) => x.description), ['2001-01-01', '2001-01-09']);
    assert.deepEqual(info.bands.map((x) => x.noDataValue), [-9999, -9999]);
    assert.equal(info.bands[0]!.type, 'Float32');
    assert.equal(info.bands[1]!.metadata['']?.date, '2001-01-09');

    // sample cells across the grid by their centre coordinates, as a GIS user would
    const cells = [0, 7, 62, 100, 63 * 20 + 31, n - 63, n - 2, n - 1];
    for (const c of cells) {
      const row = Math.floor(c / grid.ncols);
      const col = c % grid.ncols;
      const out = run('gdallocationinfo', ['-valonly', '-wgs84', file, String(cellLon(grid, col)), String(cellLat(grid, row))]).trim().split('\n').map(Number);
      const clipped = mask[c] === 0;
      const expectA = clipped || Number.isNaN(a[c]!) ? -9999 : a[c]!;
      const expectB = clipped ? -9999 : b[c]!;
      assert.ok(Math.abs(out[0]! - expectA) <= Math.abs(expectA) * 1e-6, `band 1 cell ${c}: ${out[0]} vs ${expectA}`);
      assert.ok(Math.abs(out[1]! - expectB) <= Math.abs(expectB) * 1e-6 + 1e-6, `band 2 cell ${c}: ${out[1]} vs ${expectB}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writeGeoTiff: every cell round-trips through gdal_translate to raw Float32', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-tif-test-'));
  try {
    const a = new Float32Array(n).map((_, c) => (c % 11 === 0 ? NaN : Math.fround(c / 7)));
    const file = path.join(dir, 'one.tif');
    await writeGeoTiff(file, { grid, bands: [{ data: a, description: 'x' }], compress: false, nodata: -1 });
    run('gdal_translate', ['-q', '-of', 'ENVI', file, path.join(dir, 'one.bin')]);
    const raw = readFileSync(path.join(dir, 'one.bin'));
    const back = new Float32Array(raw.buffer, raw.byteOffset, n);
    for (let c = 0; c < n; c++) assert.equal(back[c], Number.isNaN(a[c]!) ? -1 : a[c], `cell ${c}`);
    const info = JSON.parse(run('gdalinfo', ['-json', file])) as { metadata: { IMAGE_STRUCTURE?: Record<string, string> } };
    assert.equal(info.metadata.IMAGE_STRUCTURE?.COMPRESSION, undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writeGeoTiff: a refused export leaves the previous file untouched', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-tif-test-'));
  try {
    const file = path.join(dir, 'keep.tif');
    writeFileSync(file, 'previous');
    await assert.rejects(
      writeGeoTiff(file, { grid, bands: [{ data: new Float32Array(10), description: 'short' }] }),
      /band 1 \('short'\) has 10 values, the 63x54 grid has 3402/,
    );
    await assert.rejects(writeGeoTiff(file, { grid, bands: [] }), /no bands/);
    assert.equal(readFileSync(file, 'utf8'), 'previous');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
