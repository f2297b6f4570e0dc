/**
 * `npm start` on a machine where Electron cannot run: it must say why, fall back to web mode,
 * print the URL, and that URL must open the app shell with a rendered MapLibre map in Chromium.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { findElectronBinary } from '../../scripts/electron-binary.ts';

export const CHROMIUM_ARGS = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const home = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-e2e-shell-'));
let app: ChildProcess | undefined;
let browser: Browser | undefined;
let stderr = '';
let startedUrl = '';

after(async () => {
  await browser?.close();
  // npm start runs in its own process group: end the whole group (npm, start.mjs, vegdyn serve)
  if (app?.pid) try { process.kill(-app.pid, 'SIGTERM'); } catch { /* already gone */ }
  rmSync(home, { recursive: true, force: true });
});

/** Starts `npm start`, resolves with the URL it prints. */
function startApp(): Promise<string> {
  // VEGDYN_WEB forces web mode only where Electron could otherwise open a window
  const env = { ...process.env, VEGDYN_HOME: home, ...(findElectronBinary().ok ? { VEGDYN_WEB: '1' } : {}) };
  app = spawn('npm', ['start', '--silent'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  app.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no URL printed within 60 s; stderr: ${stderr}`)), 60_000);
    app!.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /VegDyn is running at (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32})/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    app!.once('exit', (code) => reject(new Error(`npm start exited with ${code}; stderr: ${stderr}`)));
  });
}

/** Distinct colours in a PNG screenshot, decoded by the browser itself. */
async function distinctColours(page: Page, png: Buffer): Promise<number> {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const g = c.getContext('2d')!;
    g.drawImage(img, 0, 0);
    const data = g.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 7) seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
    return seen.size;
  }, png.toString('base64'));
}

test('npm start falls back to web mode, and the printed URL shows the app shell with a rendered map', { timeout: 180_000 }, async () => {
  const url = await startApp();
  startedUrl = url;
  if (!findElectronBinary().ok) assert.match(stderr, /not opening the desktop app \(Electron .* binary not present/);

  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  const remote: string[] = [];
  page.on('request', (req) => { if (!req.url().startsWith('http://127.0.0.1:') && !/^(data|blob):/.test(req.url())) remote.push(req.url()); });

  const res = await page.goto(url);
  assert.equal(res?.status(), 200);
  await page.waitForSelector('header.app-header h1', { timeout: 30_000 });
  assert.equal(await page.textContent('header.app-header h1'), 'VegDyn');
  assert.ok(await page.isVisible('aside.side-panel'));
  // the token left the address bar once the page had it; a reload in this tab still opens the app
  assert.doesNotMatch(page.url(), /token=/);
  const reloaded = await page.reload();
  assert.equal(reloaded?.status(), 200);
  await page.waitForSelector('header.app-header h1', { timeout: 30_000 });
  assert.doesNotMatch(page.url(), /token=/);

  // MapLibre draws into a WebGL canvas; wait until it shows the basemap, not a blank clear colour
  const canvas = await page.waitForSelector('canvas.maplibregl-canvas', { timeout: 30_000 });
  const box = await canvas.boundingBox();
  assert.ok(box && box.width > 200 && box.height > 200, `map canvas is ${JSON.stringify(box)}`);
  let colours = 0;
  for (let i = 0; i < 60 && colours < 4; i++) {
    colours = await distinctColours(page, await canvas.screenshot());
    if (colours < 4) await page.waitForTimeout(500);
  }
  assert.ok(colours >= 4, `the map canvas looks blank (${colours} colours)`);

  // the page can reach the engine with its token, same-origin, as the renderer's client does
  const info = await page.evaluate(async () => {
    // the page moved its token from the address bar to sessionStorage
    const token = sessionStorage.getItem('vegdyn.token');
    const r = await fetch('/api/request/project.info', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
    return (await r.json()) as { ok: boolean; result?: { name: string } };
  });
  assert.equal(info.ok, true);
  assert.equal(info.result?.name, 'demo');

  // events reach the browser over the token-guarded WebSocket: run a job and hear it finish
  const heard = await page.evaluate(async () => {
    // the page moved its token from the address bar to sessionStorage
    const token = sessionStorage.getItem('vegdyn.token');
    const ws = new WebSocket(`ws://${location.host}/api/events?token=${token}`);
    await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
    const events: string[] = [];
    const done = new Promise<void>((resolve) => {
      ws.onmessage = (m) => {
        const msg = JSON.parse(String(m.data)) as { event: string; payload: { jobId?: string } };
        events.push(msg.event);
        if (msg.event === 'job.finished') resolve();
      };
    });
    const r = await fetch('/api/request/jobs.start', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'self-test', params: { steps: 3, stepMs: 5 } }) });
    const started = (await r.json()) as { ok: boolean };
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 60_000))]);
    ws.close();
    return { started: started.ok, events };
  });
  assert.equal(heard.started, true);
  assert.ok(heard.events.includes('job.progress'), `events heard: ${heard.events.join(', ')}`);
  assert.equal(heard.events.at(-1), 'job.finished');

  assert.deepEqual(pageErrors, [], 'the page threw');
  assert.deepEqual(remote, [], 'the page reached outside loopback');
});

test('the printed URL without its token shows no app', { timeout: 30_000 }, async () => {
  assert.ok(browser, 'the first test started the browser');
  const page = await browser.newPage();
  const bare = startedUrl.replace(/\?token=.*$/, '');
  const res = await page.goto(bare);
  assert.equal(res?.status(), 401);
  assert.match(await page.textContent('body') ?? '', /needs its \?token=/);
});
