import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { promises as fs } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../../../main/models/model-factory.ts';
import { loadModel, saveModel } from '../../../main/models/model-io.ts';
import { disposeState, type LaiModel } from '../../../main/models/model.ts';
import { PhysicsOnlyModel } from '../../../main/models/physics-only.ts';
import { PhysConvLstmModel } from '../../../main/models/phys-conv-lstm.ts';
import { FeatureBuilder } from '../../../main/training/features.ts';
import { PARAMETER_SPECS, LEARNED_PARAMETER_NAMES } from '../../../main/physics/grid/pft-params.ts';
import { mixedWindow, virtualBasin } from './small-basin.ts';

await tf.setBackend('cpu');
const ds = mixedWindow(virtualBasin('1981-01-01', '1981-12-31'), 5, 5);
const { nrows: rows, ncols: cols } = ds.grid;
const features = new FeatureBuilder(ds, { dayOfYear: true, staticLayers: false });
const ch = features.channelCount;
const ctx = { dataset: ds };
const base = { rows, cols, inputChannels: ch, seed: 3, spinUpYears: 1 };

function inputs(start: number, days: number): tf.Tensor5D {
  return tf.tensor5d(features.inputs(start, days), [1, days, rows, cols, ch]);
}

function laiOf(model: LaiModel, start: number, days: number): Float32Array {
  const x = inputs(start, days);
  const r = model.forward(x, { startDays: [start] });
  const out = r.lai.dataSync() as Float32Array;
  r.lai.dispose();
  disposeState(r.state);
  x.dispose();
  return out;
}

test('physics-only LAI over a virtual-basin year is seasonal and within 0..8', () => {
  const model = createModel({ kind: 'physics-only', ...base }, ctx) as PhysicsOnlyModel;
  const { mean, std } = ds.normalization.lai;
  const z = laiOf(model, 0, 365);
  const n = rows * cols;
  let winter = 0;
  let summer = 0;
  let cells = 0;
  for (let c = 0; c < n; c++) {
    if (!ds.mask[c]) continue;
    cells++;
    for (let t = 0; t < 365; t++) {
      const lai = z[t * n + c]! * std + mean;
      assert.ok(lai >= 0 && lai <= 8, `LAI ${lai} at day ${t}, cell ${c}`);
      if (t < 45) winter += lai / 45;
      if (t >= 180 && t < 225) summer += lai / 45;
    }
  }
  assert.ok(cells > 0);
  assert.ok(summer > 1.3 * winter, `summer mean LAI ${summer / cells} vs winter ${winter / cells}`);
  model.dispose();
});

test('untrained phys-conv-lstm reproduces physics-only exactly (zero residual head)', () => {
  const phys = createModel({ kind: 'physics-only', ...base }, ctx);
  const pcl = createModel({ kind: 'phys-conv-lstm', ...base, hidden: 4 }, ctx);
  const a = laiOf(phys, 120, 20);
  const b = laiOf(pcl, 120, 20);
  let d = 0;
  for (let i = 0; i < a.length; i++) if (ds.mask[i % (rows * cols)]) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  assert.ok(d < 1e-5, `max difference ${d}`);
  phys.dispose();
  pcl.dispose();
});

test('phys-conv-lstm with residual false starts at zero output (the caller\'s baseline) and its physics parameters learn through the channel', () => {
  const model = createModel({ kind: 'phys-conv-lstm', ...base, hidden: 4, residual: false }, ctx) as PhysConvLstmModel;
  const x = inputs(150, 8);
  const r = model.forward(x, { startDays: [150] });
  assert.equal(tf.max(tf.abs(r.lai)).dataSync()[0], 0, 'untrained output is not exactly zero');
  disposeState(r.state);
  r.lai.dispose();
  // once the head is non-zero the loss reaches the process parameters only through the LAI channel
  const head = model.namedVariables().find((v) => v.name === 'head/kernel')!.variable;
  head.assign(tf.fill(head.shape, 0.5));
  const physVars = model.physics.params.trainable();
  const { value, grads } = tf.variableGrads(() => {
    const y = model.forward(x, { startDays: [150], training: true, recordGradients: true });
    disposeState(y.state);
    return tf.mean(tf.square(tf.sub(y.lai, 1))) as tf.Scalar;
  }, physVars);
  assert.ok(physVars.some((v) => grads[v.name]!.dataSync().some((e) => e !== 0)), 'no physics parameter receives gradient');
  tf.dispose([value, x, ...Object.values(grads)]);
  model.dispose();
});

