/**
 * Train / validate / test periods of a dataset's daily axis.
 *
 * Rule: when the axis covers at least one year of each of the seed paper's periods (train
 * 1981-2001, validate 2002-2008, test 2009-2016), the splits are those periods clipped to the
 * axis. Otherwise (short demo or test datasets, imported data on other years) the axis is cut
 * chronologically 60 / 20 / 20 % into whole days, so that every split is non-empty and the model
 * is always tested on a later period than it was trained on.
 */
import type { Splits } from './dataset.ts';
import type { DayRange } from './time-axis.ts';
import { PAPER_SPLITS, daysBetween } from './time-axis.ts';

export type SplitRule = 'paper' | 'proportional';

export const PROPORTIONAL_SHARES = Object.freeze({ train: 0.6, validate: 0.2, test: 0.2 });

function clip(startDate: string, dayCount: number, from: string, to: string): DayRange {
  const start = Math.max(0, daysBetween(startDate, from));
  const end = Math.min(dayCount, daysBetween(startDate, to) + 1);
  return { start, end: Math.max(start, end) };
}

export function computeSplits(startDate: string, dayCount: number): { splits: Splits; rule: SplitRule } {
  if (!Number.isInteger(dayCount) || dayCount < 3) throw new Error(`splits: need at least 3 days, got ${dayCount}`);
  const train = clip(startDate, dayCount, PAPER_SPLITS.train.from, PAPER_SPLITS.train.to);
  const validate = clip(startDate, dayCount, PAPER_SPLITS.validate.from, PAPER_SPLITS.validate.to);
  const test = clip(startDate, dayCount, PAPER_SPLITS.test.from, PAPER_SPLITS.test.to);
  if ([train, validate, test].every((r) => r.end - r.start >= 365)) return { splits: { train, validate, test }, rule: 'paper' };
  const a = Math.max(1, Math.round(dayCount * PROPORTIONAL_SHARES.train));
  const b = Math.max(a + 1, Math.round(dayCount * (PROPORTIONAL_SHARES.train + PROPORTIONAL_SHARES.validate)));
  return {
    splits: { train: { start: 0, end: a }, validate: { start: a, end: Math.min(b, dayCount - 1) }, test: { start: Math.min(b, dayCount - 1), end: dayCount } },
    rule: 'proportional',
  };
}
