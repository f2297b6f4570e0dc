import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HandlerContext } from '../../../main/api/define.ts';
import { dataHandlers } from '../../../main/api/handlers/data-handlers.ts';
import { run as runDemoDataJob, paramsSchema } from '../../../main/run/demo-data-job.ts';
import { openDataset } from '../../../main/data/store/netcdf-store.ts';
import { cellAreas } from '../../../main/data/aggregate.ts';
import type { Dataset } from '../../../main/data/dataset.ts';

let dir: string;
let ds: Dataset;
const progress: number[] = [];
const startedJobs: Array<[string, unknown]> = [];
const ctx: HandlerContext = {
  projectDir: () => dir,
  emit: () => undefined,
  startJob: (kind, params) => {
    startedJobs.push([kind, params]);
    return `job-${startedJobs.length}`;
  },
};

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-data-api-'));
  const controller = new AbortController();
  const result = await runDemoDataJob(paramsSchema.parse({ projectDir: dir, seed: 9, startDate: '1981-01-01', endDate: '1981-04-30' }), {
    signal: controller.signal,
    progress: (f) => progress.push(f),
    log: () => undefined,
  });
  assert.equal(result.created, true);
  ds = await openDataset(dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('the demo-data job writes the dataset with rising progress', () => {
  assert.equal(ds.dayCount, 120);
  assert.ok(progress.length > 5);
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i]! >= progress[i - 1]!);
  assert.equal(progress.at(-1), 1);
});

test('data.aggregate: the basin mean of Tair equals the cell-area-weighted mean over mask cells', async () => {
  const r = await dataHandlers['data.aggregate']({ variable: 'Tair', region: { basin: true }, start: 10, end: 13 }, ctx);
  assert.deepEqual(r.days, [10, 11, 12]);
  assert.equal(r.units, 'K');
  const w = cellAreas(ds.grid);
  const n = 63 * 54;
  const t = ds.forcing('Tair');
  for (let k = 0; k < 3; k++) {
    let s = 0;
    let sw = 0;
    for (let c = 0; c < n; c++) {
      if (ds.mask[c]) {
        s += t[(10 + k) * n + c]! * w[c]!;
        sw += w[c]!;
      }
    }
    assert.ok(Math.abs(r.values[k]! - s / sw) < 1e-3, `${r.values[k]} vs ${s / sw}`);
  }
});

test('data.aggregate: a polygon equal to a subbasin gives the subbasin mean; LAI comes per observation', async () => {
  const sub = ds.subbasins[1]!;
  const a = await dataHandlers['data.aggregate']({ variable: 'Rainf', region: { subbasin: sub.id } }, ctx);
  const b = await dataHandlers['data.aggregate']({ variable: 'Rainf', region: { polygon: sub.geometry } }, ctx);
  assert.equal(a.region, sub.name);
  assert.equal(a.values.length, ds.dayCount);
  assert.deepEqual(a.values, b.values);
  assert.equal(a.cells, b.cells);
  const lai = await dataHandlers['data.aggregate']({ variable: 'LAI', region: { subbasin: sub.id } }, ctx);
  assert.deepEqual(lai.days, Array.from(ds.observations.dayIndex));
  assert.ok(lai.values.some((v) => v !== null && v > 0));
  await assert.rejects(dataHandlers['data.aggregate']({ variable: 'Tair', region: { subbasin: 999 } }, ctx), /no subbasin '999'/);
  const far: GeoJSON.Polygon = { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]] };
  await assert.rejects(dataHandlers['data.aggregate']({ variable: 'Tair', region: { polygon: far } }, ctx), /does not overlap any basin cell/);
});

test('data.generateDemo starts the demo-data job for the open project with the given options', async () => {
  const r = await dataHandlers['data.generateDemo']({ seed: 4, startDate: '1981-01-01', endDate: '1981-12-31' }, ctx);
  assert.equal(r.jobId, 'job-1');
  assert.deepEqual(startedJobs[0], ['demo-data', { projectDir: dir, force: true, seed: 4, startDate: '1981-01-01', endDate: '1981-12-31' }]);
  // the parameters it sends are the ones the job accepts
  assert.doesNotThrow(() => paramsSchema.parse(startedJobs[0]![1]));
});
