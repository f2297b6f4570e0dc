import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ConvLstmModel, type ConvLstmConfigInput } from '../../../main/models/conv-lstm.ts';
import { getWeights, setWeights, disposeState } from '../../../main/models/model.ts';
import { maxRelDiff, useBackend } from './backends.ts';

const base: ConvLstmConfigInput = { kind: 'conv-lstm', rows: 6, cols: 7, inputChannels: 3, seed: 3, hidden: 5, kernelSize: 3, convImpl: 'native', inputBlock: 2 };

/** loss and gradients of every trainable weight, for a model on the current backend */
function lossAndGrads(model: ConvLstmModel, x: tf.Tensor5D, target: tf.Tensor5D) {
  const vars = model.trainableVariables();
  const { value, grads } = tf.variableGrads(() => {
    const r = model.forward(x, { recordGradients: true });
    disposeState(r.state);
    return tf.mean(tf.square(tf.sub(r.lai, target))) as tf.Scalar;
  }, vars);
  return { value, grads: vars.map((v) => grads[v.name]!) };
}

function inputs(seed: number, t = 5): { x: tf.Tensor5D; target: tf.Tensor5D } {
  return {
    x: tf.randomNormal([2, t, 6, 7, 3], 0, 1, 'float32', seed) as tf.Tensor5D,
    target: tf.randomNormal([2, t, 6, 7, 1], 0, 1, 'float32', seed + 1) as tf.Tensor5D,
  };
}

test('native conv2d and patches+matMul give the same outputs and gradients (cpu)', async () => {
  await useBackend('cpu');
  const native = new ConvLstmModel(base);
  const patches = new ConvLstmModel({ ...base, convImpl: 'patches', inputBlock: 3 });
  const w = getWeights(native);
  setWeights(patches, w);
  for (const t of w.values()) t.dispose();
  const { x, target } = inputs(11);
  const yn = native.forward(x);
  const yp = patches.forward(x);
  assert.ok(maxRelDiff(yp.lai, yn.lai) < 1e-4, `outputs differ: ${maxRelDiff(yp.lai, yn.lai)}`);
  assert.ok(maxRelDiff(yp.state.tensors[1]!, yn.state.tensors[1]!) < 1e-4);
  const gn = lossAndGrads(native, x, target);
  const gp = lossAndGrads(patches, x, target);
  assert.ok(Math.abs(gp.value.dataSync()[0]! - gn.value.dataSync()[0]!) < 1e-5);
  gn.grads.forEach((g, i) => {
    const d = maxRelDiff(gp.grads[i]!, g);
    assert.ok(d < 1e-4, `gradient ${i} differs: ${d}`);
    assert.ok(tf.max(tf.abs(g)).dataSync()[0]! > 0, 'gradient is not all zero');
  });
  tf.dispose([x, target, yn.lai, yp.lai, ...yn.state.tensors, ...yp.state.tensors, gn.value, gp.value, ...gn.grads, ...gp.grads]);
  native.dispose();
  patches.dispose();
});

test('the patches path trains on wasm: its gradients equal the cpu backend\'s native ones', async () => {
  await useBackend('cpu');
  const ref = new ConvLstmModel(base);
  const { x, target } = inputs(21, 4);
  const g = lossAndGrads(ref, x, target);
  const expected = g.grads.map((t) => ({ values: t.dataSync().slice(), shape: t.shape }));
  const weights = [...getWeights(ref)].map(([name, t]) => [name, { values: t.dataSync().slice(), shape: t.shape }] as const);
  const xv = { x: x.dataSync().slice(), target: target.dataSync().slice() };
  tf.dispose([x, target, g.value, ...g.grads]);
  ref.dispose();

  await useBackend('wasm');
  try {
    const m = new ConvLstmModel({ ...base, convImpl: 'auto' });
    assert.equal(m.convImpl(), 'patches');
    const w = new Map(weights.map(([n, v]) => [n, tf.tensor(v.values, v.shape)]));
    setWeights(m, w);
    for (const t of w.values()) t.dispose();
    const xw = tf.tensor(xv.x, [2, 4, 6, 7, 3]) as tf.Tensor5D;
    const tw = tf.tensor(xv.target, [2, 4, 6, 7, 1]) as tf.Tensor5D;
    const gw = lossAndGrads(m, xw, tw);
    gw.grads.forEach((t, i) => {
      const e = tf.tensor(expected[i]!.values, expected[i]!.shape);
      const d = maxRelDiff(t, e);
      e.dispose();
      assert.ok(d < 1e-4, `wasm gradient ${i} differs from cpu native: ${d}`);
    });
    tf.dispose([xw, tw, gw.value, ...gw.grads]);
    m.dispose();
  } finally {
    await useBackend('cpu');
  }
});

