/**
 * Issue #11 §3, short records: the day-of-year climatology and the NSE say what they could not
 * compute (scoring-notes.ts), on the tiny synthetic basin scored by the real evaluation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { climatologyEntry, evaluateEntries, observationRowsIn, observedAt } from '../../../main/evaluation/evaluate.ts';
import { scoringNotes } from '../../../main/evaluation/scoring-notes.ts';
import { dayOfYearClimatology } from '../../../main/training/climatology.ts';
import type { DayRange } from '../../../main/data/time-axis.ts';
import type { Dataset } from '../../../main/data/dataset.ts';
import { makeTinyDataset } from '../training/tiny-dataset.ts';

function score(ds: Dataset, train: DayRange, testPeriod: DayRange) {
  const rows = observationRowsIn(ds, testPeriod);
  const clim = dayOfYearClimatology(ds.observations, ds.startDate, ds.mask.length, train, 8);
  const perfect = { id: 'perfect', label: 'Perfect', role: 'model' as const, atObservations: observedAt(ds, rows) };
  const ev = evaluateEntries(ds, testPeriod, rows, [perfect, climatologyEntry(ds, clim, rows)]);
  return { rows, notes: scoringNotes(ds, clim, ev) };
}

test('a record shorter than a year: the climatology says which test dates it never observed, the NSE which cells lack dates', () => {
  const ds = makeTinyDataset({ endDate: '2000-12-31' });
  const basin = ds.mask.reduce((a, m) => a + m, 0);
  // trained on January..mid-July, tested from late August to early December: no test day of year
  // was observed (late December would be, within 8 days of the new year's first dates)
  const { rows, notes } = score(ds, { start: 0, end: 200 }, { start: 240, end: 340 });
  assert.ok(rows.length >= 5);
  const trainDates = [...ds.observations.dayIndex].filter((d) => d < 200).length;
  assert.ok(notes.includes(`climatology: ${rows.length} of ${rows.length} test dates fall on days of year that the training period 2000-01-01..2000-07-18 (${trainDates} LAI dates) never observed within +-8 days; there the climatology is interpolated between the nearest observed days of year, not a mean over years`), notes.join('\n'));
  assert.ok(!notes.some((l) => l.startsWith('NSE')), `enough test dates: every NSE defined\n${notes.join('\n')}`);

  // a test period of three weeks holds too few LAI dates for any NSE
  const short = score(ds, { start: 0, end: 200 }, { start: 240, end: 261 });
  assert.ok(short.rows.length > 0 && short.rows.length < 5);
  assert.ok(short.notes.includes(`NSE of Perfect: undefined in ${basin} of ${basin} scored cells (${basin} with fewer than 5 observed dates in the test period)`), short.notes.join('\n'));
  assert.ok(short.notes.some((l) => l.startsWith('NSE of Day-of-year climatology: undefined in')), short.notes.join('\n'));
});

test('one training year: the climatology of each test date is that year\'s value, and the run says so; two years say nothing', () => {
  const ds = makeTinyDataset();
  const year2003 = { start: ds.splits.test.start, end: ds.dayCount };
  const one = score(ds, { start: 0, end: 366 }, year2003);
  const line = one.notes.find((l) => /^climatology: \d+ of \d+ test dates have training observations of their day of year from one year only/.test(l));
  assert.ok(line, one.notes.join('\n'));
  const [k, m] = line.match(/(\d+) of (\d+)/)!.slice(1).map(Number);
  assert.equal(m, one.rows.length);
  assert.ok(k! > m! / 2, line);
  const two = score(ds, ds.splits.train, year2003);
  assert.ok(!two.notes.some((l) => l.includes('from one year only')), two.notes.join('\n'));
});
