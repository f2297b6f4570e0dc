/**
 * The one-layer root-zone soil-water bucket and its CLM4.5 btran.
 *
 * Soil hydraulic properties per cell (CLM4.5 pedotransfer, Cosby et al. 1984; seed 004 App. B):
 *   theta_sat = (1 - f_om)(0.489 - 0.00126 %sand) + 0.9 f_om                    [m3 m-3]
 *   psi_sat   = (1 - f_om)(-10 * 10^(1.88 - 0.0131 %sand)) + f_om (-10.3)        [mm]
 *   B_soil    = (1 - f_om)(2.91 + 0.159 %clay) + 2.7 f_om                         [-]
 *   k_sat     = 0.0070556 * 10^(-0.884 + 0.0153 %sand)                           [mm s-1]
 * Bucket: W (mm of liquid water in a ROOT_ZONE_MM deep root zone), capacity W_cap = theta_sat * z_r.
 *   S = clamp(W / W_cap, 0.01, 1);  psi = max(psi_sat S^-B, psi_c)
 *   btran = min(1, (psi_c - psi) / (psi_c - psi_o)) * [T > T_f - 2]      (CLM4.5 eq. 8.26 for one layer)
 *   drainage = k_sat * 86400 * S^(2B + 3)                                 (Campbell 1974 conductivity)
 *   W' = min(W_cap, max(0, W + rain + melt - transpiration - soil evaporation - drainage));
 *   what exceeds W_cap leaves as surface runoff.
 */
import * as tf from '@tensorflow/tfjs';

/** depth of the single root-zone layer, mm */
export const ROOT_ZONE_MM = 1000;
/** lower bound of relative saturation in the btran formula (CLM4.5) */
export const MIN_RELATIVE_SATURATION = 0.01;

export interface SoilProperties {
  /** per cell: porosity [-], saturated matric potential [mm, negative], Clapp-Hornberger B [-], k_sat [mm d-1], bucket capacity [mm] */
  readonly thetaSat: Float32Array;
  readonly psiSat: Float32Array;
  readonly bSoil: Float32Array;
  readonly ksatMmPerDay: Float32Array;
  readonly capacityMm: Float32Array;
}

/** CLM4.5 pedotransfer functions per cell (sand, clay in %, organic fraction 0..1). */
export function soilProperties(sand: ArrayLike<number>, clay: ArrayLike<number>, organic: ArrayLike<number>): SoilProperties {
  const n = sand.length;
  const thetaSat = new Float32Array(n);
  const psiSat = new Float32Array(n);
  const bSoil = new Float32Array(n);
  const ksat = new Float32Array(n);
  const cap = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    // gaps in the soil maps (NaN) fall back to a loam so the cell still simulates
    const sa = Number.isFinite(sand[i]!) ? Math.min(100, Math.max(0, sand[i]!)) : 40;
    const cl = Number.isFinite(clay[i]!) ? Math.min(100, Math.max(0, clay[i]!)) : 20;
    const om = Number.isFinite(organic[i]!) ? Math.min(1, Math.max(0, organic[i]!)) : 0;
    thetaSat[i] = (1 - om) * (0.489 - 0.00126 * sa) + 0.9 * om;
    psiSat[i] = (1 - om) * (-10 * 10 ** (1.88 - 0.0131 * sa)) + om * -10.3;
    bSoil[i] = (1 - om) * (2.91 + 0.159 * cl) + 2.7 * om;
    ksat[i] = 0.0070556 * 10 ** (-0.884 + 0.0153 * sa) * 86400;
    cap[i] = thetaSat[i]! * ROOT_ZONE_MM;
  }
  return { thetaSat, psiSat, bSoil, ksatMmPerDay: ksat, capacityMm: cap };
}

/**
 * CLM4.5 btran of the one-layer bucket (tensors broadcast together).
 * @param logS log of relative saturation S (already clamped to [0.01, 1])
 * @param psiSat saturated matric potential, mm (negative)
 * @param b exponent B
 * @param psiOpen, psiClose potentials of full opening / closure, mm (negative)
 * @param unfrozen 1 where the soil is above T_f - 2, else 0
 * @returns btran in [0, 1]
 */
export function btranFromSaturation(
  logS: tf.Tensor,
  psiSat: tf.Tensor,
  b: tf.Tensor,
  psiOpen: tf.Tensor,
  psiClose: tf.Tensor,
  unfrozen: tf.Tensor,
): tf.Tensor {
  return tf.tidy(() => {
    const psi = tf.maximum(tf.mul(psiSat, tf.exp(tf.mul(tf.neg(b), logS))), psiClose);
    const w = tf.minimum(tf.div(tf.sub(psiClose, psi), tf.sub(psiClose, psiOpen)), 1);
    return tf.mul(w, unfrozen);
  });
}
