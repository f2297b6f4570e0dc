/**
 * Run periods against the dataset's record (issue #11 §3): --periods, a preset that adapts to the
 * dataset's own split and says so, user periods outside the record refused naming the record and
 * the option.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitPeriods, parsePeriodsOption } from '../../../main/training/fit-periods.ts';
import { DEMO_PRESET } from '../../../main/training/run-config.ts';
import { computeSplits } from '../../../main/data/splits.ts';

// a one-year record of imported forcing (2003-05-01 .. 2004-04-29, 365 days) with the split the import wrote
const record = { startDate: '2003-05-01', dayCount: 365, splits: computeSplits('2003-05-01', 365).splits };

test('--periods sets train, validate and test inside the record; the record becomes the whole dataset', () => {
  const { config, changes } = fitPeriods(DEMO_PRESET, record, { periodsOption: 'train=2003-05-01..2003-12-31,validate=2004-01-01..2004-02-15,test=2004-02-16..2004-04-29' });
  assert.deepEqual(config.periods, {
    record: { from: '2003-05-01', to: '2004-04-29' },
    train: { from: '2003-05-01', to: '2003-12-31' }, validate: { from: '2004-01-01', to: '2004-02-15' }, test: { from: '2004-02-16', to: '2004-04-29' },
  });
  assert.match(changes[0]!, /periods from --periods/);
  assert.throws(() => fitPeriods(DEMO_PRESET, record, { periodsOption: 'train=2003-05-01..2003-12-31,validate=2004-01-01..2004-02-15,test=2004-02-16..2004-06-30' }),
    /--periods: test 2004-02-16\.\.2004-06-30 is outside the dataset's record 2003-05-01\.\.2004-04-29 \(365 days\)/);
  assert.throws(() => parsePeriodsOption('train=2003-05-01..2003-12-31,test=2004-02-16..2004-04-29'), /give all three of train, validate and test \(missing: validate\)/);
  assert.throws(() => parsePeriodsOption('train=2003-05-01..2004-01-31,validate=2004-01-01..2004-02-15,test=2004-02-16..2004-04-29'), /without overlap/);
  assert.throws(() => parsePeriodsOption('train=2003-13-01..2003-12-31,validate=x..y,test=a..b'), /--periods: train: '2003-13-01\.\.2003-12-31' is not two ISO dates|--periods: expected/);
});

test('a preset whose periods miss the record adapts to the dataset\'s split and says what changed; user periods fail', () => {
  const { config, changes } = fitPeriods(DEMO_PRESET, record);
  const s = record.splits;
  assert.equal(config.periods.record.from, '2003-05-01');
  assert.equal(config.periods.record.to, '2004-04-29');
  assert.equal(config.periods.train.from, '2003-05-01');
  assert.ok(s.train.end > s.train.start && s.test.end > s.test.start);
  assert.equal(changes.length, 1);
  assert.match(changes[0]!, /the demo preset's periods \(record 1996-01-01\.\.2012-12-31, .*\) lie outside the dataset's record 2003-05-01\.\.2004-04-29 \(365 days\): using the dataset's own split instead, train 2003-05-01\.\./);
  // the preset's own periods are kept where they fit
  const long = { startDate: '1990-01-01', dayCount: 365 * 30, splits: computeSplits('1990-01-01', 365 * 30).splits };
  const kept = fitPeriods(DEMO_PRESET, long);
  assert.deepEqual(kept.config.periods, DEMO_PRESET.periods);
  assert.deepEqual(kept.changes, []);
  // periods the user wrote are not silently replaced
  assert.throws(() => fitPeriods(DEMO_PRESET, record, { userPeriods: true }), /lie outside the dataset's record 2003-05-01\.\.2004-04-29 \(365 days\); fix them in --config or give --periods train=A\.\.B,validate=C\.\.D,test=E\.\.F/);
});
