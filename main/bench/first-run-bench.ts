/**
 * First-run bench (suite 'first-run'): what a new user waits for. From an empty VEGDYN_HOME, runs
 * `npm start` (bin/start.mjs, web mode) and opens the printed URL in Debian's Chromium, then times
 *   URL printed      the server is up
 *   workspace ready  the page has loaded (body[data-ready])
 *   observed LAI     the virtual basin is generated and its observed LAI is in the layer list
 *   model results    the pretrained run is scored: the LAI and NSE layers of the three models
 * all counted from the start of `npm start`. Target: model results within 5 minutes on a 2-core
 * machine. --quick generates only the pretrained run's record (VEGDYN_DEMO_PERIOD=1996..2012).
 */
import { servedUrl } from './served-url.ts';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import type { BenchSuite } from './bench-reporter.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM_ARGS = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const FIRST_RUN_TARGET_S = 300;
const MODELS = ['lstm', 'conv-lstm', 'phys-conv-lstm'] as const;

/** Layer ids the workspace lists now. */
export async function workspaceLayerIds(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { vegdynWorkspace?: { layers: { id: string }[] } }).vegdynWorkspace?.layers.map((l) => l.id) ?? []);
}

/** True when the layer list has the three models' LAI and NSE layers of one run. */
export function hasModelResults(ids: readonly string[]): boolean {
  return MODELS.every((m) => ids.some((id) => id.endsWith(`:lai:${m}`)) && ids.some((id) => id.endsWith(`:nse:${m}`)));
}

export const firstRunBench: BenchSuite = {
  name: 'first-run',
  description: 'npm start on an empty VEGDYN_HOME until Chromium shows observed LAI and the three models\' LAI and NSE (target 5 min)',
  async run(r, { quick }) {
    if (!existsSync('/usr/bin/chromium')) {
      r.note('skipped: /usr/bin/chromium is not installed');
      return;
    }
    const home = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-first-run-bench-'));
    const env: NodeJS.ProcessEnv = { ...process.env, VEGDYN_HOME: home, VEGDYN_WEB: '1' };
    if (quick) env['VEGDYN_DEMO_PERIOD'] = '1996-01-01..2012-12-31';
    else delete env['VEGDYN_DEMO_PERIOD'];
    r.note(`empty VEGDYN_HOME, ${quick ? 'demo period 1996-2012 (--quick)' : 'the full demo period'}; load average at start ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs`);
    const t0 = performance.now();
    const seconds = (): number => (performance.now() - t0) / 1000;
    const server = spawn(process.execPath, [path.join(ROOT, 'bin', 'start.mjs'), '--port', '0'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stderr = '';
    server.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    try {
      const url = await servedUrl(server, 'npm start', () => stderr);
      r.figure('URL printed', seconds(), 's');
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(url);
      await page.waitForSelector('body[data-ready=true]', { timeout: 120_000 });
      r.figure('workspace ready', seconds(), 's');
      await page.waitForFunction(() => (window as unknown as { vegdynWorkspace?: { layers: { id: string }[] } }).vegdynWorkspace?.layers.some((l) => l.id === 'lai.observed'), undefined, { timeout: 1_800_000, polling: 500 });
      r.figure('observed LAI on the map', seconds(), 's');
      const deadline = Date.now() + 1_800_000;
      while (!hasModelResults(await workspaceLayerIds(page))) {
        if (Date.now() > deadline) throw new Error('the model results did not appear within 30 min');
        await page.waitForTimeout(500);
      }
      const total = seconds();
      r.figure('three models\' LAI and NSE on the map', total, 's', `target ${FIRST_RUN_TARGET_S} s: ${total <= FIRST_RUN_TARGET_S ? 'met' : 'NOT met'}`);
      r.note(`load average at end ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    } finally {
      await browser.close();
      // npm start runs the server as its child: end the whole group it leads
      try { process.kill(-server.pid!, 'SIGTERM'); } catch { /* already gone */ }
      await new Promise((resolve) => { if (server.exitCode !== null) resolve(null); else server.once('exit', resolve); });
      rmSync(home, { recursive: true, force: true });
    }
  },
};
