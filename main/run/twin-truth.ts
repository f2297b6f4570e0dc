/**
 * The identical twin's "truth" (issue #12 §4): known, spatially varying process parameters, the
 * LAI VegDyn's own grid process model makes with them on the basin's forcing, and satellite-like
 * observations of it. Documented in docs/identical-twin.md.
 *
 * True parameters: for parameter p and cell c,
 *   p_true(c) = p_default(PFT of c) * (1 + TRUTH_AMPLITUDE * tanh(sum_a w_pa z_a(c)))
 * where z_a are the cell's static attributes normalized over the basin cells (elevation, sand,
 * clay, organic matter, and the training period's mean precipitation and air temperature), and
 * the weights w_pa differ per parameter (TRUTH_WEIGHTS). The factor stays within 1 +- 25 %, so
 * every value lies inside its declared range (checked, not assumed: trueParameterMaps throws).
 */
import type { Dataset, LaiObservations } from '../data/dataset.ts';
import type { DayRange } from '../data/time-axis.ts';
import { Rng } from '../data/virtual-basin/prng.ts';
import { processCellsFromDataset } from '../physics/grid/process-model.ts';
import { simulateLai } from '../physics/grid/simulate-lai.ts';
import { LEARNED_PARAMETER_NAMES, PARAMETER_SPECS, type LearnedParameterName } from '../physics/grid/pft-params.ts';

export const TWIN_ATTRIBUTES = ['elevation', 'sand', 'clay', 'organic', 'precipitation', 'temperature'] as const;
export type TwinAttribute = (typeof TWIN_ATTRIBUTES)[number];

/** the largest relative departure of a true parameter from its PFT default */
export const TRUTH_AMPLITUDE = 0.25;

/**
 * Weights of the normalized attributes in each parameter's truth (different per parameter, so the
 * maps are not copies of each other; each row has unit length). Parameters absent here (the
 * conductance parameter the active scheme does not use) stay at their PFT defaults.
 */
export const TRUTH_WEIGHTS: Readonly<Partial<Record<LearnedParameterName, Readonly<Partial<Record<TwinAttribute, number>>>>>> = Object.freeze({
  vcmax25: { precipitation: 0.8, sand: -0.6 },
  sla: { temperature: -0.6, organic: 0.8 },
  leafLongevity: { elevation: 0.7, precipitation: -0.714 },
  leafAllocation: { sand: 0.8, temperature: 0.6 },
  gsMax: { clay: 0.7, elevation: -0.714 },
  bExponent: { clay: 0.8, organic: 0.6 },
});

/**
 * The static attributes of every cell, each normalized to mean 0 and standard deviation 1 over the
 * basin cells (mask = 1); 0 outside. Precipitation and temperature are the means over `train`.
 */
export function twinAttributes(ds: Dataset, train: DayRange): Record<TwinAttribute, Float32Array> {
  const n = ds.mask.length;
  const s = ds.staticLayers;
  const meanOf = (name: 'Rainf' | 'Tair') => {
    const x = ds.forcing(name, train);
    const days = train.end - train.start;
    const out = new Float32Array(n);
    for (let t = 0; t < days; t++) for (let c = 0; c < n; c++) out[c]! += x[t * n + c]! / days;
    return out;
  };
  const raw: Record<TwinAttribute, ArrayLike<number>> = {
    elevation: s.elevation, sand: s.sandPercent, clay: s.clayPercent, organic: s.organicFraction,
    precipitation: meanOf('Rainf'), temperature: meanOf('Tair'),
  };
  const out = {} as Record<TwinAttribute, Float32Array>;
  for (const a of TWIN_ATTRIBUTES) {
    let sum = 0;
    let sq = 0;
    let k = 0;
    for (let c = 0; c < n; c++) {
      if (!ds.mask[c]) continue;
      const v = raw[a][c]!;
      if (!Number.isFinite(v)) throw new Error(`identical twin: static attribute '${a}' is missing (NaN) in basin cell ${c}`);
      sum += v;
      sq += v * v;
      k++;
    }
    if (k === 0) throw new Error('identical twin: the window has no basin cells');
    const mean = sum / k;
    const std = Math.sqrt(Math.max(sq / k - mean * mean, 0));
    out[a] = Float32Array.from({ length: n }, (_, c) => (ds.mask[c] && std > 0 ? (raw[a][c]! - mean) / std : 0));
  }
  return out;
}

