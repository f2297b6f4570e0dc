/**
 * What-if scenarios in the app (issue #13): on a two-year demo project with a tiny trained LSTM
 * run (`vegdyn train`, hidden 4, one epoch), the Scenarios panel refuses bad definitions with the
 * engine's messages (and writes nothing), defines a scenario, runs it on the run as a job (a
 * cancelled run writes nothing; then one with progress to the end), lists each model's basin
 * change, and puts the change maps on the map with a colorbar in their units (m² m⁻² for the
 * absolute change, % for the relative one), the Export panel writes the change map as a GeoTIFF
 * that GDAL reads, and a clicked cell charts baseline and scenario LAI.
 * The scenario's period is two months of 1981 so the spin-up before it is one month and the run
 * stays short (physics-only predicts the whole grid).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { TINY_LSTM_RUN, apiFromPage, distinctColours, makeDemoProject, openWorkspaceSession, screenOf, screenshot, trainRun, type WorkspaceSession } from './workspace-harness.ts';

let ws: WorkspaceSession;
let page: Page;

before(async () => {
  ws = await openWorkspaceSession('vegdyn-e2e-scenarios-', (dir, env) => {
    makeDemoProject(dir, env);
    trainRun(dir, env, 'tiny', TINY_LSTM_RUN);
  });
  page = ws.page;
}, { timeout: 1_000_000 });

after(() => ws?.close());

async function defineWith(fields: Record<string, string>): Promise<string> {
  for (const label of ['Scenario name', 'Temperature change (K)', 'Precipitation multiplier', 'CO2 (ppm)', 'Shortwave multiplier', 'Other change (VARIABLE=value)', 'Baseline period']) {
    await page.getByLabel(label, { exact: true }).fill(fields[label] ?? '');
  }
  const message = page.getByTestId('scenario-define-message');
  const before = await message.textContent();
  await page.getByRole('button', { name: 'Define scenario' }).click();
  await page.waitForFunction((b) => { const t = document.querySelector('[data-testid=scenario-define-message]')?.textContent ?? ''; return t !== '' && t !== b; }, before);
  return (await message.textContent()) ?? '';
}

test('a scenario defined in the panel runs on a trained run and shows its change map with a colorbar in m² m⁻² and %', { timeout: 600_000 }, async () => {
  await page.getByRole('button', { name: 'Time series' }).click();
  await page.getByRole('button', { name: 'Scenarios', exact: true }).click();
  await page.getByText('Define a scenario').click();
  const scenariosDir = path.join(ws.projectDir, 'scenarios');

  // bad input: the engine's messages, shown as they are, and nothing written
  assert.match(await defineWith({ 'Scenario name': 'bad', 'Precipitation multiplier': '-0.5' }), /Rainf.*must not be negative/);
  assert.match(await defineWith({ 'Scenario name': 'bad', 'CO2 (ppm)': '100' }), /CO2 must be within 150-2000 ppm \(got 100\)/);
  assert.match(await defineWith({ 'Scenario name': 'bad', 'Other change (VARIABLE=value)': 'Qair=1' }), /unknown variable 'Qair'.*Tair/);
  assert.equal(await page.getAttribute('[data-testid=scenario-define-message]', 'data-kind'), 'error');
  assert.ok(!existsSync(scenariosDir) || readdirSync(scenariosDir).length === 0, 'a refused scenario wrote nothing');

  const ok = await defineWith({ 'Scenario name': 'warm', 'Temperature change (K)': '2', 'Precipitation multiplier': '0.8', 'CO2 (ppm)': '550', 'Baseline period': '1981-02-01..1981-03-31' });
  assert.match(ok, /^Defined 'warm': Tair \+2, Rainf x0\.8, CO2 550 ppm/);
  assert.ok(existsSync(path.join(scenariosDir, 'warm.json')));
  await page.locator('[data-testid=scenario-list] tr[data-scenario=warm]').waitFor();

  // a run cancelled from the panel ends as cancelled and writes nothing
  await page.selectOption('select[aria-label="Run to apply the scenario to"]', 'tiny');
  await page.selectOption('select[aria-label="Scenario to run"]', 'warm');
  await page.getByRole('button', { name: 'Run scenario' }).click();
  await page.waitForFunction(() => !(document.querySelector('[data-testid=scenario-cancel]') as HTMLButtonElement).disabled);
  await page.getByTestId('scenario-cancel').click();
  await page.waitForFunction(() => /^(Cancelled|Finished|Failed)/.test(document.querySelector('[data-testid=scenario-message]')?.textContent ?? ''), undefined, { timeout: 120_000 });
  assert.equal(await page.textContent('[data-testid=scenario-message]'), 'Cancelled: nothing was written.');
  assert.ok(!existsSync(path.join(ws.projectDir, 'runs', 'tiny', 'scenarios', 'warm')));

  // run it on the trained run: progress, then the results
  await page.getByRole('button', { name: 'Run scenario' }).click();
  await page.waitForFunction(() => Number((document.querySelector('[data-testid=scenario-progress]') as HTMLProgressElement | null)?.value) > 0, undefined, { timeout: 300_000 });
  await page.waitForFunction(() => /^(Finished|Failed)/.test(document.querySelector('[data-testid=scenario-message]')?.textContent ?? ''), undefined, { timeout: 400_000 });
  assert.match((await page.textContent('[data-testid=scenario-message]')) ?? '', /^Finished: 'warm' on tiny/);
  const envelope = (await page.textContent('[data-testid=scenario-envelope]')) ?? '';
  assert.match(envelope, /^1981-02-01\.\.1981-03-31: [\d.]+ % of basin cell-days outside the training envelope/);
  for (const entry of ['lstm', 'physics-only']) {
    const change = (await page.textContent(`[data-testid=scenario-results] tr[data-entry="${entry}"] td:nth-child(4)`)) ?? '';
    assert.match(change, /^-?[\d.e-]+ \(/, `${entry}: basin change '${change}'`);
  }

  // the absolute change map: colorbar titled with the layer, units m² m⁻², a symmetric range
  await page.selectOption('select[aria-label="Model"]', 'physics-only');
  await page.selectOption('select[aria-label="Change"]', 'change');
  await page.selectOption('select[aria-label="Season"]', 'annual');
  await page.getByRole('button', { name: 'Show change map' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid=colorbar-title]')?.textContent === 'Physics only (defaults) LAI change, annual', undefined, { timeout: 60_000 });
  assert.equal(await page.textContent('[data-testid=colorbar-units]'), '[m² m⁻²]');
  const ticks = (await page.locator('[data-testid=colorbar-ticks] span').allTextContents()).map(Number);
  assert.ok(ticks.length >= 2 && ticks.every(Number.isFinite) && ticks[0]! < 0 && ticks[ticks.length - 1]! > 0, `colorbar ticks around 0: ${ticks}`);
  const map = (await page.locator('#map').boundingBox())!;
  const colours = await distinctColours(page, { x: map.x + map.width * 0.25, y: map.y + map.height * 0.1, width: map.width * 0.5, height: map.height * 0.6 });
  assert.ok(colours > 20, `the change map shows ${colours} colours`);
  await screenshot(page, 'workspace-scenario-change');

  // the Export panel writes the change map as a GeoTIFF that GDAL reads with the engine's values
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  await page.getByRole('button', { name: 'Export GeoTIFF' }).click();
  const tif = (await page.getByTestId('export-path').textContent({ timeout: 60_000 })) ?? '';
  assert.match(tif, /\.tif$/);
  const s0 = await apiFromPage<{ dataset: { grid: { ncols: number; lon0: number; latTop: number; cellSize: number } } }>(page, 'map.summary', {});
  const change = await apiFromPage<{ values: (number | null)[] }>(page, 'map.grid', { layer: 'run:tiny:scenario:warm:change:physics-only:annual' });
  const g0 = s0.dataset.grid;
  const some = change.values.map((v, i) => (v !== null && Number.isFinite(v) && v !== 0 ? i : -1)).filter((i) => i >= 0);
  for (const c of [some[0]!, some[some.length - 1]!]) {
    const r = spawnSync('gdallocationinfo', ['-valonly', '-wgs84', tif, String(g0.lon0 + (c % g0.ncols) * g0.cellSize), String(g0.latTop - Math.floor(c / g0.ncols) * g0.cellSize)], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(Math.abs(Number(r.stdout.trim()) - change.values[c]!) < 1e-6, `cell ${c}: GeoTIFF ${r.stdout.trim()} vs map ${change.values[c]}`);
  }

  // the relative change: units %
  await page.selectOption('select[aria-label="Change"]', 'relchange');
  await page.getByRole('button', { name: 'Show change map' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid=colorbar-title]')?.textContent === 'Physics only (defaults) LAI change (%), annual');
  assert.equal(await page.textContent('[data-testid=colorbar-units]'), '[%]');

  // the share of days outside the training envelope: % too (CO2 550 ppm is outside on every day)
  await page.getByRole('button', { name: 'Show days outside the training envelope' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid=colorbar-title]')?.textContent === 'Days outside the training envelope (%)');
  assert.equal(await page.textContent('[data-testid=colorbar-units]'), '[%]');
  const flags = await apiFromPage<{ values: (number | null)[] }>(page, 'map.grid', { layer: 'run:tiny:scenario:warm:extrapolation' });
  assert.ok(flags.values.some((v) => v === 100), 'cells flagged on every day');

  // back to a change map for the chart
  await page.getByRole('button', { name: 'Show change map' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid=colorbar-title]')?.textContent === 'Physics only (defaults) LAI change (%), annual');

  // a clicked cell charts each model's baseline and scenario over the scenario's period
  const s = await apiFromPage<{ dataset: { grid: { ncols: number; lon0: number; latTop: number; cellSize: number } } }>(page, 'map.summary', {});
  const grid = await apiFromPage<{ values: (number | null)[] }>(page, 'map.grid', { layer: 'run:tiny:scenario:warm:change:physics-only:annual' });
  const cells = grid.values.map((v, i) => (v !== null && Number.isFinite(v) ? i : -1)).filter((i) => i >= 0);
  const cell = cells[Math.floor(cells.length / 2)]!;
  const g = s.dataset.grid;
  const [x, y] = await screenOf(page, g.lon0 + (cell % g.ncols) * g.cellSize, g.latTop - Math.floor(cell / g.ncols) * g.cellSize);
  await page.mouse.click(x, y);
  await page.waitForFunction(() => (document.querySelector('[data-testid=series-chart]')?.getAttribute('data-series') ?? '').includes('scenario:'), undefined, { timeout: 60_000 });
  assert.equal(await page.getAttribute('[data-testid=series-chart]', 'data-series'), 'baseline:lstm,scenario:lstm,baseline:physics-only,scenario:physics-only');
  assert.match((await page.textContent('[data-testid=chart-title]')) ?? '', /baseline and scenario 'warm', 1981-02-01\.\.1981-03-31/);
  await screenshot(page, 'workspace-scenario-chart');
  assert.deepEqual(ws.errors, []);
});
