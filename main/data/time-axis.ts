/**
 * The daily time axis. Days are indexed from the dataset's start date; dates are ISO 'YYYY-MM-DD'
 * in UTC (proleptic Gregorian). All date arithmetic goes through these helpers.
 */
const MS_PER_DAY = 86_400_000;

export function parseIsoDate(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new Error(`not an ISO date (YYYY-MM-DD): '${iso}'`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (formatIsoDate(ms) !== iso) throw new Error(`not a valid calendar date: '${iso}'`);
  return ms;
}

export function formatIsoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Whole days from `fromIso` to `toIso` (negative if `toIso` is earlier). */
export function daysBetween(fromIso: string, toIso: string): number {
  return Math.round((parseIsoDate(toIso) - parseIsoDate(fromIso)) / MS_PER_DAY);
}

export function addDays(iso: string, days: number): string {
  return formatIsoDate(parseIsoDate(iso) + days * MS_PER_DAY);
}

/** Day of year, 1..366. */
export function dayOfYear(iso: string): number {
  const ms = parseIsoDate(iso);
  const y = new Date(ms).getUTCFullYear();
  return Math.round((ms - Date.UTC(y, 0, 1)) / MS_PER_DAY) + 1;
}

/** Half-open day-index range [start, end) on a dataset's axis. */
export interface DayRange {
  readonly start: number;
  readonly end: number;
}

/** The seed paper's periods: train 1981-2001, validate 2002-2008, test 2009-2016. */
export const PAPER_SPLITS = Object.freeze({
  train: { from: '1981-01-01', to: '2001-12-31' },
  validate: { from: '2002-01-01', to: '2008-12-31' },
  test: { from: '2009-01-01', to: '2016-12-31' },
});
