/**
 * A project without LAI observations (issue #11 §3): the physics-only run (`models: []`, the
 * process model with its PFT defaults) still predicts over the record, writes its predictions in
 * the run folder and is offered on the map, and says why it is not scored; a run that trains is
 * still refused before any training. Real project: forcing NetCDF and land cover GeoTIFF made with
 * GDAL, no LAI import;
 * the physics-only run through the CLI (`vegdyn train --physics-only`, exit 0).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createProjectWithGrid } from '../../../main/run/create-project.ts';
import { run as runImportJob, paramsSchema } from '../../../main/run/import-job.ts';
import { run as runTrainJob, paramsSchema as trainParams } from '../../../main/run/train-job.ts';
import { predictionPath, readPredictionFile } from '../../../main/run/run-files.ts';
import { readRunRecord, readRunSummary } from '../../../main/run/run-folder.ts';
import { requireProjectDataset } from '../../../main/map/project-dataset.ts';
import { findLayerSource, layerCatalogue } from '../../../main/map/catalogue.ts';
import { missingLayers } from '../../../main/map/missing-layers.ts';
import { listRuns } from '../../../main/map/run-listing.ts';
import { DAILY_NX, DAILY_NY, dailyForcing, geotiffFromAsc } from '../importers/make-files.ts';

const jobCtx = { signal: new AbortController().signal, progress: () => undefined, log: () => undefined };
const periods = 'train=2003-05-01..2003-05-02,validate=2003-05-03..2003-05-04,test=2003-05-05..2003-05-06';

test('without LAI observations: a physics-only run predicts, is mapped and says why it is not scored; training is refused', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-nolai-'));
  try {
    const project = path.join(dir, 'p');
    const forcing = dailyForcing(dir);
    const { grid } = await createProjectWithGrid(project, { gridFrom: forcing });
    const f = await runImportJob(paramsSchema.parse({ projectDir: project, params: { kind: 'forcing', paths: [forcing] } }), jobCtx);
    assert.equal(f.written, true);
    // grassland everywhere (without land cover the process model has no vegetation to grow)
    const lc = geotiffFromAsc(dir, 'lc.tif', { west: -108.625, north: 39.5, size: 0.125, ncols: DAILY_NX, nrows: DAILY_NY, values: Array.from({ length: DAILY_NX * DAILY_NY }, () => 10), nodata: 0 }, { type: 'Byte' });
    assert.equal((await runImportJob(paramsSchema.parse({ projectDir: project, params: { kind: 'landcover', path: lc } }), jobCtx)).written, true);

    // a training run could score nothing: refused before training, as before
    await assert.rejects(runTrainJob(trainParams.parse({ projectDir: project, periods }), jobCtx), /this run could score nothing: .*the dataset has no LAI observations: import them with vegdyn import lai/);

    // the CLI's physics-only run: exit 0, it was asked to score nothing and says so
    const cli = spawnSync(process.execPath, ['bin/vegdyn.mjs', 'train', '--project', project, '--physics-only', '--periods', periods, '--run-id', 'phys'], { encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stderr, /the project has no LAI observations: a physics-only run/);
    assert.match(cli.stderr, /not scored: the project has no LAI observations/);
    const runDir = path.join(project, 'runs', 'phys');
    assert.deepEqual(readRunRecord(runDir)!.failed, []);

    // the daily LAI over the whole record, on the project's grid, finite in the basin cells
    const file = predictionPath(runDir, 'physics-only');
    assert.ok(existsSync(file), file);
    const pred = readPredictionFile(file);
    const ds = await requireProjectDataset(project);
    const C = grid!.nrows * grid!.ncols;
    assert.equal(pred.daily.length, ds.meta.dayCount * C);
    let finite = 0;
    for (let d = 0; d < ds.meta.dayCount; d++) for (let c = 0; c < C; c++) if (ds.meta.mask[c] && Number.isFinite(pred.daily[d * C + c]!)) finite++;
    assert.equal(finite, ds.meta.dayCount * ds.meta.mask.reduce((a, v) => a + v, 0));
    // grassland with default parameters: leaf area in a plausible range
    const vals = pred.daily.filter(Number.isFinite);
    assert.ok(Math.min(...vals) > 0 && Math.max(...vals) < 10, `LAI ${Math.min(...vals)}..${Math.max(...vals)}`);

    const summary = readRunSummary(runDir)!;
    assert.match((summary.notScored ?? []).join('\n'), /the project has no LAI observations: nothing was scored/);

    // the map offers its daily LAI, and no 'minus observed' layer (there is nothing to subtract)
    const ids = layerCatalogue(ds, project).map((l) => l.id);
    assert.ok(ids.includes('run:phys:lai:physics-only'), ids.join(', '));
    assert.ok(!ids.some((id) => id.startsWith('run:phys:diff:')), ids.join(', '));
    assert.ok(!ids.some((id) => id.startsWith('run:phys:nse:')), ids.join(', '));
    // ... and the layer list says why they are missing
    const missing = missingLayers(ds.meta, listRuns(project));
    const diff = missing.find((m) => m.id === 'run:phys:diff:physics-only');
    assert.match(diff?.reason ?? JSON.stringify(missing), /no LAI observations in this project: there is nothing to subtract/);
    assert.equal(diff?.label, 'Physics only (defaults) minus observed');
    assert.match(missing.find((m) => m.id === 'run:phys:nse:physics-only')?.reason ?? JSON.stringify(missing), /no LAI observations in this project: the run could not be scored/);
    assert.throws(() => findLayerSource(ds, 'run:phys:nse:physics-only', project), /run:phys:nse:physics-only: no LAI observations in this project: the run could not be scored/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
