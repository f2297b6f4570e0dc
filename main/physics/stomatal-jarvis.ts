/**
 * Jarvis (1976) stomatal conductance: a maximum conductance scaled by independent multiplicative
 * responses to light, vapour pressure deficit, temperature and soil water (btran), in the
 * Stewart (1988) / Noilhan-Planton (1989) forms. gs does not depend on An, so Ci follows from the
 * same Newton solve with the conductance held fixed (solveLeaves with conductance = gs).
 * Tensors of one shape (typically [N] leaves or grid cells).
 */
import * as tf from '@tensorflow/tfjs';
import { defineRange, type ParameterRange } from './parameter-range.ts';

type T = tf.Tensor;

export interface JarvisParameters {
  /** maximum stomatal conductance to H2O [umol H2O m-2 s-1] */
  readonly gsMax: number;
  /** minimum (cuticular) conductance [umol H2O m-2 s-1] */
  readonly gsMin: number;
  /** PAR at which the light response reaches one half [umol photons m-2 s-1] */
  readonly parHalf: number;
  /** VPD sensitivity [kPa-1]: f_D = max(1 - k D, 0) */
  readonly vpdSlope: number;
  /** temperature response limits and optimum [K] */
  readonly tMinK: number;
  readonly tOptK: number;
  readonly tMaxK: number;
}

export const JARVIS_DEFAULTS: JarvisParameters = Object.freeze({
  gsMax: 400000, gsMin: 10000, parHalf: 200, vpdSlope: 0.2, tMinK: 273.15, tOptK: 298.15, tMaxK: 318.15,
});

export const JARVIS_RANGES: Readonly<Record<keyof JarvisParameters, ParameterRange>> = Object.freeze({
  gsMax: defineRange({ name: 'gsMax', units: 'umol H2O m-2 s-1', min: 50000, max: 1000000, description: 'maximum stomatal conductance' }),
  gsMin: defineRange({ name: 'gsMin', units: 'umol H2O m-2 s-1', min: 0, max: 50000, description: 'cuticular conductance' }),
  parHalf: defineRange({ name: 'parHalf', units: 'umol photons m-2 s-1', min: 10, max: 1000, description: 'half-saturation PAR' }),
  vpdSlope: defineRange({ name: 'vpdSlope', units: 'kPa-1', min: 0, max: 1, description: 'VPD sensitivity' }),
  tMinK: defineRange({ name: 'tMinK', units: 'K', min: 253.15, max: 283.15, description: 'lower temperature limit' }),
  tOptK: defineRange({ name: 'tOptK', units: 'K', min: 283.15, max: 313.15, description: 'optimum temperature' }),
  tMaxK: defineRange({ name: 'tMaxK', units: 'K', min: 303.15, max: 333.15, description: 'upper temperature limit' }),
});

/** f_light = PAR / (PAR + parHalf), in [0, 1). */
export function jarvisLight(parUmol: T, p: JarvisParameters): T {
  return tf.tidy(() => {
    const par = tf.relu(parUmol);
    return tf.div(par, tf.add(par, p.parHalf));
  });
}

/** f_D = clamp(1 - k D, 0, 1), D in kPa. */
export function jarvisVpd(vpdKPa: T, p: JarvisParameters): T {
  return tf.tidy(() => tf.clipByValue(tf.sub(1, tf.mul(p.vpdSlope, vpdKPa)), 0, 1));
}

/** f_T = ((T - Tmin)/(Topt - Tmin)) ((Tmax - T)/(Tmax - Topt))^((Tmax - Topt)/(Topt - Tmin)); 1 at Topt, 0 outside (Tmin, Tmax). */
export function jarvisTemperature(tK: T, p: JarvisParameters): T {
  if (!(p.tMinK < p.tOptK && p.tOptK < p.tMaxK)) throw new Error(`Jarvis temperatures must satisfy tMin < tOpt < tMax (got ${p.tMinK}, ${p.tOptK}, ${p.tMaxK} K)`);
  return tf.tidy(() => {
    const expo = (p.tMaxK - p.tOptK) / (p.tOptK - p.tMinK);
    const low = tf.clipByValue(tf.div(tf.sub(tK, p.tMinK), p.tOptK - p.tMinK), 0, Number.MAX_VALUE);
    const high = tf.clipByValue(tf.div(tf.sub(p.tMaxK, tK), p.tMaxK - p.tOptK), 0, Number.MAX_VALUE);
    return tf.clipByValue(tf.mul(low, tf.pow(high, expo)), 0, 1);
  });
}

/** gs = gsMin + (gsMax - gsMin) f_light f_D f_T btran [umol H2O m-2 s-1]. */
export function jarvisConductance(parUmol: T, vpdKPa: T, tLeafK: T, btran: T, p: JarvisParameters = JARVIS_DEFAULTS): T {
  return tf.tidy(() => {
    const f = tf.mul(tf.mul(jarvisLight(parUmol, p), jarvisVpd(vpdKPa, p)), tf.mul(jarvisTemperature(tLeafK, p), tf.clipByValue(btran, 0, 1)));
    return tf.add(p.gsMin, tf.mul(p.gsMax - p.gsMin, f));
  });
}
