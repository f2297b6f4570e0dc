import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, writeFileSync, statSync, existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { Dataset } from '../../../main/data/dataset.ts';
import { FORCING_NAMES } from '../../../main/data/dataset.ts';
import { generateVirtualBasin } from '../../../main/data/virtual-basin/generate.ts';
import { openDataset, writeDataset, datasetPath, BASINS_FILE } from '../../../main/data/store/netcdf-store.ts';
import { InMemoryDataset } from '../../../main/data/store/in-memory-dataset.ts';

const N = 63 * 54;
let ds: Dataset;
let dir: string;

function sameOrBothNaN(a: Float32Array, b: Float32Array, what: string): void {
  assert.equal(a.length, b.length, `${what} length`);
  for (let i = 0; i < a.length; i++) {
    if (!(a[i] === b[i] || (Number.isNaN(a[i]!) && Number.isNaN(b[i]!)))) assert.fail(`${what}[${i}]: wrote ${a[i]}, read ${b[i]}`);
  }
}

before(async () => {
  ds = generateVirtualBasin({ seed: 5, startDate: '1981-01-01', endDate: '1981-12-31' });
  dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-store-'));
  await writeDataset(dir, ds);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a written dataset reads back with identical arrays, metadata, splits, normalization and subbasins', async () => {
  const back = await openDataset(dir);
  assert.equal(back.id, ds.id);
  assert.equal(back.source, ds.source);
  assert.equal(back.startDate, ds.startDate);
  assert.equal(back.dayCount, ds.dayCount);
  assert.deepEqual(back.grid, { ...ds.grid });
  for (const name of FORCING_NAMES) sameOrBothNaN(ds.forcing(name), back.forcing(name), name);
  sameOrBothNaN(ds.trueLai!, back.trueLai!, 'trueLai');
  assert.deepEqual(Array.from(back.observations.dayIndex), Array.from(ds.observations.dayIndex));
  sameOrBothNaN(ds.observations.values, back.observations.values, 'observations');
  assert.deepEqual(back.mask, ds.mask);
  assert.deepEqual(back.staticLayers.landCover, ds.staticLayers.landCover);
  sameOrBothNaN(ds.staticLayers.elevation, back.staticLayers.elevation, 'elevation');
  sameOrBothNaN(ds.staticLayers.sandPercent, back.staticLayers.sandPercent, 'sand');
  assert.deepEqual(back.splits, ds.splits);
  assert.deepEqual(back.normalization, ds.normalization);
  assert.deepEqual(back.basin, ds.basin);
  assert.equal(back.subbasins.length, ds.subbasins.length);
  back.subbasins.forEach((s, k) => {
    assert.equal(s.name, ds.subbasins[k]!.name);
    assert.equal(s.id, ds.subbasins[k]!.id);
    assert.deepEqual(s.geometry, ds.subbasins[k]!.geometry);
    sameOrBothNaN(ds.subbasins[k]!.cellFractions, s.cellFractions, `${s.name} fractions`);
  });
  const geo = JSON.parse(readFileSync(path.join(dir, BASINS_FILE), 'utf8')) as GeoJSON.FeatureCollection;
  assert.equal(geo.features.length, 1 + ds.subbasins.length);
});

test('a range of days reads as the same days of the whole file: series, observations inside it, splits clipped, normalization kept', async () => {
  const whole = await openDataset(dir);
  const part = await openDataset(dir, { days: { from: '1981-03-01', to: '1981-08-31' } });
  const start = 31 + 28;
  const days = 184;
  const n = N;
  assert.equal(part.startDate, '1981-03-01');
  assert.equal(part.dayCount, days);
  assert.deepEqual(part.grid, whole.grid);
  assert.deepEqual(part.normalization, whole.normalization);
  for (const name of FORCING_NAMES) sameOrBothNaN(whole.forcing(name, { start, end: start + days }), part.forcing(name), name);
  sameOrBothNaN(whole.trueLai!.subarray(start * n, (start + days) * n), part.trueLai!, 'trueLai');
  // exactly the composites whose periods lie inside March..August, on the new axis
  const o = whole.observations;
  const kept = [...o.dayIndex.keys()].filter((k) => o.periodStart![k]! >= start && o.periodEnd![k]! <= start + days);
  assert.ok(kept.length > 0 && kept.length < o.dayIndex.length);
  assert.deepEqual(Array.from(part.observations.dayIndex), kept.map((k) => o.dayIndex[k]! - start));
  assert.deepEqual(Array.from(part.observations.periodStart!), kept.map((k) => o.periodStart![k]! - start));
  assert.deepEqual(Array.from(part.observations.periodEnd!), kept.map((k) => o.periodEnd![k]! - start));
  sameOrBothNaN(o.values.subarray(kept[0]! * n, (kept.at(-1)! + 1) * n), part.observations.values, 'observations');
  for (const split of ['train', 'validate', 'test'] as const) {
    const r = whole.splits[split];
    const a = Math.min(Math.max(r.start, start), start + days) - start;
    assert.deepEqual(part.splits[split], { start: a, end: Math.max(a, Math.min(r.end, start + days) - start) }, split);
  }
  // days outside the file: an error naming the file and the dates
  await assert.rejects(openDataset(dir, { days: { from: '1980-12-01', to: '1981-02-01' } }), (err: Error) => err.message.includes(datasetPath(dir)) && err.message.includes('1980-12-01..1981-02-01') && err.message.includes('1981-01-01..1981-12-31'));
});

