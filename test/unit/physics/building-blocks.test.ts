// Invariants of the leaf building blocks: temperature responses, co-limitation, electron transport,
// btran, Jarvis, parameter ranges, and consistency between the conductance / CO2 formulations.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { arrhenius, vcmaxResponseC3, vcmaxResponseC4, jmaxResponse, rdResponseC3, kcAt, koAt, gammaStarAt } from '../../../main/physics/temperature-response.ts';
import { colimit, colimitDerivative } from '../../../main/physics/colimitation.ts';
import { electronTransportRate } from '../../../main/physics/electron-transport.ts';
import { btranDefault, btranLearned, clm45SoilHydraulics } from '../../../main/physics/btran.ts';
import { jarvisConductance, jarvisTemperature, JARVIS_DEFAULTS } from '../../../main/physics/stomatal-jarvis.ts';
import { LEAF_PARAMETER_RANGES, toRange, rawForValue, assertInRange } from '../../../main/physics/parameter-range.ts';
import { getPft, CLM45_PFTS } from '../../../main/physics/pft-parameters.ts';
import { solveLeaves } from '../../../main/physics/leaf-model.ts';
import { parseLeafCsv, leafEnvironmentOf, defaultTraitsOf } from '../../../main/leaf/leaf-dataset.ts';

before(async () => { await tf.setBackend('cpu'); });

const t1 = (v: number[]) => tf.tensor1d(v);
const vals = (t: tf.Tensor) => Array.from(t.dataSync());

test('temperature responses equal 1 at 25 C; Vcmax (C3) peaks between 30 and 45 C and falls above', () => tf.tidy(() => {
  const t25 = t1([298.15]);
  for (const f of [vcmaxResponseC3, jmaxResponse, rdResponseC3]) assert.ok(Math.abs(vals(f(t25))[0]! - 1) < 2e-3, f.name);
  assert.ok(Math.abs(vals(arrhenius(t25, 65330))[0]! - 1) < 1e-6);
  const temps = Array.from({ length: 51 }, (_, i) => 273.15 + i);
  const v = vals(vcmaxResponseC3(t1(temps)));
  const peak = temps[v.indexOf(Math.max(...v))]! - 273.15;
  assert.ok(peak > 30 && peak < 45, `C3 Vcmax peaks at ${peak} C`);
  assert.ok(v[50]! < Math.max(...v) * 0.8, 'inhibited at 50 C');
  const c4 = vals(vcmaxResponseC4(t1([278.15, 303.15, 323.15])));
  assert.ok(c4[1]! > 3 * c4[0]! && c4[1]! > 3 * c4[2]!, `C4 Vcmax cold and heat inhibition ${c4}`);
}));

test('Kc, Ko and Gamma* at 25 C are the FATES constants times the pressure', () => tf.tidy(() => {
  const P = t1([100000]);
  const t = t1([298.15]);
  assert.ok(Math.abs(vals(kcAt(t, P))[0]! - 40.49) < 1e-3);
  assert.ok(Math.abs(vals(koAt(t, P))[0]! - 27840) < 1);
  assert.ok(Math.abs(vals(gammaStarAt(t, tf.mul(P, 0.209)))[0]! - 4.275) < 1e-4);
}));

test('co-limitation lies below both rates, approaches the minimum, and its derivative matches autodiff', () => tf.tidy(() => {
  const a = t1([5, 10, 20, 30, 0.5]);
  const b = t1([8, 10, 12, 90, 40]);
  const c = vals(colimit(0.999, a, b));
  const m = vals(tf.minimum(a, b));
  c.forEach((x, i) => { assert.ok(x <= m[i]! + 1e-4 && x > 0.9 * m[i]!, `${x} vs min ${m[i]}`); });
  assert.ok(vals(colimit(0.7, a, b)).every((x, i) => x < c[i]!), 'a rounder corner gives lower rates');
  const da = t1([1, 0.5, 0, 2, 1]);
  const db = t1([0, 0.5, 1, 1, 3]);
  const analytic = vals(colimitDerivative(0.999, colimit(0.999, a, b), a, b, da, db));
  // directional derivative by autodiff along (da, db)
  const g = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(colimit(0.999, x, y)))([a, b]);
  const auto = vals(tf.add(tf.mul(g[0]!, da), tf.mul(g[1]!, db)));
  analytic.forEach((x, i) => assert.ok(Math.abs(x - auto[i]!) < 1e-3 * Math.max(1, Math.abs(x)), `${x} vs ${auto[i]}`));
}));

test('electron transport rises with light and never exceeds absorbed light or Jmax', () => tf.tidy(() => {
  const q = t1([0, 50, 200, 800, 2000]);
  const jmax = t1([150, 150, 150, 150, 150]);
  const j = vals(electronTransportRate(q, jmax));
  const qv = vals(q);
  j.forEach((x, i) => { assert.ok(x >= -1e-4 && x <= Math.min(qv[i]!, 150) + 1e-3, `${x}`); if (i) assert.ok(x > j[i - 1]!); });
}));

