/**
 * Issue #14 §2: nothing a client sends may stop the web server. The crash cases run against a real
 * `vegdyn serve` process (each of them stopped that process before the fix); the 413 and page
 * cases against an in-process server with a small body limit. Real TCP sockets (node:net) send
 * what an ordinary HTTP or WebSocket client would refuse to. The last test checks that the served
 * process is still running, answers a normal request and opens the event socket.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { Session } from '../../../main/api/session.ts';
import { startWebServer, type WebServer } from '../../../main/server/web-server.ts';
import { createProject } from '../../../main/project/project-store.ts';

const MAX_BODY = 64 * 1024;
let tmp: string;
let session: Session;
/** the in-process server (small body limit, a static folder of its own) */
let local: WebServer;
const logged: string[] = [];
/** the `vegdyn serve` process the crash cases are sent to */
let served: { child: ChildProcess; port: number; token: string; stderr: () => string };
/** the server the helpers below talk to */
let server: { port: number; token: string };

function startServe(projectDir: string): Promise<typeof served> {
  const child = spawn(process.execPath, ['bin/vegdyn.mjs', 'serve', '--project', projectDir, '--port', '0'], { env: { ...process.env, VEGDYN_HOME: path.join(tmp, 'home') }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /running at http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{32})/.exec(out);
      if (m) resolve({ child, port: Number(m[1]), token: m[2]!, stderr: () => stderr });
    });
    child.once('exit', (code) => reject(new Error(`vegdyn serve exited with ${code}: ${stderr}`)));
  });
}

/** Runs `body` against the served process and checks that the process is still running after it. */
async function againstServed(body: () => Promise<void>): Promise<void> {
  server = served;
  await body();
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(served.child.exitCode, null, `vegdyn serve stopped: ${served.stderr()}`);
}

async function againstLocal(body: () => Promise<void>): Promise<void> {
  server = local;
  await body();
}

before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-web-robust-'));
  process.env.VEGDYN_HOME = path.join(tmp, 'home');
  const staticDir = path.join(tmp, 'static');
  mkdirSync(staticDir);
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>VegDyn test page</title>');
  writeFileSync(path.join(staticDir, 'help.html'), '<!doctype html><title>help</title>');
  session = new Session();
  await session.createProject(path.join(tmp, 'project'));
  local = await startWebServer({ session, staticDir, port: 0, maxBodyBytes: MAX_BODY, log: (line) => logged.push(line) });
  await createProject(path.join(tmp, 'served-project'));
  served = await startServe(path.join(tmp, 'served-project'));
});

after(async () => {
  served.child.kill('SIGTERM');
  await local.close();
  await session.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Sends raw bytes and collects what comes back until the server closes (or `ms` pass). */
function raw(bytes: string | Buffer, ms = 5000): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => { socket.destroy(); resolve({ text: Buffer.concat(chunks).toString('latin1'), closed: false }); }, ms);
    socket.on('data', (c) => chunks.push(c));
    socket.on('close', () => { clearTimeout(timer); resolve({ text: Buffer.concat(chunks).toString('latin1'), closed: true }); });
    socket.on('error', reject);
    socket.write(bytes);
  });
}

