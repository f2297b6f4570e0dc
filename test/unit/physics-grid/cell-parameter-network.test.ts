/**
 * Per-cell process parameters (parameterization 'per-cell-network'): the process model runs with
 * [cells] parameter maps, the network's outputs stay inside the declared ranges whatever its
 * weights, the loss's gradient reaches every layer of the network, and wrong or incomplete inputs
 * are refused with an error naming the field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../../../main/models/model-factory.ts';
import type { PhysicsOnlyModel } from '../../../main/models/physics-only.ts';
import { FeatureBuilder } from '../../../main/training/features.ts';
import { resolveRunConfig, RunConfigError } from '../../../main/training/run-config.ts';
import { CellParameterNetwork, CELL_NETWORK_WEIGHTS } from '../../../main/physics/grid/cell-parameter-network.ts';
import { isPerCell } from '../../../main/physics/grid/learned-parameters.ts';
import { LEARNED_PARAMETER_NAMES, PARAMETER_SPECS, type LearnedParameterName } from '../../../main/physics/grid/pft-params.ts';
import { simulateLai } from '../../../main/physics/grid/simulate-lai.ts';
import type { Dataset } from '../../../main/data/dataset.ts';
import { mixedWindow, virtualBasin } from './small-basin.ts';

await tf.setBackend('cpu');
const ds = mixedWindow(virtualBasin('1981-01-01', '1981-12-31'), 5, 5);
const n = ds.grid.nrows * ds.grid.ncols;
const features = new FeatureBuilder(ds, { dayOfYear: true, staticLayers: false });

function perCellModel(dataset: Dataset = ds): PhysicsOnlyModel {
  return createModel(
    { kind: 'physics-calibrated', rows: dataset.grid.nrows, cols: dataset.grid.ncols, inputChannels: features.channelCount, seed: 3, spinUpYears: 1, parameterization: 'per-cell-network', cellNetworkHidden: 8 },
    { dataset },
  ) as PhysicsOnlyModel;
}

test('the untrained per-cell network gives each cell its PFT defaults; any weights stay inside the declared ranges', () => {
  const model = perCellModel();
  const net = model.physics.params as CellParameterNetwork;
  assert.equal(net.parameterization, 'per-cell-network');
  assert.ok(net.attributes.names.length >= 14, `attributes: ${net.attributes.names.join(', ')}`);
  const pft = model.physics.process.cells.pft;
  let v = net.values();
  assert.ok(isPerCell(v));
  for (const p of LEARNED_PARAMETER_NAMES) {
    assert.deepEqual(v.perCell[p].shape, [n], p);
    const a = v.perCell[p].dataSync();
    for (let c = 0; c < n; c++) assert.ok(Math.abs(a[c]! - PARAMETER_SPECS[p].defaults[pft[c]!]!) <= 1e-4 * PARAMETER_SPECS[p].range.max, `${p} cell ${c}: ${a[c]}`);
  }
  tf.dispose(v as unknown as tf.TensorContainer);
  // large random weights: the sigmoid still keeps every value inside its range, and varies per cell
  for (const [k, w] of CELL_NETWORK_WEIGHTS.map((w, k) => [k, net.weights[w]] as const)) w.assign(tf.randomNormal(w.shape, 0, 3, 'float32', 100 + k));
  v = net.values();
  assert.ok(isPerCell(v));
  const maps = net.cellMaps(pft, ds.mask);
  let varied = 0;
  for (const p of LEARNED_PARAMETER_NAMES) {
    const { min, max } = PARAMETER_SPECS[p].range;
    const a = v.perCell[p].dataSync();
    for (let c = 0; c < n; c++) {
      // float32: a saturated sigmoid lands on the range's end within float32 rounding
      const eps = 1e-6 * (max - min);
      assert.ok(a[c]! >= min - eps && a[c]! <= max + eps, `${p} cell ${c} = ${a[c]} outside ${min}..${max}`);
      // the CPU read-back (maps, reports) computes the same values as the tensor forward
      if (ds.mask[c]) assert.ok(Math.abs(maps[p][c]! - a[c]!) <= 1e-4 * (max - min), `${p} cell ${c}: map ${maps[p][c]} vs tensor ${a[c]}`);
      else assert.ok(Number.isNaN(maps[p][c]!));
    }
    if (net.learned.has(p) && Math.max(...a) - Math.min(...a) > 0.01 * (max - min)) varied++;
  }
  assert.ok(varied >= 4, `only ${varied} parameters vary across cells`);
  const report = model.learnedParameters();
  assert.equal(report.parameterization, 'per-cell-network');
  assert.ok(report.parameters.vcmax25.movement.spreadPercent > 0);
  // per PFT the distribution over its basin cells (the comparison table's median and 5-95 % columns)
  const cells = report.parameters.vcmax25.cells!;
  let checked = 0;
  report.pfts.forEach((_, k) => {
    const own = Array.from(maps.vcmax25).filter((_, c) => ds.mask[c] && pft[c] === k).sort((a, b) => a - b);
    assert.equal(cells.count[k], own.length);
    if (own.length === 0) return assert.equal(cells.median[k], null);
    const mid = own.length % 2 ? own[(own.length - 1) / 2]! : (own[own.length / 2 - 1]! + own[own.length / 2]!) / 2;
    assert.ok(Math.abs(cells.median[k]! - mid) <= 1e-4 * mid, `PFT ${k}: median ${cells.median[k]} vs ${mid}`);
    assert.ok(own[0]! <= cells.p05[k]! && cells.p05[k]! <= cells.median[k]! && cells.median[k]! <= cells.p95[k]! && cells.p95[k]! <= own.at(-1)!, `PFT ${k}: ${cells.p05[k]} / ${cells.median[k]} / ${cells.p95[k]}`);
    if (own.length > 20) assert.ok(cells.p95[k]! > cells.p05[k]!, `PFT ${k}: the cells differ`);
    checked++;
  });
  assert.ok(checked >= 2, `${checked} PFTs with cells`);
  tf.dispose(v as unknown as tf.TensorContainer);
  model.dispose();
});

test('per-cell maps equal to the PFT table reproduce the per-PFT run exactly', () => {
  const model = perCellModel();
  const cellPft = model.physics.process.cells.pft;
  model.dispose();
  const maps = Object.fromEntries(LEARNED_PARAMETER_NAMES.map((p) => [p, Float32Array.from(cellPft, (k) => PARAMETER_SPECS[p].defaults[k]!)])) as Record<LearnedParameterName, Float32Array>;
  const range = { start: 90, end: 150 };
  const a = simulateLai(ds, { range, spinUpYears: 1 });
  const b = simulateLai(ds, { range, spinUpYears: 1, parameterMaps: maps });
  assert.equal(a.length, 60 * n);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  assert.ok(worst < 1e-4, `per-cell vs per-PFT LAI differ by ${worst}`);
  // different maps give a different LAI: the maps are really used
  const low = { ...maps, sla: maps.sla.map((v) => v * 0.5) };
  const c = simulateLai(ds, { range, spinUpYears: 1, parameterMaps: low });
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i]! - c[i]!));
  assert.ok(diff > 0.05, `halving SLA changed LAI by only ${diff}`);
  assert.throws(() => simulateLai(ds, { range, parameterMaps: { ...maps, vcmax25: maps.vcmax25.map(() => 500) } }), /per-cell parameter map 'vcmax25'\[0\] = 500 .* outside/);
});

test('the loss gradient reaches every layer of the per-cell network', () => {
  const model = perCellModel();
  const net = model.physics.params as CellParameterNetwork;
  const weights = Object.fromEntries(CELL_NETWORK_WEIGHTS.map((w) => [w, net.weights[w]]));
  const range = { start: 120, end: 140 };
  const days = range.end - range.start;
  const inputs = tf.tensor5d(features.inputs(range.start, days), [1, days, ds.grid.nrows, ds.grid.ncols, features.channelCount]);
  const gradsOf = () => tf.variableGrads(() => {
    const r = model.forward(inputs, { startDays: [range.start], training: true, recordGradients: true });
    tf.dispose(r.state.tensors as tf.Tensor[]);
    return tf.mean(r.lai) as tf.Scalar;
  }, Object.values(weights));
  let g = gradsOf();
  const norm = (name: string) => tf.tidy(() => tf.norm(g.grads[net.weights[name as (typeof CELL_NETWORK_WEIGHTS)[number]].name]!).dataSync()[0]!);
  assert.ok(norm('out_kernel') > 0 && norm('out_bias') > 0, 'output layer gets no gradient');
  tf.dispose(Object.values(g.grads));
  // once the output layer is not zero (after any training step), the hidden layers get gradients too
  net.weights.out_kernel.assign(tf.randomNormal(net.weights.out_kernel.shape, 0, 0.1, 'float32', 7));
  g = gradsOf();
  for (const w of CELL_NETWORK_WEIGHTS) assert.ok(norm(w) > 0, `${w} gets no gradient`);
  tf.dispose(Object.values(g.grads));
  inputs.dispose();
  model.dispose();
});

test('bad input: parameterization on a model without learned process parameters, on the defaults model, and missing static attributes', () => {
  assert.throws(
    () => resolveRunConfig({ models: ['lstm'], modelOptions: { lstm: { parameterization: 'per-cell-network' } } }),
    (e: unknown) => e instanceof RunConfigError && /modelOptions\.lstm\.parameterization/.test(e.message) && /'lstm' has no learned process parameters/.test(e.message) && /'physics-calibrated'/.test(e.message),
  );
  // the kinds that learn process parameters take it
  const ok = resolveRunConfig({ models: ['physics-calibrated', 'phys-conv-lstm'], modelOptions: { 'physics-calibrated': { parameterization: 'per-cell-network' }, 'phys-conv-lstm': { parameterization: 'per-cell-network' } } });
  assert.equal(ok.modelOptions['physics-calibrated']!['parameterization'], 'per-cell-network');
  assert.throws(
    () => createModel({ kind: 'physics-only', rows: ds.grid.nrows, cols: ds.grid.ncols, inputChannels: features.channelCount, parameterization: 'per-cell-network' }, { dataset: ds }),
    /parameterization[\s\S]*'physics-only' runs with the PFT defaults/,
  );
  assert.throws(
    () => createModel({ kind: 'physics-calibrated', rows: ds.grid.nrows, cols: ds.grid.ncols, inputChannels: features.channelCount, parameterization: 'per-cel' as 'per-pft' }, { dataset: ds }),
    /parameterization/,
  );
  // a soil map that misses 3 basin cells: the error names the attribute, the count and both fixes
  const basinCells = [...ds.mask.keys()].filter((c) => ds.mask[c]);
  const sand = Float32Array.from(ds.staticLayers.sandPercent);
  for (const c of basinCells.slice(0, 3)) sand[c] = NaN;
  const holed: Dataset = Object.assign(Object.create(Object.getPrototypeOf(ds)) as Dataset, ds, { staticLayers: { ...ds.staticLayers, sandPercent: sand } });
  assert.throws(() => perCellModel(holed), (e: unknown) => {
    const m = (e as Error).message;
    return new RegExp(`sand percent: missing in 3 of ${basinCells.length} basin cells \\(cells ${basinCells.slice(0, 3).join(', ')}\\)`).test(m) && /Import soil/.test(m) && /'per-pft'/.test(m);
  });
  // per PFT does not need the attributes
  const perPft = createModel({ kind: 'physics-calibrated', rows: ds.grid.nrows, cols: ds.grid.ncols, inputChannels: features.channelCount, spinUpYears: 1 }, { dataset: holed });
  perPft.dispose();
});
