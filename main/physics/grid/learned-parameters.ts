/**
 * The per-PFT key parameters of the grid process model as trainable tf.Variables.
 *
 * Each parameter p of PFT k is stored as an unconstrained raw value u[k]; its physical value is
 * p = min + (max - min) * sigmoid(u) (parameter-range.ts), so no optimizer step can move it out of
 * its declared range. The raw values start at the CLM4.5-style defaults (rawForValue).
 */
import * as tf from '@tensorflow/tfjs';
import { hasSyncReadback } from '../../tfjs/readback.ts';
import { quantileSorted } from '../../util/quantile.ts';
import { rawForValue, toRange } from '../parameter-range.ts';
import { LEARNED_PARAMETER_NAMES, PARAMETER_SPECS, PFT_COUNT, PFT_NAMES, type LearnedParameterName } from './pft-params.ts';

/** physical values per PFT, each a [PFT_COUNT] tensor */
export type PftParameterTensors = Record<LearnedParameterName, tf.Tensor1D>;

/** physical values per grid cell, each a [cells] tensor (a per-cell network's output, or given maps) */
export interface CellParameterTensors {
  readonly perCell: Record<LearnedParameterName, tf.Tensor1D>;
}

/** what the process model runs with: per-PFT tables or per-cell maps */
export type ProcessParameters = PftParameterTensors | CellParameterTensors;

export function isPerCell(p: ProcessParameters): p is CellParameterTensors {
  return 'perCell' in p;
}

/** the parameter tensors in LEARNED_PARAMETER_NAMES order, and back (the checkpointed run passes a list) */
export function parameterList(p: ProcessParameters): tf.Tensor1D[] {
  const t = isPerCell(p) ? p.perCell : p;
  return LEARNED_PARAMETER_NAMES.map((n) => t[n]);
}
export function parametersFromList(list: readonly tf.Tensor[], perCell: boolean): ProcessParameters {
  const t = Object.fromEntries(LEARNED_PARAMETER_NAMES.map((n, i) => [n, list[i]!])) as Record<LearnedParameterName, tf.Tensor1D>;
  return perCell ? { perCell: t } : t;
}

/** how the process parameters vary in space: one value per PFT, or a network of each cell's static attributes */
export const PARAMETERIZATIONS = ['per-pft', 'per-cell-network'] as const;
export type Parameterization = (typeof PARAMETERIZATIONS)[number];

/**
 * What the physics models need of their learned parameters, whichever the parameterization:
 * PftParameters (per PFT) and CellParameterNetwork (cell-parameter-network.ts).
 */
export interface ParameterSource {
  readonly parameterization: Parameterization;
  readonly learned: ReadonlySet<LearnedParameterName>;
  /** every weight with its stable name (saved, restored, learning-rate scales) */
  named(prefix: string): { name: string; variable: tf.Variable }[];
  trainable(): tf.Variable[];
  /** physical values (differentiable w.r.t. the weights); caller disposes */
  values(): ProcessParameters;
  /** per parameter the value of every cell [cells] (cellPft: PFT index per cell); NaN where mask is 0 */
  cellMaps(cellPft: Int32Array, mask: ArrayLike<number>): Record<LearnedParameterName, Float32Array>;
  report(cellPft: Int32Array, mask: ArrayLike<number>): LearnedParameterReport;
  dispose(): void;
}

/** JSON report of the learned parameters, for the run folder and the map legend */
/** where a run saves a physics model's report: runs/<id>/models/<kind>/<this file> */
export const LEARNED_PARAMETERS_FILE = 'learned-parameters.json';

export interface LearnedParameterReport {
  readonly pfts: readonly string[];
  /** absent in reports written before per-cell parameters: per-pft */
  readonly parameterization?: Parameterization;
  readonly parameters: Record<
    LearnedParameterName,
    {
      units: string; min: number; max: number; description: string; source: string; defaults: number[]; values: number[]; learned: boolean;
      /**
       * how far the values moved from the defaults (parameterMovement): across PFTs, or, with
       * the per-cell network, across the basin cells (each against its PFT's default); `values`
       * are then the mean over each PFT's basin cells (the default where a PFT has none)
       */
      movement: ParameterMovement;
      /**
       * per-cell parameterizations only: per PFT the distribution of the values over its basin
       * cells (null for a PFT without cells), what one mean per PFT hides
       */
      cells?: CellDistribution;
    }
  >;
}

