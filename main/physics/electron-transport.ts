/** Electron transport from absorbed PAR (FATES, both pathways). */
import * as tf from '@tensorflow/tfjs';
import { F_NON_PHOTOSYNTHETIC, THETA_PSII } from './constants.ts';
import { quadraticMinRoot } from './colimitation.ts';

/**
 * PAR absorbed by photosystem II [umol photons m-2 s-1] from PAR absorbed by the leaf
 * [umol photons m-2 s-1]: half goes to PSII, minus the share of non-photosynthetic pigments.
 */
export function psiiAbsorbedPar(parUmol: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(parUmol, 0.5 * (1 - F_NON_PHOTOSYNTHETIC)));
}

/**
 * Electron transport rate J [umol e- m-2 s-1]: smaller root of
 * theta_psii J^2 - (qabs + Jmax) J + qabs Jmax = 0. qabs and jmax: same shape.
 */
export function electronTransportRate(qabs: tf.Tensor, jmax: tf.Tensor): tf.Tensor {
  return tf.tidy(() => quadraticMinRoot(THETA_PSII, tf.neg(tf.add(qabs, jmax)), tf.mul(qabs, jmax)));
}