test('a dataset without observations, subbasins or true LAI (as an import may be) round-trips', async () => {
  const bareDir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-store-bare-'));
  try {
    const days = 10;
    const forcing = Object.fromEntries(FORCING_NAMES.map((n) => [n, ds.forcing(n, { start: 0, end: days })])) as Record<(typeof FORCING_NAMES)[number], Float32Array>;
    const bare = new InMemoryDataset({
      id: 'imported', source: 'imported NLDAS-2 subset', grid: ds.grid, startDate: '1981-01-01', dayCount: days, mask: ds.mask,
      staticLayers: ds.staticLayers, basin: ds.basin, subbasins: [], splits: { train: { start: 0, end: 6 }, validate: { start: 6, end: 8 }, test: { start: 8, end: 10 } },
      normalization: { forcing: ds.normalization.forcing, lai: { mean: Number.NaN, std: Number.NaN } }, forcing,
      observations: { dayIndex: new Int32Array(0), values: new Float32Array(0) },
    });
    await writeDataset(bareDir, bare);
    const back = await openDataset(bareDir);
    assert.equal(back.dayCount, days);
    assert.equal(back.observations.dayIndex.length, 0);
    assert.equal(back.subbasins.length, 0);
    assert.equal(back.trueLai, undefined);
    sameOrBothNaN(forcing.Wind, back.forcing('Wind'), 'Wind');
  } finally {
    rmSync(bareDir, { recursive: true, force: true });
  }
});

test('two writes of the same dataset differ only in the few bytes of HDF5 object timestamps', async () => {
  const second = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-store-again-'));
  try {
    await new Promise((resolve) => setTimeout(resolve, 1100)); // let the clock tick: timestamps have 1 s resolution
    await writeDataset(second, ds);
    const a = readFileSync(datasetPath(dir));
    const b = readFileSync(datasetPath(second));
    assert.equal(a.length, b.length);
    let differing = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differing++;
    // h5wasm cannot switch off object time tracking: 4-byte times in ~60 object headers may differ
    assert.ok(differing < 1024, `${differing} of ${a.length} bytes differ`);
    assert.equal(readFileSync(path.join(dir, BASINS_FILE), 'utf8'), readFileSync(path.join(second, BASINS_FILE), 'utf8'));
  } finally {
    rmSync(second, { recursive: true, force: true });
  }
});

test('gdalinfo reads every gridded variable with origin (-112.5, 43.125), pixel size 0.125 and EPSG:4326', () => {
  const file = datasetPath(dir);
  const vars = [...FORCING_NAMES, 'LAI', 'LAI_true', 'elevation', 'land_cover', 'sand_percent', 'clay_percent', 'organic_fraction', 'basin_mask', 'subbasin_fraction'];
  for (const v of vars) {
    const r = spawnSync('gdalinfo', ['-json', `NETCDF:${file}:${v}`], { encoding: 'utf8' });
    assert.equal(r.status, 0, `gdalinfo ${v}: ${r.stderr}`);
    const info = JSON.parse(r.stdout) as { geoTransform: number[]; size: number[]; coordinateSystem: { wkt: string } };
    assert.deepEqual(info.size, [63, 54], v);
    assert.deepEqual(info.geoTransform, [-112.5, 0.125, 0, 43.125, 0, -0.125], v);
    assert.match(info.coordinateSystem.wkt, /ID\["EPSG",4326\]/, v);
  }
});

