/**
 * How a satellite LAI product sees the virtual vegetation: composites over the GLOBMAP cadence
 * (half-monthly 1981-2000 from AVHRR, 8-day from 2001 on the MODIS day-of-year grid 1, 9, ...,
 * 361), each the mean of the true daily LAI over the composite period plus multiplicative and
 * additive retrieval noise (larger in the AVHRR era), with gaps where the ground was snow-covered
 * for most of the period or the period stayed cloudy. The observation's day index is the middle
 * day of its composite period; the period is kept too.
 */
import type { LaiObservations } from '../dataset.ts';
import { addDays, dayOfYear } from '../time-axis.ts';
import { Rng } from './prng.ts';

export interface CompositePeriod {
  /** first day index of the period (inclusive) */
  readonly start: number;
  /** day index after the last day (exclusive) */
  readonly end: number;
}

export const EIGHT_DAY_FROM_YEAR = 2001;

/** Whether a composite period starts on this date (1st and 16th before 2001; MODIS day of year 1 + 8k after). */
export function isCompositeStart(iso: string): boolean {
  const year = Number(iso.slice(0, 4));
  if (year < EIGHT_DAY_FROM_YEAR) {
    const dom = Number(iso.slice(8, 10));
    return dom === 1 || dom === 16;
  }
  return (dayOfYear(iso) - 1) % 8 === 0;
}

/** Composite periods that lie wholly inside the daily axis [0, dayCount) starting at `startDate`. */
export function compositePeriods(startDate: string, dayCount: number): CompositePeriod[] {
  const out: CompositePeriod[] = [];
  let current = -1;
  // day index dayCount (the day after the axis) closes the last period if it is a boundary
  for (let t = 0; t <= dayCount; t++) {
    if (!isCompositeStart(addDays(startDate, t))) continue;
    if (current >= 0) out.push({ start: current, end: t });
    current = t;
  }
  return out;
}

export interface ObservationNoise {
  /** relative (multiplicative) retrieval error, 1 sigma */
  readonly relative: number;
  /** absolute retrieval error, m2 m-2, 1 sigma */
  readonly absolute: number;
  /** factor on both before 2001 (AVHRR era) */
  readonly avhrrFactor: number;
  /** probability that a composite is missing for persistent cloud */
  readonly cloudGap: number;
  /** share of snow-covered days in the period above which the composite is missing */
  readonly snowGapShare: number;
}

export const DEFAULT_OBSERVATION_NOISE: ObservationNoise = Object.freeze({
  relative: 0.04,
  absolute: 0.02,
  avhrrFactor: 1.5,
  cloudGap: 0.03,
  snowGapShare: 0.5,
});

export interface ObservedLai extends LaiObservations {
  readonly periodStart: Int32Array;
  readonly periodEnd: Int32Array;
}

/**
 * @param trueLai [day][cell] noise-free daily LAI
 * @param snow [day][cell] 1 where snow-covered
 * @param mask per cell, 1 inside the basin (observations outside are NaN)
 */
export function observeLai(
  startDate: string, dayCount: number, cellCount: number, trueLai: Float32Array, snow: Uint8Array, mask: Uint8Array,
  seed: number, noise: ObservationNoise = DEFAULT_OBSERVATION_NOISE,
): ObservedLai {
  const periods = compositePeriods(startDate, dayCount);
  const values = new Float32Array(periods.length * cellCount);
  const dayIndex = new Int32Array(periods.length);
  const periodStart = new Int32Array(periods.length);
  const periodEnd = new Int32Array(periods.length);
  const sum = new Float64Array(cellCount);
  const snowDays = new Int32Array(cellCount);
  periods.forEach((p, k) => {
    dayIndex[k] = Math.floor((p.start + p.end - 1) / 2);
    periodStart[k] = p.start;
    periodEnd[k] = p.end;
    // noise stream keyed by calendar date so a shorter period gives the same values on shared dates
    const iso = addDays(startDate, p.start);
    const rng = new Rng(seed, `observations/${iso}`);
    const era = Number(iso.slice(0, 4)) < EIGHT_DAY_FROM_YEAR ? noise.avhrrFactor : 1;
    sum.fill(0);
    snowDays.fill(0);
    for (let t = p.start; t < p.end; t++) {
      const o = t * cellCount;
      for (let c = 0; c < cellCount; c++) {
        sum[c]! += trueLai[o + c]!;
        snowDays[c]! += snow[o + c]!;
      }
    }
    const len = p.end - p.start;
    const o = k * cellCount;
    for (let c = 0; c < cellCount; c++) {
      const e1 = rng.normal();
      const e2 = rng.normal();
      const gap = rng.uniform();
      if (!mask[c] || snowDays[c]! > noise.snowGapShare * len || gap < noise.cloudGap) {
        values[o + c] = NaN;
        continue;
      }
      const mean = sum[c]! / len;
      values[o + c] = Math.max(0, mean * (1 + era * noise.relative * e1) + era * noise.absolute * e2);
    }
  });
  return { dayIndex, values, periodStart, periodEnd };
}

/**
 * Per-cell Nash-Sutcliffe efficiency of a perfect model: the true daily LAI on each observation's
 * day against the observations. NaN where a cell has fewer than 3 valid observations or no variance.
 */
export function noiseCeilingNse(obs: LaiObservations, trueLai: Float32Array, cellCount: number): Float32Array {
  const out = new Float32Array(cellCount).fill(NaN);
  const nObs = obs.dayIndex.length;
  for (let c = 0; c < cellCount; c++) {
    let n = 0;
    let mean = 0;
    for (let k = 0; k < nObs; k++) {
      const v = obs.values[k * cellCount + c]!;
      if (Number.isFinite(v)) {
        n++;
        mean += v;
      }
    }
    if (n < 3) continue;
    mean /= n;
    let sse = 0;
    let sst = 0;
    for (let k = 0; k < nObs; k++) {
      const v = obs.values[k * cellCount + c]!;
      if (!Number.isFinite(v)) continue;
      const m = trueLai[obs.dayIndex[k]! * cellCount + c]!;
      sse += (v - m) ** 2;
      sst += (v - mean) ** 2;
    }
    if (sst > 0) out[c] = 1 - sse / sst;
  }
  return out;
}
