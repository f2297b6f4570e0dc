import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { AdamW, decodeAdamWState, encodeAdamWState } from '../../../main/training/adamw.ts';
import { useBackend } from './backends.ts';

test('AdamW matches a hand-computed decoupled-decay update over two steps', async () => {
  await useBackend('cpu');
  const w = tf.variable(tf.tensor2d([[1.0, -2.0]]));
  const b = tf.variable(tf.tensor1d([0.5]));
  const opt = new AdamW({ learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.5 });
  const grads = [[[0.2, -0.4], [0.1]], [[-0.3, 0.5], [0.2]]] as const;
  // by hand (PyTorch AdamW): p *= 1 - lr*wd (kernels only); m,v moments; bias-corrected step
  let p = [1.0, -2.0, 0.5];
  const m = [0, 0, 0];
  const v = [0, 0, 0];
  for (let t = 1; t <= 2; t++) {
    const g = [...grads[t - 1]![0], ...grads[t - 1]![1]];
    opt.applyGradients({ [w.name]: tf.tensor2d([[g[0]!, g[1]!]]), [b.name]: tf.tensor1d([g[2]!]) });
    p = p.map((pi, i) => {
      const decayed = i < 2 ? pi * (1 - 0.1 * 0.5) : pi; // the bias (rank 1) is not decayed
      m[i] = 0.9 * m[i]! + 0.1 * g[i]!;
      v[i] = 0.999 * v[i]! + 0.001 * g[i]! ** 2;
      const denom = Math.sqrt(v[i]!) / Math.sqrt(1 - 0.999 ** t) + 1e-8;
      return decayed - (0.1 / (1 - 0.9 ** t)) * (m[i]! / denom);
    });
  }
  const got = [...w.dataSync(), ...b.dataSync()];
  got.forEach((x, i) => assert.ok(Math.abs(x - p[i]!) < 1e-6, `param ${i}: ${x} vs hand ${p[i]}`));
  assert.equal(opt.steps, 2);
  opt.dispose();
  w.dispose();
  b.dispose();
});

test('an AdamW state saved mid-run and restored continues with identical updates', async () => {
  await useBackend('cpu');
  const target = tf.tensor2d([[0.3, -0.7, 1.1]]);
  const init = tf.tensor2d([[1, 2, 3]]);
  const loss = (x: tf.Variable) => () => tf.sum(tf.square(tf.sub(x, target))) as tf.Scalar;
  // uninterrupted: 5 steps
  const a = tf.variable(init.clone());
  const optA = new AdamW({ learningRate: 0.05, weightDecay: 0.1 });
  for (let i = 0; i < 5; i++) optA.minimize(loss(a), false, [a]);
  // interrupted after 3 steps, state encoded to bytes, a fresh optimizer and variable resume
  const b1 = tf.variable(init.clone());
  const optB = new AdamW({ learningRate: 0.05, weightDecay: 0.1 });
  for (let i = 0; i < 3; i++) optB.minimize(loss(b1), false, [b1]);
  const bytes = encodeAdamWState(optB.exportState([{ name: 'x', variable: b1 }]));
  const saved = b1.dataSync().slice();
  optB.dispose();
  b1.dispose();
  const b2 = tf.variable(tf.tensor2d(saved, [1, 3]));
  const optC = new AdamW({ learningRate: 1, weightDecay: 0 }); // options come from the state
  optC.importState(decodeAdamWState(bytes), [{ name: 'x', variable: b2 }]);
  assert.equal(optC.steps, 3);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 2; i++) optC.minimize(loss(b2), false, [b2]);
  assert.equal(tf.memory().numTensors, before, 'tensor count grew across steps');
  assert.deepEqual(Array.from(b2.dataSync()), Array.from(a.dataSync()));
  for (const t of [target, init, a, b2]) t.dispose();
  optA.dispose();
  optC.dispose();
});
