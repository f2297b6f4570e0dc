import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FeatureBuilder, featureChannelNames } from '../../../main/training/features.ts';
import { dayOfYearClimatology } from '../../../main/training/climatology.ts';
import { makeTinyDataset } from './tiny-dataset.ts';

const ds = makeTinyDataset();
const C = ds.mask.length;

test('inputs: forcings normalized with the given statistics, masked cells 0 in every channel', () => {
  const f = new FeatureBuilder(ds, { dayOfYear: true, staticLayers: true });
  assert.equal(f.channelCount, featureChannelNames({ dayOfYear: true, staticLayers: true }).length);
  const x = f.inputs(10, 3);
  const ch = f.channelCount;
  const tair = ds.forcing('Tair', { start: 11, end: 12 });
  const { mean, std } = ds.normalization.forcing.Tair;
  assert.ok(Math.abs(x[(1 * C + 5) * ch + 1]! - (tair[5]! - mean) / std) < 1e-5);
  for (let k = 0; k < ch; k++) assert.equal(x[(2 * C + 0) * ch + k], 0, `masked cell, channel ${f.channels[k]}`);
});

test('targets weight valid observations only; the anomaly target round-trips to the observed LAI', () => {
  const clim = dayOfYearClimatology(ds.observations, ds.startDate, C, ds.splits.train, 8);
  const plain = new FeatureBuilder(ds, { dayOfYear: true, staticLayers: false });
  const anom = new FeatureBuilder(ds, { dayOfYear: true, staticLayers: false, anomalyTarget: true }, undefined, { climatologyTable: clim.table });
  const day = ds.observations.dayIndex[40]!;
  const tp = plain.targets(day, 1);
  const ta = anom.targets(day, 1);
  assert.equal(tp.weights[0], 0);
  // toLai converts whole days [time][cell]
  const backPlain = plain.toLai(Float32Array.from(tp.values), day);
  const backAnom = anom.toLai(Float32Array.from(ta.values), day);
  let checked = 0;
  for (let c = 1; c < C; c++) {
    const obs = ds.observations.values[40 * C + c]!;
    if (!Number.isFinite(obs)) { assert.equal(tp.weights[c], 0); continue; }
    assert.equal(tp.weights[c], 1);
    assert.ok(Math.abs(backPlain[c]! - obs) < 1e-4, `cell ${c}: ${backPlain[c]} vs ${obs}`);
    assert.ok(Math.abs(backAnom[c]! - obs) < 1e-4, `cell ${c}: ${backAnom[c]} vs ${obs}`);
    checked++;
  }
  assert.ok(checked > 10);
  assert.throws(() => new FeatureBuilder(ds, { dayOfYear: true, staticLayers: false, anomalyTarget: true }), /climatology table/);
});

test('antecedent indices: the checkpointed windows equal one straight moving average over the whole axis', async () => {
  const { AntecedentIndices, ANTECEDENT_INDICES } = await import('../../../main/training/antecedent.ts');
  const train = ds.splits.train;
  const idx = new AntecedentIndices(ds, train, ds.dayCount);
  const opts = { dayOfYear: false, staticLayers: false, antecedent: true };
  const f = new FeatureBuilder(ds, opts, undefined, { antecedent: idx });
  const ch = f.channelCount;
  assert.deepEqual(f.channels.slice(7), ANTECEDENT_INDICES.map((s) => s.name));
  // reference: the EMA of every cell run from day 0, started from the training-period mean
  const start = 150;
  const days = 40;
  const x = f.inputs(start, days);
  for (const [k, spec] of ANTECEDENT_INDICES.entries()) {
    const all = ds.forcing(spec.variable);
    const trainVals = ds.forcing(spec.variable, train);
    for (const c of [1, 7, C - 1]) {
      if (!ds.mask[c]) continue;
      let s = 0;
      let n = 0;
      for (let t = 0; t < train.end - train.start; t++) { s += trainVals[t * C + c]!; n++; }
      let e = s / n;
      const { mean, std } = idx.stats[k]!;
      for (let d = 0; d < start + days; d++) {
        e += (all[d * C + c]! - e) / spec.tau;
        if (d >= start) {
          const got = x[((d - start) * C + c) * ch + 7 + k]!;
          assert.ok(Math.abs(got - (e - mean) / std) < 1e-3, `${spec.name} cell ${c} day ${d}: ${got} vs ${(e - mean) / std}`);
        }
      }
    }
  }
  // masked cells stay 0; a window past the computed days is refused
  for (let k = 0; k < ch; k++) assert.equal(x[(0 * C + 0) * ch + k], 0);
  const short = new AntecedentIndices(ds, train, 100);
  assert.throws(() => new FeatureBuilder(ds, opts, undefined, { antecedent: short }).inputs(200, 5), /past the days/);
  assert.throws(() => new FeatureBuilder(ds, opts), /antecedent indices/);
});
