// data.firstRun through the API as the renderer calls it: 'auto' starts nothing outside the
// default demo project, 'no' only reports what is missing; VEGDYN_DEMO_PERIOD is checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { inProcessApi } from '../in-process-api.ts';
import { demoPeriodFromEnv } from '../../../main/api/first-run-starter.ts';

const { tmp, session, api } = inProcessApi('vegdyn-first-run-starter-', {}, true);

test('in a project of its own, auto starts nothing and reports the missing data', async () => {
  await session.openOrCreateProject(path.join(tmp, 'mine'), 'mine');
  const auto = await api.request('data.firstRun', { start: 'auto' });
  assert.equal(auto.jobId, null);
  assert.equal(auto.demoProject, false);
  assert.equal(auto.needs.data, true);
  const report = await api.request('data.firstRun', { start: 'no' });
  assert.deepEqual(report, auto);
  assert.equal(session.jobs.list().length, 0);
});

test('the default demo project is recognised as such', async () => {
  await session.openOrCreateProject(path.join(tmp, 'projects', 'demo'), 'demo');
  const r = await api.request('data.firstRun', { start: 'no' });
  assert.equal(r.demoProject, true);
  assert.equal(r.jobId, null);
  assert.equal(r.needs.data, true);
});

test('VEGDYN_DEMO_PERIOD: FROM..TO, or an error naming it', () => {
  assert.equal(demoPeriodFromEnv({}), null);
  assert.deepEqual(demoPeriodFromEnv({ VEGDYN_DEMO_PERIOD: '1996-01-01..2012-12-31' }), { startDate: '1996-01-01', endDate: '2012-12-31' });
  assert.throws(() => demoPeriodFromEnv({ VEGDYN_DEMO_PERIOD: '2012-01-01..1996-12-31' }), /VEGDYN_DEMO_PERIOD='2012-01-01\.\.1996-12-31': expected FROM\.\.TO/);
  assert.throws(() => demoPeriodFromEnv({ VEGDYN_DEMO_PERIOD: '1996' }), /VEGDYN_DEMO_PERIOD/);
});
