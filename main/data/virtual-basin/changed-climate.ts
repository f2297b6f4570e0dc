/**
 * A changed climate for the virtual basin: from a given day on, the generator's weather is changed
 * as a delta-change scenario changes a record (data/scenario/delta-change.ts, the same functions:
 * additive temperature, precipitation and shortwave multipliers, specific humidity at the
 * baseline's relative humidity, a CO2 concentration), and the generator's own vegetation grows in
 * it. Before that day the climate and the vegetation are the baseline's, so the truth's change
 * starts where the models' changed forcing starts (changedClimateDataset).
 */
import type { Dataset, ForcingName } from '../dataset.ts';
import { FORCING_NAMES } from '../dataset.ts';
import { addDays, daysBetween, parseIsoDate, type DayRange } from '../time-axis.ts';
import { historicCo2OnDate } from '../historic-co2.ts';
import { baselineNeeds, deltaChangeSeries, scenarioCo2At, scenarioDataset, type BaselineSeries } from '../scenario/delta-change.ts';
import { checkScenario, SCENARIO_SCHEMA_VERSION, type MonthlyValue, type Scenario } from '../scenario/scenario-definition.ts';

/** The change the extrapolation test uses by default (issue #13's example): +3 K, 15 % less precipitation, 550 ppm. */
export const DEFAULT_TEST_CHANGE = 'dT=3,precip=0.85,co2=550';

/** A changed climate: the scenario's changes (its period is from..the data's end), from the ISO date `from` on. */
export interface ClimateChange {
  readonly scenario: Scenario;
  readonly from: string;
}

/** The keys of a `--change` text and the scenario field each sets. */
const CHANGE_KEYS: Readonly<Record<string, 'Tair' | 'Rainf' | 'SWdown' | 'co2'>> = Object.freeze({
  dT: 'Tair', Tair: 'Tair', precip: 'Rainf', Rainf: 'Rainf', sw: 'SWdown', SWdown: 'SWdown', co2: 'co2',
});

/**
 * Reads 'dT=3,precip=0.85,co2=550' (also sw=, or the forcing names Tair=, Rainf=, SWdown=) and
 * the first changed day (a year YYYY = 1 January, or YYYY-MM-DD) into a checked change. Throws
 * one line naming the key or value at fault.
 */
export function parseClimateChange(text: string, from: string, endDate: string): ClimateChange {
  const changes: Record<string, MonthlyValue> = {};
  let co2Ppm: number | undefined;
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([A-Za-z][A-Za-z0-9]*)\s*=\s*(.+)$/.exec(part);
    if (!m) throw new Error(`--change: '${part}' is not KEY=VALUE (keys: ${Object.keys(CHANGE_KEYS).join(', ')})`);
    const key = CHANGE_KEYS[m[1]!];
    if (!key) throw new Error(`--change: unknown key '${m[1]}' (keys: ${Object.keys(CHANGE_KEYS).join(', ')})`);
    const value = Number(m[2]);
    if (!Number.isFinite(value)) throw new Error(`--change: ${m[1]} must be a number, got '${m[2]}'`);
    if (key === 'co2') co2Ppm = value;
    else changes[key] = value;
  }
  if (Object.keys(changes).length === 0 && co2Ppm === undefined) throw new Error(`--change: '${text}' changes nothing (give e.g. dT=3,precip=0.85,co2=550)`);
  const fromDate = /^\d{4}$/.test(from.trim()) ? `${from.trim()}-01-01` : from.trim();
  try {
    parseIsoDate(fromDate);
  } catch {
    throw new Error(`--change-from: '${from}' is not a year or a date YYYY-MM-DD`);
  }
  if (daysBetween(fromDate, endDate) < 0) throw new Error(`--change-from: ${fromDate} is after the last day ${endDate}`);
  let scenario: Scenario;
  try {
    scenario = checkScenario({
      schemaVersion: SCENARIO_SCHEMA_VERSION, name: 'virtual-basin-change', description: `the virtual basin's changed climate from ${fromDate}`,
      createdAt: new Date().toISOString(), period: { from: fromDate, to: endDate }, changes,
      ...(co2Ppm !== undefined ? { co2Ppm } : {}), humidity: 'baseline-relative-humidity',
    });
  } catch (err) {
    throw new Error(`--change: ${(err as Error).message}`);
  }
  return { scenario, from: fromDate };
}

