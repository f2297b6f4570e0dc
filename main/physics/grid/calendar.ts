/**
 * Calendar-dependent, parameter-free inputs of the grid process model: day of year, day length per
 * cell, and the atmospheric CO2 mole fraction of the year. Computed in plain JavaScript.
 */
import { addDays, dayOfYear } from '../../data/time-axis.ts';
import { dayLengthHours } from './solar.ts';
import { co2Ppm } from '../../data/historic-co2.ts';

// the historic CO2 lives with the data (the virtual basin's generator needs it too)
export { co2Ppm } from '../../data/historic-co2.ts';

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
