/**
 * UI bench (suite 'ui'): the map workspace in web mode, measured in Debian's Chromium.
 *   layer switch   click a layer -> its grid fetched, coloured and drawn (first time per layer,
 *                  and again from the renderer's cache)
 *   slider step    one day forward on a daily layer -> the next frame painted
 *   click-to-chart click a cell -> the LAI chart drawn
 * Times come from the renderer's own marks (renderer/src/perf-marks.ts): from the user action to
 * the second animation frame after the update, i.e. the frame that shows it.
 * Needs a built renderer (npm run build:renderer) and /usr/bin/chromium.
 */
import { servedUrl } from './served-url.ts';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { median, type BenchReporter, type BenchSuite } from './bench-reporter.ts';
import { chromiumCpuMs, cpuPerOp } from './ui-process-cpu.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const VEGDYN = path.join(ROOT, 'bin', 'vegdyn.mjs');
const CHROMIUM_ARGS = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function p95(samples: readonly number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(0.95 * (s.length - 1) + 0.5))]!;
}

function report(r: BenchReporter, name: string, samples: readonly number[], budgetMs: number, cpu?: Record<string, number> | null): void {
  if (samples.length === 0) {
    r.note(`${name}: no samples`);
    return;
  }
  r.figure(`${name} (median)`, median(samples), 'ms', `n=${samples.length}, p95 ${p95(samples).toFixed(0)} ms, max ${Math.max(...samples).toFixed(0)} ms, budget ${budgetMs} ms`);
  // what each one cost the browser's processes: the GPU process draws the frames (software GL)
  if (cpu) r.figure(`${name}, GPU-process CPU per op`, cpu['gpu-process'] ?? 0, 'ms', `renderer ${(cpu['renderer'] ?? 0).toFixed(0)} ms, browser ${(cpu['browser'] ?? 0).toFixed(0)} ms per op (process CPU time from /proc)`);
}

async function perfCount(page: Page, name: string): Promise<number> {
  return page.evaluate((n) => window.vegdynPerf?.[n]?.length ?? 0, name);
}

/** Runs `act` and waits until the renderer recorded one more `name` timing; returns it. */
async function timed(page: Page, name: string, act: () => Promise<void>): Promise<number> {
  const before = await perfCount(page, name);
  await act();
  await page.waitForFunction(([n, b]) => (window.vegdynPerf?.[n as string]?.length ?? 0) > (b as number), [name, before], { timeout: 60_000 });
  return page.evaluate(([n, b]) => window.vegdynPerf![n as string]![b as number]!, [name, before]);
}

export const uiBench: BenchSuite = {
  name: 'ui',
  description: 'map workspace in Chromium (web mode): layer switch, date-slider step, click-to-chart',
  async run(r, { quick }) {
    if (!existsSync('/usr/bin/chromium')) {
      r.note('skipped: /usr/bin/chromium is not installed');
      return;
    }
    if (!existsSync(path.join(ROOT, 'renderer', 'build', 'app.js'))) {
      r.note('skipped: the renderer is not built (npm run build:renderer)');
      return;
    }
    const home = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-ui-bench-'));
    const env = { ...process.env, VEGDYN_HOME: home };
    const project = path.join(home, 'demo');
    const to = quick ? '1981-12-31' : '1983-12-31';
    const gen = spawnSync(process.execPath, [VEGDYN, 'demo-data', '--project', project, '--from', '1981-01-01', '--to', to, '--json'], { env, encoding: 'utf8' });
    if (gen.status !== 0) throw new Error(`demo-data failed: ${gen.stderr}`);
    r.note(`demo project 1981-01-01..${to} (virtual basin), viewport 1280x800, Chromium with SwiftShader (software WebGL); load average at start ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs`);

    const server = spawn(process.execPath, [VEGDYN, 'serve', '--project', project, '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    try {
      const url = await servedUrl(server, 'vegdyn serve');
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(url);
      await page.waitForSelector('body[data-ready=true]', { timeout: 120_000 });
      const layerIds: string[] = await page.evaluate(() => (window as unknown as { vegdynWorkspace: { layers: { id: string }[] } }).vegdynWorkspace.layers.map((l) => l.id));
      const radio = (id: string) => page.locator(`input[name=map-layer][value="${id}"]`);

      // layer switch: every layer once (grid fetched from the engine), then again (renderer cache)
      const firstSwitch: number[] = [];
      const cachedSwitch: number[] = [];
      const rounds = quick ? 1 : 2;
      for (let round = 0; round <= rounds; round++) {
        for (const id of [...layerIds.slice(1), layerIds[0]!]) {
          const t = await timed(page, 'layer-switch', () => radio(id).check());
          (round === 0 ? firstSwitch : cachedSwitch).push(t);
        }
      }
      report(r, 'layer switch, first view of a layer', firstSwitch, 100);
      report(r, 'layer switch, layer seen before', cachedSwitch, 100);

      // date slider: one day per step on a daily forcing layer, and on observed LAI
      for (const id of ['forcing.Tair', 'lai.observed']) {
        if (!layerIds.includes(id)) continue;
        await timed(page, 'layer-switch', () => radio(id).check());
        const slider = page.getByRole('slider', { name: 'Date' });
        await slider.focus();
        const steps: number[] = [];
        const cpu0 = chromiumCpuMs();
        for (let i = 0; i < (quick ? 15 : 60); i++) steps.push(await timed(page, 'date-step', () => page.keyboard.press('ArrowRight')));
        report(r, `date-slider step (${id})`, steps, 100, cpuPerOp(cpu0, chromiumCpuMs(), steps.length));
      }

      // click-to-chart on cells spread over the basin
      const clicks: number[] = [];
      const n = quick ? 5 : 15;
      const cpu0 = chromiumCpuMs();
      for (let i = 0; i < n; i++) {
        // the chart dock opens under the map after the first click: measure the map each time
        const box = (await page.locator('#map').boundingBox())!;
        const x = box.x + box.width * (0.42 + 0.16 * ((i * 7) % n) / n);
        const y = box.y + box.height * (0.2 + 0.3 * ((i * 3) % n) / n);
        clicks.push(await timed(page, 'click-to-chart', () => page.mouse.click(x, y)));
      }
      report(r, 'click-to-chart', clicks, 200, cpuPerOp(cpu0, chromiumCpuMs(), clicks.length));
      r.note(`load average at end ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    } finally {
      await browser.close();
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
      rmSync(home, { recursive: true, force: true });
    }
  },
};
