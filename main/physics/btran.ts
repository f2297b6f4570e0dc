/**
 * Soil-water stress factor btran (CLM4.5, seed 004 Appendix B). Per soil layer i with root
 * fraction r_i, wilting factor w_i in [0, 1] from the layer's matric potential psi_i:
 *   w_i = min((psi_c - psi_i) / (psi_c - psi_o), 1)   btran = max(sum_i r_i w_i, 0)
 * Tensors are [L, N] (L soil layers, N leaves / cells) unless noted; psi in mm (negative).
 */
import * as tf from '@tensorflow/tfjs';
import { T_FREEZE_K } from './constants.ts';

type T = tf.Tensor;

/** CLM4.5 soil hydraulic parameters from texture (Cosby et al. 1984 with organic-matter mixing). */
export type SoilHydraulics = {
  /** saturated matric potential [mm] */
  readonly psiSatMm: T;
  /** porosity [m3 m-3] */
  readonly thetaSat: T;
  /** Clapp-Hornberger exponent B [-] */
  readonly b: T;
};

/** sandPct, clayPct in percent (0..100); fom organic-matter fraction (0..1); any shape. */
export function clm45SoilHydraulics(sandPct: T, clayPct: T, fom: T): SoilHydraulics {
  return tf.tidy(() => {
    const mineral = tf.sub(1, fom);
    const psiSatMineral = tf.mul(-10, tf.pow(10, tf.sub(1.88, tf.mul(0.0131, sandPct))));
    const psiSatMm = tf.add(tf.mul(mineral, psiSatMineral), tf.mul(fom, -10.3));
    const thetaSat = tf.add(tf.mul(mineral, tf.sub(0.489, tf.mul(0.00126, sandPct))), tf.mul(0.9, fom));
    const b = tf.add(tf.mul(mineral, tf.add(2.91, tf.mul(0.159, clayPct))), tf.mul(2.7, fom));
    return { psiSatMm, thetaSat, b };
  });
}

function sumLayers(rootFraction: T, w: T): T {
  return tf.relu(tf.sum(tf.mul(rootFraction, w), 0));
}

export interface DefaultBtranInputs {
  /** liquid volumetric water content [m3 m-3], [L, N] */
  readonly thetaLiq: T;
  /** ice volumetric water content [m3 m-3], [L, N] (zeros when unknown) */
  readonly thetaIce: T;
  /** soil temperature [K], [L, N] */
  readonly tSoilK: T;
  readonly sandPct: T;
  readonly clayPct: T;
  readonly fom: T;
  /** root fraction of each layer, [L, N] (sums to 1 over layers) */
  readonly rootFraction: T;
  /** matric potentials for open / closed stomata [mm], [N] (or broadcastable) */
  readonly psiOpenMm: T;
  readonly psiCloseMm: T;
}

/** CLM4.5 default btran [N]. Frozen (T <= Tf - 2) or dry layers contribute nothing. */
export function btranDefault(x: DefaultBtranInputs): T {
  return tf.tidy(() => {
    const h = clm45SoilHydraulics(x.sandPct, x.clayPct, x.fom);
    const s = tf.clipByValue(tf.div(x.thetaLiq, h.thetaSat), 0.01, 1);
    const psi = tf.maximum(tf.mul(h.psiSatMm, tf.pow(s, tf.neg(h.b))), x.psiCloseMm);
    const open = tf.minimum(tf.div(tf.sub(x.psiCloseMm, psi), tf.sub(x.psiCloseMm, x.psiOpenMm)), 1);
    const unfrozen = tf.div(tf.sub(h.thetaSat, x.thetaIce), h.thetaSat);
    const active = tf.logicalAnd(tf.greater(x.tSoilK, T_FREEZE_K - 2), tf.greater(x.thetaLiq, 0));
    const w = tf.where(active, tf.mul(open, unfrozen), tf.zerosLike(open));
    return sumLayers(x.rootFraction, w);
  });
}

export interface LearnedBtranInputs {
  /** soil wetness S = theta / theta_sat [-], [L, N] */
  readonly wetness: T;
  /** the learned exponent B in (0, 1), [L, N] */
  readonly b: T;
  /** root fraction [L, N]; for a single layer pass ones */
  readonly rootFraction: T;
  readonly psiOpenMm: T;
  readonly psiCloseMm: T;
}

/**
 * The learned form of seed 004: psi = max(psi_o S^-B, psi_c) with B from NN_B.
 * Differentiable in B. S is clamped to [0.01, 1] so S^-B stays finite.
 */
export function btranLearned(x: LearnedBtranInputs): T {
  return tf.tidy(() => {
    const s = tf.clipByValue(x.wetness, 0.01, 1);
    const psi = tf.maximum(tf.mul(x.psiOpenMm, tf.pow(s, tf.neg(x.b))), x.psiCloseMm);
    const w = tf.minimum(tf.div(tf.sub(x.psiCloseMm, psi), tf.sub(x.psiCloseMm, x.psiOpenMm)), 1);
    return sumLayers(x.rootFraction, w);
  });
}

/**
 * The seed's synthetic truth for B: 0.1 f_om + 0.45 (sand + clay), sand and clay as FRACTIONS
 * (the authors' readfile divides the percent columns by 100), so B lies in (0, 1).
 */
export function syntheticB(sandPct: T, clayPct: T, fom: T): T {
  return tf.tidy(() => tf.add(tf.mul(0.1, fom), tf.mul(0.45, tf.div(tf.add(sandPct, clayPct), 100))));
}
