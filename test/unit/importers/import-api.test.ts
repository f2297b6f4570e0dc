import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HandlerContext } from '../../../main/api/define.ts';
import { importHandlers } from '../../../main/api/handlers/import-handlers.ts';
import { importRequests } from '../../../main/api/requests/import.ts';
import { run as runImportJob, paramsSchema } from '../../../main/run/import-job.ts';
import { importLandCover } from '../../../main/data/importers/static-layers.ts';
import { openDataset } from '../../../main/data/store/netcdf-store.ts';
import { dailyForcing, geotiffFromAsc } from './make-files.ts';
import { hashTree } from './project-hash.ts';

test('import.start queues the import job; the job writes forcing then land cover, and a dry run writes nothing', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-import-api-'));
  try {
    const project = path.join(dir, 'p');
    mkdirSync(project);
    const jobs: Array<[string, unknown]> = [];
    const ctx: HandlerContext = { projectDir: () => project, emit: () => undefined, startJob: (kind, params) => { jobs.push([kind, params]); return `job-${jobs.length}`; } };
    const progress: number[] = [];
    const jobCtx = { signal: new AbortController().signal, progress: (f: number) => progress.push(f), log: () => undefined };

    const nc = dailyForcing(dir);
    const req = importRequests['import.start'].request.parse({ params: { kind: 'forcing', paths: [nc], mapping: { Tair: 'Tair' } } });
    assert.deepEqual(await importHandlers['import.start'](req, ctx), { jobId: 'job-1' });
    assert.equal(jobs[0]![0], 'import');
    const forcing = await runImportJob(paramsSchema.parse(jobs[0]![1]), jobCtx);
    assert.equal(forcing.written, true);
    assert.equal(forcing.dayCount, 6);
    assert.equal(progress.at(-1)! <= 1 && progress[0] === 0, true);

    const codes = Array.from({ length: 20 }, (_, k) => [1, 7, 10, 12][k % 4]!);
    const tif = geotiffFromAsc(dir, 'lc.tif', { west: -108.625, north: 39.5, size: 0.125, ncols: 5, nrows: 4, values: codes, nodata: 255 }, { type: 'Byte' });
    const before = hashTree(project);
    await importHandlers['import.start']({ params: { kind: 'landcover', path: tif }, dryRun: true }, ctx);
    const dry = await runImportJob(paramsSchema.parse(jobs[1]![1]), jobCtx);
    assert.equal(dry.written, false);
    assert.equal(hashTree(project), before);

    await importHandlers['import.start']({ params: { kind: 'landcover', path: tif } }, ctx);
    await runImportJob(paramsSchema.parse(jobs[2]![1]), jobCtx);
    const ds = await openDataset(project);
    // the project took the forcing file's grid (5 x 4 cells): the land cover fills that grid
    assert.deepEqual([ds.grid.ncols, ds.grid.nrows], [5, 4]);
    const expected = await importLandCover(tif, { grid: ds.grid });
    assert.deepEqual([...ds.staticLayers.landCover], [...expected.majority]);
    assert.equal(ds.staticLayers.landCover.filter((c) => c > 0).length, 20);

    // the request schema names the bad field
    const bad = importRequests['import.start'].request.safeParse({ params: { kind: 'forcing', paths: [nc], mapping: { Temperature: 'x' } } });
    assert.equal(bad.success, false);
    assert.match(JSON.stringify(bad.error?.issues), /mapping/);
    // a refused import inside the job is an ImportError naming the file
    await assert.rejects(runImportJob(paramsSchema.parse({ projectDir: project, params: { kind: 'lai', paths: [tif] } }), jobCtx), /lc\.tif: has no date in its name/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
