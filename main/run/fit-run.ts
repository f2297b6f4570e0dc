/**
 * The checks a training run makes against the project's dataset before any training starts, shared
 * by `vegdyn train` and the 'train' job: periods fitted to the record (training/fit-periods.ts,
 * every change reported) and a test period that can be scored (run-scorability.ts); a project
 * without LAI observations can make only a physics-only run (`models: []`), which is not scored.
 */
import type { Dataset } from '../data/dataset.ts';
import { daysBetween } from '../data/time-axis.ts';
import { fitPeriods } from '../training/fit-periods.ts';
import type { RunConfig } from '../training/run-config.ts';
import { unscorableTestPeriod } from './run-scorability.ts';

export class UnscorableRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnscorableRunError';
  }
}

export function fitRunToDataset(config: RunConfig, dataset: Dataset, options: { periodsOption?: string; overrides?: Record<string, unknown> } = {}): { config: RunConfig; changes: readonly string[] } {
  const userPeriods = options.overrides !== undefined && 'periods' in options.overrides;
  const fitted = fitPeriods(config, dataset, { ...(options.periodsOption !== undefined ? { periodsOption: options.periodsOption } : {}), userPeriods });
  const t = fitted.config.periods.test;
  const test = { start: daysBetween(dataset.startDate, t.from), end: daysBetween(dataset.startDate, t.to) + 1 };
  // without any LAI a run can still predict with the process model's defaults and be mapped;
  // a run asked to train (or score) something is refused with the reason
  if (dataset.observations.dayIndex.length === 0 && fitted.config.models.length === 0) {
    return { config: fitted.config, changes: [...fitted.changes, 'the project has no LAI observations: a physics-only run (default parameters), predicted over the record and not scored'] };
  }
  const why = unscorableTestPeriod(dataset, test);
  if (why) throw new UnscorableRunError(`this run could score nothing: ${why}`);
  return fitted;
}
