import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createModel, type ModelConfigInput } from '../../../main/models/model-factory.ts';
import { disposeState, type LaiModel } from '../../../main/models/model.ts';
import { FeatureBuilder } from '../../../main/training/features.ts';
import { mixedWindow, virtualBasin } from './small-basin.ts';

await tf.setBackend('cpu');
const ds = mixedWindow(virtualBasin('1981-01-01', '1981-12-31'), 5, 5);
const { nrows: rows, ncols: cols } = ds.grid;
const features = new FeatureBuilder(ds, { dayOfYear: true, staticLayers: false });
const ch = features.channelCount;
const ctx = { dataset: ds };
const starts = [120, 150];
const days = 8; // not a multiple of the segment length 3

function batchInputs(): tf.Tensor5D {
  const parts = starts.map((s) => tf.tensor5d(features.inputs(s, days), [1, days, rows, cols, ch]));
  const x = tf.concat(parts, 0) as tf.Tensor5D;
  tf.dispose(parts);
  return x;
}

/** LAI and the loss gradient of every trainable variable (the physics parameters included) */
function lossAndGrads(model: LaiModel, x: tf.Tensor5D): { lai: Float32Array; grads: Map<string, Float32Array> } {
  let lai: Float32Array = new Float32Array(0);
  const { value, grads } = tf.variableGrads(() => {
    const r = model.forward(x, { startDays: starts, training: true, recordGradients: true });
    disposeState(r.state);
    lai = r.lai.dataSync().slice() as Float32Array;
    // weights that vary over time and space, so every day's gradient counts differently
    const w = tf.linspace(0.5, 1.5, r.lai.size).reshape(r.lai.shape);
    return tf.sum(tf.mul(tf.square(r.lai), w)) as tf.Scalar;
  }, model.trainableVariables());
  const out = new Map(model.namedVariables().filter((v) => v.variable.trainable).map((v) => [v.name, grads[v.variable.name]!.dataSync().slice() as Float32Array]));
  tf.dispose([value, ...Object.values(grads)]);
  return { lai, grads: out };
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return diff / Math.max(scale, 1e-12);
}

for (const kind of ['physics-only', 'phys-conv-lstm'] as const) {
  test(`${kind}: the checkpointed process model gives the plain run's LAI and gradients (batch 2, 8 days in segments of 3)`, () => {
    const config = (every: number) => ({ kind, rows, cols, inputChannels: ch, seed: 9, spinUpYears: 1, checkpointEvery: every, ...(kind === 'phys-conv-lstm' ? { hidden: 4 } : {}) }) as ModelConfigInput;
    const plain = createModel(config(0), ctx);
    const ckpt = createModel(config(3), ctx);
    const x = batchInputs();
    const a = lossAndGrads(plain, x);
    const before = tf.memory().numTensors;
    const b = lossAndGrads(ckpt, x);
    lossAndGrads(ckpt, x);
    assert.equal(tf.memory().numTensors, before, 'a checkpointed training step leaves no tensors behind');
    assert.ok(maxRelDiff(b.lai, a.lai) < 1e-5, `LAI differs by ${maxRelDiff(b.lai, a.lai)}`);
    const physics = [...a.grads.keys()].filter((n) => n.startsWith('physics/'));
    assert.ok(physics.length >= 6, `physics parameters among the gradients: ${physics.join(', ')}`);
    for (const [name, g] of a.grads) {
      const d = maxRelDiff(b.grads.get(name)!, g);
      assert.ok(d < 1e-4, `gradient of ${name} differs by ${d}`);
    }
    // the comparison means something only if the physics parameters do get a gradient
    assert.ok(physics.some((n) => a.grads.get(n)!.some((v) => Math.abs(v) > 0)), 'no physics parameter has a gradient');
    x.dispose();
    plain.dispose();
    ckpt.dispose();
  });
}
