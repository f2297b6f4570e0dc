/**
 * Extrapolation flags: where and how often a scenario's forcing lies outside what the models saw
 * in training. The envelope is per cell and variable: the training period's minimum and maximum,
 * or a chosen lower/upper percentile pair. A cell-day is flagged for a variable outside its
 * envelope, and flagged overall when any variable is. CO2 has one envelope for the whole basin:
 * the historic values of the training years (the process model's Mauna Loa means); it is flagged
 * only where the scenario sets CO2 (the record's own later CO2 is what the run was scored on). Pure.
 */
import type { Dataset, ForcingName } from '../dataset.ts';
import type { DayRange } from '../time-axis.ts';

/** the forcing a scenario changes (Qair through Tair); the others equal the baseline and cannot leave the envelope */
export const FLAGGED_VARIABLES = ['Tair', 'Rainf', 'SWdown', 'Qair'] as const satisfies readonly ForcingName[];
export type FlaggedVariable = (typeof FLAGGED_VARIABLES)[number] | 'CO2';

/** 'range': training minimum and maximum; a number p in (0, 50): the p-th and (100 - p)-th percentiles */
export type EnvelopeRule = 'range' | number;

export interface Envelope {
  readonly rule: EnvelopeRule;
  /** per variable, [cell] lower and upper bounds (NaN outside the basin) */
  readonly bounds: Readonly<Record<(typeof FLAGGED_VARIABLES)[number], { lo: Float32Array; hi: Float32Array }>>;
  /** the CO2 (ppm) of the training days, lowest and highest */
  readonly co2: { lo: number; hi: number };
}

function quantile(sorted: Float32Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < sorted.length ? sorted[i]! * (1 - f) + sorted[i + 1]! * f : sorted[i]!;
}

/** The training envelope from the baseline dataset's training days. */
export function trainingEnvelope(baseline: Dataset, train: DayRange, historicCo2: (isoDay: number) => number, rule: EnvelopeRule = 'range'): Envelope {
  if (rule !== 'range' && !(rule > 0 && rule < 50)) throw new Error(`extrapolation envelope: percentile must be in (0, 50), got ${rule}`);
  const C = baseline.mask.length;
  const days = train.end - train.start;
  const bounds = {} as Record<(typeof FLAGGED_VARIABLES)[number], { lo: Float32Array; hi: Float32Array }>;
  for (const name of FLAGGED_VARIABLES) {
    const x = baseline.forcing(name, train);
    const lo = new Float32Array(C).fill(NaN);
    const hi = new Float32Array(C).fill(NaN);
    const column = new Float32Array(days);
    for (let c = 0; c < C; c++) {
      if (!baseline.mask[c]) continue;
      let n = 0;
      for (let t = 0; t < days; t++) {
        const v = x[t * C + c]!;
        if (Number.isFinite(v)) column[n++] = v;
      }
      if (n === 0) continue;
      const s = column.subarray(0, n).sort();
      lo[c] = rule === 'range' ? s[0]! : quantile(s, rule / 100);
      hi[c] = rule === 'range' ? s[n - 1]! : quantile(s, 1 - rule / 100);
    }
    bounds[name] = { lo, hi };
  }
  let co2lo = Infinity;
  let co2hi = -Infinity;
  for (let d = train.start; d < train.end; d++) {
    const v = historicCo2(d);
    co2lo = Math.min(co2lo, v);
    co2hi = Math.max(co2hi, v);
  }
  return { rule, bounds, co2: { lo: co2lo, hi: co2hi } };
}

export interface ExtrapolationFlags {
  /** fraction (0..1) of the period's days flagged per cell, for any variable; NaN outside the basin */
  readonly fraction: Float32Array;
  /** the same per variable */
  readonly perVariable: Readonly<Record<FlaggedVariable, Float32Array>>;
  /** share of all basin cell-days flagged, overall and per variable */
  readonly share: number;
  readonly sharePerVariable: Readonly<Record<FlaggedVariable, number>>;
}

/**
 * Flags of the scenario dataset's days in `period` against the envelope.
 * @param co2Of the scenario CO2 (ppm) of a day index; absent when the scenario leaves CO2 historic
 */
export function extrapolationFlags(scenario: Dataset, period: DayRange, envelope: Envelope, co2Of?: (day: number) => number): ExtrapolationFlags {
  const C = scenario.mask.length;
  const days = period.end - period.start;
  const any = new Uint8Array(days * C);
  const vars: FlaggedVariable[] = [...FLAGGED_VARIABLES, 'CO2'];
  const perVariable = {} as Record<FlaggedVariable, Float32Array>;
  const sharePerVariable = {} as Record<FlaggedVariable, number>;
  let basinCells = 0;
  for (let c = 0; c < C; c++) if (scenario.mask[c]) basinCells++;
  const cellDays = basinCells * days;
  for (const v of vars) {
    const count = new Float64Array(C);
    if (v === 'CO2') {
      for (let t = 0; co2Of && t < days; t++) {
        const ppm = co2Of(period.start + t);
        if (ppm >= envelope.co2.lo && ppm <= envelope.co2.hi) continue;
        for (let c = 0; c < C; c++) if (scenario.mask[c]) { count[c]++; any[t * C + c] = 1; }
      }
    } else {
      const x = scenario.forcing(v, period);
      const { lo, hi } = envelope.bounds[v];
      for (let t = 0; t < days; t++) {
        for (let c = 0; c < C; c++) {
          if (!scenario.mask[c]) continue;
          const val = x[t * C + c]!;
          // a float32 round trip of the bounds: an unchanged value equal to the training extreme is inside
          if (val < lo[c]! || val > hi[c]!) { count[c]++; any[t * C + c] = 1; }
        }
      }
    }
    let total = 0;
    perVariable[v] = Float32Array.from(count, (k, c) => { total += k; return scenario.mask[c] ? k / days : NaN; });
    sharePerVariable[v] = cellDays ? total / cellDays : 0;
  }
  const fraction = new Float32Array(C).fill(NaN);
  let flagged = 0;
  for (let c = 0; c < C; c++) {
    if (!scenario.mask[c]) continue;
    let k = 0;
    for (let t = 0; t < days; t++) k += any[t * C + c]!;
    fraction[c] = k / days;
    flagged += k;
  }
  return { fraction, perVariable, share: cellDays ? flagged / cellDays : 0, sharePerVariable };
}
