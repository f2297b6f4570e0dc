/**
 * Training, model comparison and model layers in the browser, on a small run the test trains
 * from the Training panel itself (LSTM, one epoch, tiny sizes): live progress and loss, the run in
 * the history, the median-NSE table matching the engine's evaluation, NSE boxplots by vegetation
 * type, NSE maps side by side with linked zoom, the model's LAI layer and its series in the chart;
 * then a cancelled run that resumes from the history; last, the project's cluster settings set from
 * the panel (validated) and the sbatch script of the panel's run previewed, nothing submitted.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { colormapLut } from '../../renderer/src/colormaps.ts';
import { chooseLayer, distinctColours, pixelsAt, screenOf, screenshot, apiFromPage, openWorkspaceSession, type WorkspaceSession } from './workspace-harness.ts';

let ws: WorkspaceSession;
let page: Page;

before(async () => {
  ws = await openWorkspaceSession('vegdyn-e2e-models-');
  page = ws.page;
  // collapse the layer and series sections so the model sections fit on screen
  await page.getByRole('button', { name: 'Time series' }).click();
}, { timeout: 360_000 });

after(() => ws?.close());

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

/**
 * Swipe mode on the run's NSE maps: drag the divider, move it with the keyboard, and check on a
 * screenshot that cells left of the divider show layer A's colour and cells right of it layer B's
 * (colours computed here from the engine's grids with the colormap's lookup table), then that
 * moving the divider to the right edge turns a right-hand cell into layer A's colour.
 */
async function checkSwipe(run: Run): Promise<void> {
  const s = await api<{ dataset: { grid: { ncols: number; nrows: number; lon0: number; latTop: number; cellSize: number } } }>('map.summary', {});
  const g = s.dataset.grid;
  const grid = async (entry: string) => (await api<{ values: (number | null)[] }>('map.grid', { layer: `run:${run.id}:nse:${entry}` })).values;
  const lut = colormapLut('rdbu');
  // the NSE layers' default display: RdBu over [-1, 1], opacity 1 in the comparison views
  const colour = (v: number): [number, number, number] => {
    const k = Math.max(0, Math.min(255, Math.round((v + 1) * 127.5)));
    return [lut[k * 3]!, lut[k * 3 + 1]!, lut[k * 3 + 2]!];
  };
  const dist = (a: readonly number[], b: readonly number[]) => Math.abs(a[0]! - b[0]!) + Math.abs(a[1]! - b[1]!) + Math.abs(a[2]! - b[2]!);
  // A = the first model; B = the entry whose NSE map differs most from it in colour
  const a = run.entries.find((e) => e.role === 'model')!;
  const gridA = await grid(a.id);
  let b: { id: string; label: string; grid: (number | null)[]; differing: number } | null = null;
  for (const e of run.entries.filter((x) => x.id !== a.id)) {
    const ge = await grid(e.id);
    const differing = ge.filter((v, c) => v !== null && gridA[c] !== null && dist(colour(v), colour(gridA[c]!)) > 80).length;
    if (!b || differing > b.differing) b = { id: e.id, label: e.label, grid: ge, differing };
  }
  assert.ok(b && b.differing > 20, `no entry's NSE map differs enough from ${a.label}'s to tell them apart (${b?.differing ?? 0} cells)`);
  await page.getByLabel('Left map').selectOption(a.id);
  await page.getByLabel('Right map').selectOption(b.id);
  await page.getByRole('button', { name: 'Compare with swipe' }).click();
  await page.waitForSelector('[data-testid=swipe-pane][data-loaded=true]', { timeout: 60_000 });
  assert.ok((await page.textContent('[data-testid=swipe-left-title]') ?? '').includes(a.label));
  assert.ok((await page.textContent('[data-testid=swipe-right-title]') ?? '').includes(b.label));

  // drag the divider from the middle to 45 % of the width, then one keyboard step right
  const divider = page.getByRole('slider', { name: 'Swipe divider' });
  const pane = (await page.locator('[data-testid=swipe-pane]').boundingBox())!;
  const d0 = (await divider.boundingBox())!;
  await page.mouse.move(d0.x + d0.width / 2, pane.y + pane.height * 0.3);
  await page.mouse.down();
  await page.mouse.move(pane.x + pane.width * 0.45, pane.y + pane.height * 0.3, { steps: 6 });
  await page.mouse.up();
  assert.equal(await divider.getAttribute('aria-valuenow'), '45');
  await divider.press('ArrowRight');
  assert.equal(await divider.getAttribute('aria-valuenow'), '47');
  const dividerX = pane.x + Number(await divider.getAttribute('data-x'));
  await page.waitForTimeout(300);

  // cells whose two colours differ, well left and well right of the divider
  const positions: [number, number][] = await page.evaluate((pts) => {
    const m = window.vegdynSwipe!.view!.map;
    const r = m.getContainer().getBoundingClientRect();
    return pts.map(([lon, lat]) => { const p = m.project([lon, lat]); return [r.left + p.x, r.top + p.y] as [number, number]; });
  }, gridA.map((_, c) => [g.lon0 + (c % g.ncols) * g.cellSize, g.latTop - Math.floor(c / g.ncols) * g.cellSize] as [number, number]));
  const cellPx = Math.abs(positions[1]![0] - positions[0]![0]);
  const candidates = gridA.map((_, c) => c).filter((c) => gridA[c] !== null && b.grid[c] !== null && dist(colour(gridA[c]!), colour(b.grid[c]!)) > 80);
  const inside = (c: number) => positions[c]![1] > pane.y + 40 && positions[c]![1] < pane.y + pane.height - 120;
  const leftCells = candidates.filter((c) => inside(c) && positions[c]![0] < dividerX - 2 * cellPx && positions[c]![0] > pane.x + 60).slice(0, 6);
  const rightCells = candidates.filter((c) => inside(c) && positions[c]![0] > dividerX + 2 * cellPx && positions[c]![0] < pane.x + pane.width - 60).slice(0, 6);
  assert.ok(leftCells.length >= 3 && rightCells.length >= 3, `cells to check: ${leftCells.length} left, ${rightCells.length} right of the divider`);
  await screenshot(page, 'workspace-swipe-nse');
  const seen = await pixelsAt(page, [...leftCells, ...rightCells].map((c) => positions[c]!));
  leftCells.forEach((c, i) => {
    assert.ok(dist(seen[i]!, colour(gridA[c]!)) <= 12 && dist(seen[i]!, colour(b.grid[c]!)) > 40, `cell ${c} left of the divider shows ${seen[i]}, ${a.label} is ${colour(gridA[c]!)}, ${b.label} ${colour(b.grid[c]!)}`);
  });
  rightCells.forEach((c, i) => {
    const px = seen[leftCells.length + i]!;
    assert.ok(dist(px, colour(b.grid[c]!)) <= 12 && dist(px, colour(gridA[c]!)) > 40, `cell ${c} right of the divider shows ${px}, ${b.label} is ${colour(b.grid[c]!)}, ${a.label} ${colour(gridA[c]!)}`);
  });
  // End: the divider at the right edge, so layer A everywhere
  await divider.press('End');
  assert.equal(await divider.getAttribute('aria-valuenow'), '100');
  await page.waitForTimeout(300);
  const after = await pixelsAt(page, rightCells.map((c) => positions[c]!));
  rightCells.forEach((c, i) => assert.ok(dist(after[i]!, colour(gridA[c]!)) <= 12, `cell ${c} with the divider at the right edge shows ${after[i]}, ${a.label} is ${colour(gridA[c]!)}`));
  await page.getByRole('button', { name: 'Close swipe' }).click();
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

  await checkSwipe(run);

  // the model's daily LAI is a map layer, and its series joins the chart
  await chooseLayer(page, 'LSTM LAI');
  await page.waitForFunction(() => document.querySelector('[data-testid=colorbar-title]')?.textContent === 'LSTM LAI');
  assert.equal(await page.textContent('[data-testid=colorbar-units]'), '[m² m⁻²]');
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
  assert.deepEqual(ws.errors, []);
});

