/**
 * The networks' co2_change channel: 0 on every day of the historic record (so nothing can be
 * learned from it), the scenario's CO2 minus the historic value under a scenario; a run's
 * recorded channels say how it sees CO2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CO2_CHANNEL, co2Awareness, FeatureBuilder, featureChannelNames } from '../../../main/training/features.ts';
import { checkScenario } from '../../../main/data/scenario/scenario-definition.ts';
import { scenarioDataset } from '../../../main/data/scenario/delta-change.ts';
import { co2Ppm } from '../../../main/physics/grid/calendar.ts';
import { readFileSync } from 'node:fs';
import { resolveRunConfig, runConfigSchema } from '../../../main/training/run-config.ts';
import { DAYS, ds } from './tiny-dataset.ts';

const options = { dayOfYear: true, staticLayers: false, co2: true };
const scenario = checkScenario({
  schemaVersion: 1, name: 's', description: '', createdAt: '2026-01-01T00:00:00.000Z',
  changes: {}, co2Ppm: [550, 600, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400], humidity: 'baseline-relative-humidity',
});

function channel(builder: FeatureBuilder, name: string): number[] {
  const k = builder.channels.indexOf(name);
  const x = builder.inputs(0, DAYS);
  return Array.from({ length: DAYS * 2 }, (_, i) => x[i * builder.channelCount + k]!);
}

test('the co2_change channel is 0 throughout the historic record and the CO2 departure under a scenario', () => {
  assert.deepEqual(featureChannelNames(options).at(-1), CO2_CHANNEL);
  assert.deepEqual(channel(new FeatureBuilder(ds, options), CO2_CHANNEL), Array(DAYS * 2).fill(0));
  const historic2001 = (d: number) => co2Ppm(2001 + (d - 0.5) / 365.25);
  // 30, 31 Jan at 550 ppm; 1, 2 Feb at 600 ppm; day of year 30..33
  const expected = [30, 31, 32, 33].flatMap((doy, i) => {
    const v = Math.fround(((i < 2 ? 550 : 600) - historic2001(doy)) / 100);
    return [v, v];
  });
  const got = channel(new FeatureBuilder(scenarioDataset(ds, scenario), options), CO2_CHANNEL);
  got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-6, `value ${i}: ${v} vs ${expected[i]}`));
  assert.ok(got[0]! > 1.7 && got[0]! < 1.9, 'about (550 - 371) / 100 in 2001');
});

test('runs record their channels: without co2_change they are reported as having no channel, with it as constant in training', () => {
  const oldRun = resolveRunConfig({}, 'demo');
  assert.equal(oldRun.features.co2, false, 'the demo preset (and the shipped pretrained run made with it) has no CO2 channel');
  assert.equal(co2Awareness(featureChannelNames(oldRun.features)), 'no-channel');
  // the shipped pretrained run's config, written before the option existed, reads without the channel
  const shipped = runConfigSchema.parse(JSON.parse(readFileSync('resources/pretrained-demo/config.json', 'utf8')));
  assert.equal(shipped.features.co2, false);
  assert.equal(co2Awareness(featureChannelNames(shipped.features)), 'no-channel');
  assert.equal(co2Awareness(featureChannelNames(resolveRunConfig({}, 'paper').features)), 'constant-in-training');
});
