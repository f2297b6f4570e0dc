/**
 * The days a run predicts: the whole record by default; from a later day when the caller (the
 * extrapolation test) needs only its test years, never past the test period's start, and never
 * before the record.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { predictedRange } from '../../../main/run/experiment.ts';

const record = { start: 100, end: 1000 };
const test_ = { start: 700, end: 1000 };

test('without a start day the run predicts its whole record', () => {
  assert.deepEqual(predictedRange(record, test_, undefined), record);
});

test('a later start day cuts the predictions to [day, record end)', () => {
  assert.deepEqual(predictedRange(record, test_, 335), { start: 335, end: 1000 });
  assert.deepEqual(predictedRange(record, test_, 700), { start: 700, end: 1000 });
});

test('a start day before the record starts at the record', () => {
  assert.deepEqual(predictedRange(record, test_, -265), record);
});

test('a start day after the test period starts is refused: the run could not be scored', () => {
  assert.throws(() => predictedRange(record, test_, 701), /predictFromDay 701 is after the test period's start \(day 700\)/);
});
