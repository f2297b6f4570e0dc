import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeSplits } from '../../../main/data/splits.ts';
import { computeNormalization } from '../../../main/data/normalization.ts';
import { daysBetween } from '../../../main/data/time-axis.ts';
import { FORCING_NAMES } from '../../../main/data/dataset.ts';

test('the full 1981-2016 axis uses the paper periods', () => {
  const days = daysBetween('1981-01-01', '2016-12-31') + 1;
  const { splits, rule } = computeSplits('1981-01-01', days);
  assert.equal(rule, 'paper');
  assert.deepEqual(splits.train, { start: 0, end: daysBetween('1981-01-01', '2002-01-01') });
  assert.deepEqual(splits.validate, { start: daysBetween('1981-01-01', '2002-01-01'), end: daysBetween('1981-01-01', '2009-01-01') });
  assert.deepEqual(splits.test, { start: daysBetween('1981-01-01', '2009-01-01'), end: days });
});

test('short or shifted axes are cut 60/20/20 in time order', () => {
  const { splits, rule } = computeSplits('1981-01-01', 1000);
  assert.equal(rule, 'proportional');
  assert.deepEqual(splits, { train: { start: 0, end: 600 }, validate: { start: 600, end: 800 }, test: { start: 800, end: 1000 } });
  assert.equal(computeSplits('2005-01-01', 4000).rule, 'proportional');
  assert.throws(() => computeSplits('1981-01-01', 2), /at least 3 days/);
});

test('normalization statistics come from training days and masked cells only', () => {
  const cells = 4;
  const days = 10;
  const mask = Uint8Array.from([1, 1, 0, 1]);
  const series = new Float32Array(days * cells);
  for (let t = 0; t < days; t++) {
    for (let c = 0; c < cells; c++) series[t * cells + c] = t < 6 ? (c === 2 ? 1000 : t + c) : 500; // later days and cell 2 are outliers
  }
  const obs = { dayIndex: Int32Array.from([1, 3, 8]), values: Float32Array.from([1, Number.NaN, 99, 3, 5, 6, 99, 7, 99, 99, 99, 99]) };
  const norm = computeNormalization(() => series, cells, mask, { start: 0, end: 6 }, obs);
  const vals: number[] = [];
  for (let t = 0; t < 6; t++) for (const c of [0, 1, 3]) vals.push(t + c);
  const mean = vals.reduce((s, v) => s + v, 0) / vals.length;
  const std = Math.sqrt(vals.reduce((s, v) => s + (v - mean) ** 2, 0) / vals.length);
  for (const name of FORCING_NAMES) {
    assert.ok(Math.abs(norm.forcing[name].mean - mean) < 1e-9);
    assert.ok(Math.abs(norm.forcing[name].std - std) < 1e-9);
  }
  // LAI: observations on days 1 and 3 (training), masked cells 0, 1, 3, NaN skipped: 1, 3, 5, 6, 7
  assert.ok(Math.abs(norm.lai.mean - 4.4) < 1e-6);
});
