/**
 * Map grids travel as Float32Array: raw bytes after a small JSON header over HTTP when the client
 * accepts them (the app's transport), JSON numbers with null to a client that asks for JSON, and
 * typed arrays through the in-process transport. Real server on a free port, real dataset file.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Session } from '../../../main/api/session.ts';
import { startWebServer, type WebServer } from '../../../main/server/web-server.ts';
import { createApiClient, createHttpTransport } from '../../../main/api/client.ts';
import { createInProcessTransport } from '../../../main/api/in-process-transport.ts';
import { BINARY_MEDIA_TYPE, decodeBinary, encodeBinary } from '../../../main/api/binary-wire.ts';
import { generateVirtualBasin } from '../../../main/data/virtual-basin/generate.ts';
import { writeDataset } from '../../../main/data/store/netcdf-store.ts';
import type { Dataset } from '../../../main/data/dataset.ts';

let tmp: string;
let session: Session;
let server: WebServer;
let ds: Dataset;
const N = 63 * 54;

before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-binary-'));
  process.env.VEGDYN_HOME = path.join(tmp, 'home');
  const staticDir = path.join(tmp, 'static');
  mkdirSync(staticDir);
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>test</title>');
  session = new Session();
  const project = path.join(tmp, 'project');
  await session.createProject(project);
  ds = generateVirtualBasin({ seed: 3, startDate: '1995-01-01', endDate: '1995-03-31' });
  await writeDataset(project, ds);
  server = await startWebServer({ session, staticDir, port: 0 });
});

after(async () => {
  await server.close();
  await session.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Day 10's Tair as the map shows it: NaN outside the basin. */
function expectedTair(day: number): Float32Array {
  const t = ds.forcing('Tair').subarray(day * N, (day + 1) * N);
  return Float32Array.from(t, (v, c) => (ds.mask[c] ? v : Number.NaN));
}

function sameBits(a: Float32Array, b: Float32Array): void {
  assert.equal(a.length, b.length);
  for (let c = 0; c < a.length; c++) assert.ok(a[c] === b[c] || (Number.isNaN(a[c]!) && Number.isNaN(b[c]!)), `cell ${c}: ${a[c]} vs ${b[c]}`);
}

test('over HTTP the app transport gets Float32Array grids, bit for bit, in the binary layout', async () => {
  const api = createApiClient(createHttpTransport({ baseUrl: `http://127.0.0.1:${server.port}`, token: server.token }));
  try {
    const g = await api.request('map.grid', { layer: 'forcing.Tair', day: 10 });
    assert.ok(g.values instanceof Float32Array);
    sameBits(g.values, expectedTair(10));
    assert.equal(g.sourceDate, '1995-01-11');
    const frames = await api.request('map.grids', { layer: 'forcing.Tair', start: 10, count: 3 });
    assert.deepEqual(frames.frames.map((f) => f.day), [10, 11, 12]);
    frames.frames.forEach((f) => sameBits(f.values, expectedTair(f.day)));
    // replies without grids stay JSON
    assert.ok((await api.request('map.layers', {})).layers.some((l) => l.id === 'forcing.Tair'));
  } finally {
    api.close();
  }
  const post = (accept: string) => fetch(`http://127.0.0.1:${server.port}/api/request/map.grid`, {
    method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json', accept }, body: JSON.stringify({ layer: 'forcing.Tair', day: 10 }),
  });
  const bin = await post(`${BINARY_MEDIA_TYPE}, application/json`);
  assert.equal(bin.headers.get('content-type'), BINARY_MEDIA_TYPE);
  const bytes = await bin.arrayBuffer();
  assert.ok(bytes.byteLength < N * 4 + 300, `${bytes.byteLength} bytes for ${N} cells`);
  const json = await post('application/json');
  assert.match(json.headers.get('content-type') ?? '', /^application\/json/);
  const text = await json.text();
  assert.ok(text.length > bytes.byteLength, `JSON ${text.length} chars vs binary ${bytes.byteLength} bytes`);
  const values = (JSON.parse(text) as { result: { values: (number | null)[] } }).result.values;
  const want = expectedTair(10);
  values.forEach((v, c) => assert.ok(Number.isNaN(want[c]!) ? v === null : v === Number(want[c]!.toPrecision(7)), `cell ${c}: ${v}`));
});

test('the in-process transport hands out Float32Array grids too', async () => {
  const api = createApiClient(createInProcessTransport(session));
  const g = await api.request('map.grid', { layer: 'forcing.Tair', day: 10 });
  assert.ok(g.values instanceof Float32Array);
  sameBits(g.values, expectedTair(10));
});

test('the binary layout keeps nested arrays in order, NaN and the JSON around them; bad bytes are refused', () => {
  const a = Float32Array.from([1.5, Number.NaN, -0]);
  const b = Float32Array.from([7]);
  const back = decodeBinary(encodeBinary({ ok: true, result: { x: a, list: [{ v: b }, { v: a.subarray(1) }], note: 'ü' } })) as { result: { x: Float32Array; list: { v: Float32Array }[]; note: string } };
  sameBits(back.result.x, a);
  sameBits(back.result.list[0]!.v, b);
  sameBits(back.result.list[1]!.v, a.subarray(1));
  assert.equal(back.result.note, 'ü');
  assert.throws(() => decodeBinary(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), /bad signature/);
  const cut = encodeBinary({ x: a });
  assert.throws(() => decodeBinary(cut.subarray(0, cut.length - 4)), /runs past the end/);
});
