/**
 * The first start, as a new user meets it: `vegdyn serve` (what `npm start` runs in web mode) on an
 * empty VEGDYN_HOME, the page opened, and no other command. The app generates the virtual basin
 * and scores the shipped pretrained run by itself, showing the stage and progress, until the map
 * has observed LAI and the three models' LAI and NSE layers, each drawn with data. To keep CI time
 * down the demo period is the pretrained run's record (VEGDYN_DEMO_PERIOD, the same code path with
 * fewer years written); `npm run bench -- --only first-run` times the full one.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { apiFromPage, chooseLayer, distinctColours, launchBrowser, openWorkspace, screenshot, serve, type Served } from './workspace-harness.ts';
import { hasModelResults, workspaceLayerIds } from '../../main/bench/first-run-bench.ts';
import { bundledPretrainedDir, NSE_DRIFT_TOLERANCE, readPretrainedManifest } from '../../main/run/pretrained-demo.ts';

const home = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-e2e-first-run-'));
let served: Served | undefined;
let browser: Browser | undefined;
let page: Page;
let errors: string[];

before(async () => {
  served = await serve(null, { ...process.env, VEGDYN_HOME: home, VEGDYN_DEMO_PERIOD: '1996-01-01..2012-12-31' });
  browser = await launchBrowser();
  ({ page, errors } = await openWorkspace(browser, served.url));
}, { timeout: 180_000 });

after(async () => {
  await browser?.close();
  await served?.stop();
  rmSync(home, { recursive: true, force: true });
});

test('the first start shows its progress, then observed LAI and the three models\' LAI and NSE', { timeout: 1_500_000 }, async () => {
  // the empty project is the default demo project, made by the server itself
  assert.ok(existsSync(path.join(home, 'projects', 'demo', 'project.json')));
  const box = page.getByTestId('first-run');
  await box.waitFor({ state: 'visible', timeout: 60_000 });
  await page.getByTestId('first-run-stage').filter({ hasText: /Generating the virtual basin|Scoring the pretrained models/ }).waitFor({ timeout: 120_000 });
  await screenshot(page, 'first-run-progress');

  // observed LAI appears once the data is written, before the models are scored
  await page.waitForFunction(() => (window as unknown as { vegdynWorkspace: { layers: { id: string }[] } }).vegdynWorkspace.layers.some((l) => l.id === 'lai.observed'), undefined, { timeout: 1_200_000, polling: 1000 });
  const deadline = Date.now() + 1_200_000;
  while (!hasModelResults(await workspaceLayerIds(page))) {
    assert.ok(Date.now() < deadline, 'the model layers did not appear');
    await page.waitForTimeout(1000);
  }
  await box.waitFor({ state: 'hidden', timeout: 60_000 });

  const ids = await workspaceLayerIds(page);
  const wanted = ['lai.observed', ...['lstm', 'conv-lstm', 'phys-conv-lstm'].flatMap((m) => [`run:pretrained-demo:lai:${m}`, `run:pretrained-demo:nse:${m}`])];
  for (const id of wanted) assert.ok(ids.includes(id), `layer ${id} missing from ${ids.join(', ')}`);

  // each layer is drawn with data: finite engine values in many cells, many colours on the map
  const map = (await page.locator('#map').boundingBox())!;
  for (const id of wanted) {
    await page.evaluate((l) => (window as unknown as { vegdynWorkspace: { selectLayer(id: string): Promise<void> } }).vegdynWorkspace.selectLayer(l), id);
    // NSE layers are static; LAI layers on a day in the test period (day 5000 of 1996-01-01: 2009-09-08)
    const grid = await apiFromPage<{ values: (number | null)[] }>(page, 'map.grid', id.includes(':nse:') ? { layer: id } : { layer: id, day: 5000 });
    const finite = grid.values.filter((v) => v !== null && Number.isFinite(v)).length;
    assert.ok(finite > 500, `${id}: only ${finite} cells with values`);
    await page.waitForTimeout(400);
    const colours = await distinctColours(page, { x: map.x + map.width * 0.3, y: map.y + map.height * 0.15, width: map.width * 0.4, height: map.height * 0.5 });
    assert.ok(colours > 40, `${id}: the map shows ${colours} colours`);
  }
  await screenshot(page, 'first-run-done');

  // the scores are there and the run is the pretrained one, with no install left half-done
  const runs = await apiFromPage<{ runs: { id: string; status: string; entries: { id: string; nse: { median: number } | null }[] }[] }>(page, 'map.runs', {});
  const run = runs.runs.find((r) => r.id === 'pretrained-demo');
  assert.equal(run?.status, 'finished');
  // the shipped weights (the LSTM's input kernel as 8-bit differences) reproduce the scores recorded when the run was made
  const made = readPretrainedManifest(bundledPretrainedDir()).medianTestNse;
  for (const m of ['lstm', 'conv-lstm', 'phys-conv-lstm']) {
    const median = run!.entries.find((e) => e.id === m)?.nse?.median;
    assert.ok(median !== undefined && Number.isFinite(median), `no median NSE for ${m}`);
    assert.ok(Math.abs(median - made[m]!) <= NSE_DRIFT_TOLERANCE, `${m}: median test NSE ${median}, ${made[m]} when made`);
  }
  assert.deepEqual(readdirSync(path.join(home, 'projects', 'demo', 'runs', '.installing')), []);
  assert.deepEqual(errors, []);
});

test('the pretrained physics model\'s parameters read "Specific leaf area, SLA [m² g⁻¹ C]" in the layer list, the legend and the comparison table', { timeout: 120_000 }, async () => {
  const layers = await page.evaluate(() => (window as unknown as { vegdynWorkspace: { layers: { id: string; label: string }[] } }).vegdynWorkspace.layers);
  const labelOf = (p: string): string => layers.find((l) => l.id === `run:pretrained-demo:param:phys-conv-lstm/${p}`)?.label ?? `(no layer ${p})`;
  const sla = labelOf('sla');
  assert.match(sla, /^Physics-encoded ConvLSTM: Specific leaf area, SLA \[m² g⁻¹ C\] \((learned|default)\)$/);
  // a unitless parameter says so with the one label every unitless quantity gets
  assert.match(labelOf('leafAllocation'), /^Physics-encoded ConvLSTM: Leaf allocation fraction, a_leaf \[dimensionless\] \((learned|default)\)$/);
  await chooseLayer(page, sla);
  await page.waitForFunction((want) => document.querySelector('[data-testid=colorbar-title]')?.textContent === want, sla);
  assert.equal(await page.locator('[data-testid=colorbar-units]').count(), 0, 'the legend repeats the units the label already has');

  await page.getByRole('button', { name: 'Model comparison' }).click();
  await page.selectOption('[data-testid=run-select]', 'pretrained-demo');
  const table = page.getByTestId('parameters-phys-conv-lstm');
  await table.waitFor({ timeout: 60_000 });
  const firstColumn = await table.locator('tbody tr td:first-child').allTextContents();
  assert.ok(firstColumn.includes('Specific leaf area, SLA [m² g⁻¹ C]'), `parameter table rows ${firstColumn.join(' | ')}`);
  assert.ok(firstColumn.some((t) => t.startsWith('Leaf allocation fraction, a_leaf [dimensionless]')), `parameter table rows ${firstColumn.join(' | ')}`);
  await screenshot(page, 'first-run-parameter-labels');
});
