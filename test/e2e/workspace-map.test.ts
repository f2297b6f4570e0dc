/**
 * The map workspace in web mode, as a user sees it: `vegdyn serve` on a small demo project made
 * here, Debian's Chromium. Layers over the basin with a colorbar in the layer's units, the value
 * under the cursor, the date slider, the categorical land-cover legend, the LAI chart of a cell and
 * of a subbasin with CSV export, and a failed request that leaves the workspace usable.
 * Expected values come from the engine itself (same-origin API calls with the page's token).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { colormapLut } from '../../renderer/src/colormaps.ts';
import { chooseLayer, distinctColours, pixelsAt, screenOf, screenshot, apiFromPage, openWorkspaceSession, type WorkspaceSession } from './workspace-harness.ts';

let ws: WorkspaceSession;
let page: Page;

before(async () => {
  ws = await openWorkspaceSession('vegdyn-e2e-ws-');
  page = ws.page;
}, { timeout: 360_000 });

after(() => ws?.close());

const api = <T>(name: string, payload: unknown): Promise<T> => apiFromPage<T>(page, name, payload);

interface Summary { project: { name: string }; dataset: { source: string; grid: { ncols: number; nrows: number; lon0: number; latTop: number; cellSize: number }; mask: number[]; startDate: string; subbasins: { id: number; name: string }[] } }

function currentDay(): Promise<number> {
  return page.evaluate(() => (window as unknown as { vegdynWorkspace: { day: number } }).vegdynWorkspace.day);
}

/** An interior basin cell (all 8 neighbours inside) with a finite value in `values`. */
function interiorCell(s: Summary, values: (number | null)[]): number {
  const { ncols, nrows } = s.dataset.grid;
  const candidates: number[] = [];
  for (let r = 2; r < nrows - 2; r++) {
    for (let c = 2; c < ncols - 2; c++) {
      let ok = true;
      for (let dr = -1; dr <= 1 && ok; dr++) for (let dc = -1; dc <= 1 && ok; dc++) ok = s.dataset.mask[(r + dr) * ncols + c + dc] === 1 && values[(r + dr) * ncols + c + dc] !== null;
      if (ok) candidates.push(r * ncols + c);
    }
  }
  assert.ok(candidates.length > 0, 'the demo basin has interior cells with data');
  return candidates[Math.floor(candidates.length / 2)]!;
}

function centreOf(s: Summary, cell: number): [number, number] {
  const g = s.dataset.grid;
  return [g.lon0 + (cell % g.ncols) * g.cellSize, g.latTop - Math.floor(cell / g.ncols) * g.cellSize];
}

async function hoverCell(s: Summary, cell: number): Promise<[number, number]> {
  const [lon, lat] = centreOf(s, cell);
  const [x, y] = await screenOf(page, lon, lat);
  await page.mouse.move(x, y);
  await page.waitForSelector('[data-testid=readout-value]');
  return [x, y];
}

async function readoutNumber(): Promise<number> {
  const text = (await page.textContent('[data-testid=readout-value]')) ?? '';
  return Number(text.split(' ')[0]);
}

