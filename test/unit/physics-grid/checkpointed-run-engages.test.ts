/**
 * checkpointed-run.test.ts shows the checkpointed run's numbers equal the plain run's; they would
 * also be equal if the checkpointed path never ran (e.g. if runProcess failed to see the tape).
 * This test shows that under a tape it does run segment by segment (forward and re-run in the
 * backward), that the tape then holds less than the plain run's, and that without a tape it is the
 * plain run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createModel, type ModelConfigInput } from '../../../main/models/model-factory.ts';
import { disposeState, type LaiModel } from '../../../main/models/model.ts';
import { GridProcessModel } from '../../../main/physics/grid/process-model.ts';
import { FeatureBuilder } from '../../../main/training/features.ts';
import { mixedWindow, virtualBasin } from './small-basin.ts';

await tf.setBackend('cpu');
const ds = mixedWindow(virtualBasin('1981-01-01', '1981-12-31'), 5, 5);
const { nrows: rows, ncols: cols } = ds.grid;
const features = new FeatureBuilder(ds, { dayOfYear: true, staticLayers: false });
const ch = features.channelCount;
const starts = [120, 150];
const days = 20; // segments of 4: 5 segments

/** the chunk length (days) of every GridProcessModel.run call made by fn */
function runLengths(fn: () => void): number[] {
  const lengths: number[] = [];
  const original = GridProcessModel.prototype.run;
  GridProcessModel.prototype.run = function (this: GridProcessModel, ...args: Parameters<typeof original>) {
    lengths.push(args[0].Tair.shape[1]);
    return original.apply(this, args);
  };
  try {
    fn();
  } finally {
    GridProcessModel.prototype.run = original;
  }
  return lengths;
}

function inputs(): tf.Tensor5D {
  const parts = starts.map((s) => tf.tensor5d(features.inputs(s, days), [1, days, rows, cols, ch]));
  const x = tf.concat(parts, 0) as tf.Tensor5D;
  tf.dispose(parts);
  return x;
}

/** one taped step; returns the bytes held at the end of the forward (the tape's activations included) */
function tapedStep(model: LaiModel, x: tf.Tensor5D): number {
  let held = 0;
  const { value, grads } = tf.variableGrads(() => {
    const r = model.forward(x, { startDays: starts, training: true, recordGradients: true });
    disposeState(r.state);
    const loss = tf.sum(tf.square(r.lai)) as tf.Scalar;
    held = tf.memory().numBytes;
    return loss;
  }, model.trainableVariables());
  tf.dispose([value, ...Object.values(grads)]);
  return held;
}

test('physics-only with checkpointEvery 4: under a tape the process model runs in 4-day segments, forward and again in the backward, and the tape holds less than the plain run', () => {
  const config = (every: number) => ({ kind: 'physics-only', rows, cols, inputChannels: ch, seed: 3, spinUpYears: 1, checkpointEvery: every }) as ModelConfigInput;
  const plain = createModel(config(0), { dataset: ds });
  const ckpt = createModel(config(4), { dataset: ds });
  const x = inputs();
  tapedStep(plain, x); // spin-up state and lazy setup of both models out of the way
  tapedStep(ckpt, x);

  let plainBytes = 0;
  let ckptBytes = 0;
  assert.deepEqual(runLengths(() => { plainBytes = tapedStep(plain, x); }), [days]);
  // forward: 5 segments; backward: the same 5 re-run, last first (all 4 days long)
  assert.deepEqual(runLengths(() => { ckptBytes = tapedStep(ckpt, x); }), [4, 4, 4, 4, 4, 4, 4, 4, 4, 4]);
  assert.ok(ckptBytes < plainBytes / 2, `bytes held at the end of the taped forward: checkpointed ${ckptBytes}, plain ${plainBytes}`);

  // no tape (inference): the plain run, one call over the whole chunk
  const lengths = runLengths(() => {
    const r = ckpt.forward(x, { startDays: starts });
    disposeState(r.state);
    r.lai.dispose();
  });
  assert.deepEqual(lengths, [days]);
  x.dispose();
  plain.dispose();
  ckpt.dispose();
});

test('physics-only: a one-day last segment (7 days in segments of 3, as 365 counted days in segments of 4) backpropagates and equals the plain run', () => {
  const config = (every: number) => ({ kind: 'physics-only', rows, cols, inputChannels: ch, seed: 5, spinUpYears: 1, checkpointEvery: every }) as ModelConfigInput;
  const x = tf.tensor5d(features.inputs(140, 7), [1, 7, rows, cols, ch]);
  const grads = (every: number): Float32Array[] => {
    const model = createModel(config(every), { dataset: ds });
    const vars = model.trainableVariables();
    const { value, grads: g } = tf.variableGrads(() => {
      const r = model.forward(x, { startDays: [140], training: true, recordGradients: true });
      disposeState(r.state);
      return tf.sum(tf.square(r.lai)) as tf.Scalar;
    }, vars);
    const out = vars.map((v) => g[v.name]!.dataSync().slice() as Float32Array);
    tf.dispose([value, ...Object.values(g)]);
    model.dispose();
    return out;
  };
  const plain = grads(0);
  const ckpt = grads(3);
  assert.ok(plain.some((g) => g.some((v) => v !== 0)), 'no gradient at all');
  plain.forEach((g, i) => {
    let diff = 0;
    let scale = 0;
    g.forEach((v, k) => { diff = Math.max(diff, Math.abs(ckpt[i]![k]! - v)); scale = Math.max(scale, Math.abs(v)); });
    assert.ok(diff <= 1e-4 * Math.max(scale, 1e-12), `gradient ${i} differs by ${diff / scale}`);
  });
  x.dispose();
});
