/**
 * Typed jobs (main/api/job-map.ts): every registered kind has its params schema in the contract,
 * jobs.start refuses bad params of any kind where the request enters, naming the field under
 * 'params', and job.finished carries the kind's result.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ApiError } from '../../../main/api/api-error.ts';
import { JOB_KINDS } from '../../../main/run/job-kinds.ts';
import { jobParamsSchemas, type JobFinishedEvent } from '../../../main/api/job-map.ts';
import { inProcessApi } from '../in-process-api.ts';

const { tmp, api } = inProcessApi('vegdyn-typed-jobs-', {}, true);

test('the contract has a params schema for exactly the registered job kinds', () => {
  assert.deepEqual(Object.keys(jobParamsSchemas).sort(), Object.keys(JOB_KINDS).sort());
});

test('bad params of each application job are refused at jobs.start, naming the field', async () => {
  const projectDir = path.join(tmp, 'p');
  const refused = async (request: unknown, field: string): Promise<void> => {
    await assert.rejects(api.request('jobs.start', request as never), (e: unknown) => {
      assert.ok(e instanceof ApiError, String(e));
      assert.equal(e.code, 'invalid-request');
      assert.equal(e.field, field, e.message);
      assert.match(e.message, /^invalid request payload for jobs\.start: /);
      return true;
    });
  };
  await refused({ kind: 'train', params: { projectDir, preset: 'huge' } }, 'params.preset');
  await refused({ kind: 'train', params: { preset: 'demo' } }, 'params.projectDir');
  await refused({ kind: 'evaluate', params: { projectDir, runId: '../x' } }, 'params.runId');
  await refused({ kind: 'demo-data', params: { projectDir, startDate: '1 Jan 2000' } }, 'params.startDate');
  await refused({ kind: 'import', params: { projectDir, params: { kind: 'no-such-importer' } } }, 'params.params.kind');
  await refused({ kind: 'leaf-experiment', params: { experiment: 'vcmax-only', input: 'a.csv', epochs: 0 } }, 'params.epochs');
  await refused({ kind: 'self-test', params: { steps: 1, extra: true } }, 'params');
  // the train job's overrides are run config fields, checked field by field against the run config's schema
  await refused({ kind: 'train', params: { projectDir, overrides: { hiddenSize: 'big' } } }, 'params.overrides.hiddenSize');
  await refused({ kind: 'train', params: { projectDir, overrides: { periods: { train: { from: '2001-13-01', to: '2002-01-01' } } } } }, 'params.overrides.periods.train.from');
  await refused({ kind: 'train', params: { projectDir, overrides: { perModel: { lstm: { epochs: 0 } } } } }, 'params.overrides.perModel.lstm.epochs');
  await refused({ kind: 'train', params: { projectDir, overrides: { models: ['lstm', 'no-such-model'] } } }, 'params.overrides.models.1');
  await refused({ kind: 'train', params: { projectDir, overrides: { epochz: 3 } } }, 'params.overrides');
  await refused({ kind: 'train', params: { projectDir, overrides: ['lstm'] } }, 'params.overrides');
});

test('train overrides pass through as given: partial nested objects, no defaults filled in', () => {
  const overrides = { epochs: 2, periods: { test: { from: '2010-01-01', to: '2012-12-31' } }, features: { antecedent: true }, windowsPerEpoch: null };
  const parsed = jobParamsSchemas.train.parse({ projectDir: '/p', overrides });
  assert.deepEqual(parsed.overrides, overrides);
  assert.deepEqual(jobParamsSchemas.train.parse({ projectDir: '/p' }).overrides, {});
});

test('job.finished carries the result of the kind that finished', async () => {
  let jobId = '';
  const finished = new Promise<JobFinishedEvent>((resolve) => api.on('job.finished', (p) => { if (p.jobId === jobId) resolve(p); }));
  jobId = (await api.request('jobs.start', { kind: 'self-test', params: { steps: 3, stepMs: 1 } })).jobId;
  const end = await finished;
  assert.equal(end.kind, 'self-test');
  // narrowing on kind gives the self-test result type: { steps, checksum }
  if (end.kind !== 'self-test') return;
  assert.equal(end.result.steps, 3);
  assert.equal(typeof end.result.checksum, 'number');
});
