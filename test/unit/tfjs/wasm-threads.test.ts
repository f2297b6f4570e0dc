// Runs in its own process (node:test runs each file separately): threads must be enabled
// before the wasm backend initialises, which nothing else in this file does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import { ConvLstmModel } from '../../../main/models/conv-lstm.ts';
import { disposeState, getWeights, setWeights } from '../../../main/models/model.ts';
import { maxRelDiff, useBackend } from '../models/backends.ts';

const realCores = os.cpus().length;

test('the threaded wasm build starts in Node and computes what the cpu backend computes', async () => {
  // the way the app's backend starts it (startPatchedWasm), with two threads
  await useBackend('wasm', 2);
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  assert.equal(wasm.getThreadsCount(), 2);
  assert.equal(os.cpus().length, realCores, 'os.cpus is put back once the backend has started');
  // big enough that XNNPACK splits the matMuls across the pool
  const config = { kind: 'conv-lstm', rows: 20, cols: 24, inputChannels: 3, seed: 5, hidden: 16, kernelSize: 3, convImpl: 'patches', inputBlock: 4 } as const;
  const run = (m: ConvLstmModel) => {
    const x = tf.randomNormal([1, 3, 20, 24, 3], 0, 1, 'float32', 1) as tf.Tensor5D;
    const { value, grads } = tf.variableGrads(() => {
      const o = m.forward(x, { recordGradients: true });
      disposeState(o.state);
      return tf.mean(tf.square(o.lai)) as tf.Scalar;
    }, m.trainableVariables());
    const out = m.trainableVariables().map((v) => ({ values: grads[v.name]!.dataSync().slice(), shape: v.shape }));
    const loss = value.dataSync()[0]!;
    tf.dispose([x, value, ...Object.values(grads)]);
    return { loss, grads: out };
  };
  const mw = new ConvLstmModel(config);
  const weights = [...getWeights(mw)].map(([n, t]) => [n, { values: t.dataSync().slice(), shape: t.shape }] as const);
  const onWasm = run(mw);
  mw.dispose();
  await useBackend('cpu');
  const mc = new ConvLstmModel(config);
  const w = new Map(weights.map(([n, v]) => [n, tf.tensor(v.values, v.shape)]));
  setWeights(mc, w);
  for (const t of w.values()) t.dispose();
  const onCpu = run(mc);
  mc.dispose();
  assert.ok(Math.abs(onWasm.loss - onCpu.loss) < 1e-5 * Math.abs(onCpu.loss));
  onCpu.grads.forEach((g, i) => {
    const a = tf.tensor(onWasm.grads[i]!.values, g.shape);
    const b = tf.tensor(g.values, g.shape);
    const d = maxRelDiff(a, b);
    tf.dispose([a, b]);
    assert.ok(d < 1e-4, `gradient ${i}: threaded wasm vs cpu differ by ${d}`);
  });
});
