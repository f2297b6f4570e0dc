import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ConvLstmModel } from '../../../main/models/conv-lstm.ts';
import { LstmModel } from '../../../main/models/lstm.ts';
import { disposeState, type LaiModel } from '../../../main/models/model.ts';
import { useBackend } from './backends.ts';

// A model that learns departures from a baseline (the demo's climatology target) should start at
// the baseline: with headInit 'zeros' the untrained output is exactly the (zero) head bias, and
// training still moves it because the head kernel receives a gradient.
function checkZeroHead(model: LaiModel, channels: number): void {
  const x = tf.randomNormal([1, 4, 5, 6, channels], 0, 1, 'float32', 7) as tf.Tensor5D;
  const target = tf.randomNormal([1, 4, 5, 6, 1], 0, 1, 'float32', 8) as tf.Tensor5D;
  const r = model.forward(x);
  assert.equal(tf.max(tf.abs(r.lai)).dataSync()[0], 0, `${model.kind}: untrained output is not exactly zero`);
  disposeState(r.state);
  const head = model.namedVariables().find((v) => v.name === 'head/kernel');
  assert.ok(head, `${model.kind} has no head/kernel`);
  const { value, grads } = tf.variableGrads(() => {
    const y = model.forward(x, { recordGradients: true });
    disposeState(y.state);
    return tf.mean(tf.square(tf.sub(y.lai, target))) as tf.Scalar;
  }, [head.variable]);
  assert.ok(tf.max(tf.abs(grads[head.variable.name]!)).dataSync()[0]! > 0, `${model.kind}: head kernel gets no gradient`);
  tf.dispose([x, target, r.lai, value, ...Object.values(grads)]);
  model.dispose();
}

test("headInit 'zeros' starts the LSTM and the ConvLSTM at zero output, and they can still learn", async () => {
  await useBackend('cpu');
  checkZeroHead(new ConvLstmModel({ kind: 'conv-lstm', rows: 5, cols: 6, inputChannels: 3, seed: 1, hidden: 4, headInit: 'zeros' }), 3);
  checkZeroHead(new LstmModel({ kind: 'lstm', rows: 5, cols: 6, inputChannels: 3, seed: 1, hidden: 4, headInit: 'zeros' }), 3);
});

test("the default headInit ('glorot') gives a non-zero untrained output", async () => {
  await useBackend('cpu');
  const model = new ConvLstmModel({ kind: 'conv-lstm', rows: 5, cols: 6, inputChannels: 3, seed: 1, hidden: 4 });
  const x = tf.randomNormal([1, 4, 5, 6, 3], 0, 1, 'float32', 7) as tf.Tensor5D;
  const r = model.forward(x);
  assert.ok(tf.max(tf.abs(r.lai)).dataSync()[0]! > 0);
  disposeState(r.state);
  tf.dispose([x, r.lai]);
  model.dispose();
});