/** The change in words, e.g. 'Tair +3 K, Rainf x0.85, CO2 550 ppm from 2009-01-01'. */
export function describeClimateChange(change: ClimateChange): string {
  const c = change.scenario.changes;
  const v = (x: MonthlyValue) => (typeof x === 'number' ? String(x) : `[${x.join(' ')}]`);
  const parts = [
    ...(c.Tair !== undefined ? [`Tair ${typeof c.Tair === 'number' && c.Tair >= 0 ? '+' : ''}${v(c.Tair)} K`] : []),
    ...(c.Rainf !== undefined ? [`Rainf x${v(c.Rainf)}`] : []),
    ...(c.SWdown !== undefined ? [`SWdown x${v(c.SWdown)}`] : []),
    ...(change.scenario.co2Ppm !== undefined ? [`CO2 ${v(change.scenario.co2Ppm)} ppm`] : []),
  ];
  return `${parts.join(', ')} from ${change.from}`;
}

/** The day's CO2 under the change over the historic CO2 of the date (1 where the change leaves CO2 historic). */
export function co2RatioOn(change: ClimateChange, isoDate: string): number {
  const co2 = scenarioCo2At(change.scenario);
  return co2 ? co2(isoDate) / historicCo2OnDate(isoDate) : 1;
}

/** One day's forcing [cell] of every variable, changed in place (month 0 = January). */
export function changeDayForcing(day: Record<ForcingName, Float32Array>, change: ClimateChange, month: number): void {
  const cells = day.Tair.length;
  const months = Uint8Array.of(month);
  // every changed series is computed from the baseline day before any is written back (Qair needs the baseline Tair)
  const changed: Partial<Record<ForcingName, Float32Array>> = {};
  for (const name of FORCING_NAMES) {
    const baseline: BaselineSeries = {};
    for (const need of baselineNeeds(name)) baseline[need] = day[need];
    changed[name] = deltaChangeSeries(name, baseline, months, cells, change.scenario);
  }
  for (const name of FORCING_NAMES) day[name].set(changed[name]!);
}

/**
 * The dataset under the changed climate: the baseline's forcing before `change.from` and the
 * delta-changed forcing from then on (exactly what the generator's vegetation grew in), its CO2
 * (historic before), and `trueLai` the changed truth. Normalization, splits and observations stay
 * the baseline's: a model predicts on it with everything it learned from the baseline.
 */
export function changedClimateDataset(baseline: Dataset, change: ClimateChange, trueLai: Float32Array): Dataset {
  const fromDay = daysBetween(baseline.startDate, change.from);
  if (fromDay < 0 || fromDay >= baseline.dayCount) throw new Error(`changed climate: ${change.from} is outside the dataset's days ${baseline.startDate}..${addDays(baseline.startDate, baseline.dayCount - 1)}`);
  const cells = baseline.mask.length;
  if (trueLai.length !== baseline.dayCount * cells) throw new Error(`changed climate: the changed truth has ${trueLai.length} values, expected ${baseline.dayCount} days x ${cells} cells`);
  const everyDay = scenarioDataset(baseline, change.scenario);
  const forcing = (name: ForcingName, range?: DayRange): Float32Array => {
    const r = range ?? { start: 0, end: baseline.dayCount };
    if (r.end <= fromDay) return baseline.forcing(name, r);
    if (r.start >= fromDay) return everyDay.forcing(name, r);
    const out = everyDay.forcing(name, r).slice();
    out.set(baseline.forcing(name, { start: r.start, end: fromDay }));
    return out;
  };
  const co2 = scenarioCo2At(change.scenario);
  return {
    ...withoutMethods(baseline),
    id: `${baseline.id}+changed-climate`,
    source: `${baseline.source}, changed climate (${describeClimateChange(change)})`,
    forcing,
    trueLai,
    ...(co2 ? { atmosphericCo2Ppm: (iso: string) => (iso >= change.from ? co2(iso) : historicCo2OnDate(iso)) } : {}),
  };
}

/** The data fields of a Dataset (a class instance's getters and methods do not spread). */
function withoutMethods(ds: Dataset): Omit<Dataset, 'forcing'> {
  return {
    id: ds.id, source: ds.source, grid: ds.grid, startDate: ds.startDate, dayCount: ds.dayCount, mask: ds.mask,
    staticLayers: ds.staticLayers, basin: ds.basin, subbasins: ds.subbasins, splits: ds.splits, normalization: ds.normalization,
    observations: ds.observations, ...(ds.attributes ? { attributes: ds.attributes } : {}),
  };
}