/** per PFT (index k): the median and the 5th and 95th percentiles of its cells' values, and how many cells */
export interface CellDistribution {
  readonly median: (number | null)[];
  readonly p05: (number | null)[];
  readonly p95: (number | null)[];
  readonly count: number[];
}

/** The distribution per PFT of per-cell values (`byPft[k]`: the values of PFT k's cells, any order). */
export function cellDistribution(byPft: readonly (readonly number[])[]): CellDistribution {
  const sorted = byPft.map((v) => Float64Array.from(v).sort());
  const at = (q: number) => sorted.map((v) => (v.length ? Math.fround(quantileSorted(v, q)) : null));
  return { median: at(0.5), p05: at(0.05), p95: at(0.95), count: sorted.map((v) => v.length) };
}

/**
 * How far a learned parameter moved from its defaults, in percent of each PFT's default:
 * meanPercent = mean over PFTs of 100 (value / default - 1), spreadPercent = their standard
 * deviation across PFTs, maxAbsPercent = the largest |change|. A run's parameter summary.
 */
export interface ParameterMovement {
  readonly meanPercent: number;
  readonly spreadPercent: number;
  readonly maxAbsPercent: number;
}

export function parameterMovement(defaults: readonly number[], values: readonly number[]): ParameterMovement {
  const rel = values.map((v, k) => 100 * (v / defaults[k]! - 1));
  const mean = rel.reduce((a, b) => a + b, 0) / Math.max(1, rel.length);
  const spread = Math.sqrt(rel.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, rel.length));
  return { meanPercent: mean, spreadPercent: spread, maxAbsPercent: Math.max(0, ...rel.map(Math.abs)) };
}

