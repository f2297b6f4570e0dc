/**
 * Delta-change forcing: the baseline forcing of the project's record with a scenario's changes
 * applied day by day, in the month each day falls in (scenario-definition.ts says what each change
 * means). Pure: it works on the Dataset's arrays and gives a Dataset whose forcing() returns the
 * changed series, so every model (networks, physics, calibrated physics) predicts on a scenario
 * exactly as on the baseline.
 *
 * The changes apply to every day of the record, not only to the baseline period: the days before
 * the period are the models' spin-up and antecedent window, and should already be in the changed
 * climate when the period starts. The period only chooses which days are compared.
 *
 * Humidity: each day keeps its baseline relative humidity, RH = e / es(Tair), so the new specific
 * humidity is q' = 0.622 e' / (p - 0.378 e') with e' = RH es(Tair + dT). es is FAO-56 eq. 11, the
 * formula the grid process model uses for VPD (physics/grid/atmosphere.ts), so the process model
 * sees exactly the baseline RH and a VPD that grows with es.
 */
import type { Dataset, ForcingName } from '../dataset.ts';
import type { DayRange } from '../time-axis.ts';
import { addDays } from '../time-axis.ts';
import { monthValue, type Scenario } from './scenario-definition.ts';

/** saturation vapour pressure, kPa, at air temperature tK (K): FAO-56 eq. 11 */
export function saturationVapourPressureKpa(tK: number): number {
  const tc = tK - 273.15;
  return 0.6108 * Math.exp((17.27 * tc) / (tc + 237.3));
}

/** vapour pressure, kPa, from specific humidity q (kg/kg) and surface pressure (Pa) */
export function vapourPressureKpa(q: number, psurfPa: number): number {
  return (q * psurfPa * 1e-3) / (0.622 + 0.378 * q);
}

/** specific humidity (kg/kg) from vapour pressure e (kPa) and surface pressure (Pa) */
export function specificHumidityFromKpa(eKpa: number, psurfPa: number): number {
  const p = psurfPa * 1e-3;
  return (0.622 * eKpa) / (p - 0.378 * eKpa);
}

/** the specific humidity at tair + dT that keeps the relative humidity of (q, tair, psurf) */
export function qairAtBaselineRh(q: number, tairK: number, psurfPa: number, dT: number): number {
  if (dT === 0) return q;
  const rh = vapourPressureKpa(q, psurfPa) / saturationVapourPressureKpa(tairK);
  return specificHumidityFromKpa(rh * saturationVapourPressureKpa(tairK + dT), psurfPa);
}

/** month (0 = January) of each day of `range` on an axis starting at `startDate` */
export function monthsOfDays(startDate: string, range: DayRange): Uint8Array {
  const months = new Uint8Array(range.end - range.start);
  for (let d = range.start; d < range.end; d++) months[d - range.start] = Number(addDays(startDate, d).slice(5, 7)) - 1;
  return months;
}

/** The baseline series a changed variable needs: the variable itself, and Tair and PSurf for Qair. */
export type BaselineSeries = Partial<Record<ForcingName, Float32Array>>;

/** The forcing variables whose changed series depend on baseline series (beyond their own). */
export function baselineNeeds(name: ForcingName): ForcingName[] {
  return name === 'Qair' ? ['Qair', 'Tair', 'PSurf'] : [name];
}

/**
 * The changed daily series [day][cell] of one forcing variable. `months` gives each day's month;
 * `baseline` holds the series baselineNeeds(name) lists, for the same days and cells.
 */
export function deltaChangeSeries(name: ForcingName, baseline: BaselineSeries, months: Uint8Array, cellCount: number, scenario: Scenario): Float32Array {
  const own = baseline[name];
  if (!own) throw new Error(`deltaChangeSeries: baseline ${name} missing`);
  const out = new Float32Array(own);
  const { Tair: dT, Rainf: precip, SWdown: sw } = scenario.changes;
  const eachDay = (f: (i: number, month: number) => void) => {
    for (let d = 0; d < months.length; d++) {
      const m = months[d]!;
      for (let c = 0, i = d * cellCount; c < cellCount; c++, i++) f(i, m);
    }
  };
  if (name === 'Tair' && dT !== undefined) eachDay((i, m) => { out[i] = own[i]! + monthValue(dT, m); });
  else if (name === 'Rainf' && precip !== undefined) eachDay((i, m) => { out[i] = own[i]! * monthValue(precip, m); });
  else if (name === 'SWdown' && sw !== undefined) eachDay((i, m) => { out[i] = own[i]! * monthValue(sw, m); });
  else if (name === 'Qair' && dT !== undefined) {
    const tair = baseline.Tair;
    const psurf = baseline.PSurf;
    if (!tair || !psurf) throw new Error('deltaChangeSeries: Qair needs the baseline Tair and PSurf');
    eachDay((i, m) => { out[i] = qairAtBaselineRh(own[i]!, tair[i]!, psurf[i]!, monthValue(dT, m)); });
  }
  return out;
}

/** the scenario's CO2 (ppm) on an ISO date, or undefined where the scenario leaves CO2 historic */
export function scenarioCo2At(scenario: Scenario): ((isoDate: string) => number) | undefined {
  const co2 = scenario.co2Ppm;
  if (co2 === undefined) return undefined;
  return (isoDate) => monthValue(co2, Number(isoDate.slice(5, 7)) - 1);
}

/** A Dataset under the scenario: same grid, record, observations and normalization; changed forcing. */
export interface ScenarioDataset extends Dataset {
  readonly scenario: Scenario;
  /** the baseline dataset it was derived from */
  readonly baseline: Dataset;
}

export function scenarioDataset(ds: Dataset, scenario: Scenario): ScenarioDataset {
  const cellCount = ds.grid.ncols * ds.grid.nrows;
  // the whole-record series of a changed variable is asked for repeatedly (features, physics): keep it
  const whole = new Map<ForcingName, Float32Array>();
  const changed = (name: ForcingName, range: DayRange): Float32Array => {
    const baseline: BaselineSeries = {};
    for (const need of baselineNeeds(name)) baseline[need] = ds.forcing(need, range);
    return deltaChangeSeries(name, baseline, monthsOfDays(ds.startDate, range), cellCount, scenario);
  };
  const forcing = (name: ForcingName, range?: DayRange): Float32Array => {
    if (range && !(range.start === 0 && range.end === ds.dayCount)) return changed(name, range);
    let all = whole.get(name);
    if (!all) whole.set(name, (all = changed(name, { start: 0, end: ds.dayCount })));
    return all;
  };
  const co2At = scenarioCo2At(scenario);
  // trueLai is left out: the virtual basin's truth is the baseline's and does not hold under a scenario
  return {
    id: `${ds.id}+scenario:${scenario.name}`,
    source: `${ds.source}, scenario '${scenario.name}'`,
    grid: ds.grid,
    startDate: ds.startDate,
    dayCount: ds.dayCount,
    mask: ds.mask,
    staticLayers: ds.staticLayers,
    basin: ds.basin,
    subbasins: ds.subbasins,
    splits: ds.splits,
    normalization: ds.normalization,
    observations: ds.observations,
    ...(ds.attributes ? { attributes: ds.attributes } : {}),
    ...(co2At ? { atmosphericCo2Ppm: co2At } : ds.atmosphericCo2Ppm ? { atmosphericCo2Ppm: ds.atmosphericCo2Ppm } : {}),
    forcing,
    scenario,
    baseline: ds,
  };
}
