import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { GridProcessModel, processCellsFromDataset, STATE_NAMES, type RawForcing } from '../../../main/physics/grid/process-model.ts';
import { PftParameters } from '../../../main/physics/grid/learned-parameters.ts';
import { learnedSet } from '../../../main/physics/grid/grid-physics-runner.ts';
import { LEARNED_PARAMETER_NAMES, PARAMETER_SPECS } from '../../../main/physics/grid/pft-params.ts';
import type { Dataset } from '../../../main/data/dataset.ts';
import { mixedWindow, virtualBasin } from './small-basin.ts';
import { co2Ppm } from '../../../main/physics/grid/calendar.ts';
import { dayOfYear } from '../../../main/data/time-axis.ts';

await tf.setBackend('cpu');
const ds = mixedWindow(virtualBasin('1981-01-01', '1981-12-31'), 6, 6);
const n = ds.grid.ncols * ds.grid.nrows;

function rawForcing(d: Dataset, start: number, days: number): RawForcing {
  const out: Record<string, tf.Tensor3D> = {};
  for (const name of ['Rainf', 'Tair', 'PSurf', 'Qair', 'LWdown', 'SWdown'] as const) {
    const a = d.forcing(name, { start, end: start + days });
    const mean = d.normalization.forcing[name].mean;
    out[name] = tf.tensor3d(a.map((v) => (Number.isFinite(v) ? v : mean)), [1, days, n]);
  }
  return out as unknown as RawForcing;
}

test('leaf + storage carbon and soil water + snow close their budgets every day in every cell', () => {
  const model = new GridProcessModel(processCellsFromDataset(ds), 'jarvis');
  const params = new PftParameters(new Set());
  const days = 200;
  const forcing = rawForcing(ds, 60, days);
  const s0 = model.initialState(1);
  const r = model.run(forcing, ds.startDate, [60], params.values(), s0, { recordFluxes: true, recordStates: true });
  const st = Object.fromEntries(STATE_NAMES.map((k) => [k, r.states![k].dataSync()])) as Record<string, Float32Array>;
  const f = Object.fromEntries(Object.entries(r.fluxes!).map(([k, v]) => [k, v.dataSync()])) as Record<string, Float32Array>;
  const s0d = Object.fromEntries(STATE_NAMES.map((k) => [k, s0[k].dataSync()])) as Record<string, Float32Array>;
  const precip = forcing.Rainf.dataSync();
  let worstC = 0;
  let worstW = 0;
  let growth = 0;
  for (let t = 0; t < days; t++) {
    for (let c = 0; c < n; c++) {
      const i = t * n + c;
      const prev = (k: string) => (t === 0 ? s0d[k]![c]! : st[k]![i - n]!);
      const dC = st.leafC![i]! + st.storeC![i]! - prev('leafC') - prev('storeC');
      const fluxC = f.leafAllocation![i]! + f.storeAllocation![i]! - f.leafLoss![i]! - f.storeLoss![i]!;
      worstC = Math.max(worstC, Math.abs(dC - fluxC) / Math.max(1, Math.abs(prev('leafC')) + Math.abs(prev('storeC'))));
      const dW = st.soilWater![i]! + st.snow![i]! - prev('soilWater') - prev('snow');
      // water leaves as transpiration, soil evaporation, drainage and runoff; when the bucket
      // would go negative the outflows are cut (relu), so outflow terms are an upper bound
      const fluxW = Math.max(0, precip[i]!) - f.runoff![i]!;
      const out = f.transpiration![i]! + f.soilEvaporation![i]! + f.drainage![i]!;
      const residual = fluxW - out - dW;
      if (st.soilWater![i]! > 1e-3) worstW = Math.max(worstW, Math.abs(residual));
      else assert.ok(residual >= -1e-2, `water created from nothing at t=${t} c=${c}: ${residual}`);
      assert.ok(st.leafC![i]! >= 0 && st.storeC![i]! >= 0 && st.soilWater![i]! >= 0 && st.snow![i]! >= -1e-4);
      growth = Math.max(growth, f.leafAllocation![i]!);
    }
  }
  assert.ok(worstC < 1e-5, `carbon budget residual ${worstC} (relative)`);
  assert.ok(worstW < 2e-3, `water budget residual ${worstW} mm`);
  assert.ok(growth > 0, 'leaves grew at some point in spring and summer');
  tf.dispose([r.lai, ...Object.values(r.fluxes!), ...Object.values(r.states!), ...Object.values(r.state), ...Object.values(s0), ...Object.values(forcing)]);
  params.dispose();
  model.dispose();
});

