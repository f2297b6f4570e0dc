// The batched Newton solve for Ci: residual, physical bounds, and the implicit gradient checked
// against central finite differences and against backpropagation through unrolled iterations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { parseLeafCsv, leafEnvironmentOf, defaultTraitsOf } from '../../../main/leaf/leaf-dataset.ts';
import { btranFor } from '../../../main/leaf/leaf-btran.ts';
import { solveLeaves } from '../../../main/physics/leaf-model.ts';
import { leafRates } from '../../../main/physics/leaf-biochemistry.ts';
import { leafResidual } from '../../../main/physics/leaf-residual.ts';
import type { LeafTraits } from '../../../main/physics/leaf-biochemistry.ts';

const text = readFileSync(new URL('../../fixtures/leaf/example_dataset.csv', import.meta.url), 'utf8');
const ds = parseLeafCsv(text);

test('Newton residual is below tolerance and Ci lies within physical bounds for all 446 leaves', async () => {
  await tf.setBackend('cpu');
  tf.tidy(() => {
    const env = leafEnvironmentOf(ds.records);
    const traits = defaultTraitsOf(ds.records, btranFor(ds, ds.records, 'synthetic-B'));
    const s = solveLeaves(env, traits);
    const rates = leafRates(env, traits);
    const [res, ci, an, cs, gstar] = [s.residual, s.ci, s.anet, env.co2Pa, rates.gammaStar].map((t) => t.dataSync());
    assert.ok(s.stats.converged && s.stats.iterations <= 10, `converged in ${s.stats.iterations}`);
    for (let i = 0; i < ds.records.length; i++) {
      assert.ok(Math.abs(res![i]!) < 1e-4 * cs![i]!, `leaf ${i}: residual ${res![i]} Pa`);
      if (an![i]! > 0) assert.ok(ci![i]! > gstar![i]! && ci![i]! < cs![i]!, `leaf ${i}: ci ${ci![i]} outside (Gamma* ${gstar![i]}, cs ${cs![i]})`);
      else assert.ok(ci![i]! >= cs![i]! - 1e-4, `leaf ${i}: An <= 0 but ci ${ci![i]} < cs ${cs![i]}`);
    }
  });
});

test('analytic dF/dCi matches autodiff of the residual', async () => {
  await tf.setBackend('cpu');
  tf.tidy(() => {
    const env = leafEnvironmentOf(ds.records);
    const traits = defaultTraitsOf(ds.records, tf.ones([ds.records.length]));
    const sys = { env, rates: leafRates(env, traits), conductance: { kind: 'medlyn' as const, slope: traits.medlynSlope }, co2Reference: 'leaf-surface' as const };
    for (const ratio of [0.3, 0.6, 0.9]) {
      const ci = tf.mul(env.co2Pa, ratio);
      const auto = tf.grad((x: tf.Tensor) => tf.sum(leafResidual(x, sys).f))(ci).dataSync();
      const analytic = leafResidual(ci, sys).dfdci.dataSync();
      for (let i = 0; i < auto.length; i++) assert.ok(Math.abs(auto[i]! - analytic[i]!) <= 1e-3 * Math.max(1, Math.abs(auto[i]!)), `leaf ${i} ci/cs ${ratio}: ${analytic[i]} vs ${auto[i]}`);
    }
  });
});

// 12 leaves: C3 and C4, several PFTs, synthetic btran below 1
const picks = [0, 40, 90, 120, 130, 160, 200, 250, 300, 350, 400, 440].filter((i) => i < ds.records.length);
const recs = picks.map((i) => ds.records[i]!);
assert.ok(recs.some((r) => r.pathway === 'C4') && recs.some((r) => r.pathway === 'C3'));

function lossOf(vcmax25: tf.Tensor, btran: tf.Tensor, slope: tf.Tensor, gradient: 'implicit' | { unrolledIterations: number }): tf.Scalar {
  const env = leafEnvironmentOf(recs);
  const base = defaultTraitsOf(recs, btran);
  const traits: LeafTraits = { ...base, vcmax25, medlynSlope: slope };
  // weights make every leaf's An count with a different sign and size
  const w = tf.linspace(-1, 2, recs.length);
  return tf.sum(tf.mul(w, solveLeaves(env, traits, { gradient }).anet)) as tf.Scalar;
}

test('implicit gradients of An match central finite differences and unrolled backpropagation', async () => {
  await tf.setBackend('cpu');
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    const v = tf.tensor1d(recs.map((r) => r.vcmaxDefault));
    const b = tf.tensor1d(recs.map((_, i) => 0.5 + 0.04 * i));
    const g1 = tf.tensor1d(recs.map((r) => r.medlynSlope));
    const implicit = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => lossOf(a, c, d, 'implicit'))([v, b, g1]).map((g) => g.dataSync());
    const unrolled = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => lossOf(a, c, d, { unrolledIterations: 25 }))([v, b, g1]).map((g) => g.dataSync());
    // leaves are independent, so perturbing every leaf at once gives each leaf's own derivative
    const w = tf.linspace(-1, 2, recs.length).dataSync();
    const fd = (which: number, h: number): Float32Array => {
      const plus = [v, b, g1].map((t, k) => (k === which ? tf.add(t, h) : t));
      const minus = [v, b, g1].map((t, k) => (k === which ? tf.sub(t, h) : t));
      const env = leafEnvironmentOf(recs);
      const run = (p: tf.Tensor[]) => solveLeaves(env, { ...defaultTraitsOf(recs, p[1]!), vcmax25: p[0]!, medlynSlope: p[2]! }).anet.dataSync();
      const ap = run(plus);
      const am = run(minus);
      return Float32Array.from(ap, (x, i) => (w[i]! * (x - am[i]!)) / (2 * h));
    };
    const names = ['vcmax25', 'btran', 'medlynSlope'];
    const steps = [0.5, 0.01, 0.05];
    for (let k = 0; k < 3; k++) {
      const f = fd(k, steps[k]!);
      const scale = Math.max(...Array.from(implicit[k]!, Math.abs));
      assert.ok(scale > 0, `${names[k]} gradient is not all zero`);
      for (let i = 0; i < recs.length; i++) {
        const gi = implicit[k]![i]!;
        assert.ok(Number.isFinite(gi), `${names[k]}[${i}] finite`);
        assert.ok(Math.abs(gi - f[i]!) <= 0.02 * Math.abs(gi) + 2e-3 * scale, `${names[k]}[${i}]: implicit ${gi} vs finite difference ${f[i]}`);
        assert.ok(Math.abs(gi - unrolled[k]![i]!) <= 1e-3 * Math.abs(gi) + 1e-4 * scale, `${names[k]}[${i}]: implicit ${gi} vs unrolled ${unrolled[k]![i]}`);
      }
    }
  });
  assert.equal(tf.memory().numTensors, before, 'no tensors leak from the solve and its gradient');
});

test('implicit-gradient memory does not grow with the number of Newton iterations', async () => {
  await tf.setBackend('cpu');
  const peakOf = (maxIterations: number): number => {
    let peak = 0;
    tf.tidy(() => {
      const env = leafEnvironmentOf(recs);
      const v = tf.tensor1d(recs.map((r) => r.vcmaxDefault));
      const g = tf.grad((x: tf.Tensor) => {
        const s = solveLeaves(env, defaultTraitsOf(recs, tf.onesLike(x), x), { newton: { maxIterations, relTolerance: 0 } });
        peak = tf.memory().numTensors;
        return tf.sum(s.anet);
      })(v);
      g.dataSync();
    });
    return peak;
  };
  assert.equal(peakOf(20), peakOf(5));
});
