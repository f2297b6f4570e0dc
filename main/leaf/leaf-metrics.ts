/** Goodness of fit of simulated vs observed values. */
export interface FitMetrics { readonly n: number; readonly rmse: number; readonly bias: number; readonly r: number; readonly nse: number }

export function fitMetrics(sim: ArrayLike<number>, obs: ArrayLike<number>): FitMetrics {
  const n = sim.length;
  if (n !== obs.length) throw new Error(`fitMetrics: ${n} simulated vs ${obs.length} observed values`);
  if (n === 0) return { n, rmse: Number.NaN, bias: Number.NaN, r: Number.NaN, nse: Number.NaN };
  let ms = 0, mo = 0;
  for (let i = 0; i < n; i++) { ms += sim[i]!; mo += obs[i]!; }
  ms /= n; mo /= n;
  let se = 0, so = 0, ss = 0, cov = 0;
  for (let i = 0; i < n; i++) {
    const ds = sim[i]! - ms, dob = obs[i]! - mo;
    se += (sim[i]! - obs[i]!) ** 2; so += dob * dob; ss += ds * ds; cov += ds * dob;
  }
  return { n, rmse: Math.sqrt(se / n), bias: ms - mo, r: cov / Math.sqrt(ss * so), nse: 1 - se / so };
}
