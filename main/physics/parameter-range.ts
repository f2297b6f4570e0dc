/**
 * Every learnable or configurable physical parameter declares its physical range. Networks
 * produce unbounded values; `toRange` maps them into the range through a sigmoid, so a
 * parameter can never leave physically meaningful values during training.
 */
import * as tf from '@tensorflow/tfjs';

export interface ParameterRange {
  readonly name: string;
  readonly units: string;
  readonly min: number;
  readonly max: number;
  readonly description: string;
  /** the name people read ('Specific leaf area') and the usual symbol ('SLA'), shown on maps and tables */
  readonly title?: string;
  readonly symbol?: string;
}

export function defineRange(range: ParameterRange): ParameterRange {
  if (!(Number.isFinite(range.min) && Number.isFinite(range.max) && range.min < range.max)) {
    throw new Error(`parameter range '${range.name}': min (${range.min}) must be finite and below max (${range.max})`);
  }
  return Object.freeze({ ...range });
}

/** raw network output (any shape, unbounded) -> min + (max - min) * sigmoid(raw) */
export function toRange(raw: tf.Tensor, range: ParameterRange): tf.Tensor {
  return tf.tidy(() => tf.add(range.min, tf.mul(range.max - range.min, tf.sigmoid(raw))));
}

/** a value already in (0, 1) (e.g. a sigmoid output layer) -> min + (max - min) * unit */
export function unitToRange(unit: tf.Tensor, range: ParameterRange): tf.Tensor {
  return tf.tidy(() => tf.add(range.min, tf.mul(range.max - range.min, unit)));
}

/** inverse of toRange for one number: the raw value whose sigmoid lands on `value` */
export function rawForValue(value: number, range: ParameterRange): number {
  const u = (value - range.min) / (range.max - range.min);
  if (!(u > 0 && u < 1)) throw new Error(`${range.name} = ${value} ${range.units} lies outside its range (${range.min}, ${range.max})`);
  return Math.log(u / (1 - u));
}

/** Throws naming the first element outside [min, max]. */
export function assertInRange(values: ArrayLike<number>, range: ParameterRange, what = range.name): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= range.min && v <= range.max)) {
      throw new Error(`${what}[${i}] = ${v} ${range.units} is outside the physical range ${range.min}..${range.max}`);
    }
  }
}

/** Declared ranges of the leaf model's parameters. */
export const LEAF_PARAMETER_RANGES = {
  vcmax25: defineRange({ name: 'vcmax25', units: 'umol CO2 m-2 s-1', min: 20, max: 150, description: 'maximum carboxylation rate at 25 C (range used by NN_V, as in the seed)' }),
  soilB: defineRange({ name: 'B', units: '-', min: 0, max: 1, description: 'learned soil-water retention exponent of the btran form psi = max(psi_o S^-B, psi_c)' }),
  btran: defineRange({ name: 'btran', units: '-', min: 0, max: 1, description: 'soil-water stress factor' }),
  medlynSlope: defineRange({ name: 'medlynSlope', units: 'kPa^0.5', min: 0.5, max: 12, description: 'Medlyn g1' }),
  medlynIntercept: defineRange({ name: 'medlynIntercept', units: 'umol H2O m-2 s-1', min: 0, max: 100000, description: 'Medlyn g0 before btran scaling' }),
  jmaxToVcmax: defineRange({ name: 'jmaxToVcmax', units: '-', min: 1, max: 3, description: 'Jmax25 / Vcmax25' }),
} as const;
