/** The dispatcher checks both directions of every request against the contract. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dispatch } from '../../../main/api/dispatcher.ts';
import { handlers, type Handlers } from '../../../main/api/handlers.ts';
import { requests, events } from '../../../main/api/contract.ts';
import { ApiError } from '../../../main/api/api-error.ts';
import { Session } from '../../../main/api/session.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-dispatch-'));
process.env.VEGDYN_HOME = tmp;
const session = new Session();
after(async () => {
  await session.close();
  rmSync(tmp, { recursive: true, force: true });
});

test('every request in the contract has a handler and a description', () => {
  for (const [name, spec] of Object.entries(requests)) {
    assert.equal(typeof (handlers as Record<string, unknown>)[name], 'function', `no handler for ${name}`);
    assert.ok(spec.description.length > 5, `${name} has no description`);
  }
  for (const [name, spec] of Object.entries(events)) assert.ok(spec.description.length > 5, `event ${name} has no description`);
});

test('a field that breaks its constraint is named in the error', async () => {
  await assert.rejects(dispatch(handlers, 'project.create', { dir: '' }, session), (e: unknown) => {
    return e instanceof ApiError && e.code === 'invalid-request' && e.field === 'dir' && /^invalid request payload for project\.create: dir: /.test(e.message);
  });
});

test('a handler that answers outside its schema is reported as an invalid response, naming the field', async () => {
  // the real handlers with one replaced by a faulty implementation: the check under test is the dispatcher's
  const faulty: Handlers = { ...handlers, 'project.recent': async () => ({ projects: [{ dir: 5 }] }) as never };
  await assert.rejects(dispatch(faulty, 'project.recent', {}, session), (e: unknown) => {
    return e instanceof ApiError && e.code === 'invalid-response' && e.field === 'projects.0.dir';
  });
});

test('a handler error becomes a handler-error with its message', async () => {
  await assert.rejects(dispatch(handlers, 'project.info', {}, session), (e: unknown) => e instanceof ApiError && e.code === 'handler-error' && /no project is open/.test(e.message));
});

test('an emitted event is checked against its schema', () => {
  assert.throws(() => session.emit('job.progress', { jobId: 'x', kind: 'self-test', fraction: 2, message: 'm' }), /invalid payload for event job\.progress: fraction: /);
});
