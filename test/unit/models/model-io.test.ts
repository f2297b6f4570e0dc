import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readdir, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createModel, modelKinds, parseModelConfig } from '../../../main/models/model-factory.ts';
import { loadModel, saveModel } from '../../../main/models/model-io.ts';
import { disposeState } from '../../../main/models/model.ts';
import type { Dataset } from '../../../main/data/dataset.ts';
import { useBackend } from './backends.ts';

const rows = 5;
const cols = 6;
const mask = Uint8Array.from({ length: rows * cols }, (_, i) => (i % 7 === 3 ? 0 : 1));
const context = { dataset: { mask } as unknown as Dataset };

for (const config of [
  { kind: 'lstm', rows, cols, inputChannels: 3, hidden: 4, seed: 9 },
  { kind: 'conv-lstm', rows, cols, inputChannels: 3, hidden: 4, seed: 9 },
] as const) {
  test(`a saved ${config.kind} reloads with identical predictions`, async () => {
    await useBackend('cpu');
    const dir = await mkdtemp(path.join(tmpdir(), 'vegdyn-model-'));
    try {
      const model = createModel(config, context);
      // move the weights away from their seeded initial values, as training would
      for (const v of model.trainableVariables()) tf.tidy(() => v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.1, 'float32', 5))));
      await saveModel(dir, model);
      await saveModel(dir, model); // overwrite: one weights file stays
      assert.equal((await readdir(dir)).filter((f) => f.endsWith('.bin')).length, 1);
      const x = tf.randomNormal([2, 3, rows, cols, 3], 0, 1, 'float32', 4) as tf.Tensor5D;
      const a = model.forward(x);
      const reloaded = await loadModel(dir); // no context: the LSTM mask comes from the file
      assert.equal(reloaded.kind, config.kind);
      assert.deepEqual(reloaded.config, model.config);
      const b = reloaded.forward(x);
      assert.deepEqual(Array.from(b.lai.dataSync()), Array.from(a.lai.dataSync()));
      tf.dispose([x, a.lai, b.lai]);
      disposeState(a.state);
      disposeState(b.state);
      model.dispose();
      reloaded.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}

test('a weights file that does not match model.json is refused', async () => {
  await useBackend('cpu');
  const dir = await mkdtemp(path.join(tmpdir(), 'vegdyn-model-'));
  try {
    const model = createModel({ kind: 'conv-lstm', rows, cols, inputChannels: 2, hidden: 3 });
    await saveModel(dir, model);
    model.dispose();
    const bin = (await readdir(dir)).find((f) => f.endsWith('.bin'))!;
    const bytes = await readFile(path.join(dir, bin));
    bytes[0] ^= 0xff;
    await writeFile(path.join(dir, bin), bytes);
    await assert.rejects(loadModel(dir), /checksum/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the factory rejects unknown kinds and unknown keys, and fills defaults', () => {
  assert.ok(modelKinds().includes('lstm') && modelKinds().includes('conv-lstm'));
  assert.throws(() => parseModelConfig({ kind: 'gru', rows, cols, inputChannels: 1 }), /invalid model config/);
  assert.throws(() => parseModelConfig({ kind: 'lstm', rows, cols, inputChannels: 1, hiddn: 8 }), /hiddn/);
  const c = parseModelConfig({ kind: 'conv-lstm', rows, cols, inputChannels: 8 });
  assert.equal(c.kind === 'conv-lstm' && c.hidden, 64);
  assert.equal(c.kind === 'conv-lstm' && c.kernelSize, 3);
});

test('the LSTM ignores forcing outside the basin mask', async () => {
  await useBackend('cpu');
  const model = createModel({ kind: 'lstm', rows, cols, inputChannels: 2, hidden: 4, seed: 1 }, context);
  const x = tf.randomNormal([1, 3, rows, cols, 2], 0, 1, 'float32', 8) as tf.Tensor5D;
  const maskT = tf.tensor(Float32Array.from(mask), [1, 1, rows, cols, 1]);
  const noise = tf.mul(tf.sub(1, maskT), tf.randomNormal(x.shape, 0, 5, 'float32', 9));
  const x2 = tf.add(x, noise) as tf.Tensor5D; // differs only outside the mask
  assert.ok(tf.max(tf.abs(tf.sub(x2, x))).dataSync()[0]! > 0.1);
  const a = model.forward(x);
  const b = model.forward(x2);
  assert.deepEqual(Array.from(b.lai.dataSync()), Array.from(a.lai.dataSync()));
  tf.dispose([x, x2, maskT, noise, a.lai, b.lai, ...a.state.tensors, ...b.state.tensors]);
  model.dispose();
});
