/**
 * The MessagePort transport that connects Electron windows to the engine's utility process,
 * tested over Node's worker_threads MessageChannel (the same postMessage / message-event shape):
 * a real Session and dispatcher on one port, the typed API client on the other.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { ApiError } from '../../../main/api/api-error.ts';
import { createApiClient, createIpcTransport } from '../../../main/api/client.ts';
import type { EventOf } from '../../../main/api/contract.ts';
import { createPortBridge, endpointFromEventTarget } from '../../../main/api/port-protocol.ts';
import { servePort } from '../../../main/api/port-server.ts';
import { inProcessApi } from '../in-process-api.ts';

const { tmp, session } = inProcessApi('vegdyn-port-', {}, true);

function connect() {
  const { port1, port2 } = new MessageChannel();
  const stop = servePort(session, endpointFromEventTarget(port1));
  const bridge = createPortBridge(endpointFromEventTarget(port2));
  const api = createApiClient(createIpcTransport(bridge));
  return { api, bridge, stop, close: () => { stop(); api.close(); bridge.close(); port1.close(); } };
}

test('requests over the port get the handler result, and refused payloads the field-naming error', async () => {
  const dir = path.join(tmp, 'project-a');
  await session.openOrCreateProject(dir, 'port test');
  const c = connect();
  try {
    const info = await c.api.request('project.info', {});
    assert.equal(info.dir, dir);
    assert.equal(info.name, 'port test');
    await assert.rejects(c.api.request('jobs.start', { kind: 5 } as never), (e: unknown) => e instanceof ApiError && e.code === 'invalid-request' && e.field === 'kind');
    const unknown = await c.bridge.request('no.such.request', {});
    assert.deepEqual(unknown.ok ? 'ok' : unknown.error.code, 'unknown-request');
  } finally {
    c.close();
  }
});

test('job events reach the client over the port, in order, ending with the result', async () => {
  const c = connect();
  try {
    const progress: EventOf<'job.progress'>[] = [];
    let jobId = '';
    const finished = new Promise<EventOf<'job.finished'>>((resolve) => {
      c.api.on('job.finished', (p) => { if (p.jobId === jobId) resolve(p); });
    });
    c.api.on('job.progress', (p) => { if (p.jobId === jobId) progress.push(p); });
    jobId = (await c.api.request('jobs.start', { kind: 'self-test', params: { steps: 4, stepMs: 5 } })).jobId;
    const end = await finished;
    assert.equal((end.result as { steps: number }).steps, 4);
    assert.ok(progress.length >= 2, `${progress.length} progress events`);
    assert.equal(progress.at(-1)?.fraction, 1);
  } finally {
    c.close();
  }
});

test('closing the client answers its pending requests with a transport error instead of hanging', async () => {
  const { port1, port2 } = new MessageChannel();
  // nobody serves port1: the request can only end through close()
  const bridge = createPortBridge(endpointFromEventTarget(port2));
  const pending = bridge.request('project.info', {});
  bridge.close();
  const reply = await pending;
  assert.equal(reply.ok, false);
  assert.equal(reply.ok ? '' : reply.error.code, 'transport-error');
  port1.close();
});

test('a stopped server no longer forwards events to that port', async () => {
  const c = connect();
  const seen: string[] = [];
  c.api.on('job.finished', (p) => seen.push(p.jobId));
  // a round trip proves the event subscription is in place before it is stopped
  await c.api.request('project.info', {});
  c.stop();
  const id = session.startJob('self-test', { steps: 1, stepMs: 1 });
  await session.jobs.wait(id);
  // give any message already posted time to arrive
  await new Promise((resolve) => setTimeout(resolve, 50));
  c.close();
  assert.deepEqual(seen, []);
});
