/**
 * Delta-change forcing against hand-computed values (Python, FAO-56 eq. 11 for es, e = q p /
 * (0.622 + 0.378 q), q = 0.622 e / (p - 0.378 e)), on a real InMemoryDataset of 2 cells.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dataset } from '../../../main/data/dataset.ts';
import { qairAtBaselineRh, scenarioDataset, vapourPressureKpa, saturationVapourPressureKpa } from '../../../main/data/scenario/delta-change.ts';
import { checkScenario, type Scenario } from '../../../main/data/scenario/scenario-definition.ts';

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('RH-preserving humidity equals hand-computed values and keeps the relative humidity', () => {
  // 20 C, 1000 hPa, q 8 g/kg, +2 K: RH 0.54739, q' 0.0090515
  close(qairAtBaselineRh(0.008, 293.15, 100000, 2), 0.009051477, 2e-9, 'q at +2 K');
  // -5 C, 750 hPa, q 3 g/kg, +1.5 K: RH 0.85731, q' 0.0033603
  close(qairAtBaselineRh(0.003, 268.15, 75000, 1.5), 0.003360250, 2e-9, 'q at +1.5 K');
  const q = qairAtBaselineRh(0.003, 268.15, 75000, 1.5);
  close(vapourPressureKpa(q, 75000) / saturationVapourPressureKpa(269.65), 0.8573081, 1e-6, 'RH after the change');
  assert.equal(qairAtBaselineRh(0.003, 268.15, 75000, 0), 0.003, 'no temperature change, no humidity change');
});

import { ds } from './tiny-dataset.ts';

const monthly = (jan: number, feb: number, rest: number) => [jan, feb, ...Array<number>(10).fill(rest)];
const scenario: Scenario = checkScenario({
  schemaVersion: 1, name: 'warm-dry', description: '', createdAt: '2026-01-01T00:00:00.000Z',
  changes: { Tair: monthly(2, 1.5, 0), Rainf: 0.8, SWdown: monthly(1.1, 0.9, 1) }, co2Ppm: monthly(550, 600, 400),
  humidity: 'baseline-relative-humidity',
});

test('the scenario dataset applies each month\'s deltas to the baseline forcing', () => {
  const s = scenarioDataset(ds, scenario);
  // Tair: +2 K on the January days, +1.5 K on the February days
  assert.deepEqual(Array.from(s.forcing('Tair')), [295.15, 270.15, 295.15, 270.15, 294.65, 269.65, 294.65, 269.65].map(Math.fround));
  // Rainf x 0.8 every month
  assert.deepEqual(Array.from(s.forcing('Rainf')), [0.8, 1.6, 1.6, 3.2, 2.4, 4.8, 3.2, 6.4].map(Math.fround));
  // SWdown x 1.1 in January, x 0.9 in February
  assert.deepEqual(Array.from(s.forcing('SWdown')), [110, 110, 111.1, 111.1, 91.8, 91.8, 92.7, 92.7].map(Math.fround));
  // Qair: baseline RH at the new temperature; cell 0 in January is the +2 K case above; cell 1 in February the +1.5 K one
  const q = s.forcing('Qair');
  close(q[0]!, 0.009051477, 1e-9, 'cell 0, 30 Jan');
  close(q[7]!, 0.003360250, 1e-9, 'cell 1, 2 Feb');
  // untouched variables are the baseline's
  for (const n of ['PSurf', 'LWdown', 'Wind'] as const) assert.deepEqual(s.forcing(n), ds.forcing(n), n);
  // a sub-range gives the same values as the whole record
  assert.deepEqual(Array.from(s.forcing('Tair', { start: 2, end: 4 })), Array.from(s.forcing('Tair')).slice(4));
  // the baseline is not modified, and the truth of the baseline is not carried into the scenario
  assert.equal(ds.forcing('Tair')[0], Math.fround(293.15));
  assert.equal(s.trueLai, undefined);
  assert.equal(s.normalization, ds.normalization, 'networks normalize a scenario with the training statistics');
});

test('CO2 follows the monthly values; a scenario without CO2 leaves it historic', () => {
  const s = scenarioDataset(ds, scenario);
  assert.deepEqual(['2001-01-30', '2001-02-01', '2001-07-15'].map((d) => s.atmosphericCo2Ppm!(d)), [550, 600, 400]);
  const noCo2 = checkScenario({ ...scenario, co2Ppm: undefined });
  assert.equal(scenarioDataset(ds, noCo2).atmosphericCo2Ppm, undefined);
  assert.equal((ds as Dataset).atmosphericCo2Ppm, undefined);
});
