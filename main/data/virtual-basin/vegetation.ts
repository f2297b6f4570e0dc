/**
 * The "true" vegetation of the virtual basin: a bucket soil-water and degree-day snow model feeding
 * a growing-degree-day / soil-moisture-index phenology with a logistic leaf-area growth toward a
 * water-limited carrying capacity. It deliberately shares no structure with VegDyn's own physics
 * (no Farquhar/Collatz photosynthesis, no stomatal conductance, no leaf carbon balance), so no
 * model in the app is handed the answer. Memory enters through soil water (weeks to months),
 * snowpack (months), smoothed moisture and vigour indices (20 and 45 days), the phenology state
 * and the leaf area itself.
 *
 * Atmospheric CO2 (a changed climate, changed-climate.ts) acts through two documented effects,
 * both functions of r = CO2 / historic CO2 of the same date, so the historic record (r = 1) is
 * exactly what it was before CO2 entered the model (generator 1.2.0, the numbers unchanged):
 * - fertilization (Keeling-Bacastow beta factor on the leaf-area range of the carrying capacity):
 *   K = LAI_min + (LAI_max - LAI_min) x season x supply x (1 + CO2_LAI_BETA ln r)
 * - water-use efficiency (partial stomatal closure): evapotranspiration x r^(-CO2_ET_EXPONENT),
 *   which leaves more soil water and so more supply where water limits the canopy.
 * The constants and their sources are in docs/virtual-basin.md ("Changed climate").
 */
import type { LandCoverCode } from '../dataset.ts';
import { STEFAN_BOLTZMANN, clamp } from './climate.ts';

/** Per-class vegetation parameters; see docs/virtual-basin.md for their origin. */
export interface VegetationParams {
  /** leaf area the class keeps all year (evergreen needles, dormant stems), m2 m-2 */
  readonly laiMin: number;
  /** peak leaf area under ideal water supply, m2 m-2 */
  readonly laiMax: number;
  /** growing degree days (base 5 C, from 1 January) at half green-up */
  readonly gddHalf: number;
  /** autumn: 10-day mean temperature (C) at which the canopy is half senesced */
  readonly tSenesce: number;
  /** rooting depth, mm */
  readonly rootDepthMm: number;
  /** relative leaf growth rate of the logistic, per day */
  readonly growthRate: number;
  /** e-folding time of leaf loss above the carrying capacity, days */
  readonly senesceDays: number;
  /** seasonal (deciduous) share of the canopy, 0..1 */
  readonly seasonalShare: number;
  /** how strongly soil water limits the carrying capacity, 0 (deep roots, irrigation) .. 1 */
  readonly waterSensitivity: number;
}

export const VEGETATION_PARAMS: Readonly<Record<LandCoverCode, VegetationParams>> = Object.freeze({
  1: { laiMin: 1.2, laiMax: 4.2, gddHalf: 220, tSenesce: 3, rootDepthMm: 1000, growthRate: 0.05, senesceDays: 25, seasonalShare: 0.7, waterSensitivity: 0.5 },
  4: { laiMin: 0.25, laiMax: 4.8, gddHalf: 260, tSenesce: 7, rootDepthMm: 1200, growthRate: 0.09, senesceDays: 12, seasonalShare: 1, waterSensitivity: 0.6 },
  7: { laiMin: 0.12, laiMax: 1.3, gddHalf: 250, tSenesce: 6, rootDepthMm: 900, growthRate: 0.06, senesceDays: 20, seasonalShare: 0.8, waterSensitivity: 1 },
  10: { laiMin: 0.08, laiMax: 2.0, gddHalf: 300, tSenesce: 7, rootDepthMm: 500, growthRate: 0.08, senesceDays: 15, seasonalShare: 1, waterSensitivity: 1 },
  12: { laiMin: 0.1, laiMax: 4.5, gddHalf: 380, tSenesce: 8, rootDepthMm: 700, growthRate: 0.1, senesceDays: 10, seasonalShare: 1, waterSensitivity: 0.6 },
  16: { laiMin: 0.02, laiMax: 0.25, gddHalf: 300, tSenesce: 7, rootDepthMm: 300, growthRate: 0.05, senesceDays: 20, seasonalShare: 1, waterSensitivity: 1 },
});

