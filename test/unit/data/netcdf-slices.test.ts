import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Dataset } from '../../../main/data/dataset.ts';
import { generateVirtualBasin } from '../../../main/data/virtual-basin/generate.ts';
import { writeDataset } from '../../../main/data/store/netcdf-store.ts';
import { openDatasetSlices } from '../../../main/data/store/netcdf-slices.ts';
import { slicesOfDataset, type SeriesVariable } from '../../../main/data/dataset-slices.ts';
import { regionWeights } from '../../../main/data/aggregate.ts';
import { LruCache } from '../../../main/util/lru-cache.ts';

let ds: Dataset;
let dir: string;

function same(a: Float32Array, b: Float32Array, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    if (!(a[i] === b[i] || (Number.isNaN(a[i]!) && Number.isNaN(b[i]!)))) assert.fail(`${what}[${i}]: ${a[i]} vs ${b[i]}`);
  }
}

before(async () => {
  ds = generateVirtualBasin({ seed: 9, startDate: '1990-01-01', endDate: '1990-12-31' });
  dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-slices-'));
  await writeDataset(dir, ds);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('hyperslab reads of dataset.nc equal the dataset in memory: steps, cell series, region means, samples', async () => {
  const lazy = await openDatasetSlices(dir, { cacheBytes: 64 * 1024 });
  const mem = slicesOfDataset(ds);
  try {
    assert.equal(lazy.meta.dayCount, ds.dayCount);
    assert.deepEqual(Array.from(lazy.meta.mask), Array.from(ds.mask));
    assert.deepEqual(Array.from(lazy.meta.observations.dayIndex), Array.from(ds.observations.dayIndex));
    assert.equal(lazy.meta.hasTrueLai, true);
    const n = ds.mask.length;
    const cell = 20 * ds.grid.ncols + 31; // off the grid's symmetry axes: a row flip would show
    const region = regionWeights(ds.grid, ds.subbasins[2]!.cellFractions, ds.mask);
    for (const v of ['Tair', 'Rainf', 'LAI', 'LAI_true'] as SeriesVariable[]) {
      assert.equal(lazy.steps(v), mem.steps(v), `${v} steps`);
      for (const t of [0, 7, lazy.steps(v) - 1]) same(lazy.step(v, t), mem.step(v, t), `${v} step ${t}`);
      same(lazy.cellSeries(v, cell), mem.cellSeries(v, cell), `${v} cell ${cell}`);
      same(lazy.regionSeries(v, region), mem.regionSeries(v, region), `${v} subbasin mean`);
      same(lazy.sample(v, 5), mem.sample(v, 5), `${v} sample`);
    }
    assert.ok(lazy.step('LAI', 3).some((x) => Number.isNaN(x)) && lazy.step('LAI', 3).length === n, 'fill values come back as NaN');
    assert.throws(() => lazy.step('Tair', ds.dayCount), /step 365 of Tair is outside \[0, 365\)/);
    assert.throws(() => lazy.cellSeries('Tair', n), /outside the 63x54 grid/);
  } finally {
    lazy.close();
  }
  assert.throws(() => lazy.step('Tair', 0), /reader was closed/);
});

test('the LRU cache stays within its byte bound and drops the least recently used first', () => {
  const c = new LruCache<Float32Array>(100);
  c.set('a', new Float32Array(10));
  c.set('b', new Float32Array(10));
  c.get('a');
  c.set('c', new Float32Array(10)); // 120 bytes: 'b' is the least recently used
  assert.equal(c.bytes, 80);
  assert.ok(c.get('a') && c.get('c'));
  assert.equal(c.get('b'), undefined);
  c.set('huge', new Float32Array(100));
  assert.equal(c.get('huge'), undefined, 'a value over the bound is not kept');
  assert.equal(c.bytes, 80);
});
