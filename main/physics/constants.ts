/**
 * Physical constants and fixed FATES/CLM leaf-physiology constants shared by the leaf model.
 * Values follow FATES (FatesPlantRespPhotosynthMod / FatesConstantsMod) as used by the seed
 * paper's published implementation, so that a forward run reproduces it.
 */

/** universal gas constant [J K-1 mol-1] */
export const R_GAS = 8.3144598;
/** freezing point of water [K] */
export const T_FREEZE_K = 273.15;
/** reference temperature of the *25 parameters [K] */
export const T_REF_K = T_FREEZE_K + 25;
/** molar fraction of O2 in air [-] */
export const O2_FRACTION = 0.209;
/** PAR energy to photon conversion used by FATES [umol photons J-1] */
export const UMOL_PER_J_PAR = 4.6;

/** Michaelis-Menten constant for CO2 at 25 C [umol mol-1] */
export const KC25_UMOL_PER_MOL = 404.9;
/** Michaelis-Menten constant for O2 at 25 C [mmol mol-1] */
export const KO25_MMOL_PER_MOL = 278.4;
/** CO2 compensation point at 25 C [umol mol-1] */
export const GAMMA_STAR25_UMOL_PER_MOL = 42.75;

/** activation energies [J mol-1] */
export const HA_KC = 79430;
export const HA_KO = 36380;
export const HA_GAMMA_STAR = 37830;
export const HA_VCMAX = 65330;
export const HA_JMAX = 43540;
export const HA_RD = 46390;
/** deactivation energies [J mol-1] and entropy terms [J mol-1 K-1] of high-temperature inhibition */
export const HD_VCMAX = 149250;
export const SE_VCMAX = 485;
export const HD_JMAX = 152040;
export const SE_JMAX = 495;
export const HD_RD = 150650;
export const SE_RD = 490;
/** FATES's fixed high-temperature scaling factor for leaf respiration (not derived from hd, se) */
export const RD_HIGH_TEMP_SCALE = 1.15912391;

/** quantum efficiency of C4 photosynthesis [mol CO2 mol-1 photons] */
export const C4_QUANTUM_EFFICIENCY = 0.05;
/** fraction of absorbed light lost to non-photosynthetic pigments [-] */
export const F_NON_PHOTOSYNTHETIC = 0.15;
/** curvature of the electron-transport light response [-] */
export const THETA_PSII = 0.7;
/** co-limitation curvature of Rubisco vs RuBP rates (C3 and C4) [-] */
export const THETA_CJ = 0.999;
/** co-limitation curvature of the intermediate vs PEP-carboxylase rate (C4) [-] */
export const THETA_IP = 0.999;
/** ratio of H2O to CO2 diffusivity in the leaf boundary layer [-] */
export const H2O_CO2_BL_RATIO = 1.4;
/** ratio of H2O to CO2 diffusivity through stomata [-] */
export const H2O_CO2_STOMA_RATIO = 1.6;
/** Jmax25 / Vcmax25 [-] */
export const JMAX_TO_VCMAX = 1.67;
/** C4 initial CO2-response slope at 25 C per unit Vcmax25 [-] (FATES: 20000 * vcmax25, in umol m-2 s-1 per unit (Pa / Pa)) */
export const C4_SLOPE_TO_VCMAX = 20000;
/** leaf respiration at 25 C per unit Vcmax25 [-] */
export const RD_TO_VCMAX_C3 = 0.015;
export const RD_TO_VCMAX_C4 = 0.025;
/** unstressed stomatal intercept of the Medlyn model [umol H2O m-2 s-1] */
export const MEDLYN_INTERCEPT_C3 = 10000;
export const MEDLYN_INTERCEPT_C4 = 40000;
/** maximum stomatal resistance [s m-1]; its inverse floors the conductance */
export const RS_MAX = 2.0e8;
/** initial guess of Ci / Cs for the Newton solve [-] */
export const CI_GUESS_RATIO_C3 = 0.7;
export const CI_GUESS_RATIO_C4 = 0.4;
/** added under square roots and to denominators so roots and their gradients stay finite */
export const QUADRATIC_EPS = 1e-8;
