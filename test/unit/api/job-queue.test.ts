/**
 * Concurrent jobs are queued with a cap (issue #14 §3): with 2 allowed, a third job waits in state
 * 'queued' until one of the two ends, then runs; a queued job can be cancelled before it starts.
 * The cap comes from config.json's maxConcurrentJobs when the caller does not set it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { JobHost, DEFAULT_MAX_CONCURRENT_JOBS } from '../../../main/compute/job-host.ts';
import { inProcessApi } from '../in-process-api.ts';

const { tmp, api } = inProcessApi('vegdyn-job-queue-', { jobs: { maxConcurrent: 2 } }, true);

/** Every job event in arrival order, as 'event:jobId'. */
function recordEvents(): { order: string[]; stop(): void } {
  const order: string[] = [];
  const offs = (['job.queued', 'job.started', 'job.finished', 'job.cancelled', 'job.failed'] as const)
    .map((name) => api.on(name, (p) => order.push(`${name}:${p.jobId}`)));
  return { order, stop: () => offs.forEach((off) => off()) };
}

function ended(jobId: string): Promise<string> {
  return new Promise((resolve) => {
    for (const name of ['job.finished', 'job.failed', 'job.cancelled'] as const) api.on(name, (p) => { if (p.jobId === jobId) resolve(name); });
  });
}

test('with a cap of 2, the third job waits queued until one of the first two ends, then runs', async () => {
  const events = recordEvents();
  const slow = { kind: 'self-test' as const, params: { steps: 4, stepMs: 200 } };
  const started = [await api.request('jobs.start', slow), await api.request('jobs.start', slow), await api.request('jobs.start', { kind: 'self-test', params: { steps: 2, stepMs: 5 } })];
  assert.deepEqual(started.map((s) => s.state), ['running', 'running', 'queued']);
  const [a, b, c] = started.map((s) => s.jobId) as [string, string, string];
  const listed = (await api.request('jobs.list', {})).jobs;
  const stateOf = (id: string): string | undefined => listed.find((j) => j.jobId === id)?.state;
  assert.deepEqual([stateOf(a), stateOf(b), stateOf(c)], ['running', 'running', 'queued']);
  assert.match(listed.find((j) => j.jobId === c)!.message, /queued: 0 ahead, 2 running/);
  const outcomes = await Promise.all([ended(a), ended(b), ended(c)]);
  events.stop();
  assert.deepEqual(outcomes, ['job.finished', 'job.finished', 'job.finished']);
  const { order } = events;
  assert.ok(order.includes(`job.queued:${c}`), order.join(' '));
  assert.ok(!order.includes(`job.queued:${a}`) && !order.includes(`job.queued:${b}`), 'the first two start at once');
  const firstEnd = Math.min(order.indexOf(`job.finished:${a}`), order.indexOf(`job.finished:${b}`));
  assert.ok(order.indexOf(`job.started:${c}`) > firstEnd, `the third starts only after one of the first two ended: ${order.join(' ')}`);
  const after = (await api.request('jobs.list', {})).jobs.find((j) => j.jobId === c);
  assert.equal(after?.state, 'finished');
});

test('a queued job can be cancelled: it ends cancelled without ever starting', async () => {
  const events = recordEvents();
  const slow = { kind: 'self-test' as const, params: { steps: 3, stepMs: 150 } };
  const a = (await api.request('jobs.start', slow)).jobId;
  const b = (await api.request('jobs.start', slow)).jobId;
  const c = (await api.request('jobs.start', slow)).jobId;
  const d = (await api.request('jobs.start', slow)).jobId;
  const cEnded = ended(c);
  assert.deepEqual(await api.request('jobs.cancel', { jobId: c }), { cancelled: true });
  assert.equal(await cEnded, 'job.cancelled');
  const listed = (await api.request('jobs.list', {})).jobs.find((j) => j.jobId === c);
  assert.equal(listed?.state, 'cancelled');
  // a cancelled job cannot be cancelled twice
  assert.deepEqual(await api.request('jobs.cancel', { jobId: c }), { cancelled: false });
  await Promise.all([ended(a), ended(b), ended(d)]);
  events.stop();
  assert.ok(!events.order.includes(`job.started:${c}`), events.order.join(' '));
  assert.ok(events.order.includes(`job.started:${d}`), 'the job queued behind it still runs');
});

test('the cap comes from config.json maxConcurrentJobs, and a bad value is refused naming the field', () => {
  // VEGDYN_HOME is this file's temporary folder (inProcessApi above)
  mkdirSync(tmp, { recursive: true });
  const config = path.join(tmp, 'config.json');
  writeFileSync(config, JSON.stringify({ maxConcurrentJobs: 3 }));
  const emit = (): void => undefined;
  assert.equal(new JobHost(emit, { isolation: 'thread' }).maxConcurrent, 3);
  assert.equal(new JobHost(emit, { isolation: 'thread', maxConcurrent: 1 }).maxConcurrent, 1);
  writeFileSync(config, JSON.stringify({ maxConcurrentJobs: 0 }));
  assert.throws(() => new JobHost(emit, { isolation: 'thread' }), /config\.json: maxConcurrentJobs: .*>=1/);
  writeFileSync(config, JSON.stringify({}));
  assert.equal(new JobHost(emit, { isolation: 'thread' }).maxConcurrent, DEFAULT_MAX_CONCURRENT_JOBS);
});
