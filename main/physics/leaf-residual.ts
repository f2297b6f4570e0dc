/**
 * The coupled leaf system as one residual in ci: assimilation at ci, stomatal conductance from
 * that assimilation, and the diffusion equation that must return the same ci.
 *   surface CO2 given (leaf measurements):  F(ci) = ci - cs + 1.6 P An / gs
 *   canopy-air CO2 given (FATES):           F(ci) = ci - ca + An P (1.4 / gb + 1.6 / gs),
 *                                            cs = max(ca - 1.4 An P / gb, 1e-6)
 * F and dF/dci are computed together (analytic chain rule), so the Newton solve needs no tape.
 * All tensors [N]; ci, cs, ca, P in Pa.
 */
import * as tf from '@tensorflow/tfjs';
import { H2O_CO2_BL_RATIO, H2O_CO2_STOMA_RATIO } from './constants.ts';
import type { LeafEnvironment, LeafRates } from './leaf-biochemistry.ts';
import { grossPhotosynthesisC3, rubiscoLimitedC3, rubpLimitedC3, type RateWithSlope } from './photosynthesis-c3.ts';
import { grossPhotosynthesisC4, lightLimitedC4, pepLimitedC4, rubiscoLimitedC4 } from './photosynthesis-c4.ts';
import { medlynConductance } from './stomatal-medlyn.ts';

type T = tf.Tensor;

export type Co2Reference = 'leaf-surface' | 'canopy-air';

/** How stomatal conductance is obtained inside the coupled system. */
export type ConductanceModel =
  | { readonly kind: 'medlyn'; readonly slope: T }
  /** gs given independently of An (e.g. Jarvis) [umol H2O m-2 s-1] */
  | { readonly kind: 'fixed'; readonly gs: T };

export interface LeafSystem {
  readonly env: LeafEnvironment;
  readonly rates: LeafRates;
  readonly conductance: ConductanceModel;
  readonly co2Reference: Co2Reference;
}

/** Limiting process codes: 0 Rubisco, 1 RuBP regeneration / light, 2 PEP carboxylase (C4 CO2-limited). */
export const LIMITING_NAMES = ['rubisco', 'light', 'pep'] as const;

export type AssimilationAtCi = {
  readonly ac: T;
  readonly aj: T;
  /** PEP-limited rate; 0 for C3 leaves */
  readonly ap: T;
  readonly agross: RateWithSlope;
  /** net assimilation An = Agross - Rd [umol CO2 m-2 s-1] */
  readonly anet: T;
};

/** Assimilation of every leaf at the given ci (C3 and C4 leaves mixed through env.isC3). */
export function assimilationAt(ci: T, env: LeafEnvironment, rates: LeafRates): AssimilationAtCi {
  return tf.tidy(() => {
    const c3 = tf.greater(env.isC3, 0.5);
    const ac3 = rubiscoLimitedC3(ci, rates.vcmax, rates.kc, rates.ko, env.o2Pa, rates.gammaStar);
    const aj3 = rubpLimitedC3(ci, rates.je, rates.gammaStar);
    const g3 = grossPhotosynthesisC3(ac3, aj3);
    const ac4 = rubiscoLimitedC4(rates.vcmax);
    const aj4 = lightLimitedC4(env.parUmol);
    const ap4 = pepLimitedC4(ci, rates.kp, env.pressurePa);
    const g4 = grossPhotosynthesisC4(ac4, aj4, ap4);
    const rate = tf.where(c3, g3.rate, g4.rate);
    const dCi = tf.where(c3, g3.dCi, g4.dCi);
    return {
      ac: tf.where(c3, ac3.rate, ac4.rate),
      aj: tf.where(c3, aj3.rate, aj4.rate),
      ap: tf.where(c3, tf.zerosLike(ci), ap4.rate),
      agross: { rate, dCi },
      anet: tf.sub(rate, rates.rd),
    };
  });
}

export type ResidualResult = AssimilationAtCi & {
  /** F(ci) [Pa] */
  readonly f: T;
  /** dF/dci [-] */
  readonly dfdci: T;
  /** stomatal conductance to H2O [umol H2O m-2 s-1] */
  readonly gs: T;
  /** CO2 partial pressure at the leaf surface [Pa] */
  readonly cs: T;
};

export function leafResidual(ci: T, sys: LeafSystem): ResidualResult {
  return tf.tidy(() => {
    const { env, rates } = sys;
    const a = assimilationAt(ci, env, rates);
    const P = env.pressurePa;
    const anet = a.anet;
    const canopyAir = sys.co2Reference === 'canopy-air';
    const blTerm = tf.div(tf.mul(H2O_CO2_BL_RATIO, P), env.gb); // 1.4 P / gb
    const csRaw = canopyAir ? tf.sub(env.co2Pa, tf.mul(anet, blTerm)) : env.co2Pa;
    const cs = tf.maximum(csRaw, 1e-6);
    let gs: T;
    let dGsDAnet: T;
    if (sys.conductance.kind === 'medlyn') {
      const m = medlynConductance({ anet, csPa: cs, pressurePa: P, gb: env.gb, vpdKPa: env.vpdKPa, g0: rates.g0, g1: sys.conductance.slope });
      gs = m.gs;
      // t = 1.6 An P / cs; with canopy-air CO2, cs itself falls as An rises
      const k = tf.div(tf.mul(H2O_CO2_STOMA_RATIO, P), cs);
      const dtDa = canopyAir
        ? tf.add(k, tf.where(tf.greaterEqual(csRaw, 1e-6), tf.div(tf.mul(tf.mul(k, anet), blTerm), cs), tf.zerosLike(cs)))
        : k;
      dGsDAnet = tf.mul(m.dGsDTerm, dtDa);
    } else {
      gs = tf.mul(sys.conductance.gs, tf.onesLike(ci));
      dGsDAnet = tf.zerosLike(ci);
    }
    const stoma = tf.div(tf.mul(H2O_CO2_STOMA_RATIO, P), gs); // 1.6 P / gs
    const resistanceTerm = canopyAir ? tf.add(blTerm, stoma) : stoma;
    const f = tf.add(tf.sub(ci, env.co2Pa), tf.mul(anet, resistanceTerm));
    // dF/dci = 1 + An' (resistanceTerm - An 1.6 P gs' / gs^2)
    const dRes = tf.sub(resistanceTerm, tf.div(tf.mul(tf.mul(anet, stoma), dGsDAnet), gs));
    const dfdci = tf.add(1, tf.mul(a.agross.dCi, dRes));
    return { ...a, f, dfdci, gs, cs };
  });
}

/** Limiting process of each leaf (see LIMITING_NAMES), an int32 [N] tensor. */
export function limitingProcess(a: AssimilationAtCi, isC3: T): T {
  return tf.tidy(() => {
    const c3 = tf.greater(isC3, 0.5);
    const lightBelowRubisco = tf.less(a.aj, a.ac);
    const first = tf.where(lightBelowRubisco, tf.onesLike(a.ac), tf.zerosLike(a.ac));
    const firstRate = tf.minimum(a.ac, a.aj);
    const pep = tf.logicalAnd(tf.logicalNot(c3), tf.less(a.ap, firstRate));
    return tf.cast(tf.where(pep, tf.fill(a.ac.shape, 2), first), 'int32');
  });
}
