/**
 * Leaf inputs a dataset may lack but that follow from others, each stated in the read report:
 * air pressure from the site elevation, leaf-to-air VPD from relative humidity, and a default
 * boundary-layer conductance (only when the user asks for it with --fill BLCond=default).
 */

/**
 * Air pressure [kPa] at an elevation [m] in the ICAO standard atmosphere (troposphere):
 * P = 101.325 (1 - 0.0065 z / 288.15)^5.25588, the exponent being g M / (R L).
 * Weather moves real pressure by a few per cent around it.
 */
export function pressureFromElevationKPa(elevationM: number): number {
  return 101.325 * (1 - (0.0065 * elevationM) / 288.15) ** 5.25588;
}

/** Saturation vapour pressure over water [kPa] at T [C]: FAO-56 eq. 11 (Tetens form). */
export function saturationVapourPressureKPa(tC: number): number {
  return 0.6108 * Math.exp((17.27 * tC) / (tC + 237.3));
}

/**
 * Leaf-to-air vapour pressure deficit [kPa] from relative humidity [%] taken at air temperature:
 * VPD = es(Tleaf) - RH / 100 x es(Tair), the deficit the leaf model's stomata respond to.
 */
export function vpdFromRelativeHumidityKPa(rhPct: number, tLeafC: number, tAirC: number): number {
  return saturationVapourPressureKPa(tLeafC) - (rhPct / 100) * saturationVapourPressureKPa(tAirC);
}

/**
 * Boundary-layer conductance used for --fill BLCond=default [mol m-2 s-1]: 2.84, the lowest
 * value in the bundled example dataset (Lin et al. 2015 compilation), twice the one-sided
 * 1.42 commonly quoted for a LI-6400 2x3 cm chamber holding a 6 cm2 leaf.
 */
export const DEFAULT_BL_COND = 2.84;
