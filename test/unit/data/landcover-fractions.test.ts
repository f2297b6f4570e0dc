/**
 * Land-cover class fractions in the dataset store: the virtual basin's (one-hot of its majority
 * class), written as landcover_fraction(landcover_class, lat, lon), read back by VegDyn and by
 * gdal-bin with the right georeference; datasets without them (older files) stay readable.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { landCoverFraction, type Dataset, type StaticLayers } from '../../../main/data/dataset.ts';
import { generateVirtualBasin } from '../../../main/data/virtual-basin/generate.ts';
import { openDataset, writeDataset, datasetPath } from '../../../main/data/store/netcdf-store.ts';
import { InMemoryDataset, type DatasetParts } from '../../../main/data/store/in-memory-dataset.ts';
import { FORCING_NAMES } from '../../../main/data/dataset.ts';
import { layerCatalogue, layerGrid as sliceGrid } from '../../../main/map/catalogue.ts';
import { slicesOfDataset } from '../../../main/data/dataset-slices.ts';

// the map's layer list and grids of a dataset held in memory (the map reads slices of it)
const datasetLayers = (d: Dataset) => layerCatalogue(slicesOfDataset(d));
const layerGrid = (d: Dataset, id: string, day: number | undefined) => sliceGrid(slicesOfDataset(d), id, day);

const NCOLS = 63, NROWS = 54, N = NCOLS * NROWS;
let ds: Dataset;
let dir: string;

function parts(d: Dataset, staticLayers: StaticLayers): DatasetParts {
  return {
    id: d.id, source: d.source, grid: d.grid, startDate: d.startDate, dayCount: d.dayCount, mask: d.mask, staticLayers,
    basin: d.basin, subbasins: d.subbasins, splits: d.splits, normalization: d.normalization,
    forcing: Object.fromEntries(FORCING_NAMES.map((f) => [f, d.forcing(f)])) as DatasetParts['forcing'],
    observations: d.observations, attributes: d.attributes ?? {},
  };
}

before(async () => {
  ds = generateVirtualBasin({ seed: 7, startDate: '1981-01-01', endDate: '1981-01-31' });
  dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-lcfrac-'));
  await writeDataset(dir, ds);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('the virtual basin has one-hot class fractions that agree with its majority class and sum to 1', () => {
  const fr = ds.staticLayers.landCoverFractions!;
  const lc = ds.staticLayers.landCover;
  assert.deepEqual(fr.classes, [...new Set(lc)].sort((a, b) => a - b));
  for (const code of [1, 4, 7, 10, 12, 16]) assert.ok(fr.classes.includes(code), `class ${code} present`);
  for (let c = 0; c < N; c++) {
    let sum = 0;
    for (const code of fr.classes) {
      const v = landCoverFraction(ds, code)![c]!;
      assert.equal(v, lc[c] === code ? 1 : 0);
      sum += v;
    }
    assert.equal(sum, 1);
  }
  // a class the basin does not have: zeros in classified cells
  assert.ok(landCoverFraction(ds, 5)!.every((v) => v === 0));
  assert.ok(ds instanceof InMemoryDataset);
  assert.deepEqual(ds.landCoverFraction(7), landCoverFraction(ds, 7));
});

test('the map offers no fraction layers for one-hot fractions (they would repeat the land-cover layer)', () => {
  assert.ok(datasetLayers(ds).some((l) => l.id === 'static.landCover'));
  assert.ok(!datasetLayers(ds).some((l) => l.id.startsWith('static.landCoverFraction.')));
  // asked for anyway, a class layer is still the stored fractions
  const grid = layerGrid(ds, 'static.landCoverFraction.7', undefined).values;
  for (let c = 0; c < N; c++) assert.ok(ds.mask[c] ? grid[c] === (ds.staticLayers.landCover[c] === 7 ? 1 : 0) : Number.isNaN(grid[c]!));
  assert.throws(() => layerGrid(ds, 'static.landCoverFraction.x', undefined), /unknown map layer/);
});

test('written fractions read back identical, as does the accessor', async () => {
  const back = await openDataset(dir);
  const a = ds.staticLayers.landCoverFractions!;
  const b = back.staticLayers.landCoverFractions!;
  assert.deepEqual(b.classes, a.classes);
  assert.deepEqual(Array.from(b.values), Array.from(a.values));
  for (const code of a.classes) assert.deepEqual(landCoverFraction(back, code), landCoverFraction(ds, code));
});

test('gdalinfo and gdallocationinfo read landcover_fraction with the grid georeference and one band per class', () => {
  const file = datasetPath(dir);
  const fr = ds.staticLayers.landCoverFractions!;
  const r = spawnSync('gdalinfo', ['-json', `NETCDF:${file}:landcover_fraction`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const info = JSON.parse(r.stdout) as {
    geoTransform: number[]; size: number[]; coordinateSystem: { wkt: string }; metadata: Record<string, Record<string, string>>;
    bands: { metadata: Record<string, Record<string, string>> }[];
  };
  assert.deepEqual(info.size, [NCOLS, NROWS]);
  assert.deepEqual(info.geoTransform, [-112.5, 0.125, 0, 43.125, 0, -0.125]);
  assert.match(info.coordinateSystem.wkt, /ID\["EPSG",4326\]/);
  assert.equal(info.bands.length, fr.classes.length);
  info.bands.forEach((b, k) => assert.equal(b.metadata['']!.NETCDF_DIM_landcover_class, String(fr.classes[k])));
  const md = info.metadata['']!;
  assert.equal(md['landcover_class#flag_values'], `{${fr.classes.join(',')}}`);
  assert.match(md['landcover_class#flag_meanings']!, /^evergreen_needleleaf_forest .*open_shrubland .*barren$/);
  assert.equal(md['landcover_fraction#standard_name'], 'area_fraction');
  // sampled cells, by pixel and by geographic position: the value VegDyn holds
  for (const [row, col] of [[0, 0], [20, 30], [53, 62], [41, 7]] as const) {
    // without -b, one line per band (class)
    const p = spawnSync('gdallocationinfo', ['-valonly', `NETCDF:${file}:landcover_fraction`, String(col), String(row)], { encoding: 'utf8' });
    assert.deepEqual(p.stdout.trim().split('\n').map(Number), fr.classes.map((code) => landCoverFraction(ds, code)![row * NCOLS + col]!), `pixel ${col},${row}`);
    const k = fr.classes.indexOf(ds.staticLayers.landCover[row * NCOLS + col]!);
    const g = spawnSync('gdallocationinfo', ['-valonly', '-wgs84', '-b', String(k + 1), `NETCDF:${file}:landcover_fraction`, String(-112.4375 + col * 0.125), String(43.0625 - row * 0.125)], { encoding: 'utf8' });
    assert.equal(Number(g.stdout.trim()), 1, `the majority class layer at ${col},${row}`);
  }
});

test('a dataset without class fractions (as files written before them) opens; the accessor says there are none', async () => {
  const { landCoverFractions: _gone, ...older } = ds.staticLayers;
  const plain = new InMemoryDataset(parts(ds, older));
  const d2 = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-lcfrac-old-'));
  try {
    await writeDataset(d2, plain);
    const r = spawnSync('gdalinfo', [datasetPath(d2)], { encoding: 'utf8' });
    assert.doesNotMatch(r.stdout, /landcover_fraction/);
    const back = await openDataset(d2);
    assert.equal(back.staticLayers.landCoverFractions, undefined);
    assert.equal(landCoverFraction(back, 7), undefined);
    assert.deepEqual(back.staticLayers.landCover, ds.staticLayers.landCover);
  } finally {
    rmSync(d2, { recursive: true, force: true });
  }
});

test('fractions that do not fit the land cover are refused when the dataset is built', () => {
  const fr = ds.staticLayers.landCoverFractions!;
  const halved = { classes: fr.classes, values: fr.values.map((v) => v / 2) };
  assert.throws(() => new InMemoryDataset(parts(ds, { ...ds.staticLayers, landCoverFractions: halved })), /land-cover fractions do not fit the land cover: the fractions of cell 0 sum to 0\.5, not 1/);
  const short = { classes: fr.classes.slice(1), values: fr.values.slice(N) };
  assert.throws(() => new InMemoryDataset(parts(ds, { ...ds.staticLayers, landCoverFractions: short })), /sum to 0, not 1|has majority class/);
});
