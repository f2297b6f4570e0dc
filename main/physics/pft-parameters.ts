/**
 * CLM4.5 plant functional types and the leaf parameters the photosynthesis model takes from them.
 * vcmax25 (canopy top), soil matric potentials for open / closed stomata (smpso / smpsc) are from
 * the CLM4.5 Technical Note (Oleson et al. 2013, Table 8.1); Medlyn slopes are the CLM5 values,
 * and the crop slope (6.0) is the one the seed's example leaf dataset uses.
 */
import { MEDLYN_INTERCEPT_C3, MEDLYN_INTERCEPT_C4 } from './constants.ts';

export type PhotosyntheticPathway = 'C3' | 'C4';

export interface PftParameters {
  /** CLM4.5 PFT index (1-based; 0 is bare soil) */
  readonly clmIndex: number;
  /** the name used in leaf datasets (e.g. the example dataset's PFT column) */
  readonly name: string;
  readonly pathway: PhotosyntheticPathway;
  /** maximum carboxylation rate at 25 C, canopy top [umol CO2 m-2 s-1] */
  readonly vcmax25: number;
  /** Medlyn g1 [kPa^0.5] */
  readonly medlynSlope: number;
  /** soil matric potential at which stomata are fully open [mm] */
  readonly psiOpenMm: number;
  /** soil matric potential at which stomata are fully closed [mm] */
  readonly psiCloseMm: number;
}

function pft(clmIndex: number, name: string, pathway: PhotosyntheticPathway, vcmax25: number, medlynSlope: number, psiOpenMm: number, psiCloseMm: number): PftParameters {
  return Object.freeze({ clmIndex, name, pathway, vcmax25, medlynSlope, psiOpenMm, psiCloseMm });
}

export const CLM45_PFTS: readonly PftParameters[] = Object.freeze([
  pft(1, 'NET Temperate', 'C3', 62.5, 2.35, -66000, -255000),
  pft(2, 'NET Boreal', 'C3', 62.6, 2.35, -66000, -255000),
  pft(3, 'NDT Boreal', 'C3', 39.1, 2.35, -66000, -255000),
  pft(4, 'BET Tropical', 'C3', 55.0, 4.12, -66000, -255000),
  pft(5, 'BET Temperate', 'C3', 61.5, 4.12, -66000, -255000),
  pft(6, 'BDT Tropical', 'C3', 41.0, 4.45, -35000, -224000),
  pft(7, 'BDT Temperate', 'C3', 57.7, 4.45, -35000, -224000),
  pft(8, 'BDT Boreal', 'C3', 57.7, 4.45, -35000, -224000),
  pft(9, 'BES Temperate', 'C3', 61.7, 4.7, -83000, -428000),
  pft(10, 'BDS Temperate', 'C3', 54.0, 4.7, -83000, -428000),
  pft(11, 'BDS Boreal', 'C3', 54.0, 4.7, -83000, -428000),
  pft(12, 'C3 arctic grass', 'C3', 78.2, 2.22, -74000, -275000),
  pft(13, 'C3 grass', 'C3', 78.2, 5.25, -74000, -275000),
  pft(14, 'C4 grass', 'C4', 51.6, 1.62, -74000, -275000),
  pft(15, 'Crop R', 'C3', 100.7, 6.0, -74000, -275000),
]);

const BY_KEY = new Map(CLM45_PFTS.map((p) => [pftKey(p.name), p]));

/** case- and spacing-insensitive key, so 'c3 grass' and 'C3  Grass' name the same PFT */
export function pftKey(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_-]+/g, ' ');
}

/** The CLM4.5 PFT of this name, or undefined. */
export function findPft(name: string): PftParameters | undefined {
  return BY_KEY.get(pftKey(name));
}

/** The CLM4.5 PFT of this name; throws listing the known names. */
export function getPft(name: string): PftParameters {
  const p = findPft(name);
  if (!p) throw new Error(`unknown PFT '${name}' (known: ${CLM45_PFTS.map((q) => q.name).join(', ')})`);
  return p;
}

/** Unstressed Medlyn intercept g0 of a pathway [umol H2O m-2 s-1]. */
export function medlynInterceptFor(pathway: PhotosyntheticPathway): number {
  return pathway === 'C3' ? MEDLYN_INTERCEPT_C3 : MEDLYN_INTERCEPT_C4;
}
