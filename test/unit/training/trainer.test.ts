import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initComputeBackend } from '../../../main/compute/backend.ts';
import { ConvLstmModel } from '../../../main/models/conv-lstm.ts';
import { FeatureBuilder } from '../../../main/training/features.ts';
import { resolveRunConfig, type RunConfig } from '../../../main/training/run-config.ts';
import { trainModel, TrainingDivergedError } from '../../../main/training/trainer.ts';
import { CHECKPOINT_FILE, modelFolderStore } from '../../../main/run/model-folder-store.ts';
import { AdamW } from '../../../main/training/adamw.ts';
import { decodeBundle } from '../../../main/training/tensor-bundle.ts';
import { trainingWindowStarts, epochBatches } from '../../../main/training/windows.ts';
import { makeTinyDataset } from './tiny-dataset.ts';

before(async () => {
  await initComputeBackend({ prefer: 'wasm' });
});

const dataset = makeTinyDataset();
const tinyConfig = (over: Record<string, unknown> = {}): RunConfig => resolveRunConfig({
  hiddenSize: 4, windowDays: 40, warmupDays: 10, batchSize: 2, windowsPerEpoch: 4, epochs: 4, patience: 100,
  learningRate: 0.01, inferenceChunkDays: 200, features: { dayOfYear: true, staticLayers: true, climatology: false, antecedent: false },
  periods: { record: { from: '2000-01-01', to: '2003-12-31' }, train: { from: '2000-01-01', to: '2001-12-31' }, validate: { from: '2002-01-01', to: '2002-12-31' }, test: { from: '2003-01-01', to: '2003-12-31' } },
  ...over,
});

function build(config: RunConfig) {
  const features = new FeatureBuilder(dataset, config.features);
  const model = new ConvLstmModel({
    kind: 'conv-lstm', rows: dataset.grid.nrows, cols: dataset.grid.ncols, inputChannels: features.channelCount, seed: config.seed,
    hidden: config.hiddenSize, kernelSize: 3, convImpl: 'auto', inputBlock: 32,
  });
  return { features, model, optimizer: new AdamW({ learningRate: config.learningRate, weightDecay: config.weightDecay }) };
}

test('windows tile the training period; counted parts do not overlap; epochs are seeded', () => {
  const starts = trainingWindowStarts({ start: 0, end: 100 }, 40, 10);
  assert.deepEqual(starts, [0, 30, 60]);
  assert.deepEqual(trainingWindowStarts({ start: 0, end: 95 }, 40, 10), [0, 30, 55]);
  const a = epochBatches(starts, 2, null, 1, 3);
  assert.deepEqual(a, epochBatches(starts, 2, null, 1, 3));
  assert.deepEqual(a.flat().sort((x, y) => x - y), starts);
  assert.throws(() => trainingWindowStarts({ start: 0, end: 30 }, 40, 10), /fewer than one window/);
});

test('early stopping ends the run once validation stops improving for `patience` epochs', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vd-es-'));
  // minDelta larger than any possible improvement: epoch 1 improves on Infinity, epoch 2 cannot
  const config = tinyConfig({ epochs: 10, patience: 1, minDelta: 1e9 });
  const { model, optimizer, features } = build(config);
  const r = await trainModel({ model, optimizer, features, config, store: modelFolderStore(dir), train: dataset.splits.train, validate: dataset.splits.validate });
  assert.equal(r.stoppedEarly, true);
  assert.equal(r.history.length, 2);
  assert.equal(r.bestEpoch, 1);
  model.dispose();
  optimizer.dispose();
});

test('tensors do not leak across epochs', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vd-leak-'));
  const config = tinyConfig({ epochs: 4 });
  const { model, optimizer, features } = build(config);
  const counts: number[] = [];
  let lastEpoch = 0;
  await trainModel({
    model, optimizer, features, config, store: modelFolderStore(dir), train: dataset.splits.train, validate: dataset.splits.validate,
    onProgress: (p) => {
      if (p.phase === 'validate' && p.valLoss !== undefined && p.epoch !== lastEpoch) {
        lastEpoch = p.epoch;
        counts.push(tf.memory().numTensors);
      }
    },
  });
  assert.equal(counts.length, 4);
  // epoch 1 creates the optimizer's moment variables; from then on the count must not move
  assert.deepEqual(counts.slice(1), [counts[1], counts[1], counts[1]], `numTensors per epoch: ${counts}`);
  model.dispose();
  optimizer.dispose();
});

