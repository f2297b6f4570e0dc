/**
 * The physics-encoded ConvLSTM through the ConvLSTM layer's other paths: gradient
 * checkpointing (the paper preset's setting) must give the same loss and the same gradients for
 * every trainable weight (network, head and physics parameters) as plain backprop, and the fast
 * no-gradient forward must equal the training forward.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../../../main/models/model-factory.ts';
import { disposeState, getWeights, setWeights } from '../../../main/models/model.ts';
import type { PhysConvLstmModel } from '../../../main/models/phys-conv-lstm.ts';
import { FeatureBuilder } from '../../../main/training/features.ts';
import { mixedWindow, virtualBasin } from '../physics-grid/small-basin.ts';
import { maxRelDiff, useBackend } from './backends.ts';

const ds = mixedWindow(virtualBasin('1981-01-01', '1981-12-31'), 5, 5);
const { nrows: rows, ncols: cols } = ds.grid;
const features = new FeatureBuilder(ds, { dayOfYear: true, staticLayers: false });
const ch = features.channelCount;
const base = { kind: 'phys-conv-lstm' as const, rows, cols, inputChannels: ch, seed: 3, spinUpYears: 1, hidden: 4, convImpl: 'patches' as const };

test('phys-conv-lstm: checkpointed backprop equals plain backprop; fast inference equals the training forward', async () => {
  await useBackend('cpu');
  const plain = createModel(base, { dataset: ds }) as PhysConvLstmModel;
  const ckpt = createModel({ ...base, checkpointEvery: 3 }, { dataset: ds }) as PhysConvLstmModel;
  // a non-zero head, so the network's path carries gradient too
  const w = getWeights(plain);
  w.get('head/kernel')!.dispose();
  w.set('head/kernel', tf.fill([4, 1], 0.3));
  setWeights(plain, w);
  setWeights(ckpt, w);
  tf.dispose([...w.values()]);
  const days = 10;
  const x = tf.tensor5d(features.inputs(150, days), [1, days, rows, cols, ch]);
  const target = tf.fill([1, days, rows, cols, 1], 1.5);
  const run = (m: PhysConvLstmModel) => {
    let lai: tf.Tensor | undefined;
    const vars = m.trainableVariables();
    const { value, grads } = tf.variableGrads(() => {
      const r = m.forward(x, { startDays: [150], training: true, recordGradients: true });
      disposeState(r.state);
      lai = tf.keep(r.lai.clone());
      return tf.mean(tf.square(tf.sub(r.lai, target))) as tf.Scalar;
    }, vars);
    return { loss: value, lai: lai!, grads: vars.map((v) => grads[v.name]!) };
  };
  const a = run(plain);
  const b = run(ckpt);
  assert.ok(Math.abs(a.loss.dataSync()[0]! - b.loss.dataSync()[0]!) < 1e-6);
  assert.equal(a.grads.length, b.grads.length);
  a.grads.forEach((g, i) => {
    const d = maxRelDiff(b.grads[i]!, g);
    assert.ok(d < 1e-4, `gradient ${i} differs with checkpointing: ${d}`);
  });
  assert.ok(a.grads.filter((g) => tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]!) > 0).length >= a.grads.length - 1, 'gradients are mostly zero');
  // the forward without a tape (evaluation) equals the training forward
  const inf = ckpt.forward(x, { startDays: [150] });
  const d = maxRelDiff(inf.lai, a.lai);
  assert.ok(d < 1e-4, `inference differs from the training forward: ${d}`);
  tf.dispose([x, target, a.loss, b.loss, a.lai, b.lai, ...a.grads, ...b.grads, inf.lai]);
  disposeState(inf.state);
  plain.dispose();
  ckpt.dispose();
});
