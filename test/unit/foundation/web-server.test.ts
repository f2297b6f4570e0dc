/**
 * The loopback server refuses what a hostile page or a rebound DNS name could send, and serves
 * the API to a client that holds the token. Real server on a free port, real HTTP and WebSocket.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { Session } from '../../../main/api/session.ts';
import { startWebServer, type WebServer } from '../../../main/server/web-server.ts';
import { createApiClient, createHttpTransport, type WebSocketCtor } from '../../../main/api/client.ts';
import { ApiError } from '../../../main/api/api-error.ts';

let tmp: string;
let session: Session;
let server: WebServer;

before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-web-'));
  process.env.VEGDYN_HOME = path.join(tmp, 'home');
  const staticDir = path.join(tmp, 'static');
  mkdirSync(staticDir);
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>VegDyn test page</title>');
  writeFileSync(path.join(staticDir, 'app.js'), 'console.log("app")');
  writeFileSync(path.join(tmp, 'secret.txt'), 'outside the static folder');
  session = new Session();
  await session.createProject(path.join(tmp, 'project'));
  server = await startWebServer({ session, staticDir, port: 0 });
});

after(async () => {
  await server.close();
  await session.close();
  rmSync(tmp, { recursive: true, force: true });
});

interface Reply { status: number; body: string; json: () => { ok: boolean; result?: unknown; error?: { code: string; message: string; field?: string } } }

function send(method: string, urlPath: string, options: { headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method, path: urlPath, headers: { host: `127.0.0.1:${server.port}`, ...options.headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, json: () => JSON.parse(body) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const auth = (): Record<string, string> => ({ authorization: `Bearer ${server.token}`, 'content-type': 'application/json' });

test('the URL carries a 32-hex-character token and a loopback address', () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32}$/);
});

test('a request without the token is refused with 401', async () => {
  const r = await send('POST', '/api/request/project.info', { body: '{}' });
  assert.equal(r.status, 401);
  assert.equal(r.json().error?.code, 'unauthorized');
});

test('a request with a wrong token is refused with 401', async () => {
  const r = await send('POST', '/api/request/project.info', { headers: { authorization: `Bearer ${'0'.repeat(32)}` }, body: '{}' });
  assert.equal(r.status, 401);
});

test('a request with the token is answered', async () => {
  const r = await send('POST', '/api/request/project.info', { headers: auth(), body: '{}' });
  assert.equal(r.status, 200);
  const reply = r.json();
  assert.equal(reply.ok, true);
  assert.equal((reply.result as { dir: string }).dir, path.join(tmp, 'project'));
});

test('a foreign Origin is refused with 403 even with the token', async () => {
  const r = await send('POST', '/api/request/project.info', { headers: { ...auth(), origin: 'https://evil.example' }, body: '{}' });
  assert.equal(r.status, 403);
  assert.equal(r.json().error?.code, 'forbidden');
});

test('a rebound DNS name (Host other than 127.0.0.1/localhost:PORT) is refused with 403', async () => {
  const r = await send('POST', '/api/request/project.info', { headers: { ...auth(), host: `attacker.example:${server.port}` }, body: '{}' });
  assert.equal(r.status, 403);
  const other = await send('POST', '/api/request/project.info', { headers: { ...auth(), host: '127.0.0.1:1' }, body: '{}' });
  assert.equal(other.status, 403);
});

test('the same origin under localhost is accepted', async () => {
  const r = await send('POST', '/api/request/project.info', { headers: { ...auth(), host: `localhost:${server.port}`, origin: `http://localhost:${server.port}` }, body: '{}' });
  assert.equal(r.status, 200);
});

test('an invalid payload is rejected with 400 and a message naming the field', async () => {
  const r = await send('POST', '/api/request/jobs.start', { headers: auth(), body: JSON.stringify({ kind: 42 }) });
  assert.equal(r.status, 400);
  const error = r.json().error!;
  assert.equal(error.code, 'invalid-request');
  assert.equal(error.field, 'kind');
  assert.match(error.message, /^invalid request payload for jobs\.start: kind: /);
});

test('unknown keys are rejected, naming them', async () => {
  const r = await send('POST', '/api/request/project.open', { headers: auth(), body: JSON.stringify({ dir: tmp, colour: 'red' }) });
  assert.equal(r.status, 400);
  assert.match(r.json().error!.message, /colour/);
});

test('a body that is not JSON is a 400', async () => {
  const r = await send('POST', '/api/request/jobs.list', { headers: auth(), body: '{not json' });
  assert.equal(r.status, 400);
  assert.match(r.json().error!.message, /not valid JSON/);
});

test('an unknown request is a 404 and a failing handler a 500', async () => {
  const unknown = await send('POST', '/api/request/no.such', { headers: auth(), body: '{}' });
  assert.equal(unknown.status, 404);
  const failing = await send('POST', '/api/request/project.open', { headers: auth(), body: JSON.stringify({ dir: path.join(tmp, 'static') }) });
  assert.equal(failing.status, 500);
  assert.match(failing.json().error!.message, /not a VegDyn project/);
});

test('index.html needs the token; assets are served; nothing outside the folder is', async () => {
  assert.equal((await send('GET', '/')).status, 401);
  const page = await send('GET', `/?token=${server.token}`);
  assert.equal(page.status, 200);
  assert.match(page.body, /VegDyn test page/);
  assert.equal((await send('GET', '/app.js')).status, 200);
  assert.equal((await send('GET', '/../secret.txt')).status, 404);
  assert.equal((await send('GET', '/%2e%2e/secret.txt')).status, 404);
  assert.equal((await send('GET', '/app.js', { headers: { host: 'evil.example' } })).status, 403);
});

test('the page is served with a CSP that allows no remote origins', async () => {
  const res = await fetch(server.url);
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'self'/);
  assert.doesNotMatch(csp, /https?:\/\/(?!127\.0\.0\.1|localhost)/);
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
});

function wsStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => { ws.close(); resolve(101); });
    ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); ws.terminate(); });
    ws.on('error', (err) => { if (!String(err.message).includes('Unexpected server response')) reject(err); });
  });
}

test('the event socket refuses a missing token, a foreign Origin and a rebound Host', async () => {
  const base = `ws://127.0.0.1:${server.port}/api/events`;
  assert.equal(await wsStatus(base), 401);
  assert.equal(await wsStatus(`${base}?token=${'f'.repeat(32)}`), 401);
  assert.equal(await wsStatus(`${base}?token=${server.token}`, { origin: 'https://evil.example' }), 403);
  assert.equal(await wsStatus(`${base}?token=${server.token}`, { host: `rebound.example:${server.port}` }), 403);
  assert.equal(await wsStatus(`${base}?token=${server.token}`, { origin: `http://127.0.0.1:${server.port}` }), 101);
});

test('the typed HTTP client runs a job and receives its events over the socket', async () => {
  const api = createApiClient(createHttpTransport({ baseUrl: `http://127.0.0.1:${server.port}`, token: server.token, WebSocket: WebSocket as unknown as WebSocketCtor }));
  try {
    const progress: number[] = [];
    const finished = new Promise<unknown>((resolve) => api.on('job.finished', (p) => resolve(p.result)));
    api.on('job.progress', (p) => progress.push(p.fraction));
    // let the socket open before the job starts, so no event is missed
    await new Promise((r) => setTimeout(r, 200));
    const { jobId } = await api.request('jobs.start', { kind: 'self-test', params: { steps: 4, stepMs: 5 } });
    assert.match(jobId, /^[0-9a-f-]{36}$/);
    const result = (await finished) as { steps: number };
    assert.equal(result.steps, 4);
    assert.equal(progress.at(-1), 1);
    await assert.rejects(api.request('jobs.start', { kind: 7 } as never), (err: unknown) => err instanceof ApiError && err.field === 'kind' && err.code === 'invalid-request');
  } finally {
    api.close();
  }
});
