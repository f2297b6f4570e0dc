import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nse, kge, rmse, bias, pearsonR, perCellMetrics, spread } from '../../../main/evaluation/metrics.ts';
import { dayOfYearClimatology } from '../../../main/training/climatology.ts';

const close = (a: number, b: number, tol = 1e-6) => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

// Worked example, by hand: obs 1..5 (mean 3, sum of squared deviations 10); sim equal except the
// last value 6, so SSE = 1 and NSE = 1 - 1/10 = 0.9.
const obs = [1, 2, 3, 4, 5];
const sim = [1, 2, 3, 4, 6];

test('NSE, RMSE and bias match the worked example', () => {
  close(nse(sim, obs), 0.9);
  close(rmse(sim, obs), Math.sqrt(1 / 5));
  close(bias(sim, obs), 0.2);
});

test('NSE is 0 for the observed mean, 1 for a perfect fit, negative for worse than the mean', () => {
  close(nse([3, 3, 3, 3, 3], obs), 0);
  close(nse(obs, obs), 1);
  // constant 0: SSE = 1+4+9+16+25 = 55 -> NSE = 1 - 55/10
  close(nse([0, 0, 0, 0, 0], obs), -4.5);
});

test('Pearson r and KGE match the worked example', () => {
  // sim deviations from 3.2: -2.2 -1.2 -0.2 0.8 2.8 -> sum sq 14.8; cross sum with obs deviations = 12
  const r = 12 / Math.sqrt(14.8 * 10);
  close(pearsonR(sim, obs), r);
  const alpha = Math.sqrt(14.8 / 10);
  const beta = 3.2 / 3;
  close(kge(sim, obs), 1 - Math.sqrt((r - 1) ** 2 + (alpha - 1) ** 2 + (beta - 1) ** 2));
  close(kge(obs, obs), 1);
});

test('pairs with NaN on either side are skipped; too few pairs or a flat observation give NaN', () => {
  close(nse([...sim, NaN, 7], [...obs, 9, NaN]), 0.9);
  assert.ok(Number.isNaN(nse([1, 2], [1, 2])));
  assert.ok(Number.isNaN(nse([1, 2, 3, 4, 5], [2, 2, 2, 2, 2])));
});

test('perCellMetrics evaluates each cell over the chosen times and skips masked cells', () => {
  // 3 cells, 6 times; cell 0 = the worked example over times 0..4 (time 5 excluded),
  // cell 1 is perfect, cell 2 is masked out.
  const cells = 3;
  const T = 6;
  const o = new Float32Array(T * cells);
  const s = new Float32Array(T * cells);
  for (let t = 0; t < T; t++) {
    o[t * cells] = obs[t] ?? 100;
    s[t * cells] = sim[t] ?? -100;
    o[t * cells + 1] = t * t;
    s[t * cells + 1] = t * t;
    o[t * cells + 2] = t;
    s[t * cells + 2] = 0;
  }
  const m = perCellMetrics(s, o, cells, Uint8Array.from([1, 1, 0]), [0, 1, 2, 3, 4]);
  close(m.nse[0]!, 0.9);
  close(m.nse[1]!, 1);
  assert.ok(Number.isNaN(m.nse[2]!));
  assert.deepEqual([...m.count], [5, 5, 0]);
  close(m.bias[0]!, 0.2, 1e-6);
});

test('spread gives median, quartiles (numpy linear) and Tukey whiskers', () => {
  const sp = spread([NaN, 1, 2, 3, 4, 100]);
  assert.equal(sp.n, 5);
  close(sp.median, 3);
  close(sp.q25, 2);
  close(sp.q75, 4);
  // fences: 2 - 3 = -1 and 4 + 3 = 7 -> 100 is an outlier
  close(sp.whiskerLow, 1);
  close(sp.whiskerHigh, 4);
  close(sp.max, 100);
});

test('the day-of-year climatology averages training-period observations in a +-window', () => {
  // dataset starting 2001-01-01, 2 cells; observations on day 0 (doy 1) of 2001 and 2002 and day 10
  // (doy 11); the 2003 one lies outside the reference period and must be ignored.
  const dayIndex = Int32Array.from([0, 10, 365, 730]);
  const values = Float32Array.from([1, 10, 3, 30, NaN, 50, 999, 999]);
  const clim = dayOfYearClimatology({ dayIndex, values }, '2001-01-01', 2, { start: 0, end: 700 }, 0);
  const jan1 = clim.at([0, 365]);
  // cell 0: doy 1 has 1 (2001) and NaN (2002) -> 1
  close(jan1[0]!, 1);
  // cell 1: doy 1 has 10 (2001) and 50 (2002) -> 30
  close(jan1[1]!, 30);
  close(jan1[2]!, 1);
  const day11 = clim.at([10]);
  close(day11[0]!, 3);
  close(day11[1]!, 30);
  // no observation within 0 days of doy 6: filled linearly between doy 1 (1) and doy 11 (3)
  close(clim.at([5])[0]!, 2);
  // with a +-5 day window, doy 6 averages doy 1 and doy 11: cell 0 -> (1 + 3) / 2
  const wide = dayOfYearClimatology({ dayIndex, values }, '2001-01-01', 2, { start: 0, end: 700 }, 5);
  close(wide.at([5])[0]!, 2);
});
