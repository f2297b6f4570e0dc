/**
 * What an evaluation could not compute, said per run (issue #11 §3, short records): a record
 * shorter than a year, or a test period of a few LAI dates, leaves the day-of-year climatology
 * without observed days of year and the NSE without enough dates, and the run says so instead of
 * showing bare "n/a".
 *
 * - Climatology: a test date whose day of year (+-halfWindow) the training period never observed
 *   gets an interpolated value (training/climatology.ts fills gaps circularly), and one observed in
 *   a single year gets that year's value: neither is a mean over years.
 * - NSE: undefined in a cell with fewer than DEFAULT_MIN_PAIRS paired dates, or whose observations
 *   do not vary.
 */
import type { Dataset } from '../data/dataset.ts';
import { addDays, dayOfYear } from '../data/time-axis.ts';
import type { Climatology } from '../training/climatology.ts';
import type { Evaluation } from './evaluate.ts';
import { DEFAULT_MIN_PAIRS } from './metrics.ts';

/** The note of every evaluation of a project without LAI observations (a physics-only run). */
export const NO_LAI_NOTE = 'the project has no LAI observations: nothing was scored (the daily LAI predictions are written and can be mapped; import observations with vegdyn import lai to score them)';

/** Circular distance between two days of year (1..366). */
function doyDistance(a: number, b: number): number {
  const d = Math.abs(a - b) % 366;
  return Math.min(d, 366 - d);
}

/** Lines saying what the climatology and the NSE could not compute in this evaluation; empty when all was computed. */
export function scoringNotes(dataset: Pick<Dataset, 'startDate' | 'observations' | 'mask'>, clim: Pick<Climatology, 'reference' | 'halfWindow'>, ev: Evaluation, cells?: Uint8Array): string[] {
  const lines: string[] = [];
  const { startDate, observations } = dataset;
  if (observations.dayIndex.length === 0) return [NO_LAI_NOTE];
  const ref = clim.reference;
  // the training-period observation dates: day of year and year of each
  const trainDates = [...observations.dayIndex].filter((d) => d >= ref.start && d < ref.end).map((d) => addDays(startDate, d));
  const train = trainDates.map((iso) => ({ doy: dayOfYear(iso), year: iso.slice(0, 4) }));
  let unobserved = 0;
  let oneYear = 0;
  for (const k of ev.observationRows) {
    const doy = dayOfYear(addDays(startDate, observations.dayIndex[k]!));
    const years = new Set(train.filter((t) => doyDistance(t.doy, doy) <= clim.halfWindow).map((t) => t.year));
    if (years.size === 0) unobserved++;
    else if (years.size === 1) oneYear++;
  }
  const m = ev.observationRows.length;
  const refText = `the training period ${addDays(startDate, ref.start)}..${addDays(startDate, ref.end - 1)} (${trainDates.length} LAI dates)`;
  if (unobserved > 0) {
    lines.push(`climatology: ${unobserved} of ${m} test dates fall on days of year that ${refText} never observed within +-${clim.halfWindow} days; there the climatology is interpolated between the nearest observed days of year, not a mean over years`);
  }
  if (oneYear > 0) {
    lines.push(`climatology: ${oneYear} of ${m} test dates have training observations of their day of year from one year only; there the climatology is that year's value (a mean over years needs at least 2 years of a day)`);
  }
  // the cells the evaluation scored: the basin, or the clip's cells in it (as evaluateEntries)
  const scored = Uint8Array.from(dataset.mask, (m, c) => (m && (!cells || cells[c]) ? 1 : 0));
  const inScope = scored.reduce((a, v) => a + v, 0);
  for (const e of ev.entries) {
    let fewDates = 0, flat = 0;
    for (let c = 0; c < scored.length; c++) {
      if (!scored[c]) continue;
      if (Number.isFinite(e.metrics.nse[c]!)) continue;
      if (e.metrics.count[c]! < DEFAULT_MIN_PAIRS) fewDates++;
      else flat++;
    }
    if (fewDates + flat === 0) continue;
    const why = [
      fewDates ? `${fewDates} with fewer than ${DEFAULT_MIN_PAIRS} observed dates in the test period` : '',
      flat ? `${flat} whose observations do not vary` : '',
    ].filter(Boolean).join(', ');
    lines.push(`NSE of ${e.label}: undefined in ${fewDates + flat} of ${inScope} scored cells (${why})`);
  }
  return lines;
}
