// The pretrained demo run: packaged from a really trained run, installed into another project with
// predictions and scores recomputed from the saved weights (the evaluate path), and refused with a
// reason when the project's dataset is not the one the weights were trained on; large weights
// shipped as 8-bit differences from their initial values (compact-weights.ts).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initComputeBackend } from '../../../main/compute/backend.ts';
import type { Dataset } from '../../../main/data/dataset.ts';
import { GENERATOR_NAME, GENERATOR_VERSION } from '../../../main/data/virtual-basin/generate.ts';
import { resolveRunConfig } from '../../../main/training/run-config.ts';
import { runExperiment } from '../../../main/run/experiment.ts';
import {
  installPretrainedRun, isPretrainedInstalled, packagePretrainedRun, pretrainedMismatch, readPretrainedManifest,
  PRETRAINED_MANIFEST, PRETRAINED_RUN_ID,
} from '../../../main/run/pretrained-demo.ts';
import { createModel } from '../../../main/models/model-factory.ts';
import { loadWeightsFile } from '../../../main/run/model-folder-store.ts';
import { makeTinyDataset } from '../training/tiny-dataset.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-pretrained-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const generator = { name: GENERATOR_NAME, version: GENERATOR_VERSION, seed: 42, startDate: '2000-01-01', endDate: '2003-12-31' };
/** a dataset that says it is the virtual basin the manifest names (as the generator's own output does) */
const ds: Dataset = { ...makeTinyDataset(), attributes: { generator: GENERATOR_NAME, generator_version: GENERATOR_VERSION, seed: 42 } };
const shipped = path.join(tmp, 'shipped');
const madeFrom = { commit: '0123456789abcdef0123456789abcdef01234567', uncommittedChanges: false, script: 'scripts/make-pretrained-demo.ts' };

before(async () => {
  await initComputeBackend({ prefer: 'wasm' });
  const config = resolveRunConfig({
    models: ['lstm'], hiddenSize: 4, windowDays: 60, warmupDays: 20, batchSize: 2, windowsPerEpoch: 3, epochs: 1, patience: 5,
    perModel: { lstm: { epochs: 1 } }, inferenceChunkDays: 400, seed: 11,
    periods: { record: { from: '2000-01-01', to: '2003-12-31' }, train: { from: '2000-01-01', to: '2001-12-31' }, validate: { from: '2002-01-01', to: '2002-12-31' }, test: { from: '2003-01-01', to: '2003-12-31' } },
  });
  const runDir = path.join(tmp, 'maker', 'runs', PRETRAINED_RUN_ID);
  await runExperiment({ dataset: ds, config, runDir, resume: false });
  await packagePretrainedRun(runDir, shipped, { generator, madeFrom });
});

test('the package holds the weights and a manifest with the seed, the generator and the commit', () => {
  const m = readPretrainedManifest(shipped);
  assert.equal(m.runSeed, 11);
  assert.deepEqual(m.models, ['lstm']);
  assert.deepEqual(m.generator, generator);
  assert.equal(m.madeFrom.commit, madeFrom.commit);
  assert.ok(Number.isFinite(m.medianTestNse['lstm']));
  assert.ok(existsSync(path.join(shipped, 'models', 'lstm', 'weights.vdtb')));
  // training state stays behind: no checkpoints in the shipped copy
  assert.ok(!existsSync(path.join(shipped, 'models', 'lstm', 'checkpoint.vdtb')));
});

test('installed into a project, it is re-scored from the weights to the recorded scores', async () => {
  const projectDir = path.join(tmp, 'user');
  const fractions: number[] = [];
  const r = await installPretrainedRun({ projectDir, dataset: ds, sourceDir: shipped, onProgress: (f) => fractions.push(f) });
  assert.ok(isPretrainedInstalled(projectDir));
  assert.deepEqual(r.scoreDrift, []);
  const summary = JSON.parse(readFileSync(path.join(r.runDir, 'evaluation', 'summary.json'), 'utf8')) as { runId: string; entries: { id: string; summary: { nse: { median: number } } }[] };
  assert.equal(summary.runId, PRETRAINED_RUN_ID);
  const m = readPretrainedManifest(shipped);
  assert.ok(Math.abs(summary.entries.find((e) => e.id === 'lstm')!.summary.nse.median - m.medianTestNse['lstm']!) < 1e-6);
  assert.ok(existsSync(path.join(r.runDir, 'predictions', 'lstm.nc')));
  const info = JSON.parse(readFileSync(path.join(r.runDir, 'run.json'), 'utf8')) as { id: string; status: string; pretrained: { madeFrom: { commit: string } } };
  assert.equal(info.id, PRETRAINED_RUN_ID);
  assert.equal(info.status, 'finished');
  assert.equal(info.pretrained.madeFrom.commit, madeFrom.commit);
  assert.ok(!existsSync(path.join(projectDir, 'runs', '.installing', PRETRAINED_RUN_ID)), 'the staging folder was left behind');
  assert.ok(fractions.length > 2 && fractions.at(-1) === 1 && fractions.every((f, i) => i === 0 || f >= fractions[i - 1]!), `progress ${fractions.join(',')}`);
});

