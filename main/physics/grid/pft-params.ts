/**
 * Plant functional types (PFTs) of the grid process model, the land-cover -> PFT mapping, and the
 * per-PFT parameters: the six LEARNED key parameters (default, declared range, unit, source) and
 * the FIXED ones. Defaults are CLM4.5-style (Oleson et al. 2013, CLM4.5 Technical Note, NCAR/TN-503;
 * its pft-physiology parameter file) unless the `source` says otherwise. Every value is repeated,
 * with its source, in docs/physics-grid-model.md.
 */
import type { LandCoverCode } from '../../data/dataset.ts';
import { defineRange, type ParameterRange } from '../parameter-range.ts';
import { getPft, type PftParameters as LeafPft } from '../pft-parameters.ts';

export const PFT_NAMES = [
  'needleleaf-evergreen-temperate-tree',
  'broadleaf-deciduous-temperate-tree',
  'broadleaf-deciduous-temperate-shrub',
  'c3-grass',
  'c3-crop',
] as const;
export type PftName = (typeof PFT_NAMES)[number];
export const PFT_COUNT = PFT_NAMES.length;

/** The leaf model's CLM4.5 PFT (main/physics/pft-parameters.ts) behind each grid PFT. */
export const LEAF_PFTS: readonly LeafPft[] = Object.freeze(
  ['NET Temperate', 'BDT Temperate', 'BDS Temperate', 'C3 grass', 'Crop R'].map((n) => getPft(n)),
);

/**
 * Land cover (IGBP-like code, dataset.ts) -> PFT index and vegetated fraction of the cell.
 * Barren land is modelled as a sparse shrub cover (15 % of the cell), so that it still carries
 * the small LAI that satellite products report there. Code 0 (no data) gets grass with fraction 0.
 */
export const LAND_COVER_TO_PFT: Readonly<Record<LandCoverCode | 0, { pft: number; vegFraction: number }>> = Object.freeze({
  0: { pft: 3, vegFraction: 0 },
  1: { pft: 0, vegFraction: 1 },
  4: { pft: 1, vegFraction: 1 },
  7: { pft: 2, vegFraction: 1 },
  10: { pft: 3, vegFraction: 1 },
  12: { pft: 4, vegFraction: 1 },
  16: { pft: 2, vegFraction: 0.15 },
});

export function pftOfLandCover(code: number): { pft: number; vegFraction: number } {
  const m = (LAND_COVER_TO_PFT as Record<number, { pft: number; vegFraction: number }>)[code];
  if (!m) throw new Error(`no PFT for land-cover code ${code} (known: ${Object.keys(LAND_COVER_TO_PFT).join(', ')})`);
  return m;
}

export const LEARNED_PARAMETER_NAMES = ['vcmax25', 'sla', 'leafLongevity', 'leafAllocation', 'gsMax', 'g1Medlyn', 'bExponent'] as const;
export type LearnedParameterName = (typeof LEARNED_PARAMETER_NAMES)[number];

export interface ParameterSpec {
  /** declared physical range; the learned value is min + (max - min) * sigmoid(raw) (parameter-range.ts) */
  readonly range: ParameterRange;
  /** default per PFT, in PFT_NAMES order */
  readonly defaults: readonly number[];
  readonly source: string;
}

/** Clapp-Hornberger B of the reference soil (20 % clay, no organic matter), CLM4.5: 2.91 + 0.159 * 20. */
export const B_REFERENCE = 2.91 + 0.159 * 20;

