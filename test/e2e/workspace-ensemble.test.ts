/**
 * An ensemble run in the app: a 3-member LSTM ensemble (hidden 4, 1 epoch; `vegdyn train
 * --ensemble 3`) on a two-year demo project, after a tiny run of the two physics models
 * (calibrated physics only, physics-encoded ConvLSTM: one 30-day window, one epoch, one year).
 * The map shows the spread layers (over the test period, and on the slider's date) with a colorbar
 * titled with the layer and its units and the engine's value in the readout; a clicked cell's
 * chart draws the members' 5-95 % band around the ensemble mean; the comparison panel shows the
 * mean's NSE beside the members' and the physics models' learned parameters side by side.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { TINY_LSTM_RUN, apiFromPage, chooseLayer, distinctColours, makeDemoProject, openWorkspaceSession, screenOf, screenshot, trainRun, type WorkspaceSession } from './workspace-harness.ts';

let ws: WorkspaceSession;
let page: Page;

const tiny = {
  ...TINY_LSTM_RUN,
  // a seeded output head (the demo preset starts it at zero, where one step leaves every member at
  // the climatology): members that differ in seed then differ in their LAI
  modelOptions: { lstm: { headInit: 'glorot' } },
};

// the two physics models as cheaply as they train (the process model runs on every cell of the
// grid): 15.5 months, one 20-day window, one epoch. Scoring needs 5 LAI dates per cell in the test
// period (half-monthly in 1981-82: 3.5 months of the growing season) and the climatology needs
// the training period on the test dates' days of year, so training spans most of a year.
const once = { epochs: 1, windowsPerEpoch: 1, batchSize: 1 };
const tinyPhysics = {
  models: ['physics-calibrated', 'phys-conv-lstm'], hiddenSize: 4, windowDays: 20, warmupDays: 5, patience: 5, inferenceChunkDays: 500, ...once,
  perModel: { 'physics-calibrated': once, 'phys-conv-lstm': once },
  // the calibrated model with per-cell parameters (its table columns: median and 5-95 % of each PFT's cells), the ConvLSTM per PFT
  modelOptions: { 'physics-calibrated': { parameterization: 'per-cell-network' } },
  periods: { record: { from: '1981-04-01', to: '1982-07-15' }, train: { from: '1981-04-01', to: '1982-03-15' }, validate: { from: '1982-03-16', to: '1982-03-31' }, test: { from: '1982-04-01', to: '1982-07-15' } },
};

before(async () => {
  ws = await openWorkspaceSession('vegdyn-e2e-ens-', (dir, env) => {
    makeDemoProject(dir, env);
    trainRun(dir, env, 'phys', tinyPhysics);
    // the ensemble last: the newest run is the one the chart draws
    trainRun(dir, env, 'ens', tiny, '--ensemble', '3');
  });
  page = ws.page;
}, { timeout: 1_800_000 });

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

test("the spread on the slider's date: a daily layer of the members' std, the readout the engine's value for that date", { timeout: 120_000 }, async () => {
  const label = 'LSTM LAI spread on the date: ensemble std';
  await chooseLayer(page, label);
  await page.waitForFunction((l) => document.querySelector('[data-testid=colorbar-title]')?.textContent === l, label);
  assert.equal(await page.textContent('[data-testid=colorbar-units]'), '[m² m⁻²]');
  // the last day of the record (1982-12-31) lies in the test period
  const label0 = await page.textContent('[data-testid=date-label]');
  await page.getByRole('slider', { name: 'Date' }).focus();
  await page.keyboard.press('End');
  await page.waitForFunction((l) => document.querySelector('[data-testid=date-label]')?.textContent !== l, label0);
  const s = await apiFromPage<{ dataset: { dayCount: number; grid: { ncols: number; lon0: number; latTop: number; cellSize: number } } }>(page, 'map.summary', {});
  const day = s.dataset.dayCount - 1;
  const grid = await apiFromPage<{ values: (number | null)[]; sourceDay: number | null }>(page, 'map.grid', { layer: 'run:ens:spread-date:lstm:lai_std', day });
  assert.equal(grid.sourceDay, day);
  const period = await apiFromPage<{ values: (number | null)[] }>(page, 'map.grid', { layer: 'run:ens:spread:lstm:lai_std' });
  const finite = grid.values.map((v, i) => (v !== null && v > 0 ? i : -1)).filter((i) => i >= 0);
  assert.ok(finite.length > 100, `the spread on ${day} has ${finite.length} cells with a positive spread`);
  // one date's spread is not the period's mean spread
  assert.ok(finite.some((c) => Math.abs(grid.values[c]! - period.values[c]!) > 1e-4), 'the daily layer shows the date, not the period summary');
  const g = s.dataset.grid;
  const cell = finite[Math.floor(finite.length / 3)]!;
  const [x, y] = await screenOf(page, g.lon0 + (cell % g.ncols) * g.cellSize, g.latTop - Math.floor(cell / g.ncols) * g.cellSize);
  await page.mouse.move(x, y);
  const value = grid.values[cell]!;
  await page.waitForFunction((v) => Math.abs(Number(document.querySelector('[data-testid=readout-value]')?.textContent?.split(' ')[0]) - v) <= 1e-3 * Math.max(1, Math.abs(v)), value);
  await screenshot(page, 'workspace-ensemble-spread-date');
});

test("a clicked cell's chart draws the members' 5-95 % band around the ensemble mean", { timeout: 120_000 }, async () => {
  await chooseLayer(page, 'Observed LAI');
  const s = await apiFromPage<{ dataset: { mask: number[]; grid: { ncols: number; nrows: number; lon0: number; latTop: number; cellSize: number } } }>(page, 'map.summary', {});
  const g = s.dataset.grid;
  const cell = s.dataset.mask.findIndex((m, c) => m === 1 && Math.floor(c / g.ncols) === Math.floor(g.nrows / 2) && c % g.ncols > g.ncols / 2);
  const [x, y] = await screenOf(page, g.lon0 + (cell % g.ncols) * g.cellSize, g.latTop - Math.floor(cell / g.ncols) * g.cellSize);
  await page.mouse.click(x, y);
  await page.waitForFunction(() => document.querySelector('[data-testid=series-chart]')?.getAttribute('data-bands') === 'ens:lstm', undefined, { timeout: 60_000 });
  const legend = await page.locator('[data-testid=series-chart] .u-legend .u-series').allTextContents();
  assert.ok(legend.some((l) => l.includes('LSTM 5 % of 3 members')) && legend.some((l) => l.includes('LSTM 95 % of 3 members')), `legend: ${legend.join(' | ')}`);
  // the band the engine sent surrounds the mean on every day, and is open on some
  const series = await apiFromPage<{ series: { id: string; values: (number | null)[] }[] }>(page, 'map.series', { cell });
  const of = (id: string) => series.series.find((x) => x.id === id)!.values;
  const [lo, mean, hi] = [of('ens:lstm:p05'), of('ens:lstm'), of('ens:lstm:p95')];
  let open = 0;
  for (let t = 0; t < mean.length; t++) {
    if (mean[t] === null) continue;
    assert.ok(lo[t]! <= mean[t]! + 1e-6 && mean[t]! <= hi[t]! + 1e-6, `day ${t}: ${lo[t]} <= ${mean[t]} <= ${hi[t]}`);
    if (hi[t]! - lo[t]! > 1e-3) open++;
  }
  assert.ok(open > 100, `the band is open on ${open} days`);
  await screenshot(page, 'workspace-ensemble-band');
});

test('the comparison panel: the ensemble mean beside its members, and the physics models\' learned parameters side by side', { timeout: 120_000 }, async () => {
  await page.getByRole('button', { name: 'Model comparison' }).click();
  await page.selectOption('[data-testid=run-select]', 'ens');
  const runs = (await apiFromPage<{ runs: { id: string; entries: { id: string; nse: { median: number | null } | null }[]; ensemble: { nse: Record<string, { perMember: { member: string; median: number | null }[] }> } | null }[] }>(page, 'map.runs', {})).runs;
  const ens = runs.find((r) => r.id === 'ens')!;
  const members = ens.ensemble!.nse['lstm']!.perMember;
  assert.equal(members.length, 3);
  const row = page.locator('[data-testid=ensemble-nse] tr[data-entry=lstm]');
  assert.equal(Number(await row.locator('td').nth(1).textContent()), Number(ens.entries.find((e) => e.id === 'lstm')!.nse!.median!.toPrecision(3)));
  const each = (await row.locator('td').nth(3).textContent()) ?? '';
  for (const m of members) assert.ok(each.includes(m.member), `members listed: ${each}`);
  assert.equal(await page.locator('[data-testid=ensemble-nse-strip] g[data-model=lstm] circle').count(), members.filter((m) => m.median !== null).length);
  assert.match((await page.textContent('[data-testid=nse-table] tr[data-entry=lstm] td')) ?? '', /mean of 3 members/);

  // the parameters of both physics models of run phys, a column each, beside the defaults
  const table = page.getByTestId('parameter-compare');
  const heads = await table.locator('thead th').allTextContents();
  const modelHeads = heads.slice(4);
  assert.ok(modelHeads.some((t) => t.startsWith('Physics only (calibrated)')) && modelHeads.some((t) => t.startsWith('Physics-encoded ConvLSTM')), `columns: ${heads.join(' | ')}`);
  assert.ok(modelHeads.some((t) => t.startsWith('Physics only (calibrated)') && t.endsWith('5–95 % of the cells')), `a range column for the per-cell model: ${heads.join(' | ')}`);
  assert.ok(!modelHeads.some((t) => t.startsWith('Physics-encoded ConvLSTM') && t.endsWith('5–95 % of the cells')), `no range column for the per-PFT model: ${heads.join(' | ')}`);
  type Cells = { median: (number | null)[]; p05: (number | null)[]; p95: (number | null)[]; count: number[] } | null;
  const phys = (await apiFromPage<{ runs: { id: string; parameters: Record<string, { pfts: string[]; parameters: Record<string, { values: (number | null)[]; learned: boolean; cells: Cells }> }> }[] }>(page, 'map.runs', {})).runs.find((r) => r.id === 'phys')!;
  const numberAt = (text: string | null) => Number((text ?? '').split(' ')[0]);
  // the per-PFT model: its value per PFT
  const conv = Object.entries(phys.parameters['phys-conv-lstm']!.parameters)[0]!;
  const convShown = await table.locator(`tr[data-parameter="${conv[0]}"] >> nth=0`).locator('td[data-model="phys/phys-conv-lstm"]').textContent();
  assert.equal(numberAt(convShown), Number(conv[1].values[0]!.toPrecision(3)));
  // the per-cell model: per PFT the median of its cells, and their 5-95 % range, as the run's report has them
  const cal = phys.parameters['physics-calibrated']!;
  const [name, q] = Object.entries(cal.parameters).find(([, p]) => p.learned)!;
  const k = q.cells!.count.findIndex((c) => c > 1);
  assert.ok(k >= 0, `${name}: a PFT with cells`);
  const pftRow = table.locator(`tr[data-parameter="${name}"][data-pft="${cal.pfts[k]}"]`);
  assert.equal(numberAt(await pftRow.locator('td[data-model="phys/physics-calibrated"][data-stat=median]').textContent()), Number(q.cells!.median[k]!.toPrecision(3)));
  const range = (await pftRow.locator('td[data-model="phys/physics-calibrated"][data-stat=range]').textContent()) ?? '';
  const [lo, hi] = range.split(' ')[0]!.split('–').map(Number);
  assert.deepEqual([lo, hi], [Number(q.cells!.p05[k]!.toPrecision(3)), Number(q.cells!.p95[k]!.toPrecision(3))], `range shown: ${range}`);
  assert.ok(lo! <= q.cells!.median[k]! && q.cells!.median[k]! <= hi!, `median inside the 5-95 % range: ${range}`);
  assert.match(range, new RegExp(`\\(${q.cells!.count[k]} cells\\)`));
  await page.getByTestId('parameter-compare-maps').click();
  await page.waitForSelector('[data-testid=compare-pane][data-loaded=true] >> nth=1', { timeout: 60_000 });
  const titles = await page.locator('[data-testid=compare-pane] .compare-title').allTextContents();
  assert.ok(titles[0]!.startsWith('Physics only (calibrated)') && titles[1]!.startsWith('Physics-encoded ConvLSTM'), `maps: ${titles.join(' | ')}`);
  await screenshot(page, 'workspace-parameter-compare');
  await page.getByRole('button', { name: 'Close comparison' }).click();
});