test('an exploding loss stops the run with a clear message and keeps the last good checkpoint', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vd-div-'));
  // divergenceFactor just above 1: the first batch of epoch 2 whose loss exceeds epoch 1's mean stops the run
  const config = tinyConfig({ epochs: 10, divergenceFactor: 1.0001, learningRate: 0.5 });
  const { model, optimizer, features } = build(config);
  await assert.rejects(
    trainModel({ model, optimizer, features, config, store: modelFolderStore(dir), train: dataset.splits.train, validate: dataset.splits.validate }),
    (e: unknown) => e instanceof TrainingDivergedError && /last good checkpoint \(epoch \d+\) is kept/.test(e.message),
  );
  const meta = decodeBundle(readFileSync(path.join(dir, CHECKPOINT_FILE))).meta as { epoch: number };
  assert.ok(meta.epoch >= 1);
  model.dispose();
  optimizer.dispose();
});

function runChild(dir: string, killAfter?: RegExp): Promise<{ out: string; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/unit/training/train-child.ts', dir, '4'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (killAfter && !killed && killAfter.test(out)) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (killed && signal === 'SIGKILL') resolve({ out, killed });
      else if (code === 0) resolve({ out, killed });
      else reject(new Error(`child exited ${code} ${signal}: ${err.slice(-2000)}`));
    });
  });
}

test('a run killed with SIGKILL after epoch 2 resumes to the same final weights as an uninterrupted run', async () => {
  const ref = mkdtempSync(path.join(tmpdir(), 'vd-ref-'));
  const cut = mkdtempSync(path.join(tmpdir(), 'vd-cut-'));
  await runChild(ref);
  const first = await runChild(cut, /epoch 2\/4/);
  assert.equal(first.killed, true);
  assert.ok(!existsSync(path.join(cut, 'final.vdtb')), 'the killed run must not have finished');
  const second = await runChild(cut);
  assert.match(second.out, /resumed after epoch [23]/);
  const a = decodeBundle(readFileSync(path.join(ref, 'final.vdtb'))).arrays;
  const b = decodeBundle(readFileSync(path.join(cut, 'final.vdtb'))).arrays;
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    assert.equal(a[i]!.name, b[i]!.name);
    assert.deepEqual(Array.from(b[i]!.data), Array.from(a[i]!.data), `weight ${a[i]!.name} differs`);
  }
  const ca = decodeBundle(readFileSync(path.join(ref, CHECKPOINT_FILE)));
  const cb = decodeBundle(readFileSync(path.join(cut, CHECKPOINT_FILE)));
  assert.deepEqual(ca.arrays.map((x) => Array.from(x.data)), cb.arrays.map((x) => Array.from(x.data)), 'last checkpoints (weights + optimizer) differ');
});

test('AdamW parameter groups scale the learning rate per weight and resume exactly from a checkpoint', async () => {
  const { ParamGroupAdamW } = await import('../../../main/training/param-groups.ts');
  const { LstmModel } = await import('../../../main/models/lstm.ts');
  // the scales given to the optimizer directly: the preset's own scales (the physics parameters') name weights an LSTM lacks
  const scales = { 'lstm/input_kernel': 0.001 };
  const config = tinyConfig({ epochs: 2, learningRateScale: scales });
  const features = new FeatureBuilder(dataset, config.features);
  const make = () => new LstmModel({ kind: 'lstm', rows: dataset.grid.nrows, cols: dataset.grid.ncols, inputChannels: features.channelCount, seed: 3, hidden: 4 }, { dataset });
  const run = async (dir: string, epochs: number) => {
    const model = make();
    const optimizer = new ParamGroupAdamW(model, config.learningRate, config.weightDecay, scales);
    assert.deepEqual(optimizer.groups.map((g) => g.scale), [1, 0.001]);
    await trainModel({ model, optimizer, features, config: { ...config, epochs }, store: modelFolderStore(dir), train: dataset.splits.train, validate: dataset.splits.validate });
    const w = model.namedVariables().map((v) => Array.from(v.variable.dataSync()));
    model.dispose();
    optimizer.dispose();
    return w;
  };
  const ref = await run(mkdtempSync(path.join(tmpdir(), 'vd-pg-a-')), 2);
  const dir = mkdtempSync(path.join(tmpdir(), 'vd-pg-b-'));
  await run(dir, 1);
  const resumed = await run(dir, 2);
  assert.deepEqual(resumed, ref);
  assert.throws(() => new ParamGroupAdamW(make(), 0.01, 0, { 'no/such': 2 }), /does not have/);
});
