/**
 * Goodness-of-fit metrics for LAI series: NSE, KGE (Gupta et al. 2009), RMSE, bias, Pearson r.
 *
 * Every metric works on paired (simulated, observed) values and skips pairs where either side is
 * NaN, because LAI observations have gaps (clouds, snow) and the basin mask leaves NaN outside.
 * A metric that is undefined for the pairs given (too few pairs, zero observed variance) is NaN,
 * never a made-up number: callers drop NaN cells from medians explicitly.
 *
 * Layouts follow main/data/dataset.ts: a series is [time][cell] flattened (t * cellCount + c).
 */
import { quantileSorted } from '../util/quantile.ts';

/** Fewer valid pairs than this gives NaN metrics: an NSE from two points says nothing. */
export const DEFAULT_MIN_PAIRS = 5;

export interface PairStats {
  readonly n: number;
  readonly meanSim: number;
  readonly meanObs: number;
  /** population variances (divide by n) */
  readonly varSim: number;
  readonly varObs: number;
  readonly cov: number;
  /** sum of squared errors sum (sim - obs)^2 */
  readonly sse: number;
}

/** One pass (two, for numerical stability) over valid pairs of `sim` and `obs` at the given indices. */
export function pairStats(sim: ArrayLike<number>, obs: ArrayLike<number>, indices?: ArrayLike<number>): PairStats {
  const len = indices ? indices.length : Math.min(sim.length, obs.length);
  let n = 0;
  let sumS = 0;
  let sumO = 0;
  for (let k = 0; k < len; k++) {
    const i = indices ? indices[k]! : k;
    const s = sim[i]!;
    const o = obs[i]!;
    if (Number.isNaN(s) || Number.isNaN(o)) continue;
    n++;
    sumS += s;
    sumO += o;
  }
  if (n === 0) return { n: 0, meanSim: NaN, meanObs: NaN, varSim: NaN, varObs: NaN, cov: NaN, sse: NaN };
  const mS = sumS / n;
  const mO = sumO / n;
  let vS = 0;
  let vO = 0;
  let cov = 0;
  let sse = 0;
  for (let k = 0; k < len; k++) {
    const i = indices ? indices[k]! : k;
    const s = sim[i]!;
    const o = obs[i]!;
    if (Number.isNaN(s) || Number.isNaN(o)) continue;
    const ds = s - mS;
    const dO = o - mO;
    vS += ds * ds;
    vO += dO * dO;
    cov += ds * dO;
    sse += (s - o) * (s - o);
  }
  return { n, meanSim: mS, meanObs: mO, varSim: vS / n, varObs: vO / n, cov: cov / n, sse };
}

/** Nash-Sutcliffe efficiency 1 - SSE / sum (obs - mean obs)^2; 1 is perfect, 0 = the observed mean. */
export function nseFromStats(p: PairStats, minPairs = DEFAULT_MIN_PAIRS): number {
  if (p.n < minPairs || !(p.varObs > 0)) return NaN;
  return 1 - p.sse / (p.varObs * p.n);
}

export function rmseFromStats(p: PairStats, minPairs = DEFAULT_MIN_PAIRS): number {
  if (p.n < minPairs) return NaN;
  return Math.sqrt(p.sse / p.n);
}

/** Mean error, sim - obs (LAI units, m2 m-2). */
export function biasFromStats(p: PairStats, minPairs = DEFAULT_MIN_PAIRS): number {
  if (p.n < minPairs) return NaN;
  return p.meanSim - p.meanObs;
}

export function pearsonFromStats(p: PairStats, minPairs = DEFAULT_MIN_PAIRS): number {
  if (p.n < minPairs || !(p.varObs > 0) || !(p.varSim > 0)) return NaN;
  return p.cov / Math.sqrt(p.varSim * p.varObs);
}

/**
 * Kling-Gupta efficiency (Gupta et al. 2009): 1 - sqrt((r-1)^2 + (alpha-1)^2 + (beta-1)^2),
 * alpha = sd_sim / sd_obs, beta = mean_sim / mean_obs. A constant simulation has undefined r; we
 * take r = 0 there (it carries no timing information) so KGE stays defined and low.
 */
export function kgeFromStats(p: PairStats, minPairs = DEFAULT_MIN_PAIRS): number {
  if (p.n < minPairs || !(p.varObs > 0) || p.meanObs === 0) return NaN;
  const r = p.varSim > 0 ? p.cov / Math.sqrt(p.varSim * p.varObs) : 0;
  const alpha = Math.sqrt(p.varSim / p.varObs);
  const beta = p.meanSim / p.meanObs;
  return 1 - Math.sqrt((r - 1) ** 2 + (alpha - 1) ** 2 + (beta - 1) ** 2);
}

export const nse = (sim: ArrayLike<number>, obs: ArrayLike<number>, minPairs = DEFAULT_MIN_PAIRS): number =>
  nseFromStats(pairStats(sim, obs), minPairs);
