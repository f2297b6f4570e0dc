// The wasm kernel replacements (main/tfjs/, installed by installTfjsPatches) must compute exactly what the
// stock kernels compute: each case runs on the cpu backend and on wasm with the replacements
// installed, and the values and shapes must be identical.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { installTfjsPatches } from '../../../main/tfjs/tfjs-patches.ts';
import { maxRelDiff, useBackend } from '../models/backends.ts';

interface Result { shape: number[]; dtype: tf.DataType; values: number[] }

async function onBoth(f: () => tf.Tensor | tf.Tensor[]): Promise<[Result[], Result[]]> {
  const run = (): Result[] => {
    const out = f();
    const list = Array.isArray(out) ? out : [out];
    const r = list.map((t) => ({ shape: t.shape, dtype: t.dtype, values: Array.from(t.dataSync() as ArrayLike<number>) }));
    tf.dispose(list);
    return r;
  };
  await useBackend('cpu');
  const cpu = run();
  await useBackend('wasm');
  assert.ok(installTfjsPatches().applied, 'the patches apply to the pinned tfjs');
  try {
    return [cpu, run()];
  } finally {
    await useBackend('cpu');
  }
}

function assertSame([cpu, wasm]: [Result[], Result[]], what: string): void {
  assert.equal(wasm.length, cpu.length, `${what}: number of outputs`);
  cpu.forEach((c, i) => {
    assert.deepEqual(wasm[i]!.shape, c.shape, `${what}: shape of output ${i}`);
    assert.equal(wasm[i]!.dtype, c.dtype, `${what}: dtype of output ${i}`);
    assert.deepEqual(wasm[i]!.values, c.values, `${what}: values of output ${i}`);
  });
}

const seq = (shape: number[], dtype: 'float32' | 'int32' = 'float32') =>
  tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => (dtype === 'int32' ? i : i * 0.5 - 7)), shape, dtype);

test('Slice, SplitV, Unpack and Concat replacements equal the stock kernels (float32, int32, bool; inner and outer axes)', async () => {
  assertSame(await onBoth(() => tf.slice(seq([3, 5, 4, 6]), [1, 2, 0, 3], [2, 2, 4, 2])), 'slice of inner runs');
  assertSame(await onBoth(() => tf.slice(seq([3, 5, 4, 6], 'int32'), [0, 1, 0, 0], [3, 3, 4, 6])), 'slice taking whole inner axes (int32)');
  assertSame(await onBoth(() => tf.split(seq([2, 7, 9]), [2, 4, 3], 2)), 'split along the last axis');
  assertSame(await onBoth(() => tf.split(seq([6, 4, 3]), 3, 0)), 'split along the first axis');
  assertSame(await onBoth(() => tf.unstack(seq([4, 3, 5]), 1)), 'unstack along a middle axis');
  assertSame(await onBoth(() => tf.concat([seq([2, 3, 4]), seq([2, 3, 1]), seq([2, 3, 5])], 2)), 'concat along the last axis');
  assertSame(await onBoth(() => tf.concat([seq([1, 3, 4], 'int32'), seq([2, 3, 4], 'int32')], 0)), 'concat along the first axis (int32)');
  assertSame(await onBoth(() => tf.concat([tf.tensor([true, false, true], [3, 1], 'bool'), tf.tensor([false, false, true], [3, 1], 'bool')], 1)), 'concat of bool');
  assertSame(await onBoth(() => tf.concat([seq([2, 0, 4]), seq([2, 3, 4])], 1)), 'concat with an empty input');
});

test('Identity shares the data, and the shared data outlives the original tensor', async () => {
  await useBackend('wasm');
  assert.ok(installTfjsPatches().applied, 'the patches apply to the pinned tfjs');
  try {
    const x = seq([4, 5]);
    const y = tf.clone(x);
    const expected = Array.from(x.dataSync());
    x.dispose();
    // new tensors must not reuse the freed-and-shared memory while y still holds it
    const z = tf.add(seq([4, 5]), 1);
    assert.deepEqual(Array.from(y.dataSync()), expected);
    tf.dispose([y, z]);
  } finally {
    await useBackend('cpu');
  }
});

test('the matMul gradient equals the cpu backend\'s whichever operand it packs (a^T g with m < n and m > n)', async () => {
  for (const [k, m, n] of [[40, 3, 17], [40, 17, 3]] as const) {
    const grads = async (backend: 'cpu' | 'wasm') => {
      await useBackend(backend);
      if (backend === 'wasm') assert.ok(installTfjsPatches().applied);
      const a = tf.randomNormal([k, m], 0, 1, 'float32', 1);
      const b = tf.randomNormal([m, n], 0, 1, 'float32', 2);
      const g = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.sin(tf.matMul(p, q))))([a, b]);
      const out = g.map((t) => ({ values: t.dataSync().slice(), shape: t.shape }));
      tf.dispose([a, b, ...g]);
      return out;
    };
    const cpu = await grads('cpu');
    const wasm = await grads('wasm');
    await useBackend('cpu');
    cpu.forEach((c, i) => {
      const d = maxRelDiff(tf.tensor(wasm[i]!.values, wasm[i]!.shape), tf.tensor(c.values, c.shape));
      assert.ok(d < 1e-5, `[${k}, ${m}] x [${m}, ${n}]: gradient ${i} differs by ${d}`);
    });
  }
});
