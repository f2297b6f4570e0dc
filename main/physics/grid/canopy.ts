/**
 * Daily canopy photosynthesis, leaf respiration and conductance at the TOP of the canopy, for
 * every cell and day at once ([batch, time, cells] tensors), from the leaf model's building
 * blocks (main/physics: temperature responses, electron transport, C3 rates, co-limitation).
 *
 * Big-leaf scaling (Sellers et al. 1992; CLM3 style): with Vcmax declining through the canopy in
 * proportion to absorbed light (extinction coefficient K_EXT for both), canopy rates are the
 * top-leaf rates times Omega(L) = (1 - exp(-K L)) / K. Omega depends on LAI, i.e. on the state, so
 * the daily loop applies it; everything here depends only on forcing, calendar and parameters.
 *
 * Water stress enters as a multiplier btran on canopy photosynthesis and conductance in the daily
 * loop (the beta approach of JULES, Cox et al. 1998; Egea et al. 2011), which is what lets this
 * whole leaf computation run once per chunk, vectorized over time, instead of once per day.
 *
 * Conductance schemes:
 *  - 'jarvis' (default; Jarvis 1976, Stewart 1988): gs = gsMin + (gsMax - gsMin) f(PAR) f(VPD) f(T), then for each
 *    limiting rate A = a (ci - G*) / (ci + b) - Rd with A = (gs / 1.6) (ca - ci) solved in closed
 *    form (smaller root of a quadratic), then co-limited.
 *  - 'medlyn' (Medlyn et al. 2011, g0 -> 0 for ci): ci / ca = g1 / (g1 + sqrt(D)), rates at that ci,
 *    gs = g0 + 1.6 An / (ca - ci).
 * Daily values use the mean daylight PAR (daily SWdown energy spread over the day length) and the
 * daily mean air temperature as leaf temperature.
 */
import * as tf from '@tensorflow/tfjs';
import { H2O_CO2_STOMA_RATIO, JMAX_TO_VCMAX, MEDLYN_INTERCEPT_C3, O2_FRACTION, RD_TO_VCMAX_C3, THETA_CJ } from '../constants.ts';
import { gammaStarAt, jmaxResponse, kcAt, koAt, rdResponseC3, vcmaxResponseC3 } from '../temperature-response.ts';
import { electronTransportRate, psiiAbsorbedPar } from '../electron-transport.ts';
import { rubiscoLimitedC3, rubpLimitedC3 } from '../photosynthesis-c3.ts';
import { colimit, quadraticMinRoot } from '../colimitation.ts';
import { JARVIS_DEFAULTS, jarvisLight, jarvisTemperature, jarvisVpd } from '../stomatal-jarvis.ts';

export type ConductanceScheme = 'jarvis' | 'medlyn';

/** light (and Vcmax) extinction coefficient of the big leaf (spherical leaf angles, ~60 deg sun) */
export const K_EXT = 0.5;
/** grams of carbon per micromole CO2 */
const G_C_PER_UMOL = 12.011e-6;
/** kg of water per mole */
const KG_PER_MOL_H2O = 0.018015;

export interface CanopyInputs {
  /** daily mean air temperature [K], surface pressure [Pa], VPD [kPa], mean daylight PAR above the canopy [umol m-2 s-1] */
  readonly tairK: tf.Tensor;
  readonly psurfPa: tf.Tensor;
  readonly vpdKpa: tf.Tensor;
  readonly par: tf.Tensor;
  /** daylight seconds per day */
  readonly daylightS: tf.Tensor;
  /** atmospheric CO2 mole fraction [umol mol-1] */
  readonly co2Ppm: tf.Tensor;
  /** per-cell parameters (broadcastable): vcmax25 [umol m-2 s-1], gsMax [mol m-2 s-1], g1 [kPa^0.5] */
  readonly vcmax25: tf.Tensor;
  readonly gsMax: tf.Tensor;
  readonly g1: tf.Tensor;
}

export interface CanopyRates {
  /** unstressed gross photosynthesis of the top leaf, integrated over daylight [g C m-2 leaf d-1] */
  readonly grossDay: tf.Tensor;
  /** leaf maintenance respiration of the top leaf over 24 h [g C m-2 leaf d-1] */
  readonly respiration24h: tf.Tensor;
  /** unstressed transpiration of the top leaf over daylight [mm (kg m-2) per m2 leaf per day] */
  readonly transpirationDay: tf.Tensor;
}

/**
 * Jarvis (1976) conductance [mol H2O m-2 s-1] with a per-cell gsMax [mol m-2 s-1]: the leaf
 * model's light, VPD and temperature responses (main/physics/stomatal-jarvis.ts, JARVIS_DEFAULTS)
 * and its cuticular minimum: gs = gsMin + (gsMax - gsMin) f_Q f_D f_T. Water stress is applied
 * later, in the daily loop (btran multiplier).
 */
