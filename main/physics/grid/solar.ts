/**
 * Sun geometry and radiation conversions for the daily grid process model.
 *
 * Day length and extraterrestrial radiation follow FAO-56 (Allen et al. 1998, eqs. 21-25, 34):
 *   solar declination  delta = 0.409 sin(2 pi J / 365 - 1.39)             [rad]
 *   sunset hour angle  omega_s = acos(-tan(phi) tan(delta))                 [rad]
 *   day length         N = 24 / pi * omega_s                                [h]
 *   inverse distance   d_r = 1 + 0.033 cos(2 pi J / 365)
 *   Ra = 24*60/pi * Gsc * d_r * (omega_s sin phi sin delta + cos phi cos delta sin omega_s)  [MJ m-2 d-1]
 * These depend only on latitude and date, never on learned parameters, so they are computed in
 * plain JavaScript once per chunk and handed to the tensor code as constants.
 */

/** Solar constant, MJ m-2 min-1 (FAO-56). */
export const SOLAR_CONSTANT = 0.082;
/** Fraction of shortwave that is photosynthetically active (400-700 nm); Monteith & Unsworth. */
export const PAR_FRACTION = 0.5;
/** Photon flux per unit PAR energy, umol J-1 (McCree 1972; 4.6 used by CLM and most models). */
export const UMOL_PER_J_PAR = 4.6;

const DEG = Math.PI / 180;

/** Solar declination, radians, for day of year J (1..366). */
export function solarDeclination(dayOfYear: number): number {
  return 0.409 * Math.sin((2 * Math.PI * dayOfYear) / 365 - 1.39);
}

/** Sunset hour angle, radians; clamped for polar day (pi) and polar night (0). */
export function sunsetHourAngle(latDeg: number, dayOfYear: number): number {
  const x = -Math.tan(latDeg * DEG) * Math.tan(solarDeclination(dayOfYear));
  return Math.acos(Math.min(1, Math.max(-1, x)));
}

/** Astronomical day length, hours (FAO-56 eq. 34). */
export function dayLengthHours(latDeg: number, dayOfYear: number): number {
  return (24 / Math.PI) * sunsetHourAngle(latDeg, dayOfYear);
}

/** Extraterrestrial (top-of-atmosphere) radiation, MJ m-2 d-1 (FAO-56 eq. 21). */
export function extraterrestrialRadiation(latDeg: number, dayOfYear: number): number {
  const phi = latDeg * DEG;
  const delta = solarDeclination(dayOfYear);
  const ws = sunsetHourAngle(latDeg, dayOfYear);
  const dr = 1 + 0.033 * Math.cos((2 * Math.PI * dayOfYear) / 365);
  return (
    ((24 * 60) / Math.PI) *
    SOLAR_CONSTANT *
    dr *
    (ws * Math.sin(phi) * Math.sin(delta) + Math.cos(phi) * Math.cos(delta) * Math.sin(ws))
  );
}

/**
 * Mean PAR photon flux density during daylight, umol m-2 s-1, from the daily-mean shortwave
 * (W m-2, the NLDAS daily mean over 24 h). The daily energy is spread over the daylight hours
 * only, since photosynthesis happens only then.
 */
export function daytimePar(swDownDailyMean: number, dayLengthH: number): number {
  const dl = Math.max(dayLengthH, 0.5);
  return swDownDailyMean * (24 / dl) * PAR_FRACTION * UMOL_PER_J_PAR;
}