export const rmse = (sim: ArrayLike<number>, obs: ArrayLike<number>, minPairs = DEFAULT_MIN_PAIRS): number =>
  rmseFromStats(pairStats(sim, obs), minPairs);
export const bias = (sim: ArrayLike<number>, obs: ArrayLike<number>, minPairs = DEFAULT_MIN_PAIRS): number =>
  biasFromStats(pairStats(sim, obs), minPairs);
export const pearsonR = (sim: ArrayLike<number>, obs: ArrayLike<number>, minPairs = DEFAULT_MIN_PAIRS): number =>
  pearsonFromStats(pairStats(sim, obs), minPairs);
export const kge = (sim: ArrayLike<number>, obs: ArrayLike<number>, minPairs = DEFAULT_MIN_PAIRS): number =>
  kgeFromStats(pairStats(sim, obs), minPairs);

export interface CellMetrics {
  /** per cell; NaN outside the mask or where the metric is undefined */
  readonly nse: Float32Array;
  readonly kge: Float32Array;
  readonly rmse: Float32Array;
  readonly bias: Float32Array;
  readonly r: Float32Array;
  /** number of valid (sim, obs) pairs per cell */
  readonly count: Int32Array;
}

export const METRIC_NAMES = ['nse', 'kge', 'rmse', 'bias', 'r'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/**
 * Per-cell metrics of series laid out [time][cell].
 * @param sim simulated values at the same times as `obs`, [time][cell]
 * @param obs observed values, [time][cell], NaN where missing
 * @param mask per cell, 1 = evaluate; cells with 0 get NaN
 * @param timeIndices which time rows to use (e.g. observations inside the test period); all if omitted
 */
export function perCellMetrics(
  sim: ArrayLike<number>,
  obs: ArrayLike<number>,
  cellCount: number,
  mask?: ArrayLike<number>,
  timeIndices?: ArrayLike<number>,
  minPairs = DEFAULT_MIN_PAIRS,
): CellMetrics {
  const times = timeIndices ?? Int32Array.from({ length: Math.floor(obs.length / cellCount) }, (_, t) => t);
  const out: CellMetrics = {
    nse: new Float32Array(cellCount).fill(NaN),
    kge: new Float32Array(cellCount).fill(NaN),
    rmse: new Float32Array(cellCount).fill(NaN),
    bias: new Float32Array(cellCount).fill(NaN),
    r: new Float32Array(cellCount).fill(NaN),
    count: new Int32Array(cellCount),
  };
  const idx = new Int32Array(times.length);
  for (let c = 0; c < cellCount; c++) {
    if (mask && !mask[c]) continue;
    for (let k = 0; k < times.length; k++) idx[k] = times[k]! * cellCount + c;
    const p = pairStats(sim, obs, idx);
    out.count[c] = p.n;
    out.nse[c] = nseFromStats(p, minPairs);
    out.kge[c] = kgeFromStats(p, minPairs);
    out.rmse[c] = rmseFromStats(p, minPairs);
    out.bias[c] = biasFromStats(p, minPairs);
    out.r[c] = pearsonFromStats(p, minPairs);
  }
  return out;
}

/** Distribution summary of finite values, with Tukey boxplot whiskers (1.5 IQR, clipped to data). */
export interface Spread {
  readonly n: number;
  readonly median: number;
  readonly mean: number;
  readonly q25: number;
  readonly q75: number;
  readonly min: number;
  readonly max: number;
  readonly whiskerLow: number;
  readonly whiskerHigh: number;
}

// the quantile rule lives in util/ (the physics layer's parameter reports use it too)
export { quantileSorted };

export function spread(values: ArrayLike<number>, select?: (i: number) => boolean): Spread {
  const vals: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v) && (!select || select(i))) vals.push(v);
  }
  vals.sort((a, b) => a - b);
  const n = vals.length;
  if (n === 0) {
    return { n: 0, median: NaN, mean: NaN, q25: NaN, q75: NaN, min: NaN, max: NaN, whiskerLow: NaN, whiskerHigh: NaN };
  }
  const q25 = quantileSorted(vals, 0.25);
  const q75 = quantileSorted(vals, 0.75);
  const iqr = q75 - q25;
  const lowFence = q25 - 1.5 * iqr;
  const highFence = q75 + 1.5 * iqr;
  return {
    n,
    median: quantileSorted(vals, 0.5),
    mean: vals.reduce((a, b) => a + b, 0) / n,
    q25,
    q75,
    min: vals[0]!,
    max: vals[n - 1]!,
    whiskerLow: vals.find((v) => v >= lowFence) ?? vals[0]!,
    whiskerHigh: [...vals].reverse().find((v) => v <= highFence) ?? vals[n - 1]!,
  };
}

export const median = (values: ArrayLike<number>): number => spread(values).median;
