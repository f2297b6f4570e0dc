/**
 * Normalization statistics (mean and standard deviation) of the forcings and of observed LAI,
 * computed over valid cells inside the basin mask during the TRAINING period only, so that no
 * information from the validation or test years leaks into model inputs.
 */
import type { ForcingName, LaiObservations, Normalization } from './dataset.ts';
import { FORCING_NAMES } from './dataset.ts';
import type { DayRange } from './time-axis.ts';

/** Mean and population standard deviation of the finite values at masked cells of [day][cell] rows. */
function stats(series: Float32Array, cellCount: number, rows: Iterable<number>, mask: Uint8Array): { mean: number; std: number; n: number } {
  // two-pass with a shifted sum keeps float64 accuracy for 10^8 values
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  let shift = NaN;
  for (const t of rows) {
    const o = t * cellCount;
    for (let c = 0; c < cellCount; c++) {
      if (!mask[c]) continue;
      const v = series[o + c]!;
      if (!Number.isFinite(v)) continue;
      if (Number.isNaN(shift)) shift = v;
      const d = v - shift;
      n++;
      sum += d;
      sumSq += d * d;
    }
  }
  if (n === 0) return { mean: NaN, std: NaN, n };
  const meanD = sum / n;
  return { mean: shift + meanD, std: Math.sqrt(Math.max(sumSq / n - meanD * meanD, 0)), n };
}

function* range(r: DayRange): Generator<number> {
  for (let t = r.start; t < r.end; t++) yield t;
}

export function computeNormalization(
  forcing: (name: ForcingName) => Float32Array, cellCount: number, mask: Uint8Array, train: DayRange, observations: LaiObservations,
): Normalization {
  const out = {} as Record<ForcingName, { mean: number; std: number }>;
  for (const name of FORCING_NAMES) {
    const s = stats(forcing(name), cellCount, range(train), mask);
    if (s.n === 0) throw new Error(`normalization: forcing ${name} has no valid value in the training period`);
    out[name] = { mean: s.mean, std: s.std };
  }
  const obsRows: number[] = [];
  observations.dayIndex.forEach((d, k) => {
    if (d >= train.start && d < train.end) obsRows.push(k);
  });
  const lai = stats(observations.values, cellCount, obsRows, mask);
  // no LAI observed in the training period (a project without LAI makes only a physics-only run):
  // the identity, so the process model's LAI passes through the model-space scaling unchanged
  // instead of turning into NaN
  if (lai.n === 0) return { forcing: out, lai: { mean: 0, std: 1 } };
  return { forcing: out, lai: { mean: lai.mean, std: lai.std } };
}