test('cluster settings saved from the Training panel bring "Submit to cluster"; its script preview shows the job array and submits nothing', { timeout: 180_000 }, async () => {
  const training = page.getByRole('button', { name: 'Training', exact: true });
  if ((await training.getAttribute('aria-expanded')) !== 'true') await training.click();
  await page.getByText('Cluster (Slurm)').click();
  const submit = page.getByRole('button', { name: 'Submit to cluster' });
  assert.equal(await submit.isVisible(), false, 'the project names no cluster yet: no submit button');
  await page.getByLabel('Time limit per task').fill('2 hours');
  await page.getByRole('button', { name: 'Save cluster settings' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'HH:MM:SS' });
  await alert.waitFor({ timeout: 30_000 });
  assert.match(await alert.textContent() ?? '', /time/);
  await alert.getByRole('button').first().click().catch(() => undefined);
  await page.getByLabel('Time limit per task').fill('01:30:00');
  await page.getByLabel('Slurm partition').fill('gpu');
  await page.getByLabel('GPUs per task').fill('1');
  await page.getByRole('button', { name: 'Save cluster settings' }).click();
  await submit.waitFor({ timeout: 30_000 });
  assert.deepEqual(JSON.parse(readFileSync(path.join(ws.projectDir, 'project.json'), 'utf8')).cluster, { scheduler: 'slurm', partition: 'gpu', gpusPerTask: 1, time: '01:30:00' });

  await fillTraining('e2e-cluster', 2, 3);
  await page.getByLabel('Ensemble members').fill('3');
  await page.getByRole('button', { name: 'Preview script' }).click();
  await page.waitForFunction(() => /^Script preview/.test(document.querySelector('[data-testid=cluster-message]')?.textContent ?? ''), undefined, { timeout: 60_000 });
  const script = await page.textContent('[data-testid=cluster-script]') ?? '';
  for (const line of ['#SBATCH --array=0-2', '#SBATCH --requeue', '#SBATCH --partition=gpu', '#SBATCH --gpus-per-task=1', '#SBATCH --time=01:30:00', '--run-id e2e-cluster', '--ensemble 3 --member "$SLURM_ARRAY_TASK_ID"']) {
    assert.ok(script.includes(line), `the preview lacks '${line}':\n${script}`);
  }
  assert.equal(existsSync(path.join(ws.projectDir, 'runs', 'e2e-cluster')), false, 'a preview writes nothing');
  await screenshot(page, 'workspace-cluster-preview');
  assert.deepEqual(ws.errors, []);
});
