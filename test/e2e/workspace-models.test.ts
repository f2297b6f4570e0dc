/**
 * Training, model comparison and model layers in the browser, on a small run the test trains
 * from the Training panel itself (LSTM, one epoch, tiny sizes): live progress and loss, the run in
 * the history, the median-NSE table matching the engine's evaluation, NSE boxplots by vegetation
 * type, NSE maps side by side with linked zoom, the model's LAI layer and its series in the chart;
 * then a cancelled run that resumes from the history.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { distinctColours, launchBrowser, makeDemoProject, openWorkspace, screenOf, screenshot, serve, type Served, apiFromPage } from './workspace-harness.ts';

const home = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-e2e-models-'));
const projectDir = path.join(home, 'ucrb-demo');
const env = { ...process.env, VEGDYN_HOME: home };
let served: Served | undefined;
let browser: Browser | undefined;
let page: Page;
let pageErrors: string[] = [];

before(async () => {
  makeDemoProject(projectDir, env);
  served = await serve(projectDir, env);
  browser = await launchBrowser();
  ({ page, errors: pageErrors } = await openWorkspace(browser, served.url));
  // collapse the layer and series sections so the model sections fit on screen
  await page.getByRole('button', { name: 'Time series' }).click();
}, { timeout: 360_000 });

after(async () => {
  await browser?.close();
  await served?.stop();
  rmSync(home, { recursive: true, force: true });
});

const api = <T>(name: string, payload: unknown): Promise<T> => apiFromPage<T>(page, name, payload);

interface Run { id: string; status: string; entries: { id: string; label: string; role: string; nse: { median: number | null } | null; byLandCover: unknown[] }[] }

async function fillTraining(runId: string, epochs: number, windowsPerEpoch: number): Promise<void> {
  await page.getByLabel('LSTM', { exact: true }).check();
  await page.getByLabel('ConvLSTM', { exact: true }).uncheck();
  await page.getByLabel('Physics-encoded ConvLSTM').uncheck();
  await page.getByLabel('Epochs', { exact: true }).fill(String(epochs));
  await page.getByLabel('Run id', { exact: true }).fill(runId);
  const advanced = page.locator('details', { has: page.getByText('Advanced (blank = preset value)') });
  if ((await advanced.getAttribute('open')) === null) await page.getByText('Advanced (blank = preset value)').click();
  await page.getByLabel('Hidden size').fill('4');
  await page.getByLabel('Batch size').fill('1');
  await page.getByLabel('Window days').fill('60');
  await page.getByLabel('Warm-up days').fill('30');
  await page.getByLabel('Windows per epoch').fill(String(windowsPerEpoch));
}

test('a run trained from the Training panel shows progress, loss, and lands in the history, layers and comparison', { timeout: 600_000 }, async () => {
  await page.getByRole('button', { name: 'Training', exact: true }).click();
  await fillTraining('e2e-run', 1, 2);
  await page.getByRole('button', { name: 'Start training' }).click();
  await page.waitForFunction(() => Number((document.querySelector('[data-testid=loss-chart]') as HTMLElement | null)?.dataset['points'] ?? 0) > 0
    || document.querySelector('[data-testid=training-message]')?.textContent?.startsWith('Failed'), undefined, { timeout: 300_000 });
  assert.doesNotMatch(await page.textContent('[data-testid=training-message]') ?? '', /^Failed/);
  assert.ok(Number(await page.getAttribute('[data-testid=training-progress]', 'value')) > 0);
  await screenshot(page, 'workspace-training-live');
  await page.waitForFunction(() => document.querySelector('[data-testid=training-message]')?.textContent?.startsWith('Finished'), undefined, { timeout: 540_000 });
  await page.waitForSelector('[data-testid=run-history] tr[data-run="e2e-run"]');
  assert.match(await page.textContent('[data-testid=run-history] tr[data-run="e2e-run"]') ?? '', /finished/);
  await screenshot(page, 'workspace-training-done');

  // the comparison table shows the engine's medians
  const runs = (await api<{ runs: Run[] }>('map.runs', {})).runs;
  const run = runs.find((r) => r.id === 'e2e-run')!;
  assert.equal(run.status, 'finished');
  await page.getByRole('button', { name: 'Training', exact: true }).click();
  await page.getByRole('button', { name: 'Model comparison' }).click();
  for (const e of run.entries) {
    const shown = Number(await page.textContent(`[data-testid=nse-table] tr[data-entry="${e.id}"] td:nth-child(2)`));
    assert.ok(Math.abs(shown - e.nse!.median!) <= 0.01 * Math.max(1, Math.abs(e.nse!.median!)), `${e.label}: table ${shown} vs engine ${e.nse!.median}`);
  }
  const boxes = await page.locator('[data-testid=nse-boxplot] g[data-model]').count();
  assert.ok(boxes >= 2, `boxplot shows ${boxes} boxes`);

  // NSE maps side by side, zoom linked
  await page.getByRole('button', { name: 'Compare side by side' }).click();
  await page.waitForSelector('[data-testid=compare-pane][data-loaded=true] >> nth=1', { timeout: 60_000 });
  const panes = page.locator('[data-testid=compare-pane]');
  await panes.nth(0).getByRole('button', { name: 'Zoom in' }).click();
  await page.waitForFunction(() => {
    const z = [...document.querySelectorAll('[data-testid=compare-pane]')].map((p) => (p as HTMLElement).dataset['zoom']);
    return z[0] !== undefined && z[0] === z[1];
  }, undefined, { timeout: 30_000 });
  const box = (await panes.nth(1).boundingBox())!;
  assert.ok(await distinctColours(page, { x: box.x + 20, y: box.y + 60, width: box.width - 40, height: box.height - 160 }) > 20, 'the right NSE map is not blank');
  await screenshot(page, 'workspace-compare-nse');
  await page.getByRole('button', { name: 'Close comparison' }).click();

  // the model's daily LAI is a map layer, and its series joins the chart
  await page.getByLabel('LSTM LAI').check();
  await page.waitForFunction(() => document.querySelector('[data-testid=colorbar-title]')?.textContent === 'LSTM LAI');
  assert.equal(await page.textContent('[data-testid=colorbar-units]'), '[m2 m-2]');
  const s = await api<{ dataset: { grid: { ncols: number; nrows: number; lon0: number; latTop: number; cellSize: number }; mask: number[] } }>('map.summary', {});
  const g = s.dataset.grid;
  const cell = s.dataset.mask.findIndex((m, c) => m === 1 && Math.floor(c / g.ncols) === Math.floor(g.nrows / 2) && c % g.ncols > g.ncols / 2);
  const [x, y] = await screenOf(page, g.lon0 + (cell % g.ncols) * g.cellSize, g.latTop - Math.floor(cell / g.ncols) * g.cellSize);
  await page.mouse.click(x, y);
  await page.waitForFunction(() => document.querySelector('[data-testid=series-chart]')?.getAttribute('data-series')?.includes('e2e-run:lstm'));
  assert.deepEqual((await page.getAttribute('[data-testid=series-chart]', 'data-series'))!.split(','), ['observed', 'truth', 'e2e-run:lstm', 'e2e-run:physics-only']);
  await screenshot(page, 'workspace-model-series');
  await page.getByRole('button', { name: 'Close chart' }).click();
});

test('a cancelled run resumes from the run history', { timeout: 600_000 }, async () => {
  await page.getByRole('button', { name: 'Model comparison' }).click();
  await page.getByRole('button', { name: 'Training', exact: true }).click();
  await fillTraining('e2e-resume', 2, 3);
  await page.getByRole('button', { name: 'Start training' }).click();
  await page.waitForFunction(() => /epoch/.test(document.querySelector('[data-testid=training-message]')?.textContent ?? ''), undefined, { timeout: 300_000 });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid=training-message]')?.textContent?.startsWith('Cancelled'), undefined, { timeout: 120_000 });
  await page.waitForSelector('[data-testid=run-history] tr[data-run="e2e-resume"]');
  assert.match(await page.textContent('[data-testid=run-history] tr[data-run="e2e-resume"]') ?? '', /cancelled/);
  await page.getByRole('button', { name: 'Resume run e2e-resume' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid=training-message]')?.textContent?.startsWith('Finished'), undefined, { timeout: 540_000 });
  await page.waitForFunction(() => /finished/.test(document.querySelector('[data-testid=run-history] tr[data-run="e2e-resume"]')?.textContent ?? ''));
  assert.deepEqual(pageErrors, []);
});
