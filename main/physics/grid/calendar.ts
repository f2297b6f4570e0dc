/**
 * Calendar-dependent, parameter-free inputs of the grid process model: day of year, day length per
 * cell, and the atmospheric CO2 mole fraction of the year. Computed in plain JavaScript.
 */
import { addDays, dayOfYear } from '../../data/time-axis.ts';
import { dayLengthHours } from './solar.ts';

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

export interface ChunkCalendar {
  /** day of year (1..366) and fractional calendar year, [batch][time] flattened (b * time + t) */
  readonly doy: Int16Array;
  readonly co2: Float32Array;
  /** day length in hours, [batch][time][cell] flattened */
  readonly dayLengthH: Float32Array;
}

/**
 * Calendar of a chunk: batch element b covers days startDays[b] .. startDays[b] + time - 1 on the
 * axis that starts at startDate.
 * @param latDeg latitude of every cell, degrees north
 * @param co2At the CO2 (ppm) of a date where a scenario sets it (Dataset.atmosphericCo2Ppm);
 *   default the historic Mauna Loa value of the year
 */
export function chunkCalendar(startDate: string, startDays: readonly number[], time: number, latDeg: Float32Array, co2At?: (isoDate: string) => number): ChunkCalendar {
  const batch = startDays.length;
  const n = latDeg.length;
  const doy = new Int16Array(batch * time);
  const co2 = new Float32Array(batch * time);
  const dayLengthH = new Float32Array(batch * time * n);
  // day length depends on latitude only through the row: cache per distinct latitude
  const lats = [...new Set(Array.from(latDeg))];
  const latIndex = new Int32Array(n);
  for (let c = 0; c < n; c++) latIndex[c] = lats.indexOf(latDeg[c]!);
  const perLat = new Float32Array(lats.length);
  for (let b = 0; b < batch; b++) {
    let iso = addDays(startDate, startDays[b]!);
    for (let t = 0; t < time; t++) {
      const d = dayOfYear(iso);
      const year = Number(iso.slice(0, 4)) + (d - 0.5) / 365.25;
      doy[b * time + t] = d;
      co2[b * time + t] = co2At ? co2At(iso) : co2Ppm(year);
      for (let k = 0; k < lats.length; k++) perLat[k] = dayLengthHours(lats[k]!, d);
      const base = (b * time + t) * n;
      for (let c = 0; c < n; c++) dayLengthH[base + c] = perLat[latIndex[c]!]!;
      iso = addDays(iso, 1);
    }
  }
  return { doy, co2, dayLengthH };
}