test('CLM4.5 btran by hand for one layer; frozen or saturated layers give 0 and 1', () => tf.tidy(() => {
  const sand = 40, clay = 30, fom = 0.05, theta = 0.2;
  const psiSat = (1 - fom) * (-10 * 10 ** (1.88 - 0.0131 * sand)) + fom * -10.3;
  const thetaSat = (1 - fom) * (0.489 - 0.00126 * sand) + 0.9 * fom;
  const B = (1 - fom) * (2.91 + 0.159 * clay) + 2.7 * fom;
  const psi = Math.max(psiSat * (theta / thetaSat) ** -B, -275000);
  const expected = Math.min((-275000 - psi) / (-275000 - -74000), 1);
  const h = clm45SoilHydraulics(t1([sand]), t1([clay]), t1([fom]));
  assert.ok(Math.abs(vals(h.b)[0]! - B) < 1e-4 && Math.abs(vals(h.thetaSat)[0]! - thetaSat) < 1e-6);
  const run = (thetaLiq: number, tSoil: number) => vals(btranDefault({
    thetaLiq: tf.tensor2d([[thetaLiq]]), thetaIce: tf.zeros([1, 1]), tSoilK: tf.tensor2d([[tSoil]]),
    sandPct: tf.tensor2d([[sand]]), clayPct: tf.tensor2d([[clay]]), fom: tf.tensor2d([[fom]]), rootFraction: tf.ones([1, 1]),
    psiOpenMm: t1([-74000]), psiCloseMm: t1([-275000]),
  }))[0]!;
  assert.ok(Math.abs(run(theta, 290) - expected) < 1e-4, `${run(theta, 290)} vs ${expected}`);
  assert.equal(run(theta, 260), 0);
  assert.ok(Math.abs(run(thetaSat, 290) - 1) < 1e-6);
}));

test('learned btran stays in [0, 1], rises with soil wetness and has a finite gradient in B', () => tf.tidy(() => {
  const wet = tf.tensor2d([[0.1, 0.3, 0.5, 0.7, 0.9, 1.0]]);
  const b = tf.fill([1, 6], 0.6);
  const args = { wetness: wet, rootFraction: tf.ones([1, 6]), psiOpenMm: tf.fill([6], -74000), psiCloseMm: tf.fill([6], -275000) };
  const bt = vals(btranLearned({ ...args, b }));
  bt.forEach((x, i) => { assert.ok(x >= 0 && x <= 1); if (i) assert.ok(x >= bt[i - 1]!); });
  const g = vals(tf.grad((x: tf.Tensor) => tf.sum(btranLearned({ ...args, b: x })))(b));
  assert.ok(g.every(Number.isFinite) && g.some((x) => x < 0), 'larger B means drier, lower btran');
}));

test('Jarvis conductance lies between gsMin and gsMax with each response in [0, 1]', () => tf.tidy(() => {
  const par = t1([0, 100, 500, 2000, 2000]);
  const gs = vals(jarvisConductance(par, t1([1, 1, 2, 0.5, 6]), t1([298.15, 290, 300, 298.15, 298.15]), t1([1, 1, 0.5, 1, 1])));
  const p = JARVIS_DEFAULTS;
  gs.forEach((x) => assert.ok(x >= p.gsMin - 1e-3 && x <= p.gsMax + 1e-3));
  assert.ok(Math.abs(gs[0]! - p.gsMin) < 1e-3, 'dark: cuticular only');
  assert.ok(Math.abs(gs[4]! - p.gsMin) < 1e-3, 'VPD 6 kPa closes stomata');
  assert.ok(Math.abs(vals(jarvisTemperature(t1([p.tOptK]), p))[0]! - 1) < 1e-6);
}));

test('parameter ranges: networks map into the range, the inverse recovers raw values, violations name the element', () => tf.tidy(() => {
  const r = LEAF_PARAMETER_RANGES.vcmax25;
  const v = vals(toRange(t1([-50, -1, 0, 1, 50]), r));
  v.forEach((x) => assert.ok(x >= r.min && x <= r.max));
  assert.ok(Math.abs(vals(toRange(t1([rawForValue(62.5, r)]), r))[0]! - 62.5) < 1e-3);
  assert.throws(() => assertInRange([50, 160], r), /vcmax25\[1\] = 160/);
  for (const p of CLM45_PFTS) assertInRange([p.vcmax25], r, p.name);
  assert.equal(getPft('c4  grass').pathway, 'C4');
  assert.throws(() => getPft('Tree fern'), /unknown PFT 'Tree fern'/);
}));

test('the canopy-air and prescribed-conductance (Jarvis) formulations reproduce the leaf-surface solution', () => tf.tidy(() => {
  const ds = parseLeafCsv(readFileSync(new URL('../../fixtures/leaf/example_dataset.csv', import.meta.url), 'utf8'));
  const recs = ds.records.filter((_, i) => i % 15 === 0);
  const env = leafEnvironmentOf(recs);
  const traits = defaultTraitsOf(recs, tf.fill([recs.length], 0.8));
  const surface = solveLeaves(env, traits);
  // canopy air CO2 that gives the same leaf-surface CO2 at the solution: ca = cs + 1.4 An P / gb
  const ca = tf.add(env.co2Pa, tf.div(tf.mul(tf.mul(1.4, surface.anet), env.pressurePa), env.gb));
  const air = solveLeaves({ ...env, co2Pa: ca }, traits, { co2Reference: 'canopy-air' });
  const fixed = solveLeaves(env, traits, { conductance: surface.gs });
  const [ci, ciAir, ciFixed, an, anAir] = [surface.ci, air.ci, fixed.ci, surface.anet, air.anet].map(vals);
  ci!.forEach((x, i) => {
    assert.ok(Math.abs(x - ciAir![i]!) < 1e-3 * x, `leaf ${i}: canopy-air ci ${ciAir![i]} vs ${x}`);
    assert.ok(Math.abs(x - ciFixed![i]!) < 1e-3 * x, `leaf ${i}: fixed-gs ci ${ciFixed![i]} vs ${x}`);
    assert.ok(Math.abs(an![i]! - anAir![i]!) < 1e-3 * Math.abs(an![i]!) + 1e-4);
  });
  assert.ok(air.stats.converged && fixed.stats.converged);
}));
