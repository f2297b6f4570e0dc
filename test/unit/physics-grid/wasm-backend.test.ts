import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { GridProcessModel, processCellsFromDataset, type RawForcing } from '../../../main/physics/grid/process-model.ts';
import { PftParameters } from '../../../main/physics/grid/learned-parameters.ts';
import { learnedSet } from '../../../main/physics/grid/grid-physics-runner.ts';
import { maxRelDiff, useBackend } from '../models/backends.ts';
import { mixedWindow, virtualBasin } from './small-basin.ts';

const ds = mixedWindow(virtualBasin('1981-01-01', '1981-12-31'), 5, 5);
const n = ds.grid.ncols * ds.grid.nrows;

/** LAI and the gradient of a loss w.r.t. every learned parameter, on the active backend */
function run(): { lai: Float32Array; grads: Float32Array[] } {
  const model = new GridProcessModel(processCellsFromDataset(ds), 'jarvis');
  const params = new PftParameters(learnedSet('jarvis', true));
  const forcing: Record<string, tf.Tensor3D> = {};
  for (const name of ['Rainf', 'Tair', 'PSurf', 'Qair', 'LWdown', 'SWdown'] as const) {
    const mean = ds.normalization.forcing[name].mean;
    forcing[name] = tf.tensor3d(ds.forcing(name, { start: 140, end: 170 }).map((v) => (Number.isFinite(v) ? v : mean)), [1, 30, n]);
  }
  const s0 = model.initialState(1);
  let lai: Float32Array = new Float32Array();
  const vars = params.trainable();
  const { value, grads } = tf.variableGrads(() => {
    const r = model.run(forcing as unknown as RawForcing, ds.startDate, [140], params.values(), s0);
    lai = r.lai.dataSync() as Float32Array;
    return tf.mean(tf.square(tf.sub(r.lai, 3))) as tf.Scalar;
  }, vars);
  const g = vars.map((v) => grads[v.name]!.dataSync() as Float32Array);
  tf.dispose([value, ...Object.values(grads), ...Object.values(s0), ...Object.values(forcing)]);
  params.dispose();
  model.dispose();
  return { lai, grads: g };
}

test('the process model trains on wasm (no gather / conv gradients) and agrees with cpu', async () => {
  await useBackend('cpu');
  const cpu = run();
  await useBackend('wasm');
  const wasm = run();
  await useBackend('cpu');
  assert.ok(maxRelDiff(tf.tensor(wasm.lai), tf.tensor(cpu.lai)) < 1e-4, 'LAI agrees');
  cpu.grads.forEach((g, k) => {
    const w = wasm.grads[k]!;
    assert.ok(w.every(Number.isFinite) && w.some((x) => x !== 0), `wasm gradient ${k} finite and non-zero`);
    assert.ok(maxRelDiff(tf.tensor(w), tf.tensor(g)) < 1e-3, `gradient ${k} agrees: ${maxRelDiff(tf.tensor(w), tf.tensor(g))}`);
  });
});
