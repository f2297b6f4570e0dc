import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { unzipShapefileParts, UnzipLimitError } from '../../../main/data/importers/bounded-unzip.ts';
import { importBasins } from '../../../main/data/importers/basins.ts';
import { UCRB_GRID, cellCount } from '../../../main/data/grid.ts';
import { run } from './make-files.ts';

const grid = UCRB_GRID;
const n = cellCount(grid);
const cell = (row: number, col: number) => row * grid.ncols + col;

const collection = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { id: 7, name: 'Upper Green' }, geometry: { type: 'Polygon', coordinates: [[[-110.5, 40.0], [-110.0, 40.0], [-110.0, 40.5], [-110.5, 40.5], [-110.5, 40.0]]] } },
    {
      type: 'Feature', properties: { id: 8, name: 'White, "lower"' },
      geometry: { type: 'Polygon', coordinates: [
        [[-109.9375, 40.0], [-109.5, 40.0], [-109.5, 40.25], [-109.9375, 40.25], [-109.9375, 40.0]],
        [[-109.75, 40.0625], [-109.75, 40.1875], [-109.625, 40.1875], [-109.625, 40.0625], [-109.75, 40.0625]],
      ] },
    },
    { type: 'Feature', properties: { id: 9, name: 'Triangle' }, geometry: { type: 'MultiPolygon', coordinates: [[[[-109.0, 39.0], [-108.875, 39.0], [-109.0, 39.125], [-109.0, 39.0]]]] } },
  ],
};

/** The fractions these polygons must give, worked out by hand from the cell edges. */
function expected(id: number): Map<number, number> {
  const m = new Map<number, number>();
  if (id === 7) for (let r = 21; r <= 24; r++) for (let c = 16; c <= 19; c++) m.set(cell(r, c), 1);
  if (id === 8) {
    for (const r of [23, 24]) {
      m.set(cell(r, 20), 0.5);
      for (let c = 21; c <= 23; c++) m.set(cell(r, c), 1);
    }
    // the hole takes half of each of these two cells
    m.set(cell(23, 22), 0.5);
    m.set(cell(24, 22), 0.5);
  }
  if (id === 9) m.set(cell(32, 28), 0.5);
  return m;
}

function check(result: Awaited<ReturnType<typeof importBasins>>, tol: number): void {
  assert.deepEqual(result.features.map((f) => [f.id, f.name]), [[7, 'Upper Green'], [8, 'White, "lower"'], [9, 'Triangle']]);
  for (const f of result.features) {
    const want = expected(f.id);
    for (let c = 0; c < n; c++) {
      const got = f.cellFractions[c]!;
      assert.ok(Math.abs(got - (want.get(c) ?? 0)) <= tol, `feature ${f.id} cell ${c} (row ${Math.floor(c / grid.ncols)}, col ${c % grid.ncols}): ${got} vs ${want.get(c) ?? 0}`);
    }
  }
}

test('basins from GeoJSON: exact per-cell area fractions (partial cells, holes, multipolygons)', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-basins-'));
  try {
    const file = path.join(dir, 'basins.geojson');
    writeFileSync(file, JSON.stringify(collection));
    check(await importBasins(file, { grid }), 1e-6);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('basins from a zipped shapefile in UTM 12N / NAD83 (ogr2ogr), reprojected from its .prj', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-basins-'));
  try {
    const src = path.join(dir, 'src.geojson');
    writeFileSync(src, JSON.stringify(collection));
    const shpDir = path.join(dir, 'shp');
    mkdirSync(shpDir);
    run('ogr2ogr', ['-f', 'ESRI Shapefile', '-t_srs', 'EPSG:26912', path.join(shpDir, 'subbasins.shp'), src]);
    assert.match(readFileSync(path.join(shpDir, 'subbasins.prj'), 'utf8'), /UTM_Zone_12N/);
    const files = Object.fromEntries(readdirSync(shpDir).map((f) => [f, new Uint8Array(readFileSync(path.join(shpDir, f)))]));
    const zip = path.join(dir, 'subbasins.zip');
    writeFileSync(zip, zipSync(files));
    // NAD83 -> WGS84 and the UTM round trip move vertices by well under a millimetre
    check(await importBasins(zip, { grid }), 1e-5);
    // the unzipped .shp works too
    check(await importBasins(path.join(shpDir, 'subbasins.shp'), { grid }), 1e-5);

    // the same archive without its .prj is refused: the CRS would be a guess
    const noPrj = path.join(dir, 'noprj.zip');
    writeFileSync(noPrj, zipSync(Object.fromEntries(Object.entries(files).filter(([k]) => !k.endsWith('.prj')))));
    await assert.rejects(importBasins(noPrj, { grid }), /noprj\.zip: has subbasins\.shp without a \.prj file, so its coordinate system is unknown/);

    // junk next to the shapefile (a 24 MiB run of zeros, a readme, a folder) is never inflated
    const junk = path.join(dir, 'with-junk.zip');
    const zeros = new Uint8Array(24 * 1024 * 1024);
    writeFileSync(junk, zipSync({ ...files, 'junk/zeros.bin': zeros, 'README.txt': new TextEncoder().encode('hello'), '__MACOSX/._subbasins.shp': new Uint8Array(10) }, { level: 9 }));
    const parts = await unzipShapefileParts(new Uint8Array(readFileSync(junk)));
    assert.deepEqual(Object.keys(parts.files).sort(), Object.keys(files).filter((k) => /\.(shp|shx|dbf|prj|cpg)$/.test(k)).sort());
    assert.deepEqual(parts.skipped.sort(), ['README.txt', '__MACOSX/._subbasins.shp', 'junk/zeros.bin']);
    check(await importBasins(junk, { grid }), 1e-5);

    // a zip bomb posing as the .shp (24 MiB of zeros deflate about 1000x) is refused before inflating
    const bomb = path.join(dir, 'bomb.zip');
    writeFileSync(bomb, zipSync({ ...files, 'subbasins.shp': zeros }, { level: 9 }));
    assert.ok(statSync(bomb).size < 200 * 1024, `the bomb is small (${statSync(bomb).size} bytes)`);
    await assert.rejects(importBasins(bomb, { grid }), /bomb\.zip: refused: subbasins\.shp expands \d+ times .* more than the 100x/);
    // and the total bound: parts that compress poorly but add up past the limit
    await assert.rejects(unzipShapefileParts(new Uint8Array(readFileSync(path.join(dir, 'subbasins.zip'))), { maxExpandedBytes: 100 }), (err: unknown) => err instanceof UnzipLimitError && /expand to more than 100 bytes/.test(err.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('basins: points, non-overlapping polygons and duplicate ids are refused by name', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-basins-'));
  try {
    const points = path.join(dir, 'points.geojson');
    writeFileSync(points, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [-110, 40] } }] }));
    await assert.rejects(importBasins(points, { grid }), /points\.geojson: feature 1 is a Point; basins must be Polygon or MultiPolygon/);
    const far = path.join(dir, 'far.geojson');
    writeFileSync(far, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[[10, 10], [11, 10], [11, 11], [10, 10]]] } }] }));
    await assert.rejects(importBasins(far, { grid }), /far\.geojson: has no polygon overlapping the project grid/);
    const dup = path.join(dir, 'dup.geojson');
    writeFileSync(dup, JSON.stringify({ ...collection, features: collection.features.map((f) => ({ ...f, properties: { ...f.properties, id: 1 } })) }));
    await assert.rejects(importBasins(dup, { grid }), /dup\.geojson: has two features with id 1/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
