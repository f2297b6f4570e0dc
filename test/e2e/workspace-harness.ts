/**
 * Shared set-up of the workspace browser tests: a small demo project made with the CLI, `vegdyn
 * serve` on it (web mode), Debian's Chromium through playwright-core, and helpers that look at
 * what the user sees (screenshot pixels decoded by the browser itself).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const VEGDYN = path.resolve('bin', 'vegdyn.mjs');
export const OUTPUT_DIR = path.resolve('test-output', 'e2e');

/** Generates the virtual basin for a short period into `dir` (created as a project). */
export function makeDemoProject(dir: string, env: NodeJS.ProcessEnv, from = '1981-01-01', to = '1982-12-31'): void {
  const r = spawnSync(process.execPath, [VEGDYN, 'demo-data', '--project', dir, '--from', from, '--to', to, '--json'], { env, encoding: 'utf8', timeout: 240_000 });
  if (r.status !== 0) throw new Error(`vegdyn demo-data failed (${r.status}): ${r.stderr}`);
}

/**
 * A tiny LSTM run on the two years of makeDemoProject (hidden 4, one epoch of two 60-day windows):
 * a trained run with weights in seconds, for tests of what the app does with one.
 */
export const TINY_LSTM_RUN = Object.freeze({
  models: ['lstm'], hiddenSize: 4, windowDays: 60, warmupDays: 20, batchSize: 2, windowsPerEpoch: 2, epochs: 1, patience: 5,
  perModel: { lstm: { epochs: 1, windowsPerEpoch: 2 } }, inferenceChunkDays: 400,
  periods: { record: { from: '1981-01-01', to: '1982-12-31' }, train: { from: '1981-01-01', to: '1981-10-31' }, validate: { from: '1981-11-01', to: '1982-02-28' }, test: { from: '1982-03-01', to: '1982-12-31' } },
});

