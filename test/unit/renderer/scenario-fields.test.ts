/** The Scenarios panel's field syntax and the chart overlay's choice of layer, series styles and days. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMonthly } from '../../../renderer/src/scenario-form.ts';
import { overlayDash, overlayDays, scenarioOfLayer } from '../../../renderer/src/scenario-overlay.ts';

test('a scenario field takes one number or a list (the engine checks it is 12), blank for unset, and names a bad entry', () => {
  assert.equal(parseMonthly('', 'x'), undefined);
  assert.equal(parseMonthly('  -1.5 ', 'x'), -1.5);
  assert.deepEqual(parseMonthly('1, 1,2 2;3', 'x'), [1, 1, 2, 2, 3]);
  assert.throws(() => parseMonthly('2, two', 'temperature change'), /^Error: temperature change: 'two' is not a number$/);
});

test('only scenario layers switch the chart to the overlay; baselines dashed, scenarios solid, others untouched', () => {
  assert.deepEqual(scenarioOfLayer('run:tiny:scenario:warm-dry:change:lstm:JJA'), { run: 'tiny', scenario: 'warm-dry' });
  assert.deepEqual(scenarioOfLayer('run:r1:scenario:s.2:extrapolation'), { run: 'r1', scenario: 's.2' });
  for (const other of ['run:tiny:lai:lstm', 'lai.observed', null, undefined]) assert.equal(scenarioOfLayer(other), null);
  assert.deepEqual(overlayDash('baseline:physics-only'), [6, 4]);
  assert.equal(overlayDash('scenario:physics-only'), null);
  assert.equal(overlayDash('tiny:physics-only'), undefined);
  assert.deepEqual(overlayDays([{ days: [40, 41, 42] }, { days: [38, 39] }, {}]), [38, 42]);
  assert.equal(overlayDays([{}]), undefined);
});