test('the workspace opens the project: header, observed LAI over the basin, colorbar in m2 m-2', { timeout: 120_000 }, async () => {
  const s = await api<Summary>('map.summary', {});
  assert.equal(await page.textContent('[data-testid=project-name]'), s.project.name);
  assert.match((await page.textContent('[data-testid=dataset-source]')) ?? '', /virtual Upper Colorado River Basin/);
  assert.match((await page.textContent('[data-testid=backend]')) ?? '', /backend: (tensorflow|tensorflow-gpu|wasm|cpu)/);
  assert.equal(await page.textContent('[data-testid=colorbar-title]'), 'Observed LAI');
  assert.equal(await page.textContent('[data-testid=colorbar-units]'), '[m² m⁻²]');

  // the map is not blank: the gridded layer adds many colours over the basemap
  const box = (await page.locator('#map').boundingBox())!;
  const colours = await distinctColours(page, { x: box.x + box.width * 0.25, y: box.y + box.height * 0.1, width: box.width * 0.5, height: box.height * 0.6 });
  assert.ok(colours > 30, `the map shows only ${colours} colours`);

  // opacity to 1 (keyboard), then the pixel at a cell centre has the viridis colour of the value the engine serves
  await page.getByLabel('Layer opacity').focus();
  await page.keyboard.press('End');
  const day = await currentDay();
  const grid = await api<{ values: (number | null)[] }>('map.grid', { layer: 'lai.observed', day });
  const cell = interiorCell(s, grid.values);
  const [x, y] = await hoverCell(s, cell);
  const value = grid.values[cell]!;
  assert.ok(Math.abs((await readoutNumber()) - value) <= 1e-3 * Math.max(1, Math.abs(value)), 'the readout shows the engine value of the cell under the cursor');
  const min = Number(await page.inputValue('[data-testid=range-min]'));
  const max = Number(await page.inputValue('[data-testid=range-max]'));
  const k = Math.max(0, Math.min(255, Math.round(((value - min) / (max - min)) * 255)));
  const lut = colormapLut('viridis');
  const expected = [lut[k * 3]!, lut[k * 3 + 1]!, lut[k * 3 + 2]!];
  await page.mouse.move(5, 5); // the readout box must not cover the sampled pixel
  const [seen] = await pixelsAt(page, [[x, y]]);
  const diff = Math.max(...seen!.map((v, i) => Math.abs(v - expected[i]!)));
  assert.ok(diff <= 24, `pixel ${seen} at the cell, expected about ${expected} for LAI ${value}`);
  await screenshot(page, 'workspace-observed-lai');
});

test('switching to a forcing layer updates the colorbar units and the readout; temperature in °C with a unit toggle; the date slider steps by day', { timeout: 120_000 }, async () => {
  const s = await api<Summary>('map.summary', {});
  await chooseLayer(page, 'Air temperature (Tair)');
  // the engine serves K; the workspace shows °C by default
  await page.waitForFunction(() => document.querySelector('[data-testid=colorbar-units]')?.textContent === '[°C]');
  const day0 = await currentDay();
  const grid0 = await api<{ values: (number | null)[] }>('map.grid', { layer: 'forcing.Tair', day: day0 });
  const cell = interiorCell(s, grid0.values);
  await hoverCell(s, cell);
  assert.match((await page.textContent('[data-testid=readout-value]')) ?? '', / °C$/);
  assert.ok(Math.abs((await readoutNumber()) - (grid0.values[cell]! - 273.15)) < 0.05, 'the readout shows the engine value in °C');
  // colorbar ticks are round numbers (multiples of 1, 2, 2.5 or 5 x 10^k), evenly spaced
  const ticks = (await page.locator('[data-testid=colorbar-ticks] span').allTextContents()).map(Number);
  assert.ok(ticks.length >= 3, `ticks ${ticks}`);
  const step = ticks[1]! - ticks[0]!;
  const mantissa = step / 10 ** Math.floor(Math.log10(step));
  assert.ok([1, 2, 2.5, 5].some((m) => Math.abs(mantissa - m) < 1e-6), `tick step ${step} of ${ticks} is not a round number`);
  for (let i = 1; i < ticks.length; i++) assert.ok(Math.abs(ticks[i]! - ticks[i - 1]! - step) < 1e-6 * Math.max(1, step), `ticks ${ticks}`);
  for (const t of ticks) assert.ok(Math.abs(t / step - Math.round(t / step)) < 1e-6, `tick ${t} is not a multiple of ${step}`);
  // the toggle: K everywhere (colorbar, readout, range fields), and back
  const minC = Number(await page.inputValue('[data-testid=range-min]'));
  await page.getByLabel('Temperature unit').selectOption('K');
  await page.waitForFunction(() => document.querySelector('[data-testid=colorbar-units]')?.textContent === '[K]');
  assert.ok(Math.abs(Number(await page.inputValue('[data-testid=range-min]')) - (minC + 273.15)) < 1e-3, 'the range minimum converts with the unit');
  await page.mouse.move(5, 5);
  await hoverCell(s, cell);
  assert.match((await page.textContent('[data-testid=readout-value]')) ?? '', / K$/);
  assert.ok(Math.abs((await readoutNumber()) - grid0.values[cell]!) < 0.05);
  await page.getByLabel('Temperature unit').selectOption('C');
  await page.waitForFunction(() => document.querySelector('[data-testid=colorbar-units]')?.textContent === '[°C]');

  const label0 = await page.textContent('[data-testid=date-label]');
  await page.getByRole('slider', { name: 'Date' }).focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((l) => document.querySelector('[data-testid=date-label]')?.textContent !== l, label0);
  assert.equal(await currentDay(), day0 + 1);
  const grid1 = await api<{ values: (number | null)[] }>('map.grid', { layer: 'forcing.Tair', day: day0 + 1 });
  await hoverCell(s, cell);
  // in °C: the engine's K less 273.15
  await page.waitForFunction((v) => Math.abs(Number(document.querySelector('[data-testid=readout-value]')?.textContent?.split(' ')[0]) - v) < 0.05, grid1.values[cell]! - 273.15);
  await screenshot(page, 'workspace-tair');

  await page.getByRole('button', { name: 'Play' }).click();
  assert.equal(await page.getByRole('button', { name: 'Play' }).getAttribute('aria-pressed'), 'true');
  await page.getByRole('button', { name: 'Play' }).click();
  assert.equal(await page.getByRole('button', { name: 'Play' }).getAttribute('aria-pressed'), 'false');
});