/** One line per learned parameter: 'vcmax25 [umol m-2 s-1]: mean +3.1 %, spread 2.0 %, max |5.2| %' */
export function formatParameterMovement(report: LearnedParameterReport): string[] {
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)} %`;
  const across = report.parameterization === 'per-cell-network' ? 'cells' : 'PFTs';
  return Object.entries(report.parameters).filter(([, p]) => p.learned).map(([name, p]) =>
    `${name} [${p.units}]: mean ${pct(p.movement.meanPercent)}, spread across ${across} ${p.movement.spreadPercent.toFixed(1)} %, largest ${p.movement.maxAbsPercent.toFixed(1)} %`);
}

/**
 * The report of per-cell values: per PFT the mean of its basin cells and their distribution
 * (median, 5-95 %), movement across cells.
 * maps: per parameter [cells] (NaN outside the mask), as ParameterSource.cellMaps.
 */
export function reportOfCellMaps(
  maps: Record<LearnedParameterName, Float32Array>,
  cellPft: Int32Array,
  learned: ReadonlySet<LearnedParameterName>,
  parameterization: Parameterization,
): LearnedParameterReport {
  const parameters = {} as LearnedParameterReport['parameters'];
  for (const name of LEARNED_PARAMETER_NAMES) {
    const spec = PARAMETER_SPECS[name];
    const sum = new Float64Array(PFT_COUNT);
    const cnt = new Float64Array(PFT_COUNT);
    const cellValues: number[] = [];
    const cellDefaults: number[] = [];
    const byPft: number[][] = spec.defaults.map(() => []);
    maps[name].forEach((v, c) => {
      if (!Number.isFinite(v)) return;
      const k = cellPft[c]!;
      sum[k] += v;
      cnt[k]++;
      cellValues.push(v);
      cellDefaults.push(spec.defaults[k]!);
      byPft[k]!.push(v);
    });
    const values = spec.defaults.map((d, k) => (cnt[k]! > 0 ? Math.fround(sum[k]! / cnt[k]!) : d));
    parameters[name] = {
      units: spec.range.units, min: spec.range.min, max: spec.range.max, description: spec.range.description, source: spec.source,
      defaults: [...spec.defaults], values, learned: learned.has(name), movement: parameterMovement(cellDefaults, cellValues),
      cells: cellDistribution(byPft),
    };
  }
  return { pfts: [...PFT_NAMES], parameterization, parameters };
}

export class PftParameters implements ParameterSource {
  readonly parameterization = 'per-pft';
  /** raw (unconstrained) variables, one [PFT_COUNT] vector per parameter */
  readonly raw: Record<LearnedParameterName, tf.Variable>;

  /**
   * @param learned which parameters the optimizer updates (the others stay at their defaults)
   */
  constructor(readonly learned: ReadonlySet<LearnedParameterName>) {
    const raw = {} as Record<LearnedParameterName, tf.Variable>;
    for (const name of LEARNED_PARAMETER_NAMES) {
      const spec = PARAMETER_SPECS[name];
      const init = spec.defaults.map((d) => rawForValue(d, spec.range));
      // unnamed: tfjs variable names are global, and two models may coexist (named() gives stable names)
      raw[name] = tf.variable(tf.tensor1d(init, 'float32'), learned.has(name));
    }
    this.raw = raw;
  }

  /** the variables, in LEARNED_PARAMETER_NAMES order, with their stable names */
  named(prefix: string): { name: string; variable: tf.Variable }[] {
    return LEARNED_PARAMETER_NAMES.map((n) => ({ name: `${prefix}/${n}_raw`, variable: this.raw[n] }));
  }

  trainable(): tf.Variable[] {
    return LEARNED_PARAMETER_NAMES.filter((n) => this.learned.has(n)).map((n) => this.raw[n]);
  }

  /** physical values per PFT (differentiable w.r.t. the raw variables); caller disposes */
  values(): PftParameterTensors {
    const out = {} as PftParameterTensors;
    for (const name of LEARNED_PARAMETER_NAMES) out[name] = toRange(this.raw[name], PARAMETER_SPECS[name].range) as tf.Tensor1D;
    return out;
  }

  cellMaps(cellPft: Int32Array, mask: ArrayLike<number>): Record<LearnedParameterName, Float32Array> {
    const report = this.report();
    const out = {} as Record<LearnedParameterName, Float32Array>;
    for (const name of LEARNED_PARAMETER_NAMES) {
      const values = report.parameters[name].values;
      out[name] = Float32Array.from(cellPft, (k, c) => (mask[c] ? values[k]! : NaN));
    }
    return out;
  }

  report(): LearnedParameterReport {
    const parameters = {} as LearnedParameterReport['parameters'];
    for (const name of LEARNED_PARAMETER_NAMES) {
      const spec = PARAMETER_SPECS[name];
      let values: number[];
      if (hasSyncReadback()) {
        const v = tf.tidy(() => toRange(this.raw[name], spec.range));
        values = Array.from(v.dataSync());
        v.dispose();
      } else {
        // webgpu: a new tensor cannot be read synchronously, the raw variables can once the
        // caller awaited readableSync(them) (main/tfjs/readback.ts); toRange's sigmoid in JS
        const { min, max } = spec.range;
        values = Array.from(this.raw[name].dataSync(), (r) => Math.fround(min + (max - min) / (1 + Math.exp(-r))));
      }
      parameters[name] = {
        units: spec.range.units,
        min: spec.range.min,
        max: spec.range.max,
        description: spec.range.description,
        source: spec.source,
        defaults: [...spec.defaults],
        values,
        learned: this.learned.has(name),
        movement: parameterMovement(spec.defaults, values),
      };
    }
    return { pfts: [...PFT_NAMES], parameterization: 'per-pft', parameters };
  }

  dispose(): void {
    for (const name of LEARNED_PARAMETER_NAMES) this.raw[name].dispose();
  }
}

export const PFT_PARAMETER_COUNT = PFT_COUNT;