export const PARAMETER_SPECS: Readonly<Record<LearnedParameterName, ParameterSpec>> = Object.freeze({
  vcmax25: {
    range: defineRange({ name: 'vcmax25', title: 'Maximum carboxylation rate at 25 °C', symbol: 'Vcmax25', units: 'umol CO2 m-2 s-1', min: 20, max: 150, description: 'maximum carboxylation rate at 25 C, top of canopy' }),
    defaults: LEAF_PFTS.map((p) => p.vcmax25),
    source: 'CLM4.5 Tech. Note Table 8.1 (Kattge et al. 2009), via main/physics/pft-parameters.ts',
  },
  sla: {
    range: defineRange({ name: 'sla', title: 'Specific leaf area', symbol: 'SLA', units: 'm2 g-1 C', min: 0.004, max: 0.06, description: 'specific leaf area: m2 of leaf per g of leaf carbon (LAI = sla * leaf carbon)' }),
    defaults: [0.01, 0.03, 0.03, 0.03, 0.03],
    source: 'CLM4.5 pft-physiology slatop',
  },
  leafLongevity: {
    range: defineRange({ name: 'leafLongevity', title: 'Leaf longevity', symbol: 'τ_leaf', units: 'yr', min: 0.25, max: 8, description: 'leaf longevity; background leaf turnover rate = 1 / (365 * longevity) per day' }),
    defaults: [3, 1, 1, 1, 1],
    source: 'CLM4.5 pft-physiology leaf_long',
  },
  leafAllocation: {
    range: defineRange({ name: 'leafAllocation', title: 'Leaf allocation fraction', symbol: 'a_leaf', units: '1', min: 0.05, max: 0.8, description: 'fraction of positive NPP allocated to leaves while the canopy grows' }),
    defaults: [0.26, 0.26, 0.44, 0.5, 0.5],
    source:
      'leaf share 1 / (1 + froot_leaf + stem_leaf (1 + croot_stem)) of CLM4.5 allocation: trees froot_leaf 1, dynamic stem_leaf ~1.46 at NPP 500 g C m-2 yr-1, croot_stem 0.3; shrub stem_leaf 0.2; grass and crop froot_leaf 1, no stem',
  },
  gsMax: {
    range: defineRange({ name: 'gsMax', title: 'Maximum stomatal conductance', symbol: 'g_s,max', units: 'mol H2O m-2 s-1', min: 0.02, max: 1.0, description: 'Jarvis maximum leaf stomatal conductance' }),
    defaults: [0.233, 0.188, 0.205, 0.303, 0.499],
    source: 'Koerner (1995) maximum leaf conductances (conifers 5.7, deciduous forest 4.6, shrubs 5.0, grassland 7.4, crops 12.2 mm s-1), at 0.0409 mol m-2 s-1 per mm s-1 (25 C, 101.3 kPa)',
  },
  g1Medlyn: {
    range: defineRange({ name: 'g1Medlyn', title: 'Medlyn stomatal slope', symbol: 'g1', units: 'kPa^0.5', min: 0.5, max: 10, description: 'Medlyn stomatal slope g1 (used when conductance = medlyn)' }),
    defaults: LEAF_PFTS.map((p) => p.medlynSlope),
    source: 'CLM5 medlynslope (Lin et al. 2015); crop 6.0 as in the seed leaf dataset (main/physics/pft-parameters.ts)',
  },
  bExponent: {
    range: defineRange({ name: 'bExponent', title: 'Soil-water stress exponent', symbol: 'B', units: '1', min: 2, max: 15, description: 'soil-water stress exponent B of the reference soil; a cell uses B * B_soil(cell) / B_REFERENCE' }),
    defaults: [B_REFERENCE, B_REFERENCE, B_REFERENCE, B_REFERENCE, B_REFERENCE],
    source: 'CLM4.5 B = 2.91 + 0.159 %clay at 20 % clay (seed 004 Appendix B)',
  },
});

/** Fixed per-PFT parameters (not learned). */
export interface FixedPftParameters {
  /** soil water potential at full stomatal opening / closure, mm (CLM4.5 smpso / smpsc) */
  readonly psiOpen: number;
  readonly psiClose: number;
  /**
   * how strongly the leaves drop when phenology switches off (0 = evergreen: only background
   * turnover; 1 = fully deciduous), and whether day length gates the season (seasonal deciduous)
   */
  readonly deciduousness: number;
  readonly photoperiodic: boolean;
  /** 10-day mean air temperature, deg C, at which the growing season is half on */
  readonly coldOnsetC: number;
}

const PHENOLOGY: readonly Omit<FixedPftParameters, 'psiOpen' | 'psiClose'>[] = [
  { deciduousness: 0, photoperiodic: false, coldOnsetC: 2 },
  { deciduousness: 1, photoperiodic: true, coldOnsetC: 7 },
  { deciduousness: 0.6, photoperiodic: false, coldOnsetC: 5 },
  { deciduousness: 1, photoperiodic: false, coldOnsetC: 5 },
  { deciduousness: 1, photoperiodic: false, coldOnsetC: 8 },
];

/** psi_o / psi_c from the leaf model's CLM4.5 table (smpso / smpsc); phenology per PFT type. */
export const FIXED_PFT_PARAMETERS: readonly FixedPftParameters[] = Object.freeze(
  LEAF_PFTS.map((p, k) => ({ psiOpen: p.psiOpenMm, psiClose: p.psiCloseMm, ...PHENOLOGY[k]! })),
);

/**
 * Checks that every parameter has one default per PFT and that each default lies strictly inside
 * its declared range (a sigmoid cannot reach the ends); the error names the field. Run at module
 * load on PARAMETER_SPECS, so a range edited to exclude its default stops the program at once.
 */
export function checkParameterSpecs(specs: Readonly<Record<string, ParameterSpec>>): void {
  for (const [name, s] of Object.entries(specs)) {
    if (s.defaults.length !== PFT_COUNT) throw new Error(`parameter ${name}: ${s.defaults.length} defaults for ${PFT_COUNT} PFTs (${PFT_NAMES.join(', ')})`);
    s.defaults.forEach((d, k) => {
      if (!(d > s.range.min && d < s.range.max)) {
        throw new Error(`parameter ${name}: defaults[${k}] (${PFT_NAMES[k]}) = ${d} ${s.range.units} lies outside its declared range ${s.range.min}..${s.range.max} (it must lie strictly inside)`);
      }
    });
  }
}
checkParameterSpecs(PARAMETER_SPECS);
