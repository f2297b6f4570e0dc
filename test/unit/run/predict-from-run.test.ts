/**
 * A model trained in another project on the same variables, applied to a project without LAI
 * (issue #11 §3; main/run/predict-from-run.ts). Project A: a small dataset with LAI, a tiny
 * ConvLSTM trained on it (target 'lai', no climatology channel). Project B: another region, another
 * grid size and period, no LAI observations. `vegdyn predict --run A/runs/a --project B` writes a
 * run in B with A's saved normalization and weights, the map lists its daily LAI, and it says
 * why nothing is scored. Mismatches (a model needing the LAI climatology, channels that differ
 * from the run's record, LSTM weights of another grid size) are refused naming what differs, and
 * B is left unchanged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeDataset } from '../../../main/data/store/netcdf-store.ts';
import { createProject } from '../../../main/project/project-store.ts';
import { initComputeBackend } from '../../../main/compute/backend.ts';
import { runExperiment } from '../../../main/run/experiment.ts';
import { resolveRunConfig } from '../../../main/training/run-config.ts';
import { PredictMismatchError, predictFromRun } from '../../../main/run/predict-from-run.ts';
import { predictionPath, readPredictionFile } from '../../../main/run/run-files.ts';
import { readRunRecord, readRunSummary } from '../../../main/run/run-folder.ts';
import { requireProjectDataset } from '../../../main/map/project-dataset.ts';
import { layerCatalogue } from '../../../main/map/catalogue.ts';
import { makeTinyDataset } from '../training/tiny-dataset.ts';

test('a ConvLSTM trained in project A predicts in project B (other grid, no LAI); mismatches are refused and B is unchanged', { timeout: 240_000 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-predict-'));
  try {
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    await createProject(a, { name: 'A' });
    await createProject(b, { name: 'B' });
    const tiny = makeTinyDataset({ endDate: '2001-06-30' });
    await writeDataset(a, tiny);
    // B: 3 x 6 cells far from A, another period, no LAI observations at all
    const other = makeTinyDataset({ rows: 3, cols: 6, startDate: '2010-03-01', endDate: '2010-05-31', seed: 11 });
    await writeDataset(b, { ...other, id: 'b', grid: { ...other.grid, lon0: -89.9375, latTop: 40.5625 }, splits: { train: { start: 0, end: 60 }, validate: { start: 60, end: 75 }, test: { start: 75, end: other.dayCount } },
      observations: { dayIndex: new Int32Array(0), values: new Float32Array(0) }, trueLai: undefined } as typeof other);

    const backend = await initComputeBackend();
    const config = resolveRunConfig({
      models: ['conv-lstm'], target: 'lai', features: { climatology: false, antecedent: true }, hiddenSize: 4, epochs: 1, patience: 1,
      batchSize: 1, windowDays: 20, warmupDays: 5, windowsPerEpoch: 2, inferenceChunkDays: 200,
      periods: { record: { from: '2000-01-01', to: '2001-06-30' }, train: { from: '2000-01-01', to: '2000-12-31' }, validate: { from: '2001-01-01', to: '2001-03-31' }, test: { from: '2001-04-01', to: '2001-06-30' } },
    }, 'demo');
    const source = path.join(a, 'runs', 'a');
    await runExperiment({ dataset: tiny, config, runDir: source, backend });
    const sourceRecord = readRunRecord(source)!;

    const cli = spawnSync(process.execPath, ['bin/vegdyn.mjs', 'predict', '--run', source, '--project', b, '--run-id', 'p'], { encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stdout, /not scored: the project has no LAI observations/);
    assert.match(cli.stdout, /predicted: conv-lstm/);
    assert.match(cli.stderr, /weights from run a /);

    const runDir = path.join(b, 'runs', 'p');
    const record = readRunRecord(runDir)!;
    assert.equal(record.status, 'finished');
    assert.equal(record.weightsFrom?.runId, 'a');
    assert.equal(record.weightsFrom?.trainedGrid, '4 rows x 5 columns');
    // A's statistics and channels as saved, not B's
    assert.deepEqual(record.normalization, sourceRecord.normalization);
    assert.deepEqual(record.featureChannels, sourceRecord.featureChannels);
    // the static channels standardized with A's basin statistics (B's elevation differs)
    assert.ok(sourceRecord.staticStandardization, 'the training run saved its static statistics');
    assert.deepEqual(record.staticStandardization, sourceRecord.staticStandardization);
    assert.match(cli.stderr, /static layers: standardized with the source run's basin statistics/);
    assert.match((readRunSummary(runDir)!.notScored ?? []).join('\n'), /the project has no LAI observations/);

    // daily LAI over B's whole record on B's grid, finite in B's basin cells
    const pred = readPredictionFile(predictionPath(runDir, 'conv-lstm'));
    const ds = await requireProjectDataset(b);
    const C = 3 * 6;
    assert.equal(pred.daily.length, ds.meta.dayCount * C);
    let finite = 0;
    for (let d = 0; d < ds.meta.dayCount; d++) for (let c = 0; c < C; c++) if (ds.meta.mask[c] && Number.isFinite(pred.daily[d * C + c]!)) finite++;
    assert.equal(finite, ds.meta.dayCount * ds.meta.mask.reduce((s, v) => s + v, 0));
    const ids = layerCatalogue(ds, b).map((l) => l.id);
    assert.ok(ids.includes('run:p:lai:conv-lstm'), ids.join(', '));
    assert.ok(!ids.some((id) => id.startsWith('run:p:diff:')), ids.join(', '));

    // mismatches, refused before anything is written in B
    const runsBefore = readdirSync(path.join(b, 'runs')).sort();
    // an LSTM takes the whole grid as one input vector: its weights do not fit B's grid
    const lstmRun = path.join(a, 'runs', 'lstm');
    await runExperiment({ dataset: tiny, config: { ...config, models: ['lstm'], perModel: { lstm: { epochs: 1, windowsPerEpoch: 2 } } }, runDir: lstmRun, backend });
    await assert.rejects(predictFromRun({ sourceRunDir: lstmRun, projectDir: b, runId: 'l' }),
      /LSTM: its weights \(.*weights\.vdtb\) were trained on a 4 x 5 grid and do not fit this project's 3 x 6 grid \(the LSTM takes the whole grid as one input vector.*\): checkpoint weight '.*' has shape/);
    const withClimatology = path.join(a, 'runs', 'clim');
    cpSync(source, withClimatology, { recursive: true });
    const cfgFile = path.join(withClimatology, 'config.json');
    const cfg = JSON.parse(readFileSync(cfgFile, 'utf8')) as { features: Record<string, boolean> };
    cfg.features.climatology = true;
    writeFileSync(cfgFile, JSON.stringify(cfg));
    // the config now makes one more channel than the run recorded
    await assert.rejects(predictFromRun({ sourceRunDir: withClimatology, projectDir: b, runId: 'q' }), (err: Error) => {
      assert.ok(err instanceof PredictMismatchError);
      assert.match(err.message, /input channels: the run recorded \d+ channels, its config makes \d+ \(made from its config but not recorded: lai_climatology\)/);
      assert.match(err.message, /LAI climatology: .*'lai_climatology'.*this project has no LAI observations/);
      return true;
    });
    const refused = spawnSync(process.execPath, ['bin/vegdyn.mjs', 'predict', '--run', withClimatology, '--project', b, '--run-id', 'q'], { encoding: 'utf8' });
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /cannot predict in .*: input channels: .*; LAI climatology: /);
    await assert.rejects(predictFromRun({ sourceRunDir: source, projectDir: b, runId: 'p' }), /already exists: choose another --run-id/);
    assert.deepEqual(readdirSync(path.join(b, 'runs')).sort(), runsBefore);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