test('gradients w.r.t. every learned parameter are finite and non-zero; training keeps them in range', () => {
  for (const scheme of ['jarvis', 'medlyn'] as const) {
    const model = new GridProcessModel(processCellsFromDataset(ds), scheme);
    const params = new PftParameters(learnedSet(scheme, true));
    const days = 45;
    const forcing = rawForcing(ds, 150, days);
    const s0 = model.initialState(1);
    const loss = () =>
      tf.tidy(() => {
        const r = model.run(forcing, ds.startDate, [150], params.values(), s0);
        // pull LAI toward an ambitious target so every parameter is pushed
        return tf.mean(tf.square(tf.sub(r.lai, 6))) as tf.Scalar;
      });
    const vars = params.trainable();
    assert.equal(vars.length, 6, `${scheme}: six learned parameters`);
    const { value, grads } = tf.variableGrads(loss, vars);
    for (const v of vars) {
      const g = grads[v.name]!.dataSync();
      assert.ok(g.every(Number.isFinite), `${scheme}: ${v.name} gradient finite`);
      assert.ok(g.some((x) => Math.abs(x) > 0), `${scheme}: ${v.name} gradient non-zero`);
    }
    tf.dispose([value, ...Object.values(grads)]);
    // a deliberately violent optimizer: values must still stay inside the declared ranges
    const before = vars.map((v) => Array.from(v.dataSync()));
    const opt = tf.train.adam(2.0);
    for (let i = 0; i < 4; i++) opt.minimize(loss, false, vars);
    const report = params.report();
    for (const name of LEARNED_PARAMETER_NAMES) {
      const { range } = PARAMETER_SPECS[name];
      for (const v of report.parameters[name].values) assert.ok(v >= range.min && v <= range.max, `${name} = ${v} outside ${range.min}..${range.max}`);
    }
    // the optimizer really moved every learned parameter (raw value change > 1 after 4 steps of lr 2)
    vars.forEach((v, k) => assert.ok(Array.from(v.dataSync()).some((x, i) => Math.abs(x - before[k]![i]!) > 1), `${v.name} did not move`));
    opt.dispose();
    tf.dispose([...Object.values(s0), ...Object.values(forcing)]);
    params.dispose();
    model.dispose();
  }
});

test('CO2 reaches photosynthesis through ca and ci: more CO2, more GPP; the historic CO2 given explicitly changes nothing', () => {
  const days = 60;
  const forcing = rawForcing(ds, 150, days);
  const params = new PftParameters(new Set());
  for (const scheme of ['jarvis', 'medlyn'] as const) {
    const gppSum = (co2At?: (iso: string) => number) => {
      const model = new GridProcessModel(processCellsFromDataset(ds), scheme, co2At);
      const s0 = model.initialState(1);
      const r = model.run(forcing, ds.startDate, [150], params.values(), s0, { recordFluxes: true });
      const gpp = r.fluxes!.gpp.dataSync() as Float32Array;
      const lai = r.lai.dataSync().slice();
      tf.dispose([r.lai, ...Object.values(r.fluxes!), ...Object.values(r.state), ...Object.values(s0)]);
      model.dispose();
      return { total: gpp.reduce((a: number, b: number) => a + b, 0), lai };
    };
    const historic = gppSum();
    const explicit = gppSum((iso) => co2Ppm(Number(iso.slice(0, 4)) + (dayOfYear(iso) - 0.5) / 365.25));
    assert.deepEqual(explicit.lai, historic.lai, `${scheme}: the historic CO2 given explicitly`);
    const low = gppSum(() => 350).total;
    const high = gppSum(() => 550).total;
    assert.ok(historic.total > 0, `${scheme}: some GPP`);
    // ca 550 vs 350 ppm: Farquhar's Rubisco-limited rate rises with ci, by 10-60 % on the canopy's mix of limitations
    assert.ok(high > low * 1.1 && high < low * 1.6, `${scheme}: GPP at 550 ppm ${high.toFixed(1)} vs 350 ppm ${low.toFixed(1)}`);
  }
  tf.dispose(Object.values(forcing));
  params.dispose();
});
