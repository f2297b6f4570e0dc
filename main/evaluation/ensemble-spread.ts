/**
 * Member-to-member statistics of an ensemble: the mean of the members' daily LAI, and its spread
 * (sample standard deviation, 5th and 95th percentiles by numpy's 'linear' rule) per value. Pure:
 * main/run/ensemble.ts reads the members' files and writes the results.
 */
import { quantileSorted } from './metrics.ts';

export interface MemberSpread {
  /** mean over the members, per value */
  readonly mean: Float32Array;
  /** sample standard deviation (n - 1) over the members, per value; 0 with one member */
  readonly std: Float32Array;
  readonly p05: Float32Array;
  readonly p95: Float32Array;
}

/**
 * Statistics over `members` (equal-length arrays) for the values in [from, to). A value that is
 * NaN in any member is NaN in every output (outside the basin, or a member that produced none).
 */
export function memberSpread(members: readonly Float32Array[], from = 0, to = members[0]?.length ?? 0): MemberSpread {
  const n = members.length;
  if (n === 0) throw new Error('memberSpread: no members');
  for (const m of members) if (m.length !== members[0]!.length) throw new Error(`memberSpread: members hold ${members[0]!.length} and ${m.length} values`);
  const len = to - from;
  const mean = new Float32Array(len);
  const std = new Float32Array(len);
  const p05 = new Float32Array(len);
  const p95 = new Float32Array(len);
  const v = new Float64Array(n);
  for (let i = 0; i < len; i++) {
    let sum = 0;
    let bad = false;
    for (let k = 0; k < n; k++) {
      const x = members[k]![from + i]!;
      if (!Number.isFinite(x)) { bad = true; break; }
      v[k] = x;
      sum += x;
    }
    if (bad) {
      mean[i] = std[i] = p05[i] = p95[i] = NaN;
      continue;
    }
    const m = sum / n;
    let ss = 0;
    for (let k = 0; k < n; k++) ss += (v[k]! - m) ** 2;
    v.sort();
    mean[i] = m;
    std[i] = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
    p05[i] = quantileSorted(v, 0.05);
    p95[i] = quantileSorted(v, 0.95);
  }
  return { mean, std, p05, p95 };
}

/** Per cell: the mean over days of `daily` ([day][cell]), ignoring NaN days; NaN where no day is finite. */
export function meanOverDays(daily: Float32Array, cells: number): Float32Array {
  const days = daily.length / cells;
  const sum = new Float64Array(cells);
  const cnt = new Uint32Array(cells);
  for (let t = 0; t < days; t++) {
    for (let c = 0; c < cells; c++) {
      const x = daily[t * cells + c]!;
      if (Number.isFinite(x)) { sum[c] += x; cnt[c]! += 1; }
    }
  }
  return Float32Array.from(sum, (s, c) => (cnt[c] ? s / cnt[c]! : NaN));
}

/** Per cell: sample standard deviation and range (max - min) of a metric over the members; NaN where fewer than 2 members have it. */
export function metricSpread(members: readonly Float32Array[]): { std: Float32Array; range: Float32Array } {
  const cells = members[0]?.length ?? 0;
  const std = new Float32Array(cells).fill(NaN);
  const range = new Float32Array(cells).fill(NaN);
  for (let c = 0; c < cells; c++) {
    const v = members.map((m) => m[c]!).filter(Number.isFinite);
    if (v.length < 2) continue;
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    std[c] = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
    range[c] = Math.max(...v) - Math.min(...v);
  }
  return { std, range };
}