/** Trains run `name` in the project `dir` with `vegdyn train` on the wasm backend, from `config` (written as dir/<name>.json); `args` go to the command as they are. */
export function trainRun(dir: string, env: NodeJS.ProcessEnv, name: string, config: object, ...args: string[]): void {
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  const r = spawnSync(process.execPath, [VEGDYN, 'train', '--project', dir, '--config', file, '--run-id', name, ...args], { env: { ...env, VEGDYN_BACKEND: 'wasm' }, encoding: 'utf8', timeout: 900_000 });
  if (r.status !== 0) throw new Error(`vegdyn train ${name} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
}

export interface Served {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts `vegdyn serve --project DIR` (null: the default demo project of VEGDYN_HOME) and resolves with the URL it prints. */
export function serve(projectDir: string | null, env: NodeJS.ProcessEnv): Promise<Served> {
  const project = projectDir === null ? [] : ['--project', projectDir];
  const child: ChildProcess = spawn(process.execPath, [VEGDYN, 'serve', ...project, '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
  const stop = (): Promise<void> => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const t = setTimeout(() => { child.kill('SIGKILL'); }, 10_000);
    child.once('exit', () => { clearTimeout(t); resolve(); });
    child.kill('SIGTERM');
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => { void stop(); reject(new Error(`vegdyn serve printed no URL within 90 s; stderr: ${stderr}`)); }, 90_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /VegDyn is running at (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, stop });
      }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`vegdyn serve exited with ${code}; stderr: ${stderr}`)); });
  });
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** Opens the workspace and waits until it has loaded the project (body[data-ready]). */
export async function openWorkspace(browser: Browser, url: string): Promise<{ page: Page; errors: string[]; remote: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const errors: string[] = [];
  const remote: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('request', (req) => { if (!req.url().startsWith('http://127.0.0.1:') && !/^(data|blob):/.test(req.url())) remote.push(req.url()); });
  await page.goto(url);
  await page.waitForSelector('body[data-ready=true]', { timeout: 120_000 });
  return { page, errors, remote };
}

/** One test file's workspace: its own VEGDYN_HOME and project, the engine serving it, a browser page on it. */
export interface WorkspaceSession {
  readonly home: string;
  readonly projectDir: string;
  readonly page: Page;
  /** uncaught page errors and requests that left loopback, as openWorkspace collects them */
  readonly errors: string[];
  readonly remote: string[];
  close(): Promise<void>;
}

/**
 * Creates a temporary VEGDYN_HOME, makes the project in it with `makeProject` (default: a
 * two-year demo project), serves it and opens the workspace; what was started is stopped again
 * if a later step fails.
 */
export async function openWorkspaceSession(
  prefix: string,
  makeProject: (projectDir: string, env: NodeJS.ProcessEnv) => void = makeDemoProject,
  projectName = 'ucrb-demo',
): Promise<WorkspaceSession> {
  const home = mkdtempSync(path.join(os.tmpdir(), prefix));
  const projectDir = path.join(home, projectName);
  const env = { ...process.env, VEGDYN_HOME: home };
  let served: Served | undefined;
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close();
    await served?.stop();
    rmSync(home, { recursive: true, force: true });
  };
  try {
    makeProject(projectDir, env);
    served = await serve(projectDir, env);
    browser = await launchBrowser();
    const { page, errors, remote } = await openWorkspace(browser, served.url);
    return { home, projectDir, page, errors, remote, close };
  } catch (err) {
    await close();
    throw err;
  }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const file = path.join(OUTPUT_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

export type Rgb = [number, number, number];

/** The RGB of screen pixels (CSS px) as the user sees them: a page screenshot decoded in the page. */
export async function pixelsAt(page: Page, points: readonly [number, number][]): Promise<Rgb[]> {
  const png = await page.screenshot();
  return page.evaluate(async ({ b64, pts }) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const g = c.getContext('2d')!;
    g.drawImage(img, 0, 0);
    return pts.map(([x, y]) => {
      const d = g.getImageData(Math.round(x), Math.round(y), 1, 1).data;
      return [d[0]!, d[1]!, d[2]!] as [number, number, number];
    });
  }, { b64: png.toString('base64'), pts: points as [number, number][] });
}

/** Distinct colours in a region of the screen (sampled every few pixels). */
export async function distinctColours(page: Page, clip: { x: number; y: number; width: number; height: number }): Promise<number> {
  const png = await page.screenshot({ clip });
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
    for (let i = 0; i < data.length; i += 4 * 5) seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
    return seen.size;
  }, png.toString('base64'));
}

/** Screen position (CSS px) of a lon/lat on the workspace map. */
export async function screenOf(page: Page, lon: number, lat: number): Promise<[number, number]> {
  return page.evaluate(([lo, la]) => {
    const ws = (window as unknown as { vegdynWorkspace: { map: { map: { project(p: [number, number]): { x: number; y: number }; getContainer(): HTMLElement } } } }).vegdynWorkspace;
    const p = ws.map.map.project([lo, la]);
    const r = ws.map.map.getContainer().getBoundingClientRect();
    return [r.left + p.x, r.top + p.y] as [number, number];
  }, [lon, lat] as [number, number]);
}

/** Calls the engine from the page, as the renderer does (same origin, the page's token). */
export async function apiFromPage<T>(page: Page, name: string, payload: unknown): Promise<T> {
  return page.evaluate(async ([n, p]) => {
    // the page moved its token from the address bar to sessionStorage
    const token = sessionStorage.getItem('vegdyn.token');
    const r = await fetch(`/api/request/${n}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(p) });
    const body = (await r.json()) as { ok: boolean; result?: unknown; error?: { message: string } };
    if (!body.ok) throw new Error(body.error?.message);
    return body.result;
  }, [name, payload] as [string, unknown]) as Promise<T>;
}

/**
 * Selects a map layer by its label as a user does: opens the layer's collapsed group (the list is
 * grouped into collapsible sections), then checks its radio button.
 */
export async function chooseLayer(page: Page, label: string): Promise<void> {
  const radio = page.getByLabel(label);
  const group = page.locator('details.layer-group', { has: radio });
  if ((await group.getAttribute('open')) === null) await group.locator('summary').click();
  await radio.check();
}
