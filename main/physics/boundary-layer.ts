/** Leaf boundary-layer conductance in the molar units the leaf model uses. */
import * as tf from '@tensorflow/tfjs';
import { R_GAS } from './constants.ts';

/** Molar density of air P / (R T) [umol m-3]; converts conductance m s-1 -> umol m-2 s-1. */
export function molarDensityUmol(pressurePa: tf.Tensor, airTempK: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.div(pressurePa, tf.mul(R_GAS, airTempK)), 1e6));
}

/** Boundary-layer conductance given in mol m-2 s-1 (e.g. a leaf dataset's BLCond) -> umol H2O m-2 s-1. */
export function boundaryLayerFromMolar(gbMol: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(gbMol, 1e6));
}

/** Boundary-layer conductance given as a resistance rb [s m-1] -> umol H2O m-2 s-1. */
export function boundaryLayerFromResistance(rbSPerM: tf.Tensor, pressurePa: tf.Tensor, airTempK: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.div(molarDensityUmol(pressurePa, airTempK), rbSPerM));
}

/**
 * CLM leaf boundary-layer conductance from wind: gb = cv sqrt(u / d_leaf) [m s-1] with
 * cv = 0.01 m s-1/2, then converted to umol H2O m-2 s-1. windMs [m s-1], leafDimensionM [m].
 */
export function boundaryLayerFromWind(windMs: tf.Tensor, leafDimensionM: number, pressurePa: tf.Tensor, airTempK: tf.Tensor): tf.Tensor {
  if (!(leafDimensionM > 0)) throw new Error(`leaf dimension must be positive, got ${leafDimensionM} m`);
  return tf.tidy(() => {
    const gbMs = tf.mul(0.01, tf.sqrt(tf.div(tf.maximum(windMs, 0.1), leafDimensionM)));
    return tf.mul(gbMs, molarDensityUmol(pressurePa, airTempK));
  });
}