/**
 * The true value of every parameter in every cell [cells] (the formula in the module comment);
 * NaN outside the basin. `cellPft`: the process model's PFT index per cell.
 */
export function trueParameterMaps(attributes: Record<TwinAttribute, Float32Array>, cellPft: Int32Array, mask: ArrayLike<number>): Record<LearnedParameterName, Float32Array> {
  const out = {} as Record<LearnedParameterName, Float32Array>;
  for (const name of LEARNED_PARAMETER_NAMES) {
    const spec = PARAMETER_SPECS[name];
    const w = TRUTH_WEIGHTS[name];
    out[name] = Float32Array.from(cellPft, (k, c) => {
      if (!mask[c]) return NaN;
      let x = 0;
      for (const [a, wa] of Object.entries(w ?? {})) x += wa * attributes[a as TwinAttribute][c]!;
      const v = spec.defaults[k]! * (1 + TRUTH_AMPLITUDE * Math.tanh(x));
      if (!(v > spec.range.min && v < spec.range.max)) {
        throw new Error(`identical twin: true ${name} ${v} in cell ${c} lies outside its range ${spec.range.min}..${spec.range.max} ${spec.range.units}`);
      }
      return v;
    });
  }
  return out;
}

/**
 * Daily LAI [day][cell] of the process model over `range` with the per-cell parameters `maps`
 * (physics/grid/simulate-lai.ts: spun up on the training-period climatology with those
 * parameters, as the models are). Cells outside the basin (NaN in the maps) run with their PFT's
 * default: the model gives them no vegetation anyway.
 */
export function simulateWithMaps(ds: Dataset, maps: Record<LearnedParameterName, Float32Array>, range: DayRange, spinUpYears: number, signal?: AbortSignal): Float32Array {
  const pft = processCellsFromDataset(ds).pft;
  const filled = {} as Record<LearnedParameterName, Float32Array>;
  for (const p of LEARNED_PARAMETER_NAMES) filled[p] = Float32Array.from(maps[p], (v, c) => (Number.isFinite(v) ? v : PARAMETER_SPECS[p].defaults[pft[c]!]!));
  return simulateLai(ds, { parameterMaps: filled, range, spinUpYears, ...(signal ? { signal } : {}) });
}

/**
 * Satellite-like observations of the true daily LAI `truth` ([day][cell] over days
 * [truthStart, truthStart + days)): on the dates and composite periods of `template` (the
 * demo data's own observations), missing exactly where the template is missing (its snow and
 * cloud gaps), elsewhere the composite mean of the truth times (1 + relativeNoise * e),
 * e ~ N(0, 1), floored at 0. Only composites wholly inside the truth's days are kept.
 */
export function twinObservations(
  template: LaiObservations, truth: Float32Array, truthStart: number, cells: number, relativeNoise: number, seed: number,
): LaiObservations {
  const days = truth.length / cells;
  const rng = new Rng(seed, 'identical-twin/observations');
  const keep: number[] = [];
  for (let k = 0; k < template.dayIndex.length; k++) {
    const a = template.periodStart ? template.periodStart[k]! : template.dayIndex[k]!;
    const b = template.periodEnd ? template.periodEnd[k]! : template.dayIndex[k]! + 1;
    if (a >= truthStart && b <= truthStart + days) keep.push(k);
  }
  const values = new Float32Array(keep.length * cells);
  const periodStart = new Int32Array(keep.length);
  const periodEnd = new Int32Array(keep.length);
  keep.forEach((k, j) => {
    const a = template.periodStart ? template.periodStart[k]! : template.dayIndex[k]!;
    const b = template.periodEnd ? template.periodEnd[k]! : template.dayIndex[k]! + 1;
    periodStart[j] = a;
    periodEnd[j] = b;
    for (let c = 0; c < cells; c++) {
      const e = rng.normal();
      if (!Number.isFinite(template.values[k * cells + c]!)) {
        values[j * cells + c] = NaN;
        continue;
      }
      let sum = 0;
      for (let t = a; t < b; t++) sum += truth[(t - truthStart) * cells + c]!;
      values[j * cells + c] = Math.max(0, (sum / (b - a)) * (1 + relativeNoise * e));
    }
  });
  return { dayIndex: Int32Array.from(keep, (k) => template.dayIndex[k]!), values, periodStart, periodEnd };
}
