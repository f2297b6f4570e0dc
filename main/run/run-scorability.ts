/**
 * Whether a run can score anything (issue #11 §3): before training, the test period must hold LAI
 * observations in basin cells; after evaluation, at least one cell must have a defined NSE for
 * every entry. A run that can score nothing is an error with the reason, never an all-"n/a" table
 * with exit 0.
 */
import type { Dataset } from '../data/dataset.ts';
import { addDays, type DayRange } from '../data/time-axis.ts';
import { observationRowsIn, type Evaluation } from '../evaluation/evaluate.ts';
import { DEFAULT_MIN_PAIRS } from '../evaluation/metrics.ts';

function range(ds: Dataset, r: DayRange): string {
  return `${addDays(ds.startDate, r.start)}..${addDays(ds.startDate, r.end - 1)}`;
}

/** Why the test period cannot be scored, or undefined when it holds observations in basin cells. */
export function unscorableTestPeriod(ds: Dataset, test: DayRange): string | undefined {
  const rows = observationRowsIn(ds, test);
  const n = ds.mask.length;
  const all = ds.observations.dayIndex;
  const span = all.length > 0 ? ` (the dataset's ${all.length} LAI dates run from ${addDays(ds.startDate, Math.min(...all))} to ${addDays(ds.startDate, Math.max(...all))})` : ' (the dataset has no LAI observations: import them with vegdyn import lai)';
  if (rows.length === 0) return `the test period ${range(ds, test)} holds no LAI observation date${span}; choose a test period with observations (--periods train=A..B,validate=C..D,test=E..F)`;
  for (const k of rows) {
    for (let c = 0; c < n; c++) if (ds.mask[c] && Number.isFinite(ds.observations.values[k * n + c]!)) return undefined;
  }
  return `the test period ${range(ds, test)} has ${rows.length} LAI date(s), but none with a valid value in a basin cell`;
}

/** Why an evaluation scored nothing, or undefined when it scored at least one cell. */
export function unscoredReason(ds: Dataset, ev: Evaluation): string | undefined {
  // a physics-only run on a project without LAI was asked to score nothing (fit-run.ts admits only
  // that run there); its evaluation notes say why it is not scored
  if (ds.observations.dayIndex.length === 0 && ev.entries.every((e) => e.id === 'physics-only' || e.id === 'climatology')) return undefined;
  if (ev.observationRows.length === 0) return unscorableTestPeriod(ds, ev.period) ?? 'no observation in the test period';
  if (ev.commonCellCount > 0) return undefined;
  const empty = ev.entries.filter((e) => !(e.summary.nse.n > 0)).map((e) => (e.id === 'climatology' ? `${e.label} (no training-period observations on the test dates' days of year)` : e.label));
  return `no cell has an NSE for every entry over the test period ${range(ds, ev.period)}${empty.length ? `; nothing scored for: ${empty.join(', ')}` : ''} (NSE needs at least ${DEFAULT_MIN_PAIRS} observation dates with variance in a cell)`;
}
