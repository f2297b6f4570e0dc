/**
 * An ensemble run in the app: a 2-member LSTM ensemble (hidden 4, 1 epoch; `vegdyn train
 * --ensemble 2`) on a two-year demo project; the map shows its spread layer over the basin with
 * a colorbar titled with the layer and its units, and the readout gives the engine's value.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { VEGDYN, apiFromPage, chooseLayer, distinctColours, makeDemoProject, openWorkspaceSession, screenOf, screenshot, type WorkspaceSession } from './workspace-harness.ts';

let ws: WorkspaceSession;
let page: Page;

const tiny = {
  models: ['lstm'], hiddenSize: 4, windowDays: 60, warmupDays: 20, batchSize: 2, windowsPerEpoch: 2, epochs: 1, patience: 5,
  perModel: { lstm: { epochs: 1, windowsPerEpoch: 2 } }, inferenceChunkDays: 400,
  // a seeded output head (the demo preset starts it at zero, where one step leaves every member at
  // the climatology): members that differ in seed then differ in their LAI
  modelOptions: { lstm: { headInit: 'glorot' } },
  periods: { record: { from: '1981-01-01', to: '1982-12-31' }, train: { from: '1981-01-01', to: '1981-10-31' }, validate: { from: '1981-11-01', to: '1982-02-28' }, test: { from: '1982-03-01', to: '1982-12-31' } },
};

before(async () => {
  ws = await openWorkspaceSession('vegdyn-e2e-ens-', (dir, env) => {
    makeDemoProject(dir, env);
    const config = path.join(dir, 'tiny-ensemble.json');
    writeFileSync(config, JSON.stringify(tiny));
    const r = spawnSync(process.execPath, [VEGDYN, 'train', '--project', dir, '--config', config, '--run-id', 'ens', '--ensemble', '2'], { env: { ...env, VEGDYN_BACKEND: 'wasm' }, encoding: 'utf8', timeout: 300_000 });
    if (r.status !== 0) throw new Error(`vegdyn train --ensemble 2 failed (${r.status}): ${r.stderr}`);
  });
  page = ws.page;
}, { timeout: 600_000 });

after(() => ws?.close());

test("the ensemble's spread layer shows over the basin with a colorbar in m2 m-2 and the engine's values", { timeout: 120_000 }, async () => {
  const label = 'LSTM ensemble spread of LAI (std)';
  await page.reload();
  await page.waitForSelector('body[data-ready]');
  await chooseLayer(page, label);
  await page.waitForFunction((l) => document.querySelector('[data-testid=colorbar-title]')?.textContent === l, label);
  assert.equal(await page.textContent('[data-testid=colorbar-units]'), '[m² m⁻²]');
  const ticks = (await page.locator('[data-testid=colorbar-ticks] span').allTextContents()).map(Number);
  assert.ok(ticks.length >= 2 && ticks.every(Number.isFinite), `colorbar ticks: ${ticks}`);

  const box = (await page.locator('#map').boundingBox())!;
  const colours = await distinctColours(page, { x: box.x + box.width * 0.25, y: box.y + box.height * 0.1, width: box.width * 0.5, height: box.height * 0.6 });
  assert.ok(colours > 20, `the map shows only ${colours} colours`);

  // the readout over a basin cell is the spread the engine serves for it
  const s = await apiFromPage<{ dataset: { grid: { ncols: number; lon0: number; latTop: number; cellSize: number } } }>(page, 'map.summary', {});
  const grid = await apiFromPage<{ values: (number | null)[] }>(page, 'map.grid', { layer: 'run:ens:spread:lstm:lai_std' });
  const g = s.dataset.grid;
  const finite = grid.values.map((v, i) => (v !== null && Number.isFinite(v) && v > 0 ? i : -1)).filter((i) => i >= 0);
  assert.ok(finite.length > 100, `the spread layer has ${finite.length} cells with a positive spread`);
  const cell = finite[Math.floor(finite.length / 2)]!;
  const [x, y] = await screenOf(page, g.lon0 + (cell % g.ncols) * g.cellSize, g.latTop - Math.floor(cell / g.ncols) * g.cellSize);
  await page.mouse.move(x, y);
  await page.waitForSelector('[data-testid=readout-value]');
  const shown = Number(((await page.textContent('[data-testid=readout-value]')) ?? '').split(' ')[0]);
  const value = grid.values[cell]!;
  assert.ok(Math.abs(shown - value) <= 1e-3 * Math.max(1, Math.abs(value)), `readout ${shown}, engine ${value}`);
  await screenshot(page, 'workspace-ensemble-spread');
});
