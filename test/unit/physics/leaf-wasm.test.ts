// The leaf solve and its implicit gradient on the wasm backend (the engine's usual choice here)
// agree with the cpu backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { initComputeBackend } from '../../../main/compute/backend.ts';
import { parseLeafCsv, leafEnvironmentOf, defaultTraitsOf } from '../../../main/leaf/leaf-dataset.ts';
import { btranFor } from '../../../main/leaf/leaf-btran.ts';
import { solveLeaves } from '../../../main/physics/leaf-model.ts';

const ds = parseLeafCsv(readFileSync(new URL('../../fixtures/leaf/example_dataset.csv', import.meta.url), 'utf8'));

function anAndGradients(): { an: Float32Array; gV: Float32Array; gB: Float32Array } {
  return tf.tidy(() => {
    const env = leafEnvironmentOf(ds.records);
    const base = defaultTraitsOf(ds.records, btranFor(ds, ds.records, 'synthetic-B'));
    const an = solveLeaves(env, base).anet.dataSync() as Float32Array;
    const [gV, gB] = tf.grads((v: tf.Tensor, b: tf.Tensor) => tf.sum(solveLeaves(env, { ...base, vcmax25: v, btran: b }).anet))([base.vcmax25, base.btran]);
    return { an, gV: gV!.dataSync() as Float32Array, gB: gB!.dataSync() as Float32Array };
  });
}

test('wasm and cpu give the same An and implicit gradients for all 446 leaves', async () => {
  const report = await initComputeBackend({ prefer: 'wasm' });
  assert.equal(tf.getBackend(), 'wasm', `wasm backend: ${JSON.stringify(report.attempts)}`);
  const wasm = anAndGradients();
  await tf.setBackend('cpu');
  const cpu = anAndGradients();
  for (let i = 0; i < cpu.an.length; i++) {
    assert.ok(Math.abs(wasm.an[i]! - cpu.an[i]!) <= 1e-4 * Math.abs(cpu.an[i]!) + 1e-5, `leaf ${i}: An ${wasm.an[i]} vs ${cpu.an[i]}`);
    assert.ok(Math.abs(wasm.gV[i]! - cpu.gV[i]!) <= 1e-3 * Math.abs(cpu.gV[i]!) + 1e-6, `leaf ${i}: dAn/dVcmax25 ${wasm.gV[i]} vs ${cpu.gV[i]}`);
    assert.ok(Math.abs(wasm.gB[i]! - cpu.gB[i]!) <= 1e-3 * Math.abs(cpu.gB[i]!) + 1e-5, `leaf ${i}: dAn/dbtran ${wasm.gB[i]} vs ${cpu.gB[i]}`);
  }
});
