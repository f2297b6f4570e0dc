/**
 * Near-surface atmosphere quantities from the NLDAS daily forcing, as tensors of any shape
 * (the process model uses [batch, time, cells]). Units follow each docstring.
 *
 * Saturation vapour pressure: FAO-56 eq. 11 (Tetens form), es = 0.6108 exp(17.27 T / (T + 237.3)) kPa, T in C.
 * Actual vapour pressure from specific humidity: e = q p / (0.622 + 0.378 q).
 * Potential evaporation: Priestley & Taylor (1972), alpha = 1.26, slope and psychrometric
 * constant from FAO-56 eqs. 8 and 13; net radiation from the daily-mean fluxes with a fixed
 * surface albedo and emissivity (no learned parameters, so it can be computed once per chunk).
 */
import * as tf from '@tensorflow/tfjs';
import { T_FREEZE_K } from '../constants.ts';

/** smallest VPD kept, kPa: Medlyn's sqrt(D) and Jarvis's response stay smooth at saturation */
export const VPD_FLOOR_KPA = 0.05;
/** surface shortwave albedo and longwave emissivity used for net radiation (typical vegetated values) */
export const SURFACE_ALBEDO = 0.2;
export const SURFACE_EMISSIVITY = 0.97;
export const STEFAN_BOLTZMANN = 5.670374e-8;
/** latent heat of vaporization, MJ kg-1 (FAO-56) */
export const LATENT_HEAT_MJ_PER_KG = 2.45;
export const PRIESTLEY_TAYLOR_ALPHA = 1.26;

/** saturation vapour pressure, kPa, from air temperature in K */
export function saturationVapourPressureKpa(tairK: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const tc = tf.sub(tairK, T_FREEZE_K);
    return tf.mul(0.6108, tf.exp(tf.div(tf.mul(17.27, tc), tf.add(tc, 237.3))));
  });
}

/** actual vapour pressure, kPa, from specific humidity (kg/kg) and surface pressure (Pa) */
export function vapourPressureKpa(qair: tf.Tensor, psurfPa: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.div(tf.mul(qair, tf.mul(psurfPa, 1e-3)), tf.add(0.622, tf.mul(0.378, qair))));
}

/** vapour pressure deficit, kPa, floored at VPD_FLOOR_KPA */
export function vpdKpa(tairK: tf.Tensor, qair: tf.Tensor, psurfPa: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.maximum(tf.sub(saturationVapourPressureKpa(tairK), vapourPressureKpa(qair, psurfPa)), VPD_FLOOR_KPA));
}

/**
 * Priestley-Taylor potential evaporation, mm per day.
 * @param tairK daily mean air temperature, K
 * @param psurfPa surface pressure, Pa
 * @param swDown, lwDown daily-mean downward shortwave and longwave, W m-2
 */
export function priestleyTaylorPetMm(tairK: tf.Tensor, psurfPa: tf.Tensor, swDown: tf.Tensor, lwDown: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const tc = tf.sub(tairK, T_FREEZE_K);
    const es = saturationVapourPressureKpa(tairK);
    const delta = tf.div(tf.mul(4098, es), tf.square(tf.add(tc, 237.3))); // kPa K-1
    const gamma = tf.mul(psurfPa, 0.665e-6); // kPa K-1 (0.000665 * P[kPa])
    const lwUp = tf.mul(STEFAN_BOLTZMANN, tf.pow(tairK, 4));
    const rn = tf.add(tf.mul(1 - SURFACE_ALBEDO, swDown), tf.mul(SURFACE_EMISSIVITY, tf.sub(lwDown, lwUp))); // W m-2
    const rnMm = tf.mul(tf.relu(rn), 86400 / (LATENT_HEAT_MJ_PER_KG * 1e6)); // mm d-1 equivalent
    return tf.mul(PRIESTLEY_TAYLOR_ALPHA, tf.mul(tf.div(delta, tf.add(delta, gamma)), rnMm));
  });
}