const statusOf = (text: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
const host = (): string => `Host: 127.0.0.1:${server.port}\r\n`;

function send(method: string, urlPath: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method, path: urlPath, headers: { host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('/api/request/% is answered (405 for GET, 401 without the token, 400 with it), not a URIError', () => againstServed(async () => {
  const noToken = await raw(`GET /api/request/% HTTP/1.1\r\n${host()}Connection: close\r\n\r\n`);
  assert.equal(statusOf(noToken.text), 405);
  const post = await raw(`POST /api/request/% HTTP/1.1\r\n${host()}Content-Length: 2\r\nConnection: close\r\n\r\n{}`);
  assert.equal(statusOf(post.text), 401);
  const withToken = await raw(`POST /api/request/% HTTP/1.1\r\n${host()}Authorization: Bearer ${server.token}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
  assert.equal(statusOf(withToken.text), 400);
  assert.match(withToken.text, /request name '%' is not valid percent-encoding/);
  // the same malformed escape in a static path
  assert.equal(statusOf((await raw(`GET /%E0%A4%A HTTP/1.1\r\n${host()}Connection: close\r\n\r\n`)).text), 400);
}));

test('an absolute-form request line with an invalid URL (GET http://[/) is a 400', () => againstServed(async () => {
  const r = await raw(`GET http://[/ HTTP/1.1\r\n${host()}Connection: close\r\n\r\n`);
  assert.equal(statusOf(r.text), 400);
  assert.match(r.text, /malformed request target/);
  // a valid absolute-form target is read for its path only
  const ok = await raw(`POST http://127.0.0.1:${server.port}/api/request/project.info HTTP/1.1\r\n${host()}Authorization: Bearer ${server.token}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
  assert.equal(statusOf(ok.text), 200);
}));

test('a refused WebSocket upgrade followed by a TCP reset from the client', () => againstServed(async () => {
  const key = randomBytes(16).toString('base64');
  for (const target of ['/api/events', '/api/elsewhere', `/api/events?token=${'0'.repeat(32)}`]) {
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(server.port, '127.0.0.1');
      socket.on('error', reject);
      socket.once('data', (c) => {
        assert.ok([401, 404].includes(statusOf(c.toString('latin1'))), c.toString('latin1'));
        socket.resetAndDestroy();
        resolve();
      });
      socket.write(`GET ${target} HTTP/1.1\r\n${host()}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
  }
  // reset before the refusal is even read: a bad Host
  await new Promise<void>((resolve) => {
    const socket = net.connect(server.port, '127.0.0.1', () => {
      socket.write(`GET /api/events HTTP/1.1\r\nHost: rebound.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`, () => {
        socket.resetAndDestroy();
        resolve();
      });
    });
  });
  // give the server time to see the resets
  await new Promise((r) => setTimeout(r, 300));
}));

/** Opens the event socket by hand (token holder) and returns the raw TCP socket after the 101. */
function openEventSocket(): Promise<{ socket: net.Socket; received: Buffer[]; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1');
    const received: Buffer[] = [];
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.on('error', () => undefined);
    let head = Buffer.alloc(0);
    const onData = (c: Buffer): void => {
      head = Buffer.concat([head, c]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      if (statusOf(head.toString('latin1')) !== 101) return reject(new Error(`no upgrade: ${head.toString('latin1')}`));
      if (head.length > end + 4) received.push(head.subarray(end + 4));
      socket.on('data', (d) => received.push(d));
      resolve({ socket, received, closed });
    };
    socket.on('data', onData);
    socket.write(`GET /api/events?token=${server.token} HTTP/1.1\r\n${host()}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  });
}

/** A client frame; `mask` false makes the protocol error of an unmasked client frame. */
function frame(opcode: number, payload: Buffer, mask = true): Buffer {
  const len = payload.length;
  const header = len < 126 ? Buffer.from([0x80 | opcode, (mask ? 0x80 : 0) | len])
    : len < 65536 ? Buffer.from([0x80 | opcode, (mask ? 0x80 : 0) | 126, len >> 8, len & 0xff])
      : Buffer.concat([Buffer.from([0x80 | opcode, (mask ? 0x80 : 0) | 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(len)); return b; })()]);
  if (!mask) return Buffer.concat([header, payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload.map((b, i) => b ^ key[i % 4]!));
  return Buffer.concat([header, key, body]);
}

/** The close code of the server's close frame among the received bytes (server frames are unmasked). */
function closeCode(received: Buffer[]): number | undefined {
  const all = Buffer.concat(received);
  for (let i = 0; i + 1 < all.length;) {
    const opcode = all[i]! & 0x0f;
    let len = all[i + 1]! & 0x7f;
    let at = i + 2;
    if (len === 126) { len = all.readUInt16BE(at); at += 2; } else if (len === 127) { len = Number(all.readBigUInt64BE(at)); at += 8; }
    if (opcode === 0x8) return len >= 2 ? all.readUInt16BE(at) : 1005;
    i = at + len;
  }
  return undefined;
}

for (const [what, bytes, code] of [
  ['a frame over 64 KiB', frame(0x2, Buffer.alloc(70 * 1024, 7)), 1009],
  ['a text frame of invalid UTF-8', frame(0x1, Buffer.from([0xc3, 0x28, 0xff, 0xfe])), 1007],
  ['an unmasked client frame', frame(0x1, Buffer.from('hello'), false), 1002],
] as const) {
  test(`from a token holder, ${what} closes that socket (${code}) and not the server`, () => againstServed(async () => {
    const { socket, received, closed } = await openEventSocket();
    socket.write(bytes);
    await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error('the server kept the socket open')), 5000))]);
    assert.equal(closeCode(received), code);
  }));
}

test('a body declared over the limit gets 413 before the connection closes', () => againstLocal(async () => {
  const r = await raw(`POST /api/request/project.info HTTP/1.1\r\n${host()}Authorization: Bearer ${server.token}\r\nContent-Length: ${MAX_BODY + 1}\r\n\r\n`);
  assert.equal(statusOf(r.text), 413);
  assert.match(r.text, /larger than the 65536 bytes/);
  assert.equal(r.closed, true);
}));

test('a chunked body growing over the limit gets 413 (the client reads it while still sending)', () => againstLocal(async () => {
  const r = await send('POST', '/api/request/project.info', { authorization: `Bearer ${server.token}`, 'transfer-encoding': 'chunked' }, Buffer.alloc(4 * MAX_BODY, 0x20));
  assert.equal(r.status, 413);
  assert.equal((JSON.parse(r.body) as { error: { code: string } }).error.code, 'invalid-request');
}));

test('the page only at / and /index.html; every HTML answer has the CSP; the token cookie reopens it', () => againstLocal(async () => {
  const page = await send('GET', `/index.html?token=${server.token}`);
  assert.equal(page.status, 200);
  assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
  const cookie = String(page.headers['set-cookie']?.[0] ?? '');
  assert.match(cookie, new RegExp(`^vegdyn-token-${server.port}=${server.token}; .*HttpOnly; SameSite=Strict`));
  for (const other of ['/index.html/', `/index.html/?token=${server.token}`, '/./index.html/.']) {
    assert.equal((await send('GET', other)).status, 404, other);
  }
  const help = await send('GET', '/help.html');
  assert.equal(help.status, 200);
  assert.match(String(help.headers['content-security-policy']), /default-src 'self'/);
  // a reload after the page took the token out of the address bar carries the cookie instead
  assert.equal((await send('GET', '/', { cookie: cookie.split(';')[0]! })).status, 200);
  assert.equal((await send('GET', '/', { cookie: `vegdyn-token-${server.port}=${'0'.repeat(32)}` })).status, 401);
  assert.equal((await send('GET', '/')).status, 401);
}));

test('after all of the above the served process still answers normally and opens the event socket', () => againstServed(async () => {
  const r = await send('POST', '/api/request/project.info', { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, '{}');
  assert.equal(r.status, 200);
  assert.equal((JSON.parse(r.body) as { ok: boolean }).ok, true);
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`);
  await new Promise<void>((resolve, reject) => { ws.on('open', () => resolve()); ws.on('error', reject); });
  ws.close();
  // the socket errors were reported on stderr, not thrown
  assert.match(served.stderr(), /event socket: /);
}));
