/**
 * The desktop app: runs only where Electron's binary can start (it is downloaded on first use,
 * which fails offline); elsewhere the test is skipped with the reason printed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron } from 'playwright-core';
import { displayProblem, electronStarts, findElectronBinary } from '../../scripts/electron-binary.ts';

function whyNot(): string | undefined {
  const bin = findElectronBinary();
  if (!bin.ok) return bin.reason;
  const display = displayProblem();
  if (display) return display;
  const starts = electronStarts(bin.path);
  return starts.ok ? undefined : starts.reason;
}

test('the Electron app opens a sandboxed window whose only bridge is window.vegdyn', { timeout: 120_000 }, async (t) => {
  const reason = whyNot();
  if (reason) {
    console.log(`electron launch test skipped: ${reason}`);
    t.skip(reason);
    return;
  }
  const bin = findElectronBinary();
  assert.ok(bin.ok);
  const built = spawnSync(process.execPath, ['scripts/build.mjs', 'all'], { encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  const home = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-electron-'));
  const app = await electron.launch({ executablePath: bin.path, args: ['.'], env: { ...process.env, VEGDYN_HOME: home } as Record<string, string> });
  try {
    const win = await app.firstWindow();
    await win.waitForSelector('header.app-header h1', { timeout: 60_000 });
    assert.equal(await win.title(), 'VegDyn');
    const globals = await win.evaluate(() => ({
      bridge: Object.keys((window as unknown as { vegdyn: object }).vegdyn).sort(),
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (globalThis as unknown as { process?: unknown }).process,
      popup: window.open('https://example.com') === null,
    }));
    assert.deepEqual(globals, { bridge: ['onEvent', 'openDialog', 'request'], require: 'undefined', process: 'undefined', popup: true });
    const reply = await win.evaluate(() => (window as unknown as { vegdyn: { request(n: string, p: unknown): Promise<{ ok: boolean }> } }).vegdyn.request('project.info', {}));
    assert.equal(reply.ok, true);
    const bad = await win.evaluate(() => (window as unknown as { vegdyn: { request(n: string, p: unknown): Promise<{ ok: boolean; error?: { field?: string } }> } }).vegdyn.request('jobs.start', { kind: 5 }));
    assert.equal(bad.ok, false);
    assert.equal(bad.error?.field, 'kind');
    // the engine that answered runs in its own utility process, not in Electron's main process
    const utilities = await app.evaluate(({ app: electronApp }) => electronApp.getAppMetrics()
      .filter((m) => m.type === 'Utility').map((m) => m.name ?? m.serviceName ?? ''));
    assert.ok(utilities.includes('VegDyn engine'), `utility processes: ${utilities.join(', ')}`);
  } finally {
    await app.close();
    rmSync(home, { recursive: true, force: true });
  }
});
