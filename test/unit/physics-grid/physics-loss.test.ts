/**
 * The physics-encoded ConvLSTM in its departure form (residual: false) with `physicsLoss`: the
 * trainer adds the MSE of the process-model LAI alone, so the physics parameters get a direct
 * gradient. Without it, their only path is the network's input channel, which a zero output head
 * closes at the first step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../../../main/models/model-factory.ts';
import type { PhysConvLstmModel } from '../../../main/models/phys-conv-lstm.ts';
import { disposeState } from '../../../main/models/model.ts';
import { FeatureBuilder } from '../../../main/training/features.ts';
import { resolveRunConfig } from '../../../main/training/run-config.ts';
import { trainModel } from '../../../main/training/trainer.ts';
import { AdamW } from '../../../main/training/adamw.ts';
import { modelFolderStore } from '../../../main/run/model-folder-store.ts';
import { mixedWindow, virtualBasin } from './small-basin.ts';

await tf.setBackend('cpu');
const ds = mixedWindow(virtualBasin('1981-01-01', '1981-12-31'), 5, 5);
const features = new FeatureBuilder(ds, { dayOfYear: true, staticLayers: false });
const base = { kind: 'phys-conv-lstm', rows: ds.grid.nrows, cols: ds.grid.ncols, inputChannels: features.channelCount, seed: 2, hidden: 4, spinUpYears: 1, residual: false } as const;

function rawParameters(model: PhysConvLstmModel): number[] {
  return model.physics.params.trainable().flatMap((v) => Array.from(v.dataSync()));
}

async function movementAfterOneStep(physicsLoss: number): Promise<number> {
  const model = createModel({ ...base, physicsLoss }, { dataset: ds }) as PhysConvLstmModel;
  const config = resolveRunConfig({
    models: ['phys-conv-lstm'], hiddenSize: 4, windowDays: 40, warmupDays: 10, batchSize: 1, windowsPerEpoch: 1, epochs: 1, patience: 1,
    learningRate: 0.01, learningRateScale: {}, perModel: {}, lossWeighting: 'uniform', target: 'lai', inferenceChunkDays: 365,
    features: { dayOfYear: true, staticLayers: false, climatology: false, antecedent: false },
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'vd-physloss-'));
  const optimizer = new AdamW({ learningRate: config.learningRate, weightDecay: config.weightDecay });
  try {
    const before = rawParameters(model);
    await trainModel({ model, optimizer, features, config, train: { start: 0, end: 300 }, validate: { start: 300, end: 365 }, store: modelFolderStore(dir) });
    const after = rawParameters(model);
    return Math.max(...after.map((v, i) => Math.abs(v - before[i]!)));
  } finally {
    model.dispose();
    optimizer.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('phys-conv-lstm returns its physics LAI only when the loss term is on and gradients are recorded', () => {
  const model = createModel({ ...base, physicsLoss: 1 }, { dataset: ds }) as PhysConvLstmModel;
  const x = tf.tensor5d(features.inputs(100, 5), [1, 5, ds.grid.nrows, ds.grid.ncols, features.channelCount]);
  const plain = model.forward(x, { startDays: [100] });
  assert.equal(plain.physicsLai, undefined);
  const taped = model.forward(x, { startDays: [100], recordGradients: true });
  assert.deepEqual(taped.physicsLai?.shape, [1, 5, ds.grid.nrows, ds.grid.ncols, 1]);
  tf.dispose([x, plain.lai, taped.lai, taped.physicsLai!]);
  disposeState(plain.state);
  disposeState(taped.state);
  model.dispose();
});

test('with physicsLoss the first training step moves the physics parameters; without it only weight decay does', async () => {
  const without = await movementAfterOneStep(0);
  const withLoss = await movementAfterOneStep(1);
  // Adam's first step moves a parameter with a non-zero gradient by about the learning rate (0.01)
  assert.ok(withLoss > 1e-3, `largest raw-parameter step with the loss term: ${withLoss}`);
  assert.ok(without < withLoss / 100, `without the loss term the zero head blocks the gradient: ${without} vs ${withLoss}`);
});
