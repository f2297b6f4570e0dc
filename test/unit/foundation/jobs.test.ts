/**
 * Jobs run in worker threads: progress arrives as events, the engine's own loop stays responsive
 * while a job burns CPU, and a cancelled job stops and says so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { Session } from '../../../main/api/session.ts';
import type { EventOf } from '../../../main/api/contract.ts';
import { ApiError } from '../../../main/api/api-error.ts';
import { inProcessApi } from '../in-process-api.ts';

const { api, session } = inProcessApi('vegdyn-jobs-', { jobs: { cancelGraceMs: 2000 } }, true);

function collect(jobId: string) {
  const progress: EventOf<'job.progress'>[] = [];
  const logs: EventOf<'job.log'>[] = [];
  const offs = [
    api.on('job.progress', (p) => { if (p.jobId === jobId) progress.push(p); }),
    api.on('job.log', (p) => { if (p.jobId === jobId) logs.push(p); }),
  ];
  return { progress, logs, stop: () => offs.forEach((off) => off()) };
}

function outcome(jobId: () => string): Promise<{ event: string; payload: unknown }> {
  return new Promise((resolve) => {
    api.on('job.finished', (p) => { if (p.jobId === jobId()) resolve({ event: 'job.finished', payload: p }); });
    api.on('job.failed', (p) => { if (p.jobId === jobId()) resolve({ event: 'job.failed', payload: p }); });
    api.on('job.cancelled', (p) => { if (p.jobId === jobId()) resolve({ event: 'job.cancelled', payload: p }); });
  });
}

test('a started job reports increasing progress, logs, and finishes with its result', async () => {
  let id = '';
  const done = outcome(() => id);
  const { jobId } = await api.request('jobs.start', { kind: 'self-test', params: { steps: 6, stepMs: 10 } });
  id = jobId;
  const seen = collect(jobId);
  const end = await done;
  seen.stop();
  assert.equal(end.event, 'job.finished');
  assert.equal((end.payload as { result: { steps: number } }).result.steps, 6);
  const fractions = seen.progress.map((p) => p.fraction);
  assert.ok(fractions.length >= 2, `expected several progress events, got ${fractions.length}`);
  for (let i = 1; i < fractions.length; i++) assert.ok(fractions[i]! >= fractions[i - 1]!, 'progress never goes back');
  assert.equal(fractions.at(-1), 1);
  assert.ok(seen.logs.some((l) => l.level === 'info' && /finished 6 steps/.test(l.message)));
  const listed = (await api.request('jobs.list', {})).jobs.find((j) => j.jobId === jobId);
  assert.equal(listed?.state, 'finished');
});

test('the engine loop stays responsive while a job burns CPU in its worker', async () => {
  let id = '';
  const done = outcome(() => id);
  // two steps of 1.5 s busy work each: on this thread they would hold timers back by ~1.5 s
  id = (await api.request('jobs.start', { kind: 'self-test', params: { steps: 2, stepMs: 1500 } })).jobId;
  // measure how late 10 ms timers fire on this thread while the job runs
  let worst = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 10);
    last = now;
  }, 10);
  await done;
  clearInterval(timer);
  assert.ok(worst < 600, `main loop was blocked for ${worst.toFixed(0)} ms`);
});

test('a cancelled job stops early and reports job.cancelled', async () => {
  let id = '';
  const done = outcome(() => id);
  const startedAt = performance.now();
  id = (await api.request('jobs.start', { kind: 'self-test', params: { steps: 200, stepMs: 50 } })).jobId;
  const seen = collect(id);
  // wait for the job to be under way, then cancel it
  while (seen.progress.length < 3) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(await api.request('jobs.cancel', { jobId: id }), { cancelled: true });
  const end = await done;
  const elapsed = performance.now() - startedAt;
  seen.stop();
  assert.equal(end.event, 'job.cancelled');
  assert.ok(elapsed < 5000, `took ${elapsed.toFixed(0)} ms, the full job would take 10 s`);
  const last = seen.progress.at(-1)!;
  assert.ok(last.fraction < 0.5, `job ran on to ${last.fraction}`);
  const listed = (await api.request('jobs.list', {})).jobs.find((j) => j.jobId === id);
  assert.equal(listed?.state, 'cancelled');
  // cancelling again is a no-op, not an error
  assert.deepEqual(await api.request('jobs.cancel', { jobId: id }), { cancelled: false });
});

test('bad job params are refused at jobs.start naming the field, and a job started around the contract fails naming it', async () => {
  // the contract checks params against the kind's schema (main/api/job-map.ts) before any job exists
  await assert.rejects(api.request('jobs.start', { kind: 'self-test', params: { steps: -3 } }),
    (e: unknown) => e instanceof ApiError && e.code === 'invalid-request' && e.field === 'params.steps');
  // the CLI starts jobs on the host directly: the worker checks the same schema
  let id = '';
  const done = outcome(() => id);
  id = session.jobs.start('self-test', { steps: -3 });
  const end = await done;
  assert.equal(end.event, 'job.failed');
  assert.match((end.payload as { message: string }).message, /invalid params for job self-test: steps: /);
});

test('an unknown job kind or job id is refused, naming the field', async () => {
  await assert.rejects(api.request('jobs.start', { kind: 'no-such-kind' } as never), (e: unknown) => e instanceof ApiError && e.field === 'kind' && /unknown job kind/.test(e.message));
  await assert.rejects(api.request('jobs.cancel', { jobId: 'nope' }), (e: unknown) => e instanceof ApiError && e.field === 'jobId');
});

test('a job that ignores its signal is terminated after the grace period and reported cancelled', async () => {
  let id = '';
  const done = outcome(() => id);
  // one 60 s step: the job cannot look at its signal until the step ends
  id = (await api.request('jobs.start', { kind: 'self-test', params: { steps: 1, stepMs: 60_000 } })).jobId;
  // cancel once the job is inside its step (its first report comes just before the step)
  const seen = collect(id);
  while (seen.progress.length < 1) await new Promise((r) => setTimeout(r, 20));
  seen.stop();
  await new Promise((r) => setTimeout(r, 200));
  const cancelledAt = performance.now();
  await api.request('jobs.cancel', { jobId: id });
  const end = await done;
  const waited = performance.now() - cancelledAt;
  assert.equal(end.event, 'job.cancelled');
  assert.ok(waited >= 1900 && waited < 6000, `terminated after ${waited.toFixed(0)} ms (grace is 2000 ms)`);
});

test('a tfjs job initialises the backend in its worker thread and computes on it', async () => {
  let id = '';
  const done = outcome(() => id);
  id = (await api.request('jobs.start', { kind: 'backend-check', params: { size: 128, backend: 'cpu' } })).jobId;
  const end = await done;
  assert.equal(end.event, 'job.finished', JSON.stringify(end.payload));
  const result = (end.payload as { result: { report: { chosen: string }; tfBackend: string; gflops: number; checksum: number } }).result;
  assert.equal(result.report.chosen, 'cpu');
  assert.equal(result.tfBackend, 'cpu');
  assert.ok(Number.isFinite(result.checksum) && result.gflops > 0);
});

test('a wasm job runs the threaded build with one thread per core, as the bench does', async () => {
  let id = '';
  const done = outcome(() => id);
  id = (await api.request('jobs.start', { kind: 'backend-check', params: { size: 256, backend: 'wasm' } })).jobId;
  const end = await done;
  assert.equal(end.event, 'job.finished', JSON.stringify(end.payload));
  const result = (end.payload as { result: { report: { chosen: string; threads: number; tfjsPatches?: string }; tfBackend: string; checksum: number } }).result;
  assert.equal(result.tfBackend, 'wasm');
  assert.equal(result.report.threads, os.availableParallelism());
  assert.match(result.report.tfjsPatches ?? '', /patches applied/);
  assert.ok(Number.isFinite(result.checksum));
});

test('with process isolation (used where tfjs-node is installed) jobs report progress, finish and cancel alike', async () => {
  const procSession = new Session({ jobs: { cancelGraceMs: 2000, isolation: 'process' } });
  try {
    assert.equal(procSession.jobs.isolation, 'process');
    const fractions: number[] = [];
    procSession.onEvent((event, payload) => { if (event === 'job.progress') fractions.push((payload as { fraction: number }).fraction); });
    const ok = procSession.startJob('self-test', { steps: 3, stepMs: 5 });
    const finished = await procSession.jobs.wait(ok);
    assert.equal(finished.state, 'finished');
    assert.equal((finished.result as { steps: number }).steps, 3);
    assert.equal(fractions.at(-1), 1);

    const long = procSession.startJob('self-test', { steps: 200, stepMs: 50 });
    while (procSession.jobs.list().find((j) => j.jobId === long)!.fraction < 0.02) await new Promise((r) => setTimeout(r, 20));
    procSession.jobs.cancel(long);
    const cancelled = await procSession.jobs.wait(long);
    assert.equal(cancelled.state, 'cancelled');
    assert.ok(cancelled.fraction < 0.5);
  } finally {
    await procSession.close();
  }
});