test('land cover shows a categorical legend with the class names', { timeout: 60_000 }, async () => {
  const layers = await api<{ layers: { id: string; categories?: { code: number; label: string }[] }[] }>('map.layers', {});
  const lc = layers.layers.find((l) => l.id === 'static.landCover')!;
  await chooseLayer(page, 'Land cover');
  await page.waitForFunction(() => document.querySelector('[data-testid=colorbar-title]')?.textContent === 'Land cover');
  const legend = (await page.textContent('[data-testid=colorbar]')) ?? '';
  for (const c of lc.categories!) assert.ok(legend.includes(c.label), `legend lists ${c.label}`);
  // cells without data are drawn transparent: the legend says so
  assert.ok(await page.locator('[data-testid=legend-nodata]').isVisible(), 'the legend has a no-data entry');
  // a static layer has no date: the date bar hides, and comes back for a daily layer
  assert.equal(await page.locator('.date-bar').isVisible(), false, 'the date bar hides for a static layer');
  await screenshot(page, 'workspace-land-cover');
  await chooseLayer(page, 'Observed LAI');
  await page.waitForFunction(() => document.querySelector('[data-testid=colorbar-title]')?.textContent === 'Observed LAI');
  assert.equal(await page.locator('.date-bar').isVisible(), true);
});

test('layers are grouped into collapsible sections: Observations, Forcing, Static', { timeout: 60_000 }, async () => {
  const groups = await page.locator('details.layer-group').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset['group']));
  assert.deepEqual(groups, ['Observations', 'Forcing', 'Static']);
  const layers = (await api<{ layers: { label: string; group: string }[] }>('map.layers', {})).layers;
  for (const g of groups) {
    const inGroup = await page.locator(`details.layer-group[data-group="${g}"] .layer-option`).count();
    assert.equal(inGroup, layers.filter((l) => l.group === g).length, `group ${g}`);
  }
  // collapsing a group hides its layers; opening it shows them again
  const forcing = page.locator('details.layer-group[data-group="Forcing"]');
  if ((await forcing.getAttribute('open')) === null) await forcing.locator('summary').click();
  assert.equal(await page.getByLabel('Air temperature (Tair)').isVisible(), true);
  await forcing.locator('summary').click();
  assert.equal(await page.getByLabel('Air temperature (Tair)').isVisible(), false);
  // the selected layer's group stays open
  assert.notEqual(await page.locator('details.layer-group[data-group="Observations"]').getAttribute('open'), null);
});