test('running a record in chunks with carried state equals one pass', async () => {
  await useBackend('cpu');
  const m = new ConvLstmModel({ ...base, convImpl: 'patches' });
  const { x, target } = inputs(31, 6);
  const full = m.forward(x);
  const a = m.forward(x.slice([0, 0, 0, 0, 0], [2, 4, 6, 7, 3]) as tf.Tensor5D);
  const b = m.forward(x.slice([0, 4, 0, 0, 0], [2, 2, 6, 7, 3]) as tf.Tensor5D, { state: a.state });
  const joined = tf.concat([a.lai, b.lai], 1);
  assert.ok(maxRelDiff(joined, full.lai) < 1e-5);
  assert.ok(maxRelDiff(b.state.tensors[0]!, full.state.tensors[0]!) < 1e-5);
  tf.dispose([x, target, full.lai, a.lai, b.lai, joined, ...full.state.tensors, ...a.state.tensors, ...b.state.tensors]);
  m.dispose();
});

for (const backend of ['cpu', 'wasm'] as const) {
  test(`training steps and chunked inference do not leak tensors (${backend})`, async () => {
    await useBackend(backend);
    try {
      const m = new ConvLstmModel({ ...base, convImpl: 'patches' });
      const { x, target } = inputs(41, 4);
      const opt = tf.train.adam(1e-2);
      const step = () => {
        const loss = opt.minimize(() => {
          const r = m.forward(x, { recordGradients: true });
          disposeState(r.state);
          return tf.mean(tf.square(tf.sub(r.lai, target))) as tf.Scalar;
        }, true, m.trainableVariables());
        const v = loss!.dataSync()[0]!;
        loss!.dispose();
        return v;
      };
      const first = step(); // optimizer slots are created on the first step
      const before = tf.memory().numTensors;
      let last = first;
      for (let epoch = 0; epoch < 4; epoch++) last = step();
      assert.equal(tf.memory().numTensors, before, 'tensor count grew across training steps');
      assert.ok(last < first, `loss did not decrease: ${first} -> ${last}`);
      let state = m.forward(x).state; // warm
      disposeState(state);
      const before2 = tf.memory().numTensors;
      state = undefined as unknown as typeof state;
      let s: typeof state | undefined;
      for (let chunk = 0; chunk < 3; chunk++) {
        const r = m.forward(x, { state: s });
        r.lai.dispose();
        disposeState(s);
        s = r.state;
      }
      disposeState(s);
      assert.equal(tf.memory().numTensors, before2, 'tensor count grew across inference chunks');
      tf.dispose([x, target]);
      opt.dispose();
      m.dispose();
    } finally {
      await useBackend('cpu');
    }
  });
}

test('invalid configs and inputs are rejected with a reason', async () => {
  await useBackend('cpu');
  assert.throws(() => new ConvLstmModel({ ...base, kernelSize: 4 }), /odd/);
  assert.throws(() => new ConvLstmModel({ ...base, extra: 1 } as unknown as ConvLstmConfigInput), /extra|unrecognized/i);
  const m = new ConvLstmModel(base);
  const bad = tf.zeros([1, 2, 6, 7, 4]) as tf.Tensor5D;
  assert.throws(() => m.forward(bad), /expects \[batch, time, 6, 7, 3\]/);
  bad.dispose();
  m.dispose();
});

test('gradient checkpointing gives the same loss and gradients with fewer tensors kept', async () => {
  await useBackend('cpu');
  const plain = new ConvLstmModel({ ...base, convImpl: 'patches' });
  const ckpt = new ConvLstmModel({ ...base, convImpl: 'patches', checkpointEvery: 3 });
  const w = getWeights(plain);
  setWeights(ckpt, w);
  for (const t of w.values()) t.dispose();
  const { x, target } = inputs(51, 8);
  const gp = lossAndGrads(plain, x, target);
  const gc = lossAndGrads(ckpt, x, target);
  assert.ok(Math.abs(gc.value.dataSync()[0]! - gp.value.dataSync()[0]!) < 1e-6);
  gp.grads.forEach((g, i) => {
    const d = maxRelDiff(gc.grads[i]!, g);
    assert.ok(d < 1e-5, `gradient ${i} differs with checkpointing: ${d}`);
  });
  // peak tensor memory of one training step: checkpointing keeps less
  const peak = async (m: ConvLstmModel) => (await tf.profile(() => {
    const r = lossAndGrads(m, x, target);
    tf.dispose([r.value, ...r.grads]);
  })).peakBytes;
  const [pp, pc] = [await peak(plain), await peak(ckpt)];
  assert.ok(pc < pp, `checkpointed peak ${pc} B is not below plain ${pp} B`);
  const before = tf.memory().numTensors;
  const r = lossAndGrads(ckpt, x, target);
  tf.dispose([r.value, ...r.grads]);
  assert.equal(tf.memory().numTensors, before, 'checkpointed step leaked tensors');
  tf.dispose([x, target, gp.value, gc.value, ...gp.grads, ...gc.grads]);
  plain.dispose();
  ckpt.dispose();
});
