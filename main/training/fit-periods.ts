/**
 * The run's periods against the dataset's record (issue #11 §3):
 * - `--periods train=A..B,validate=C..D,test=E..F` sets them (the record becomes the whole
 *   dataset, so predictions and maps cover it); each must lie inside the dataset.
 * - otherwise the config's periods (preset or --config) are kept when they fit the record;
 * - preset periods that do not fit adapt to the dataset's own split (written by the import or the
 *   generator), and every change is reported;
 * - periods the user wrote in --config that do not fit fail, naming the record and the option.
 * Pure: the dataset is described by its start date, length and split.
 */
import type { DayRange } from '../data/time-axis.ts';
import { addDays, daysBetween } from '../data/time-axis.ts';
import type { RunConfig } from './run-config.ts';

export interface RecordInfo {
  readonly startDate: string;
  readonly dayCount: number;
  readonly splits: { readonly train: DayRange; readonly validate: DayRange; readonly test: DayRange };
}

type Period = { from: string; to: string };
type Periods = RunConfig['periods'];
const NAMES = ['train', 'validate', 'test'] as const;

export class PeriodsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeriodsError';
  }
}

const ISO = /^\d{4}-\d{2}-\d{2}$/;

function recordOf(r: RecordInfo): Period {
  return { from: r.startDate, to: addDays(r.startDate, r.dayCount - 1) };
}

function describeRecord(r: RecordInfo): string {
  const p = recordOf(r);
  return `${p.from}..${p.to} (${r.dayCount} days)`;
}

function inside(p: Period, r: RecordInfo): boolean {
  return daysBetween(r.startDate, p.from) >= 0 && daysBetween(r.startDate, p.to) < r.dayCount && daysBetween(p.from, p.to) >= 0;
}

/** Parses `train=A..B,validate=C..D,test=E..F` (ISO dates); every part is required. */
export function parsePeriodsOption(value: string): Record<(typeof NAMES)[number], Period> {
  const out: Partial<Record<(typeof NAMES)[number], Period>> = {};
  for (const part of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\w+)=(\S+)\.\.(\S+)$/.exec(part);
    if (!m) throw new PeriodsError(`--periods: expected NAME=YYYY-MM-DD..YYYY-MM-DD, got '${part}'`);
    const [, name, from, to] = m as unknown as [string, string, string, string];
    if (!(NAMES as readonly string[]).includes(name)) throw new PeriodsError(`--periods: unknown period '${name}' (train, validate, test)`);
    if (!ISO.test(from) || !ISO.test(to) || Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to))) throw new PeriodsError(`--periods: ${name}: '${from}..${to}' is not two ISO dates`);
    if (daysBetween(from, to) < 0) throw new PeriodsError(`--periods: ${name}: ${from} is after ${to}`);
    out[name as (typeof NAMES)[number]] = { from, to };
  }
  const missing = NAMES.filter((n) => !out[n]);
  if (missing.length > 0) throw new PeriodsError(`--periods: give all three of train, validate and test (missing: ${missing.join(', ')})`);
  const o = out as Record<(typeof NAMES)[number], Period>;
  if (daysBetween(o.train.to, o.validate.from) < 1 || daysBetween(o.validate.to, o.test.from) < 1) {
    throw new PeriodsError('--periods: train, validate and test must follow each other without overlap');
  }
  return o;
}

export interface FittedPeriods {
  readonly config: RunConfig;
  /** what changed and why, one line each (printed and logged) */
  readonly changes: readonly string[];
}

/**
 * Fits the config's periods to the record. `userPeriods` says whether the config's periods came
 * from the user (--config) rather than from the preset.
 */
export function fitPeriods(config: RunConfig, record: RecordInfo, options: { periodsOption?: string; userPeriods?: boolean } = {}): FittedPeriods {
  const rec = recordOf(record);
  if (options.periodsOption !== undefined) {
    const p = parsePeriodsOption(options.periodsOption);
    for (const n of NAMES) {
      if (!inside(p[n], record)) throw new PeriodsError(`--periods: ${n} ${p[n].from}..${p[n].to} is outside the dataset's record ${describeRecord(record)}`);
    }
    return { config: { ...config, periods: { record: rec, ...p } }, changes: [`periods from --periods: train ${p.train.from}..${p.train.to}, validate ${p.validate.from}..${p.validate.to}, test ${p.test.from}..${p.test.to} (record: the whole dataset, ${rec.from}..${rec.to})`] };
  }
  const all: (keyof Periods)[] = ['record', ...NAMES];
  const outside = all.filter((n) => !inside(config.periods[n], record));
  if (outside.length === 0) return { config, changes: [] };
  const list = outside.map((n) => `${n} ${config.periods[n].from}..${config.periods[n].to}`).join(', ');
  if (options.userPeriods) {
    throw new PeriodsError(`the periods of the run config (${list}) lie outside the dataset's record ${describeRecord(record)}; fix them in --config or give --periods train=A..B,validate=C..D,test=E..F inside the record`);
  }
  const s = record.splits;
  const asPeriod = (r: DayRange): Period => ({ from: addDays(record.startDate, r.start), to: addDays(record.startDate, r.end - 1) });
  for (const n of NAMES) {
    if (s[n].end <= s[n].start) {
      throw new PeriodsError(`the ${config.preset} preset's periods (${list}) lie outside the dataset's record ${describeRecord(record)}, and the dataset's own split has an empty ${n} period; give --periods train=A..B,validate=C..D,test=E..F inside the record`);
    }
  }
  const periods: Periods = { record: rec, train: asPeriod(s.train), validate: asPeriod(s.validate), test: asPeriod(s.test) };
  return {
    config: { ...config, periods },
    changes: [`the ${config.preset} preset's periods (${list}) lie outside the dataset's record ${describeRecord(record)}: using the dataset's own split instead, train ${periods.train.from}..${periods.train.to}, validate ${periods.validate.from}..${periods.validate.to}, test ${periods.test.from}..${periods.test.to} (record ${rec.from}..${rec.to}); give --periods to choose others`],
  };
}