test('clicking a cell charts its observed and true LAI, with CSV export; a subbasin charts its mean', { timeout: 120_000 }, async () => {
  const s = await api<Summary>('map.summary', {});
  await chooseLayer(page, 'Observed LAI');
  const day = await currentDay();
  const grid = await api<{ values: (number | null)[] }>('map.grid', { layer: 'lai.observed', day });
  const cell = interiorCell(s, grid.values);
  const [lon, lat] = centreOf(s, cell);
  const [x, y] = await screenOf(page, lon, lat);
  await page.mouse.click(x, y);
  await page.waitForSelector('[data-testid=series-chart] canvas');
  await page.waitForFunction(() => document.querySelector('[data-testid=series-chart]')?.getAttribute('data-series'));
  const row = Math.floor(cell / s.dataset.grid.ncols);
  const col = cell % s.dataset.grid.ncols;
  assert.match((await page.textContent('[data-testid=chart-title]')) ?? '', new RegExp(`Cell row ${row}, column ${col}`));
  assert.deepEqual((await page.getAttribute('[data-testid=series-chart]', 'data-series'))!.split(','), ['observed', 'truth']);
  const legend = (await page.textContent('.u-legend')) ?? '';
  assert.ok(legend.includes('Observed LAI') && legend.includes('True LAI'), `chart legend: ${legend}`);
  // the map refitted to the shorter map area: the basin ends above the legend and the date bar
  const bounds = await page.evaluate(() => (window as unknown as { vegdynWorkspace: { dataset: { bounds: number[] } } }).vegdynWorkspace.dataset.bounds);
  const [, southY] = await screenOf(page, (bounds[0]! + bounds[2]!) / 2, bounds[1]!);
  const [, northY] = await screenOf(page, (bounds[0]! + bounds[2]!) / 2, bounds[3]!);
  const mapBox = (await page.locator('#map').boundingBox())!;
  for (const sel of ['[data-testid=colorbar]', '.date-bar']) {
    const box = (await page.locator(sel).boundingBox())!;
    assert.ok(southY <= box.y + 1, `the basin's south edge (y ${southY}) lies under ${sel} (top ${box.y})`);
  }
  assert.ok(northY >= mapBox.y - 1, `the basin's north edge (y ${northY}) is above the map (top ${mapBox.y})`);
  await screenshot(page, 'workspace-cell-chart');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  const csvPath = path.join(ws.home, 'series.csv');
  await download.saveAs(csvPath);
  const lines = readFileSync(csvPath, 'utf8').trim().split('\n');
  assert.match(lines[1]!, /^date,Observed LAI \[m2 m-2\],True LAI \(virtual basin\) \[m2 m-2\]$/);
  const series = await api<{ series: { id: string; days?: number[]; values: (number | null)[] }[]; startDate: string }>('map.series', { cell });
  const obs = series.series.find((q) => q.id === 'observed')!;
  const k = obs.values.findIndex((v) => v !== null);
  const date = new Date(Date.parse(`${series.startDate}T00:00:00Z`) + obs.days![k]! * 86_400_000).toISOString().slice(0, 10);
  const csvRow = lines.find((l) => l.startsWith(`${date},`))!;
  assert.ok(csvRow, `the CSV has a row for ${date}`);
  assert.ok(Math.abs(Number(csvRow.split(',')[1]) - obs.values[k]!) < 1e-4, `CSV row ${csvRow} vs ${obs.values[k]}`);

  const sb = s.dataset.subbasins[0]!;
  await page.getByLabel('Subbasin', { exact: true }).selectOption(String(sb.id));
  await page.getByRole('button', { name: 'Show subbasin series' }).click();
  await page.waitForFunction((name) => document.querySelector('[data-testid=chart-title]')?.textContent?.includes(name), sb.name);
  await screenshot(page, 'workspace-subbasin-chart');
});

test('a failed request shows a clear message and the workspace stays usable', { timeout: 60_000 }, async () => {
  const missing = path.join(ws.home, 'no-such-project');
  await page.getByRole('button', { name: 'Project' }).click();
  await page.getByLabel('Project folder').fill(missing);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'failed' });
  await alert.waitFor();
  const text = (await alert.textContent()) ?? '';
  assert.ok(text.includes(`Opening ${missing} failed`), text);
  await screenshot(page, 'workspace-failed-request');
  // still usable: the open project stays, and layers still switch
  await chooseLayer(page, 'Elevation');
  await page.waitForFunction(() => document.querySelector('[data-testid=colorbar-units]')?.textContent === '[m]');
  assert.deepEqual(ws.errors, [], 'the page threw');
  assert.deepEqual(ws.remote, [], 'the page reached outside loopback');
});