test('phys-conv-lstm: one optimizer trains network and physics parameters jointly, ranges kept, no tensor leak', () => {
  const model = createModel({ kind: 'phys-conv-lstm', ...base, hidden: 4, spinUpRefreshSteps: 2 }, ctx) as PhysConvLstmModel;
  const vars = model.trainableVariables();
  const physVars = model.physics.params.trainable();
  assert.ok(physVars.every((v) => vars.includes(v)), 'physics parameters are among the trainable variables');
  const x = inputs(150, 12);
  const target = tf.fill([1, 12, rows, cols, 1], 1.5);
  const loss = () => {
    const r = model.forward(x, { startDays: [150], training: true, recordGradients: true });
    disposeState(r.state);
    return tf.mean(tf.square(tf.sub(r.lai, target))) as tf.Scalar;
  };
  const { value, grads } = tf.variableGrads(loss, vars);
  const g = (v: tf.Variable) => grads[v.name]!.dataSync();
  for (const v of vars) assert.ok(g(v).every(Number.isFinite), `${v.name} gradient finite`);
  assert.ok(physVars.every((v) => g(v).some((e) => e !== 0)), 'every learned physics parameter receives gradient');
  assert.ok(vars.filter((v) => !physVars.includes(v)).some((v) => g(v).some((e) => e !== 0)), 'the network receives gradient');
  tf.dispose([value, ...Object.values(grads)]);
  const opt = tf.train.adam(0.5);
  const counts: number[] = [];
  for (let i = 0; i < 4; i++) {
    opt.minimize(loss, false, vars);
    counts.push(tf.memory().numTensors);
  }
  // the spin-up refreshes on the way (refresh every 2 calls) and still nothing accumulates
  assert.equal(counts[3], counts[1], `numTensors ${counts.join(', ')}`);
  const report = model.learnedParameters();
  for (const name of LEARNED_PARAMETER_NAMES) {
    const { range } = PARAMETER_SPECS[name];
    assert.deepEqual(report.parameters[name].defaults, [...PARAMETER_SPECS[name].defaults]);
    for (const v of report.parameters[name].values) assert.ok(v >= range.min && v <= range.max, `${name} ${v}`);
  }
  assert.ok(LEARNED_PARAMETER_NAMES.some((nm) => report.parameters[nm].values.some((v, k) => Math.abs(v - report.parameters[nm].defaults[k]!) > 1e-6)), 'parameters moved');
  // the maps for the GIS carry each cell's PFT value, NaN outside the basin
  const maps = model.learnedParameterMaps();
  const cells = model.physics.process.cells;
  for (const name of LEARNED_PARAMETER_NAMES) {
    maps[name].forEach((v, c) => {
      if (!ds.mask[c]) assert.ok(Number.isNaN(v));
      else assert.equal(v, Math.fround(report.parameters[name].values[cells.pft[c]!]!));
    });
  }
  opt.dispose();
  tf.dispose([x, target]);
  model.dispose();
});

test('save -> load gives identical predictions for both physics models (learned parameters included)', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vegdyn-physgrid-'));
  try {
    for (const kind of ['physics-only', 'phys-conv-lstm'] as const) {
      const model = createModel(kind === 'phys-conv-lstm' ? { kind, ...base, hidden: 4 } : { kind, ...base }, ctx);
      // move the parameters and the head away from their initial values
      for (const { variable } of model.namedVariables()) tf.tidy(() => variable.assign(tf.add(variable, tf.randomUniform(variable.shape, -0.3, 0.3, 'float32', 7))));
      const before = laiOf(model, 200, 10);
      await saveModel(path.join(dir, kind), model);
      const loaded = await loadModel(path.join(dir, kind), ctx);
      const after = laiOf(loaded, 200, 10);
      assert.deepEqual(Array.from(after), Array.from(before), `${kind} reloads identically`);
      model.dispose();
      loaded.dispose();
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('physics models state runs in chunks: two halves equal one whole run', () => {
  const model = createModel({ kind: 'physics-only', ...base }, ctx);
  const whole = laiOf(model, 100, 20);
  const x1 = inputs(100, 10);
  const x2 = inputs(110, 10);
  const r1 = model.forward(x1, { startDays: [100] });
  const r2 = model.forward(x2, { startDays: [110], state: r1.state });
  const parts = [...r1.lai.dataSync(), ...r2.lai.dataSync()];
  let d = 0;
  parts.forEach((v, i) => (d = Math.max(d, Math.abs(v - whole[i]!))));
  assert.ok(d < 1e-5, `chunked vs whole ${d}`);
  tf.dispose([x1, x2, r1.lai, r2.lai]);
  disposeState(r1.state);
  disposeState(r2.state);
  model.dispose();
});
