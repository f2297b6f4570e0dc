/**
 * Leaf biochemical rates at leaf temperature for both pathways (FATES LeafLayerBiophysicalRates,
 * maintenance respiration and canopy gas parameters). Everything here is independent of ci, so
 * it is computed once before the Newton solve. All tensors are [N] (one entry per leaf).
 */
import * as tf from '@tensorflow/tfjs';
import {
  C4_SLOPE_TO_VCMAX, JMAX_TO_VCMAX, RD_TO_VCMAX_C3, RD_TO_VCMAX_C4, RS_MAX,
} from './constants.ts';
import {
  gammaStarAt, jmaxResponse, kcAt, koAt, kpResponse, rdResponseC3, rdResponseC4, vcmaxResponseC3, vcmaxResponseC4,
} from './temperature-response.ts';
import { electronTransportRate, psiiAbsorbedPar } from './electron-transport.ts';
import { molarDensityUmol } from './boundary-layer.ts';

type T = tf.Tensor;

/** The leaf's environment; every field [N]. */
export interface LeafEnvironment {
  /** PAR incident on / absorbed by the sunlit leaf [umol photons m-2 s-1] */
  readonly parUmol: T;
  /** leaf temperature [K] */
  readonly tLeafK: T;
  /** air temperature [K] (molar density for the conductance floor) */
  readonly tAirK: T;
  /** air pressure [Pa] */
  readonly pressurePa: T;
  /** O2 partial pressure [Pa] */
  readonly o2Pa: T;
  /** CO2 partial pressure [Pa]: at the leaf surface, or in canopy air (see LeafSolveOptions) */
  readonly co2Pa: T;
  /** vapour pressure deficit [kPa] */
  readonly vpdKPa: T;
  /** leaf boundary-layer conductance [umol H2O m-2 s-1] */
  readonly gb: T;
  /** 1 for C3 leaves, 0 for C4 leaves */
  readonly isC3: T;
}

/** Leaf traits and stress; every field [N] (or broadcastable to it). */
export interface LeafTraits {
  /** maximum carboxylation rate at 25 C [umol CO2 m-2 s-1] */
  readonly vcmax25: T;
  /** soil-water stress factor btran in [0, 1] */
  readonly btran: T;
  /** Medlyn slope g1 [kPa^0.5] */
  readonly medlynSlope: T;
  /** unstressed Medlyn intercept [umol H2O m-2 s-1] (10000 C3, 40000 C4 in FATES) */
  readonly medlynIntercept: T;
}

/** Rates at leaf temperature, all [N]. */
export type LeafRates = {
  /** btran-scaled Vcmax [umol CO2 m-2 s-1] */
  readonly vcmax: T;
  /** Jmax [umol e- m-2 s-1] */
  readonly jmax: T;
  /** electron transport rate [umol e- m-2 s-1] */
  readonly je: T;
  /** C4 initial CO2-response slope [umol CO2 m-2 s-1 per unit mole fraction] */
  readonly kp: T;
  /** leaf maintenance respiration [umol CO2 m-2 s-1] */
  readonly rd: T;
  /** Michaelis-Menten constants for CO2 and O2 [Pa] */
  readonly kc: T;
  readonly ko: T;
  /** CO2 compensation point [Pa] */
  readonly gammaStar: T;
  /** btran-scaled Medlyn intercept, floored at the maximum stomatal resistance [umol H2O m-2 s-1] */
  readonly g0: T;
};

/**
 * Computes the ci-independent rates. Dark leaves (PAR <= 0) get zero Vcmax, Jmax and kp, so
 * their net assimilation is -Rd, as in FATES.
 */
export function leafRates(env: LeafEnvironment, traits: LeafTraits): LeafRates {
  return tf.tidy(() => {
    const c3 = tf.greater(env.isC3, 0.5);
    const t = env.tLeafK;
    const vcmax25 = tf.mul(traits.vcmax25, tf.onesLike(t));
    const vcmaxT = tf.mul(vcmax25, tf.where(c3, vcmaxResponseC3(t), vcmaxResponseC4(t)));
    const jmaxT = tf.mul(tf.mul(vcmax25, JMAX_TO_VCMAX), jmaxResponse(t));
    const kpT = tf.mul(tf.mul(vcmax25, C4_SLOPE_TO_VCMAX), kpResponse(t));
    const rd = tf.where(c3, tf.mul(tf.mul(vcmax25, RD_TO_VCMAX_C3), rdResponseC3(t)), tf.mul(tf.mul(vcmax25, RD_TO_VCMAX_C4), rdResponseC4(t)));
    const lit = tf.greater(env.parUmol, 0);
    const zero = tf.zerosLike(t);
    const vcmax = tf.mul(tf.where(lit, vcmaxT, zero), traits.btran);
    const jmax = tf.where(lit, jmaxT, zero);
    const kp = tf.where(lit, kpT, zero);
    const je = electronTransportRate(psiiAbsorbedPar(env.parUmol), jmax);
    const gFloor = tf.div(molarDensityUmol(env.pressurePa, env.tAirK), RS_MAX);
    const g0 = tf.maximum(gFloor, tf.mul(traits.medlynIntercept, traits.btran));
    return {
      vcmax, jmax, je, kp, rd,
      kc: kcAt(t, env.pressurePa),
      ko: koAt(t, env.pressurePa),
      gammaStar: gammaStarAt(t, env.o2Pa),
      g0,
    };
  });
}

export function disposeRates(r: LeafRates): void {
  tf.dispose([r.vcmax, r.jmax, r.je, r.kp, r.rd, r.kc, r.ko, r.gammaStar, r.g0]);
}