const DEGREE_DAY_MELT = 3.0; // mm per K per day (snow melt factor)
const SNOW_COVER_SWE = 10; // mm of snow water above which the ground counts as snow-covered
const LATENT_HEAT = 2.45; // MJ kg-1
/**
 * beta of the leaf-area response, 1 + beta ln(CO2 / CO2_ref): growth betas of 0.1-0.3 are the most
 * likely range fitted for grassland (Kellner et al. 2017) and 0.4 (C4) to 0.8 (C3) are used for
 * crop growth (Soltani & Sinclair 2012); leaf area responds less than biomass (specific leaf area
 * falls under elevated CO2, Ainsworth & Long 2005), so the upper end of the grassland range:
 * +10 % of the leaf-area range at 550 ppm against the 2010 record (390 ppm).
 */
export const CO2_LAI_BETA = 0.3;
/**
 * exponent of the evapotranspiration response, r^-0.3: -9.8 % at 550 against 390 ppm. Leaf stomatal
 * conductance falls ~21 % in long-term elevated-CO2 studies (Medlyn et al. 2001, FACE at 475-600 ppm);
 * at canopy scale the fall is damped, and an eddy-covariance inversion gives -0.073 % transpiration
 * per ppm (Ueyama et al. 2020), -11.7 % for +160 ppm.
 */
export const CO2_ET_EXPONENT = 0.3;

/** The CO2 factors of the leaf-area range and of evapotranspiration at CO2 ratio r (exactly 1 at r = 1). */
export function co2Factors(ratio: number): { lai: number; et: number } {
  if (ratio === 1) return { lai: 1, et: 1 };
  if (!(ratio > 0)) throw new Error(`virtual basin vegetation: CO2 ratio must be positive, got ${ratio}`);
  return { lai: 1 + CO2_LAI_BETA * Math.log(ratio), et: ratio ** -CO2_ET_EXPONENT };
}

export interface VegetationState {
  readonly swe: Float32Array;
  readonly soilWater: Float32Array;
  readonly capacity: Float32Array;
  readonly smiSlow: Float32Array;
  readonly vigour: Float32Array;
  readonly tMean10: Float32Array;
  readonly gdd: Float32Array;
  readonly phenology: Float32Array;
  readonly lai: Float32Array;
}

/** Plant-available water capacity (volumetric fraction) from texture: a simplified Saxton & Rawls (2006) trend. */
export function availableWaterFraction(sand: number, clay: number, organic: number): number {
  return clamp(0.05 + 0.15 * (1 - sand / 100) - 0.1 * Math.max(clay / 100 - 0.35, 0) + 0.25 * organic, 0.04, 0.25);
}

export class VegetationModel {
  readonly state: VegetationState;
  readonly params: VegetationParams[];

  constructor(readonly landCover: Uint8Array, private readonly sand: Float32Array, private readonly clay: Float32Array, private readonly organic: Float32Array) {
    const n = landCover.length;
    const mk = () => new Float32Array(n);
    this.state = { swe: mk(), soilWater: mk(), capacity: mk(), smiSlow: mk(), vigour: mk(), tMean10: mk(), gdd: mk(), phenology: mk(), lai: mk() };
    this.params = [];
    for (let i = 0; i < n; i++) {
      const code = (landCover[i] || 7) as LandCoverCode;
      const p = VEGETATION_PARAMS[code] ?? VEGETATION_PARAMS[7];
      this.params.push(p);
      const cap = p.rootDepthMm * availableWaterFraction(sand[i]!, clay[i]!, organic[i]!);
      this.state.capacity[i] = cap;
      this.state.soilWater[i] = 0.5 * cap;
      this.state.smiSlow[i] = 0.5;
      this.state.vigour[i] = 0.5;
      this.state.lai[i] = p.laiMin;
    }
  }

  /** An independent copy in the same state (a changed climate branches off the baseline here). */
  clone(): VegetationModel {
    const copy = new VegetationModel(this.landCover, this.sand, this.clay, this.organic);
    for (const key of Object.keys(this.state) as (keyof VegetationState)[]) copy.state[key].set(this.state[key]);
    return copy;
  }