test('gdallocationinfo reads the same value as the engine at a named cell and day', () => {
  const file = datasetPath(dir);
  // cell row 20 (north-first), col 30; band 101 = day index 100
  const row = 20;
  const col = 30;
  const day = 100;
  const r = spawnSync('gdallocationinfo', ['-valonly', '-b', String(day + 1), `NETCDF:${file}:Tair`, String(col), String(row)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const expected = ds.forcing('Tair')[day * N + row * 63 + col]!;
  assert.ok(Math.abs(Number(r.stdout.trim()) - expected) < 1e-3, `gdal ${r.stdout.trim()} vs ${expected}`);
  // geographic query at the cell centre gives the same pixel
  const lon = -112.4375 + col * 0.125;
  const lat = 43.0625 - row * 0.125;
  const g = spawnSync('gdallocationinfo', ['-valonly', '-wgs84', '-b', String(day + 1), `NETCDF:${file}:Tair`, String(lon), String(lat)], { encoding: 'utf8' });
  assert.ok(Math.abs(Number(g.stdout.trim()) - expected) < 1e-3);
});

test('xarray (netCDF4) opens the file with ascending latitude, CF time and the fill values decoded', (t) => {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import xarray, netCDF4'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    t.skip('python3 with xarray and netCDF4 is not installed');
    return;
  }
  const script = `
import json, sys, xarray as xr, numpy as np
d = xr.open_dataset(sys.argv[1])
lai = d['LAI']
print(json.dumps({
  'lat0': float(d.lat[0]), 'lat1': float(d.lat[-1]), 'lon0': float(d.lon[0]),
  'time0': str(d.time.values[0])[:10], 'timeN': str(d.time.values[-1])[:10], 'ntime': int(d.sizes['time']),
  'tair': float(d['Tair'].isel(time=100).sel(lat=43.0625 - 20 * 0.125, lon=-112.4375 + 30 * 0.125, method='nearest')),
  'laiNaN': int(np.isnan(lai.values).sum()), 'laiMin': float(np.nanmin(lai.values)),
  'subbasins': [str(s) for s in d['subbasin_name'].values],
  'units': d['Rainf'].attrs['units'], 'conventions': d.attrs['Conventions'],
}))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', script, datasetPath(dir)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.equal(out.lat0, 36.4375);
  assert.equal(out.lat1, 43.0625);
  assert.equal(out.lon0, -112.4375);
  assert.equal(out.time0, '1981-01-01');
  assert.equal(out.timeN, '1981-12-31');
  assert.equal(out.ntime, 365);
  assert.ok(Math.abs((out.tair as number) - ds.forcing('Tair')[100 * N + 20 * 63 + 30]!) < 1e-3);
  const nan = ds.observations.values.reduce((s, v) => s + (Number.isNaN(v) ? 1 : 0), 0);
  assert.equal(out.laiNaN, nan, 'the -9999 fill value decodes to NaN');
  assert.ok((out.laiMin as number) >= 0);
  assert.deepEqual(out.subbasins, ds.subbasins.map((s) => s.name));
  assert.equal(out.units, 'kg m-2');
  assert.equal(out.conventions, 'CF-1.8');
});

test('a cancelled write leaves the previous dataset in place and no temporary file', async () => {
  const before = statSync(datasetPath(dir)).mtimeMs;
  const other = generateVirtualBasin({ seed: 6, startDate: '1981-01-01', endDate: '1981-03-31' });
  const controller = new AbortController();
  await assert.rejects(
    writeDataset(dir, other, { signal: controller.signal, onProgress: (p) => { if (p.fraction > 0.2) controller.abort(new Error('cancelled by test')); } }),
    /cancelled by test/,
  );
  assert.equal(statSync(datasetPath(dir)).mtimeMs, before);
  assert.deepEqual(readdirSync(path.join(dir, 'data')).filter((f) => f.endsWith('.tmp')), []);
  assert.equal((await openDataset(dir)).id, ds.id);
});

test('reading a damaged or foreign file fails with a message naming the file', async () => {
  const bad = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-store-bad-'));
  try {
    await assert.rejects(openDataset(bad), /no dataset in this project/);
    const file = datasetPath(bad);
    writeFileSync(path.join(bad, 'x'), '');
    spawnSync('mkdir', ['-p', path.dirname(file)]);
    writeFileSync(file, 'CDF\x01 not really netcdf');
    await assert.rejects(openDataset(bad), (err: Error) => err.message.includes(file) && /signature/.test(err.message));
    // a truncated copy of a valid file
    const full = readFileSync(datasetPath(dir));
    writeFileSync(file, full.subarray(0, Math.floor(full.length / 3)));
    await assert.rejects(openDataset(bad), (err: Error) => err.message.includes(file));
    assert.ok(existsSync(file));
  } finally {
    rmSync(bad, { recursive: true, force: true });
  }
});
