/**
 * Scenario minus baseline, per cell: the mean over the period and per season (DJF, MAM, JJA, SON),
 * absolute (m2 m-2) and relative (fraction of the baseline mean). Pure.
 */
export const SEASONS = ['annual', 'DJF', 'MAM', 'JJA', 'SON'] as const;
export type Season = (typeof SEASONS)[number];

/** season index 1..4 (DJF, MAM, JJA, SON) of a month 0..11 */
export function seasonOfMonth(month: number): 1 | 2 | 3 | 4 {
  return (Math.floor(((month + 1) % 12) / 3) + 1) as 1 | 2 | 3 | 4;
}

/**
 * below this baseline mean LAI (m2 m-2) a relative change is not given (NaN): near-bare cells
 * would show changes of hundreds of percent from hundredths of LAI
 */
export const RELATIVE_CHANGE_MIN_BASELINE = 0.05;

export interface ChangeMap {
  readonly season: Season;
  /** period (or season) mean of scenario - baseline per cell; NaN outside the basin */
  readonly absolute: Float32Array;
  /** (scenario mean - baseline mean) / baseline mean per cell; NaN where the baseline mean is below RELATIVE_CHANGE_MIN_BASELINE */
  readonly relative: Float32Array;
  readonly baselineMean: Float32Array;
  readonly scenarioMean: Float32Array;
}

/**
 * @param baseline, scenario daily LAI [day][cell] over the same days
 * @param months month (0..11) of each of those days
 */
export function changeMaps(baseline: Float32Array, scenario: Float32Array, months: Uint8Array, cells: number): ChangeMap[] {
  if (baseline.length !== scenario.length || baseline.length !== months.length * cells) throw new Error('changeMaps: baseline, scenario and months do not cover the same days');
  const sums = SEASONS.map(() => ({ b: new Float64Array(cells), s: new Float64Array(cells), n: new Float64Array(cells) }));
  for (let d = 0; d < months.length; d++) {
    const groups = [sums[0]!, sums[seasonOfMonth(months[d]!)]!];
    for (let c = 0, i = d * cells; c < cells; c++, i++) {
      const b = baseline[i]!;
      const s = scenario[i]!;
      if (!Number.isFinite(b) || !Number.isFinite(s)) continue;
      for (const g of groups) { g.b[c] += b; g.s[c] += s; g.n[c]++; }
    }
  }
  return SEASONS.map((season, k) => {
    const g = sums[k]!;
    const absolute = new Float32Array(cells).fill(NaN);
    const relative = new Float32Array(cells).fill(NaN);
    const baselineMean = new Float32Array(cells).fill(NaN);
    const scenarioMean = new Float32Array(cells).fill(NaN);
    for (let c = 0; c < cells; c++) {
      if (g.n[c] === 0) continue;
      const b = g.b[c]! / g.n[c]!;
      const s = g.s[c]! / g.n[c]!;
      baselineMean[c] = b;
      scenarioMean[c] = s;
      absolute[c] = s - b;
      if (b >= RELATIVE_CHANGE_MIN_BASELINE) relative[c] = (s - b) / b;
    }
    return { season, absolute, relative, baselineMean, scenarioMean };
  });
}
