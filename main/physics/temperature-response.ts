/**
 * CLM / FATES temperature responses of leaf physiology. All functions are elementwise and take
 * leaf temperature `tLeafK` [K] as a tensor of any shape (typically [N] leaves); results have the
 * broadcast shape of their inputs.
 */
import * as tf from '@tensorflow/tfjs';
import {
  R_GAS, T_REF_K, T_FREEZE_K, HA_VCMAX, HD_VCMAX, SE_VCMAX, HA_JMAX, HD_JMAX, SE_JMAX,
  HA_RD, HD_RD, SE_RD, RD_HIGH_TEMP_SCALE, HA_KC, HA_KO, HA_GAMMA_STAR,
  KC25_UMOL_PER_MOL, KO25_MMOL_PER_MOL, GAMMA_STAR25_UMOL_PER_MOL,
} from './constants.ts';

type T = tf.Tensor;

/** Arrhenius factor exp(ha / (R Tref) * (1 - Tref / T)); 1 at 25 C. ha [J mol-1]. */
export function arrhenius(tLeafK: T, ha: number): T {
  return tf.tidy(() => tf.exp(tf.mul(ha / (R_GAS * T_REF_K), tf.sub(1, tf.div(T_REF_K, tLeafK)))));
}

/** Normalising factor of the high-temperature inhibition so that it equals 1 at 25 C. */
export function highTempScaleAt25(hd: number, se: number): number {
  return 1 + Math.exp((-hd + se * T_REF_K) / (R_GAS * T_REF_K));
}

/** High-temperature inhibition scale / (1 + exp((-hd + se T) / (R T))). hd [J mol-1], se [J mol-1 K-1]. */
export function highTempInhibition(tLeafK: T, hd: number, se: number, scale: number): T {
  return tf.tidy(() => tf.div(scale, tf.add(1, tf.exp(tf.div(tf.add(-hd, tf.mul(se, tLeafK)), tf.mul(R_GAS, tLeafK))))));
}

/** Q10 = 2 response 2^((T - 298.15) / 10), used by the C4 pathway. */
export function q10Response(tLeafK: T): T {
  return tf.tidy(() => tf.pow(2, tf.div(tf.sub(tLeafK, T_REF_K), 10)));
}

/** C3 Vcmax / Vcmax25 [-]: Arrhenius with high-temperature inhibition. */
export function vcmaxResponseC3(tLeafK: T): T {
  return tf.tidy(() => tf.mul(arrhenius(tLeafK, HA_VCMAX), highTempInhibition(tLeafK, HD_VCMAX, SE_VCMAX, highTempScaleAt25(HD_VCMAX, SE_VCMAX))));
}

/** C4 Vcmax / Vcmax25 [-]: Q10 with cold (below ~15 C) and heat (above ~40 C) inhibition. */
export function vcmaxResponseC4(tLeafK: T): T {
  return tf.tidy(() => {
    const cold = tf.add(1, tf.exp(tf.mul(0.2, tf.sub(T_FREEZE_K + 15, tLeafK))));
    const hot = tf.add(1, tf.exp(tf.mul(0.3, tf.sub(tLeafK, T_FREEZE_K + 40))));
    return tf.div(tf.div(q10Response(tLeafK), cold), hot);
  });
}

/** Jmax / Jmax25 [-] (both pathways). */
export function jmaxResponse(tLeafK: T): T {
  return tf.tidy(() => tf.mul(arrhenius(tLeafK, HA_JMAX), highTempInhibition(tLeafK, HD_JMAX, SE_JMAX, highTempScaleAt25(HD_JMAX, SE_JMAX))));
}

/** C3 leaf maintenance respiration Rd / Rd25 [-]. */
export function rdResponseC3(tLeafK: T): T {
  return tf.tidy(() => tf.mul(arrhenius(tLeafK, HA_RD), highTempInhibition(tLeafK, HD_RD, SE_RD, RD_HIGH_TEMP_SCALE)));
}

/** C4 leaf maintenance respiration Rd / Rd25 [-]: Q10 with heat inhibition above ~55 C. */
export function rdResponseC4(tLeafK: T): T {
  return tf.tidy(() => tf.div(q10Response(tLeafK), tf.add(1, tf.exp(tf.mul(1.3, tf.sub(tLeafK, T_FREEZE_K + 55))))));
}

/** C4 initial slope of the CO2 response (PEP carboxylase) / its 25 C value [-]. */
export function kpResponse(tLeafK: T): T {
  return q10Response(tLeafK);
}

/** Michaelis-Menten constant for CO2 [Pa] at leaf temperature; pressurePa [Pa]. */
export function kcAt(tLeafK: T, pressurePa: T): T {
  return tf.tidy(() => tf.mul(tf.mul(KC25_UMOL_PER_MOL * 1e-6, pressurePa), arrhenius(tLeafK, HA_KC)));
}

/** Michaelis-Menten constant for O2 [Pa] at leaf temperature; pressurePa [Pa]. */
export function koAt(tLeafK: T, pressurePa: T): T {
  return tf.tidy(() => tf.mul(tf.mul(KO25_MMOL_PER_MOL * 1e-3, pressurePa), arrhenius(tLeafK, HA_KO)));
}

/**
 * CO2 compensation point Gamma* [Pa] at leaf temperature. o2Pa: O2 partial pressure [Pa].
 * At 25 C it is 42.75 umol mol-1 of the air whose O2 fraction is 0.209.
 */
export function gammaStarAt(tLeafK: T, o2Pa: T): T {
  return tf.tidy(() => tf.mul(tf.mul(GAMMA_STAR25_UMOL_PER_MOL * 1e-6 / 0.209, o2Pa), arrhenius(tLeafK, HA_GAMMA_STAR)));
}
