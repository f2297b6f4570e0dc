/**
 * Farquhar-type C3 gross photosynthesis rates (FATES form). All inputs are tensors of one shape
 * (typically [N] leaves); ci, gammaStar, kc, ko, o2 in Pa; rates in umol CO2 m-2 s-1.
 * Each rate comes with its derivative with respect to ci [umol CO2 m-2 s-1 Pa-1], which the Newton
 * solve for ci uses.
 */
import * as tf from '@tensorflow/tfjs';
import { THETA_CJ } from './constants.ts';
import { colimit, colimitDerivative } from './colimitation.ts';

type T = tf.Tensor;

export type RateWithSlope = {
  /** the rate [umol CO2 m-2 s-1] */
  readonly rate: T;
  /** d rate / d ci [umol CO2 m-2 s-1 Pa-1] */
  readonly dCi: T;
};

/** Rubisco-limited rate vcmax (ci - G*)+ / (ci + Kc (1 + O2 / Ko)). */
export function rubiscoLimitedC3(ci: T, vcmax: T, kc: T, ko: T, o2Pa: T, gammaStar: T): RateWithSlope {
  return tf.tidy(() => {
    const km = tf.mul(kc, tf.add(1, tf.div(o2Pa, ko)));
    const denom = tf.add(ci, km);
    const above = tf.greaterEqual(ci, gammaStar);
    const rate = tf.div(tf.mul(vcmax, tf.relu(tf.sub(ci, gammaStar))), denom);
    const dCi = tf.where(above, tf.div(tf.mul(vcmax, tf.add(km, gammaStar)), tf.square(denom)), tf.zerosLike(ci));
    return { rate, dCi };
  });
}

/** RuBP-regeneration (light) limited rate J (ci - G*)+ / (4 ci + 8 G*); je [umol e- m-2 s-1]. */
export function rubpLimitedC3(ci: T, je: T, gammaStar: T): RateWithSlope {
  return tf.tidy(() => {
    const denom = tf.add(tf.mul(4, ci), tf.mul(8, gammaStar));
    const above = tf.greaterEqual(ci, gammaStar);
    const rate = tf.div(tf.mul(je, tf.relu(tf.sub(ci, gammaStar))), denom);
    const dCi = tf.where(above, tf.div(tf.mul(tf.mul(12, je), gammaStar), tf.square(denom)), tf.zerosLike(ci));
    return { rate, dCi };
  });
}

/** Co-limited C3 gross photosynthesis from the Rubisco and RuBP rates. */
export function grossPhotosynthesisC3(ac: RateWithSlope, aj: RateWithSlope): RateWithSlope {
  return tf.tidy(() => {
    const rate = colimit(THETA_CJ, ac.rate, aj.rate);
    const dCi = colimitDerivative(THETA_CJ, rate, ac.rate, aj.rate, ac.dCi, aj.dCi);
    return { rate, dCi };
  });
}
