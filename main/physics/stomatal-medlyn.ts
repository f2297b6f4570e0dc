/**
 * Medlyn et al. (2011) stomatal conductance as FATES solves it together with the leaf boundary
 * layer: gs is the larger root of
 *   gs^2 - (2 (g0 + t) + (g1 t)^2 / (gb D)) gs + g0^2 + (2 g0 + t (1 - g1^2 / D)) t = 0,
 * t = 1.6 An / (cs / P). Where An < 0 or the roots are complex, gs = g0.
 * Conductances in umol H2O m-2 s-1, An in umol CO2 m-2 s-1, cs and P in Pa, D (VPD) in kPa,
 * g1 in kPa^0.5. All tensors of one shape (typically [N]).
 */
import * as tf from '@tensorflow/tfjs';
import { H2O_CO2_STOMA_RATIO, QUADRATIC_EPS } from './constants.ts';
import { quadraticMaxRoot } from './colimitation.ts';

type T = tf.Tensor;

export interface MedlynInputs {
  /** net assimilation [umol CO2 m-2 s-1] */
  readonly anet: T;
  /** CO2 partial pressure at the leaf surface [Pa] */
  readonly csPa: T;
  readonly pressurePa: T;
  /** boundary-layer conductance [umol H2O m-2 s-1] */
  readonly gb: T;
  /** vapour pressure deficit [kPa] */
  readonly vpdKPa: T;
  /** btran-scaled intercept g0 [umol H2O m-2 s-1] */
  readonly g0: T;
  /** slope g1 [kPa^0.5] */
  readonly g1: T;
}

export type MedlynResult = {
  /** stomatal conductance to H2O [umol H2O m-2 s-1] */
  readonly gs: T;
  /** d gs / d t where t = 1.6 An P / cs [-]; 0 where gs = g0 */
  readonly dGsDTerm: T;
};

export function medlynConductance(m: MedlynInputs): MedlynResult {
  return tf.tidy(() => {
    const t = tf.div(tf.mul(tf.mul(H2O_CO2_STOMA_RATIO, m.anet), m.pressurePa), m.csPa);
    const g1sq = tf.square(m.g1);
    const gbD = tf.mul(m.gb, m.vpdKPa);
    const b = tf.neg(tf.add(tf.mul(2, tf.add(m.g0, t)), tf.div(tf.square(tf.mul(m.g1, t)), gbD)));
    const oneMinus = tf.sub(1, tf.div(g1sq, m.vpdKPa));
    const c = tf.add(tf.square(m.g0), tf.mul(tf.add(tf.mul(2, m.g0), tf.mul(t, oneMinus)), t));
    const disc = tf.sub(tf.square(b), tf.mul(4, c));
    // both An >= 0 and disc >= 0, written with greaterEqual alone so the tape can pass through it
    const open = tf.greaterEqual(tf.minimum(m.anet, disc), 0);
    const root = quadraticMaxRoot(1, b, c);
    const gs = tf.where(open, root, m.g0);
    // implicit derivative of the root: (2 gs + b) dgs = -(gs db/dt + dc/dt)
    const dbdt = tf.neg(tf.add(2, tf.div(tf.mul(tf.mul(2, g1sq), t), gbD)));
    const dcdt = tf.add(tf.mul(2, m.g0), tf.mul(tf.mul(2, t), oneMinus));
    const den = tf.maximum(tf.add(tf.mul(2, root), b), QUADRATIC_EPS);
    const d = tf.neg(tf.div(tf.add(tf.mul(root, dbdt), dcdt), den));
    return { gs, dGsDTerm: tf.where(open, d, tf.zerosLike(d)) };
  });
}
