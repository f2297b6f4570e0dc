/**
 * The ConvLSTM's forward without gradients (ConvLstmLayer.runInference: native conv2d on wasm,
 * input convolution batched per block of days, day-major layout) must give what the training
 * forward (patches + matMul under a gradient tape) gives on the same weights and inputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ConvLstmModel, type ConvLstmConfigInput } from '../../../main/models/conv-lstm.ts';
import { disposeState, getWeights, setWeights, type ModelState } from '../../../main/models/model.ts';
import { maxRelDiff, useBackend } from './backends.ts';

const base: ConvLstmConfigInput = { kind: 'conv-lstm', rows: 7, cols: 9, inputChannels: 4, seed: 5, hidden: 6, kernelSize: 3, inputBlock: 3 };

/** the training forward: the same call, but recorded on a gradient tape (runSteps) */
function trainingForward(model: ConvLstmModel, x: tf.Tensor5D, state?: ModelState): { lai: tf.Tensor; state: tf.Tensor[] } {
  let lai: tf.Tensor | undefined;
  let st: tf.Tensor[] = [];
  const { value, grads } = tf.variableGrads(() => {
    const r = model.forward(x, { state, training: true, recordGradients: true });
    lai = tf.keep(r.lai.clone());
    st = r.state.tensors.map((t) => tf.keep(t.clone()));
    disposeState(r.state);
    return tf.sum(r.lai) as tf.Scalar;
  }, model.trainableVariables());
  tf.dispose([value, ...Object.values(grads)]);
  return { lai: lai!, state: st };
}

for (const backend of ['wasm', 'cpu'] as const) {
  test(`fast inference equals the training forward on the same weights (${backend})`, async () => {
    await useBackend(backend);
    try {
      // training path: patches (differentiable on every backend); inference: the backend's pick
      const train = new ConvLstmModel({ ...base, convImpl: 'patches' });
      const infer = new ConvLstmModel({ ...base, seed: 99 });
      const w = getWeights(train);
      setWeights(infer, w);
      tf.dispose([...w.values()]);
      if (backend === 'wasm') assert.equal(infer.inferenceConvImpl(), 'native', 'wasm inference should use the native conv2d');
      // batch 2 (day-major re-layout), 7 days over blocks of 3 (a partial last block), two chunks
      const x = tf.randomNormal([2, 7, 7, 9, 4], 0, 1.5, 'float32', 17) as tf.Tensor5D;
      const x2 = tf.randomNormal([2, 4, 7, 9, 4], 0, 1.5, 'float32', 18) as tf.Tensor5D;
      const ref = trainingForward(train, x);
      const ref2 = trainingForward(train, x2, { tensors: ref.state });
      const before = tf.memory().numTensors;
      const fast = infer.forward(x);
      const fast2 = infer.forward(x2, { state: fast.state });
      for (const [a, b, what] of [
        [fast.lai, ref.lai, 'outputs'], [fast2.lai, ref2.lai, 'outputs of the second chunk'],
        [fast2.state.tensors[0]!, ref2.state[0]!, 'final h'], [fast2.state.tensors[1]!, ref2.state[1]!, 'final c'],
      ] as const) {
        const d = maxRelDiff(a, b);
        assert.ok(d < 1e-4, `${what} differ: ${d}`);
      }
      // the comparison is not vacuous: the outputs vary over cells and days
      const spread = tf.tidy(() => tf.sub(tf.max(fast.lai), tf.min(fast.lai)).dataSync()[0]!);
      assert.ok(spread > 0.1, `outputs nearly constant (${spread})`);
      tf.dispose([fast.lai, fast2.lai, ...fast.state.tensors, ...fast2.state.tensors]);
      assert.equal(tf.memory().numTensors, before, 'the inference path leaked tensors');
      tf.dispose([x, x2, ref.lai, ref2.lai, ...ref.state, ...ref2.state]);
      train.dispose();
      infer.dispose();
    } finally {
      await useBackend('cpu');
    }
  });
}

test('the hybrid convolution (native forward and input gradient, patches filter gradient) gives the patches path\'s loss and gradients on wasm', async () => {
  await useBackend('wasm');
  try {
    const patchesModel = new ConvLstmModel({ ...base, convImpl: 'patches' });
    const hybrid = new ConvLstmModel({ ...base, convImpl: 'hybrid', seed: 77 });
    const w = getWeights(patchesModel);
    setWeights(hybrid, w);
    tf.dispose([...w.values()]);
    const x = tf.randomNormal([2, 5, 7, 9, 4], 0, 1, 'float32', 31) as tf.Tensor5D;
    const target = tf.randomNormal([2, 5, 7, 9, 1], 0, 1, 'float32', 32);
    const lossAndGrads = (m: ConvLstmModel) => {
      const vars = m.trainableVariables();
      const { value, grads } = tf.variableGrads(() => {
        const r = m.forward(x, { training: true, recordGradients: true });
        disposeState(r.state);
        return tf.mean(tf.square(tf.sub(r.lai, target))) as tf.Scalar;
      }, vars);
      return { value, grads: vars.map((v) => grads[v.name]!) };
    };
    const a = lossAndGrads(patchesModel);
    const h = lossAndGrads(hybrid);
    assert.ok(Math.abs(a.value.dataSync()[0]! - h.value.dataSync()[0]!) < 1e-5);
    a.grads.forEach((g, i) => {
      const d = maxRelDiff(h.grads[i]!, g);
      assert.ok(d < 1e-4, `gradient ${i} differs: ${d}`);
      assert.ok(tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]!) > 0, `gradient ${i} is all zero`);
    });
    tf.dispose([x, target, a.value, h.value, ...a.grads, ...h.grads]);
    patchesModel.dispose();
    hybrid.dispose();
  } finally {
    await useBackend('cpu');
  }
});
