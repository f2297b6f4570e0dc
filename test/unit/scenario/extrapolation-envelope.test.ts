/**
 * The extrapolation envelope's percentile rule against hand-computed percentiles (linear
 * interpolation between order statistics, position p/100 x (n - 1)), and the flags it gives: a
 * value beyond the percentile but inside the training range is flagged by the percentile rule only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InMemoryDataset } from '../../../main/data/store/in-memory-dataset.ts';
import { FORCING_NAMES, type ForcingName } from '../../../main/data/dataset.ts';
import { extrapolationFlags, trainingEnvelope } from '../../../main/data/scenario/extrapolation.ts';

// two cells (the second outside the basin), six days: five training days, then one scored day
const CELLS = 2;
const DAYS = 6;
const TRAIN = { start: 0, end: 5 };
const SCORED = { start: 5, end: 6 };
// cell 0's daily values; cell 1 (outside) gets 1000 so any leak into the envelope shows
const cell0: Record<ForcingName, number[]> = {
  Rainf: [4, 1, 8, 2, 0, 7],
  Tair: [270, 280, 275, 290, 285, 271],
  SWdown: [100, 300, 200, 250, 150, 120],
  Qair: [0.002, 0.004, 0.003, 0.005, 0.001, 0.0045],
  PSurf: [80000, 80000, 80000, 80000, 80000, 80000],
  LWdown: [300, 300, 300, 300, 300, 300],
  Wind: [3, 3, 3, 3, 3, 3],
};
const forcing = Object.fromEntries(FORCING_NAMES.map((name) => [name, Float32Array.from({ length: DAYS * CELLS }, (_, i) => (i % CELLS === 0 ? cell0[name][Math.floor(i / CELLS)]! : 1000))])) as Record<ForcingName, Float32Array>;
const ds = new InMemoryDataset({
  id: 'envelope', source: 'test', grid: { ncols: 2, nrows: 1, lon0: -108, latTop: 40, cellSize: 0.125 },
  startDate: '2001-06-01', dayCount: DAYS, mask: new Uint8Array([1, 0]),
  staticLayers: { elevation: new Float32Array(2), landCover: new Uint8Array([10, 7]), sandPercent: new Float32Array(2), clayPercent: new Float32Array(2), organicFraction: new Float32Array(2) },
  basin: { type: 'Polygon', coordinates: [[[-108.1, 39.9], [-107.8, 39.9], [-107.8, 40.1], [-108.1, 39.9]]] },
  subbasins: [], splits: { train: TRAIN, validate: { start: 5, end: 5 }, test: SCORED },
  normalization: { forcing: Object.fromEntries(FORCING_NAMES.map((n) => [n, { mean: 0, std: 1 }])) as never, lai: { mean: 0, std: 1 } },
  forcing, observations: { dayIndex: new Int32Array(0), values: new Float32Array(0) },
});

const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) <= 1e-6 * Math.max(1, Math.abs(expected)), `${what}: ${actual}, expected ${expected}`);

test('the 10th/90th percentile envelope equals hand-computed percentiles of the training days', () => {
  const env = trainingEnvelope(ds, TRAIN, (d) => 370 + d, 10);
  // training Rainf sorted: 0 1 2 4 8; the 10th percentile sits at position 0.1 x 4 = 0.4: 0 + 0.4 x (1 - 0) = 0.4;
  // the 90th at 3.6: 4 + 0.6 x (8 - 4) = 6.4
  close(env.bounds.Rainf.lo[0]!, 0.4, 'Rainf lo');
  close(env.bounds.Rainf.hi[0]!, 6.4, 'Rainf hi');
  // Tair sorted 270 275 280 285 290: 270 + 0.4 x 5 = 272; 285 + 0.6 x 5 = 288
  close(env.bounds.Tair.lo[0]!, 272, 'Tair lo');
  close(env.bounds.Tair.hi[0]!, 288, 'Tair hi');
  // SWdown sorted 100 150 200 250 300: 120 and 280
  close(env.bounds.SWdown.lo[0]!, 120, 'SWdown lo');
  close(env.bounds.SWdown.hi[0]!, 280, 'SWdown hi');
  // Qair sorted 0.001 .. 0.005: 0.0014 and 0.0046
  close(env.bounds.Qair.lo[0]!, 0.0014, 'Qair lo');
  close(env.bounds.Qair.hi[0]!, 0.0046, 'Qair hi');
  // the cell outside the basin has no envelope
  assert.ok(Number.isNaN(env.bounds.Rainf.lo[1]!) && Number.isNaN(env.bounds.Rainf.hi[1]!));
  // CO2 over the training days 0..4
  assert.deepEqual(env.co2, { lo: 370, hi: 374 });
  // the 25th/75th: positions 1 and 3 hit order statistics exactly
  const quartiles = trainingEnvelope(ds, TRAIN, () => 370, 25);
  close(quartiles.bounds.Rainf.lo[0]!, 1, 'Rainf 25th');
  close(quartiles.bounds.Rainf.hi[0]!, 4, 'Rainf 75th');
});

test('the scored day is flagged by the percentile envelope where it lies between the percentile and the training extreme', () => {
  const range = trainingEnvelope(ds, TRAIN, () => 370, 'range');
  const p10 = trainingEnvelope(ds, TRAIN, () => 370, 10);
  // the scored day: Rainf 7 (inside 0..8, above 6.4), Tair 271 (inside 270..290, below 272),
  // SWdown 120 (inside both: exactly the 10th percentile), Qair 0.0045 (inside both)
  const byRange = extrapolationFlags(ds, SCORED, range);
  const byPercentile = extrapolationFlags(ds, SCORED, p10);
  assert.equal(byRange.share, 0, 'nothing outside the training range');
  assert.equal(byPercentile.sharePerVariable.Rainf, 1);
  assert.equal(byPercentile.sharePerVariable.Tair, 1);
  assert.equal(byPercentile.sharePerVariable.SWdown, 0);
  assert.equal(byPercentile.sharePerVariable.Qair, 0);
  assert.equal(byPercentile.share, 1);
  assert.equal(byPercentile.fraction[0], 1);
  assert.ok(Number.isNaN(byPercentile.fraction[1]!), 'no fraction outside the basin');
  assert.throws(() => trainingEnvelope(ds, TRAIN, () => 370, 50), /percentile must be in \(0, 50\), got 50/);
});
