/**
 * Collatz et al. (1992) C4 gross photosynthesis rates (FATES form). Tensors of one shape
 * (typically [N] leaves); rates in umol CO2 m-2 s-1, ci and pressure in Pa.
 */
import * as tf from '@tensorflow/tfjs';
import { C4_QUANTUM_EFFICIENCY, THETA_CJ, THETA_IP } from './constants.ts';
import { colimit, colimitDerivative } from './colimitation.ts';
import type { RateWithSlope } from './photosynthesis-c3.ts';

type T = tf.Tensor;

/** Rubisco-limited C4 rate: Vcmax itself (CO2 is concentrated, so it does not depend on ci). */
export function rubiscoLimitedC4(vcmax: T): RateWithSlope {
  return tf.tidy(() => ({ rate: tf.clone(vcmax), dCi: tf.zerosLike(vcmax) }));
}

/** Light-limited C4 rate: quantum efficiency x absorbed PAR [umol photons m-2 s-1]. */
export function lightLimitedC4(parUmol: T): RateWithSlope {
  return tf.tidy(() => ({ rate: tf.mul(C4_QUANTUM_EFFICIENCY, parUmol), dCi: tf.zerosLike(parUmol) }));
}

/** PEP-carboxylase (CO2) limited C4 rate kp ci+ / P; kp [umol CO2 m-2 s-1] per unit mole fraction. */
export function pepLimitedC4(ci: T, kp: T, pressurePa: T): RateWithSlope {
  return tf.tidy(() => {
    const rate = tf.div(tf.mul(kp, tf.relu(ci)), pressurePa);
    const dCi = tf.where(tf.greaterEqual(ci, 0), tf.div(kp, pressurePa), tf.zerosLike(ci));
    return { rate, dCi };
  });
}

/** C4 gross photosynthesis: Rubisco and light co-limit first, then that and the PEP rate. */
export function grossPhotosynthesisC4(ac: RateWithSlope, aj: RateWithSlope, ap: RateWithSlope): RateWithSlope {
  return tf.tidy(() => {
    const ai = colimit(THETA_CJ, ac.rate, aj.rate);
    const dAi = colimitDerivative(THETA_CJ, ai, ac.rate, aj.rate, ac.dCi, aj.dCi);
    const rate = colimit(THETA_IP, ai, ap.rate);
    const dCi = colimitDerivative(THETA_IP, rate, ai, ap.rate, dAi, ap.dCi);
    return { rate, dCi };
  });
}