export function jarvisConductance(gsMax: tf.Tensor, par: tf.Tensor, vpdKpa: tf.Tensor, tairK: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const p = JARVIS_DEFAULTS;
    const f = tf.mul(tf.mul(jarvisLight(par, p), jarvisVpd(vpdKpa, p)), jarvisTemperature(tairK, p));
    const gsMin = p.gsMin * 1e-6; // umol -> mol
    return tf.add(gsMin, tf.mul(tf.sub(gsMax, gsMin), f));
  });
}

/**
 * Net rate A of a limitation a (ci - G*) / (ci + b) - Rd when ci also obeys A = g (ca - ci), with
 * g in umol m-2 s-1 Pa-1: the smaller root of
 *   A^2 - (g (ca + b) - Rd + a) A + a g (ca - G*) - Rd g (ca + b) = 0.
 */
export function diffusionLimitedRate(a: tf.Tensor, b: tf.Tensor, gammaStar: tf.Tensor, rd: tf.Tensor, g: tf.Tensor, ca: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const gcb = tf.mul(g, tf.add(ca, b));
    const bq = tf.neg(tf.add(tf.sub(gcb, rd), a));
    const cq = tf.sub(tf.mul(tf.mul(a, g), tf.sub(ca, gammaStar)), tf.mul(rd, gcb));
    return quadraticMinRoot(1, bq, cq);
  });
}

/** Top-of-canopy daily rates (see module doc). All inputs broadcast to [batch, time, cells]. */
export function canopyTopRates(x: CanopyInputs, scheme: ConductanceScheme): CanopyRates {
  return tf.tidy(() => {
    const t = x.tairK;
    const vcmax = tf.mul(x.vcmax25, vcmaxResponseC3(t));
    const jmax = tf.mul(tf.mul(x.vcmax25, JMAX_TO_VCMAX), jmaxResponse(t));
    const rd = tf.mul(tf.mul(x.vcmax25, RD_TO_VCMAX_C3), rdResponseC3(t));
    const o2 = tf.mul(x.psurfPa, O2_FRACTION);
    const kc = kcAt(t, x.psurfPa);
    const ko = koAt(t, x.psurfPa);
    const gStar = gammaStarAt(t, o2);
    const km = tf.mul(kc, tf.add(1, tf.div(o2, ko)));
    // top leaf absorbs K PAR per unit leaf area (derivative of Beer's law at L = 0)
    const je = electronTransportRate(psiiAbsorbedPar(tf.mul(x.par, K_EXT)), jmax);
    const ca = tf.mul(tf.mul(x.co2Ppm, 1e-6), x.psurfPa); // Pa
    let gross: tf.Tensor;
    let gs: tf.Tensor;
    if (scheme === 'jarvis') {
      gs = jarvisConductance(x.gsMax, x.par, x.vpdKpa, t);
      // CO2 conductance in umol m-2 s-1 Pa-1: (gs / 1.6) [mol m-2 s-1] * 1e6 / P
      const g = tf.div(tf.mul(gs, 1e6 / H2O_CO2_STOMA_RATIO), x.psurfPa);
      const anC = diffusionLimitedRate(vcmax, km, gStar, rd, g, ca);
      const anJ = diffusionLimitedRate(tf.mul(je, 0.25), tf.mul(gStar, 2), gStar, rd, g, ca);
      gross = tf.relu(colimit(THETA_CJ, tf.add(anC, rd), tf.add(anJ, rd)));
    } else {
      const ci = tf.div(tf.mul(ca, x.g1), tf.add(x.g1, tf.sqrt(x.vpdKpa)));
      const ac = rubiscoLimitedC3(ci, vcmax, kc, ko, o2, gStar).rate;
      const aj = rubpLimitedC3(ci, je, gStar).rate;
      gross = colimit(THETA_CJ, ac, aj);
      const an = tf.relu(tf.sub(gross, rd));
      // gs = g0 + 1.6 An / ((ca - ci) / P) with An in mol: 1e-6 An P / (ca - ci)
      gs = tf.add(MEDLYN_INTERCEPT_C3 * 1e-6, tf.div(tf.mul(tf.mul(an, 1e-6 * H2O_CO2_STOMA_RATIO), x.psurfPa), tf.sub(ca, ci)));
    }
    const grossDay = tf.mul(tf.mul(gross, x.daylightS), G_C_PER_UMOL);
    const respiration24h = tf.mul(rd, 86400 * G_C_PER_UMOL);
    // E = gs * VPD / P  [mol H2O m-2 s-1]; VPD in kPa, P in Pa
    const transpirationDay = tf.mul(tf.mul(tf.div(tf.mul(gs, tf.mul(x.vpdKpa, 1000)), x.psurfPa), KG_PER_MOL_H2O), x.daylightS);
    return { grossDay, respiration24h, transpirationDay };
  });
}

/** Big-leaf canopy factor Omega(L) = (1 - exp(-K L)) / K [m2 leaf-equivalent m-2 ground]. */
export function bigLeafFactor(expNegKL: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.sub(1, expNegKL), 1 / K_EXT));
}