test('another generator version or seed is refused with the reason, and nothing is installed', async () => {
  const projectDir = path.join(tmp, 'newer');
  const newer: Dataset = { ...ds, attributes: { ...ds.attributes, generator_version: '99.0.0' } };
  await assert.rejects(installPretrainedRun({ projectDir, dataset: newer, sourceDir: shipped }), /generator version 99\.0\.0.*trained on version .*meaningless LAI/);
  assert.ok(!existsSync(path.join(projectDir, 'runs', PRETRAINED_RUN_ID)));
  const m = readPretrainedManifest(shipped);
  const record = { from: '2000-01-01', to: '2003-12-31' };
  assert.match(pretrainedMismatch(m, { ...ds, attributes: { ...ds.attributes, seed: 7 } }, record).join(), /seed 7, the weights were trained on seed 42/);
  assert.match(pretrainedMismatch(m, { ...ds, attributes: {} }, record).join(), /not the virtual basin/);
  assert.match(pretrainedMismatch(m, { ...ds, dayCount: 400 }, record).join(), /covers 2000-01-01\.\.2001-02-03, the run needs 2000-01-01\.\.2003-12-31/);
  assert.deepEqual(pretrainedMismatch(m, ds, record), []);
});

test('scores that differ from the recorded ones are flagged in the run record', async () => {
  const drifted = path.join(tmp, 'drifted');
  rmSync(drifted, { recursive: true, force: true });
  await packagePretrainedRun(path.join(tmp, 'maker', 'runs', PRETRAINED_RUN_ID), drifted, { generator, madeFrom });
  const file = path.join(drifted, PRETRAINED_MANIFEST);
  const m = JSON.parse(readFileSync(file, 'utf8')) as { medianTestNse: Record<string, number> };
  m.medianTestNse['lstm'] = m.medianTestNse['lstm']! + 0.3;
  writeFileSync(file, JSON.stringify(m));
  const projectDir = path.join(tmp, 'drift-user');
  const r = await installPretrainedRun({ projectDir, dataset: ds, sourceDir: drifted });
  assert.equal(r.scoreDrift.length, 1);
  const info = JSON.parse(readFileSync(path.join(r.runDir, 'run.json'), 'utf8')) as { warning?: string };
  assert.match(info.warning ?? '', /score differently.*lstm/);
});

test('large weights shipped as 8-bit differences from their initial values: smaller, re-scored alike, refused by another seed', async () => {
  const compact = path.join(tmp, 'compact');
  const runDir = path.join(tmp, 'maker', 'runs', PRETRAINED_RUN_ID);
  // the tiny LSTM's input kernel stands in for the demo's 5.4 M-value one: the threshold is lowered to reach it
  const m = await packagePretrainedRun(runDir, compact, { generator, madeFrom }, 1000);
  const kernel = m.compactWeights.find((w) => w.model === 'lstm' && w.weight === 'lstm/input_kernel');
  assert.ok(kernel, `compacted ${JSON.stringify(m.compactWeights)}`);
  // 255 steps per column: the error is at most half a step of the largest training change
  assert.ok(kernel.maxAbsError > 0 && kernel.maxAbsError <= kernel.maxAbsTrained / 255, JSON.stringify(kernel));
  const weights = (dir: string): number => readFileSync(path.join(dir, 'models', 'lstm', 'weights.vdtb')).length;
  assert.ok(weights(compact) < weights(shipped) / 2, `compact ${weights(compact)} bytes, float32 ${weights(shipped)}`);

  const r = await installPretrainedRun({ projectDir: path.join(tmp, 'compact-user'), dataset: ds, sourceDir: compact });
  assert.deepEqual(r.scoreDrift, []);

  // another seed gives other initial values: the differences are refused, not added to the wrong base
  const model = JSON.parse(readFileSync(path.join(compact, 'models', 'lstm', 'model.json'), 'utf8')) as { config: Record<string, unknown> };
  const other = createModel({ ...model.config, seed: 12 } as Parameters<typeof createModel>[0]);
  try {
    assert.throws(() => loadWeightsFile(other, path.join(compact, 'models', 'lstm', 'weights.vdtb')), /'lstm\/input_kernel' is stored as a difference from the model's initial values, but this model's initial values differ/);
  } finally {
    other.dispose();
  }
});
