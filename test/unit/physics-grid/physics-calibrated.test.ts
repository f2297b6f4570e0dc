/**
 * The calibrated physics-only kind: the trainer (same loss, windows, early stopping, checkpoints
 * as the networks) calibrates the process model's per-PFT parameters, and the calibrated model
 * fits held-out days better than the same process model with its default parameters.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../../../main/models/model-factory.ts';
import { TRAINABLE_MODEL_KINDS, hasNetwork } from '../../../main/models/model-kinds.ts';
import type { PhysicsOnlyModel } from '../../../main/models/physics-only.ts';
import { FeatureBuilder } from '../../../main/training/features.ts';
import { resolveRunConfig, RunConfigError } from '../../../main/training/run-config.ts';
import { periodLoss, trainModel } from '../../../main/training/trainer.ts';
import { AdamW } from '../../../main/training/adamw.ts';
import { modelFolderStore } from '../../../main/run/model-folder-store.ts';
import { mixedWindow, virtualBasin } from './small-basin.ts';
import { PARAMETER_SPECS, checkParameterSpecs } from '../../../main/physics/grid/pft-params.ts';
import { formatParameterMovement, parameterMovement, type LearnedParameterReport } from '../../../main/physics/grid/learned-parameters.ts';

await tf.setBackend('cpu');

test('physics-calibrated is a trainable kind without a network; the uncalibrated physics-only is not trainable', () => {
  assert.ok(TRAINABLE_MODEL_KINDS.includes('physics-calibrated'));
  assert.ok(!(TRAINABLE_MODEL_KINDS as readonly string[]).includes('physics-only'));
  assert.equal(hasNetwork('physics-calibrated'), false);
  assert.equal(hasNetwork('conv-lstm'), true);
  assert.throws(() => resolveRunConfig({ models: ['physics-only'] }), (e: unknown) => e instanceof RunConfigError && /models/.test(e.message));
  assert.deepEqual(resolveRunConfig({ models: ['physics-calibrated'] }).models, ['physics-calibrated']);
  // the demo and paper presets train it beside the networks
  assert.ok(resolveRunConfig({}, 'demo').models.includes('physics-calibrated'));
  assert.ok(resolveRunConfig({}, 'paper').models.includes('physics-calibrated'));
});

test('the trainer calibrates physics-calibrated: held-out loss below the defaults\' and parameters move inside their ranges', async () => {
  const ds = mixedWindow(virtualBasin('1981-01-01', '1981-12-31'), 5, 5);
  const features = new FeatureBuilder(ds, { dayOfYear: true, staticLayers: false });
  const config = resolveRunConfig({
    models: ['physics-calibrated'], windowDays: 40, warmupDays: 10, batchSize: 1, windowsPerEpoch: 4, epochs: 3, patience: 3,
    learningRate: 0.05, learningRateScale: {}, perModel: {}, lossWeighting: 'uniform', inferenceChunkDays: 365,
    features: { dayOfYear: true, staticLayers: false, climatology: false, antecedent: false },
  });
  const model = createModel({ kind: 'physics-calibrated', rows: ds.grid.nrows, cols: ds.grid.ncols, inputChannels: features.channelCount, seed: 1, spinUpYears: 1 }, { dataset: ds }) as PhysicsOnlyModel;
  const train = { start: 0, end: 240 };
  const validate = { start: 240, end: 365 };
  const before = await periodLoss(model, features, validate, 10, 365);
  const dir = mkdtempSync(path.join(tmpdir(), 'vd-calib-'));
  const optimizer = new AdamW({ learningRate: config.learningRate, weightDecay: 0 });
  try {
    const r = await trainModel({ model, optimizer, features, config, train, validate, store: modelFolderStore(dir) });
    assert.ok(r.history.length >= 1);
    const after = await periodLoss(model, features, validate, 10, 365);
    assert.ok(after < before, `validation loss with calibrated parameters ${after} should be below the defaults' ${before}`);
    const report = model.learnedParameters();
    let moved = 0;
    for (const p of Object.values(report.parameters)) {
      p.values.forEach((v, k) => {
        assert.ok(v >= p.min && v <= p.max, 'inside its declared range');
        if (p.learned && Math.abs(v - p.defaults[k]!) > 0.01 * (p.max - p.min)) moved++;
      });
    }
    assert.ok(moved > 0, 'at least one parameter moved by more than 1 % of its range');
  } finally {
    model.dispose();
    optimizer.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a parameter range that excludes its default is refused, naming the parameter, the PFT and the range', () => {
  const sla = PARAMETER_SPECS.sla;
  const bad = { sla: { ...sla, range: { ...sla.range, max: 0.02 } } };
  assert.throws(() => checkParameterSpecs(bad), /parameter sla: defaults\[1\] \(broadleaf-deciduous-temperate-tree\) = 0\.03 .* outside its declared range 0\.004\.\.0\.02/);
  assert.throws(() => checkParameterSpecs({ sla: { ...sla, defaults: [0.01] } }), /parameter sla: 1 defaults for 5 PFTs/);
  assert.doesNotThrow(() => checkParameterSpecs(PARAMETER_SPECS));
});

test('the learned-parameter report says per parameter how far it moved from its defaults', () => {
  const m = parameterMovement([10, 20], [11, 18]);
  assert.ok(Math.abs(m.meanPercent - 0) < 1e-9, 'mean of +10 % and -10 %');
  assert.ok(Math.abs(m.spreadPercent - 10) < 1e-9);
  assert.ok(Math.abs(m.maxAbsPercent - 10) < 1e-9);
  const lines = formatParameterMovement({ pfts: ['a', 'b'], parameters: { sla: { units: 'u', min: 0, max: 1, description: '', source: '', defaults: [10, 20], values: [11, 18], learned: true, movement: m } } } as unknown as LearnedParameterReport);
  assert.deepEqual(lines, ['sla [u]: mean +0.0 %, spread across PFTs 10.0 %, largest 10.0 %']);
});
