/**
 * The historic atmospheric CO2 the record is taken to have had: Mauna Loa annual means. The grid
 * process model uses it for every historic day (physics/grid/calendar.ts), the networks' co2_change
 * channel is measured from it, and the virtual basin's generator scales its CO2 response by it.
 */
import { dayOfYear } from './time-axis.ts';

/**
 * Annual-mean CO2 at Mauna Loa (NOAA GML), umol mol-1, at decade anchors; linear in between and
 * held constant outside 1960..2020.
 */
const CO2_ANCHORS: readonly (readonly [number, number])[] = [
  [1960, 316.9], [1970, 325.7], [1980, 338.8], [1990, 354.4], [2000, 369.7], [2010, 389.9], [2020, 414.2],
];

export function co2Ppm(year: number): number {
  const first = CO2_ANCHORS[0]!;
  const last = CO2_ANCHORS[CO2_ANCHORS.length - 1]!;
  if (year <= first[0]) return first[1];
  if (year >= last[0]) return last[1];
  for (let i = 1; i < CO2_ANCHORS.length; i++) {
    const [y1, c1] = CO2_ANCHORS[i]!;
    const [y0, c0] = CO2_ANCHORS[i - 1]!;
    if (year <= y1) return c0 + ((c1 - c0) * (year - y0)) / (y1 - y0);
  }
  return last[1];
}

/** The historic CO2 (ppm) of an ISO date: co2Ppm at the date's fractional year (mid-day), as the process model takes it. */
export function historicCo2OnDate(isoDate: string): number {
  return co2Ppm(Number(isoDate.slice(0, 4)) + (dayOfYear(isoDate) - 0.5) / 365.25);
}