  /**
   * Advances every cell by one day. Inputs are that day's forcing arrays (NLDAS units); `doy` is
   * the day of year. Writes the day's LAI into `laiOut` and snow cover (0/1) into `snowOut`.
   * `co2Ratio` is the day's CO2 over the historic CO2 of the date (1: the historic record).
   */
  step(doy: number, rainf: Float32Array, tair: Float32Array, psurf: Float32Array, swdown: Float32Array, lwdown: Float32Array, laiOut: Float32Array, snowOut: Uint8Array, co2Ratio = 1): void {
    const co2 = co2Factors(co2Ratio);
    // locals for the hot loop (3402 cells x 13 000+ days)
    const { swe: sweA, soilWater, capacity, smiSlow: smiA, vigour: vigA, tMean10, gdd: gddA, phenology, lai: laiA } = this.state;
    const params = this.params;
    const cropland = VEGETATION_PARAMS[12];
    const n = this.landCover.length;
    const autumn = doy > 200;
    const irrigationSeason = doy >= 120 && doy <= 270;
    for (let i = 0; i < n; i++) {
      const p = params[i]!;
      const tc = tair[i]! - 273.15;
      // snow: rain/snow partition over -1.5..+1.5 C, degree-day melt
      const snowFrac = clamp((1.5 - tc) / 3, 0, 1);
      let swe = sweA[i]! + rainf[i]! * snowFrac;
      const melt = Math.min(swe, DEGREE_DAY_MELT * Math.max(tc, 0));
      swe -= melt;
      const sublimation = Math.min(swe, 0.3);
      swe -= sublimation;
      sweA[i] = swe;
      const snowCovered = swe > SNOW_COVER_SWE;
      snowOut[i] = snowCovered ? 1 : 0;
      // soil bucket: infiltration, saturation excess, Priestley-Taylor evapotranspiration, drainage
      const cap = capacity[i]!;
      let w = soilWater[i]! + rainf[i]! * (1 - snowFrac) + melt;
      if (w > cap) w = cap;
      const tk = tair[i]!;
      const albedo = snowCovered ? 0.6 : 0.2;
      const rn = Math.max((1 - albedo) * swdown[i]! + lwdown[i]! - 0.97 * STEFAN_BOLTZMANN * tk ** 4, 0); // W m-2
      const es = 0.6108 * Math.exp((17.27 * tc) / (tc + 237.3)); // kPa (FAO-56 eq. 11)
      const delta = (4098 * es) / (tc + 237.3) ** 2; // kPa K-1 (FAO-56 eq. 13)
      const gammaPsy = 0.000665 * (psurf[i]! / 1000); // kPa K-1 (FAO-56 eq. 8)
      const pet = tc > 0 ? (1.26 * delta) / (delta + gammaPsy) * (rn * 0.0864) / LATENT_HEAT : 0; // mm day-1
      const lai = laiA[i]!;
      const cover = 0.25 + 0.75 * (1 - Math.exp(-0.5 * lai));
      const et = snowCovered ? 0 : pet * cover * Math.min(1, w / (0.7 * cap)) * co2.et;
      w = Math.max(w - et, 0);
      w -= 0.01 * w * (w / cap) ** 4; // slow deep drainage when wet
      // irrigated cropland: water applied during the season whenever the root zone falls below half
      if (p === cropland && irrigationSeason && w < 0.5 * cap) w = 0.5 * cap;
      soilWater[i] = w;
      // moisture memory: 20-day smoothed soil-moisture index, 45-day vigour
      const smi = w / cap;
      const smiSlow = smiA[i]! + (smi - smiA[i]!) / 20;
      smiA[i] = smiSlow;
      const water = clamp((smiSlow - 0.08) / 0.47, 0, 1);
      const vigour = vigA[i]! + (water - vigA[i]!) / 45;
      vigA[i] = vigour;
      // phenology: growing degree days from 1 January; autumn senescence on the 10-day mean temperature
      const gdd = doy === 1 ? 0 : gddA[i]! + Math.max(tc - 5, 0);
      gddA[i] = gdd;
      const tMean = tMean10[i]! + (tc - tMean10[i]!) / 10;
      tMean10[i] = tMean;
      const greenUp = 1 / (1 + Math.exp(-(gdd - p.gddHalf) / (0.25 * p.gddHalf)));
      const cold = autumn ? 1 / (1 + Math.exp(-(tMean - p.tSenesce) / 1.5)) : 1;
      const target = greenUp * cold;
      const ph = phenology[i]! + (target - phenology[i]!) / (target > phenology[i]! ? 8 : 12);
      phenology[i] = ph;
      // carrying capacity: seasonal share follows phenology; all leaf area is water limited
      const season = 1 - p.seasonalShare + p.seasonalShare * ph;
      const supply = 1 - p.waterSensitivity + p.waterSensitivity * (0.35 * water + 0.65 * vigour);
      const k = p.laiMin + (p.laiMax - p.laiMin) * season * supply * co2.lai;
      let next: number;
      if (k > lai) next = lai + p.growthRate * Math.max(lai, 0.05) * (1 - lai / k);
      else next = lai - (lai - k) / p.senesceDays;
      next = clamp(next, 0, 8);
      laiA[i] = next;
      laiOut[i] = next;
    }
  }
}
