/**
 * Workspace fixes of issue 14 §6 in the browser, on a small demo project and a tiny trained run:
 * the selected date survives a cancelled and a finished run (and the export range follows it);
 * the chart legend shows every series, labelled model + run label; the chart shades the run's own
 * periods; runs get their own layer group; an active clip applies to the value readout and to the
 * comparison table's cell counts and medians. Expected values come from the engine's own replies.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { apiFromPage, chooseLayer, openWorkspaceSession, screenOf, screenshot, type WorkspaceSession } from './workspace-harness.ts';

let ws: WorkspaceSession;
let page: Page;

before(async () => {
  ws = await openWorkspaceSession('vegdyn-e2e-fixes-');
  page = ws.page;
  await page.getByRole('button', { name: 'Time series' }).click();
}, { timeout: 360_000 });

after(() => ws?.close());

const api = <T>(name: string, payload: unknown): Promise<T> => apiFromPage<T>(page, name, payload);

interface Grid { ncols: number; nrows: number; lon0: number; latTop: number; cellSize: number }
interface Summary { project: { dir: string }; dataset: { id: string; grid: Grid; mask: number[]; startDate: string; dayCount: number; splits: Record<string, { start: number; end: number }>; subbasins: { id: number; name: string }[]; subbasinOfCell: (number | null)[] } }
interface Run { id: string; status: string; entries: { id: string; label: string; role: string }[]; periods: Record<string, { from: string; to: string }> }

const workspaceDay = (): Promise<number> => page.evaluate(() => (window as unknown as { vegdynWorkspace: { day: number } }).vegdynWorkspace.day);
const isoOf = (start: string, day: number): string => new Date(Date.parse(`${start}T00:00:00Z`) + day * 86_400_000).toISOString().slice(0, 10);
const dayOf = (start: string, iso: string): number => Math.round((Date.parse(`${iso}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000);
const centre = (g: Grid, c: number): [number, number] => [g.lon0 + (c % g.ncols) * g.cellSize, g.latTop - Math.floor(c / g.ncols) * g.cellSize];

/** The run's periods: deliberately not the dataset's own splits. */
const RUN_PERIODS = {
  record: { from: '1981-01-01', to: '1982-12-31' },
  train: { from: '1981-01-01', to: '1981-12-31' },
  validate: { from: '1982-01-01', to: '1982-04-30' },
  test: { from: '1982-05-01', to: '1982-12-31' },
};

async function stepDate(days: number): Promise<number> {
  await page.getByRole('slider', { name: 'Date' }).focus();
  for (let i = 0; i < days; i++) await page.keyboard.press('ArrowRight');
  return workspaceDay();
}

test('cancelling a run keeps the selected date, and the export range follows the map date', { timeout: 400_000 }, async () => {
  const s = await api<Summary>('map.summary', {});
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const day = await stepDate(5);
  assert.equal(await page.inputValue('input[aria-label="Export from date"]'), isoOf(s.dataset.startDate, day), 'the export range is the map date, as an ISO date');

  await page.getByRole('button', { name: 'Training', exact: true }).click();
  await page.getByLabel('LSTM', { exact: true }).check();
  await page.getByLabel('ConvLSTM', { exact: true }).uncheck();
  await page.getByLabel('Physics-encoded ConvLSTM').uncheck();
  await page.getByLabel('Run id', { exact: true }).fill('e2e-cancel');
  await page.getByRole('button', { name: 'Start training' }).click();
  await page.waitForFunction(() => /epoch/.test(document.querySelector('[data-testid=training-message]')?.textContent ?? ''), undefined, { timeout: 300_000 });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.waitForFunction(() => /^(Cancelled|Failed)/.test(document.querySelector('[data-testid=training-message]')?.textContent ?? ''), undefined, { timeout: 300_000 });
  // the panel reloads the workspace and the runs after a run ends; wait for the history to show it
  await page.waitForSelector('[data-testid=run-history] tr[data-run="e2e-cancel"]', { timeout: 60_000 });
  assert.equal(await workspaceDay(), day, 'the date is kept');
  assert.equal(await page.textContent('[data-testid=date-label]'), isoOf(s.dataset.startDate, day));
  assert.equal(await page.inputValue('input[aria-label="Export from date"]'), isoOf(s.dataset.startDate, day));
  await page.getByRole('button', { name: 'Training', exact: true }).click();
  await page.getByRole('button', { name: 'Export', exact: true }).click();
});

test('a finished run: its own layer group, the date kept, every series in the legend by name, the run\'s periods shaded', { timeout: 600_000 }, async () => {
  const s = await api<Summary>('map.summary', {});
  const day = await stepDate(3);
  // trained exactly as the Training panel starts it, with periods the panel does not offer
  const overrides = {
    models: ['lstm'], epochs: 1, periods: RUN_PERIODS, perModel: { lstm: { epochs: 1, windowsPerEpoch: 2 } },
    hiddenSize: 4, batchSize: 1, windowDays: 60, warmupDays: 30, windowsPerEpoch: 2,
  };
  await api('jobs.start', { kind: 'train', params: { projectDir: s.project.dir, preset: 'demo', overrides } });
  let run: Run | undefined;
  for (let t = 0; t < 540 && !run; t += 3) {
    await page.waitForTimeout(3000);
    run = (await api<{ runs: Run[] }>('map.runs', {})).runs.find((r) => r.id !== 'e2e-cancel' && (r.status === 'finished' || r.status === 'failed'));
  }
  assert.ok(run, 'the run ended');
  assert.equal(run.status, 'finished');
  // what the Training panel does when its run ends
  await page.evaluate(() => (window as unknown as { vegdynTraining: { onRunsChanged(): void } }).vegdynTraining.onRunsChanged());
  await page.waitForSelector(`[data-testid=run-history] tr[data-run="${run.id}"]`, { state: 'attached', timeout: 60_000 });
  assert.equal(await workspaceDay(), day, 'the date is kept after the run finished');

  // layer groups: Observations, Forcing, Static, then the run's, named by its label, not its id
  const groups = await page.locator('details.layer-group').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset['group'] ?? ''));
  assert.deepEqual(groups.slice(0, 3), ['Observations', 'Forcing', 'Static']);
  assert.equal(groups.length, 4, `groups ${groups}`);
  assert.match(groups[3]!, /^Run: [a-z]+ run of \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  assert.ok(!groups[3]!.includes(run.id));
  const runLabel = groups[3]!.slice('Run: '.length);
  const runLayers = await page.locator('details.layer-group >> nth=3').locator('.layer-option').allTextContents();
  assert.ok(runLayers.some((l) => l.startsWith('LSTM LAI')) && runLayers.some((l) => l.startsWith('LSTM NSE')), `run layers ${runLayers}`);

  // the chart of a cell, on a narrow window: every series in the legend, inside the dock
  await page.setViewportSize({ width: 900, height: 800 });
  await chooseLayer(page, 'Observed LAI');
  const g = s.dataset.grid;
  const cell = s.dataset.mask.findIndex((m, c) => m === 1 && Math.floor(c / g.ncols) === Math.floor(g.nrows / 2) && c % g.ncols > g.ncols / 2);
  const [x, y] = await screenOf(page, ...centre(g, cell));
  await page.mouse.click(x, y);
  await page.waitForFunction((id) => document.querySelector('[data-testid=series-chart]')?.getAttribute('data-series')?.includes(`${id}:lstm`), run.id);
  const series = await api<{ series: { id: string; label: string }[]; splits: Record<string, { start: number; end: number }>; splitsOf?: string }>('map.series', { cell });
  const dock = (await page.locator('[data-testid=series-chart]').boundingBox())!;
  const entries = page.locator('[data-testid=series-chart] .u-legend .u-series');
  const labels: string[] = [];
  for (let i = 0; i < await entries.count(); i++) {
    const e = entries.nth(i);
    const box = (await e.boundingBox())!;
    assert.ok(box.y >= dock.y - 1 && box.y + box.height <= dock.y + dock.height + 1 && box.x + box.width <= dock.x + dock.width + 1,
      `legend entry ${i} (${await e.textContent()}) at ${JSON.stringify(box)} lies outside the dock ${JSON.stringify(dock)}`);
    labels.push((await e.locator('.u-label').textContent()) ?? '');
  }
  // the first legend entry is the date column
  assert.deepEqual(labels.slice(1), series.series.map((q) => q.label));
  assert.ok(labels.includes(`LSTM · ${runLabel}`), `legend ${labels}`);
  for (const l of labels) assert.ok(!l.includes(run.id), `legend label '${l}' shows the raw run id`);
  await screenshot(page, 'workspace-fixes-legend');

  // the shaded periods are the run's (as day ranges of its resolved config), not the dataset's
  assert.equal(await page.getAttribute('[data-testid=series-chart]', 'data-splits-of'), runLabel);
  const shaded = JSON.parse((await page.getAttribute('[data-testid=series-chart]', 'data-splits'))!) as Record<string, { start: number; end: number }>;
  for (const name of ['train', 'validate', 'test'] as const) {
    const p: { from: string; to: string } = run.periods[name]!;
    assert.deepEqual(shaded[name], { start: dayOf(s.dataset.startDate, p.from), end: dayOf(s.dataset.startDate, p.to) + 1 }, name);
  }
  assert.notDeepEqual(shaded, s.dataset.splits, 'the run\'s periods differ from the dataset\'s splits here');
  await page.getByRole('button', { name: 'Close chart' }).click();
  await page.setViewportSize({ width: 1280, height: 800 });
});

test('an active clip applies to the value readout and the comparison table\'s counts and medians', { timeout: 300_000 }, async () => {
  const s = await api<Summary>('map.summary', {});
  const g = s.dataset.grid;
  const run = (await api<{ runs: Run[] }>('map.runs', {})).runs.find((r) => r.status === 'finished')!;
  const sb = s.dataset.subbasins[1]!;
  await page.getByRole('button', { name: 'Basin clip' }).click();
  await page.getByLabel('Clip to subbasin').selectOption(String(sb.id));
  await page.getByRole('button', { name: 'Clip to subbasin' }).click();
  await page.waitForFunction((name) => document.querySelector('[data-testid=clip-status]')?.textContent?.includes(name), sb.name);
  const clip = (await api<{ clip: { cellFractions: number[] } }>('map.clip.get', {})).clip;
  await page.getByRole('button', { name: 'Basin clip' }).click();

  // readout: a basin cell outside the clip shows no value
  const outside = s.dataset.mask.findIndex((m, c) => m === 1 && clip.cellFractions[c] === 0 && s.dataset.subbasinOfCell[c] !== sb.id && (c % g.ncols) > 2 && (c % g.ncols) < g.ncols - 3);
  const inside = clip.cellFractions.findIndex((f, c) => f === 1 && s.dataset.mask[c] === 1);
  await page.mouse.move(...(await screenOf(page, ...centre(g, outside))));
  await page.waitForFunction(() => document.querySelector('[data-testid=readout-value]')?.textContent?.startsWith('outside the clip'));
  await page.mouse.move(...(await screenOf(page, ...centre(g, inside))));
  await page.waitForFunction(() => !document.querySelector('[data-testid=readout-value]')?.textContent?.startsWith('outside the clip'));

  // the comparison table: cells and medians over the clip, from the engine's per-cell NSE maps
  await page.getByRole('button', { name: 'Model comparison' }).click();
  await page.waitForSelector('[data-testid=nse-table] tbody[data-clip-stats=done]', { timeout: 60_000 });
  const clipCells = clip.cellFractions.filter((f) => f > 0).length;
  let checked = 0;
  for (const e of run.entries) {
    const grid = (await api<{ values: (number | null)[] }>('map.grid', { layer: `run:${run.id}:nse:${e.id}` })).values;
    const vals = grid.filter((v, c): v is number => v !== null && Number.isFinite(v) && clip.cellFractions[c]! > 0).sort((a, b) => a - b);
    const n = vals.length;
    assert.ok(n > 0 && n <= clipCells, `${e.label}: ${n} cells with an NSE in the clip of ${clipCells}`);
    const pos = (n - 1) / 2;
    const median = vals[Math.floor(pos)]! + (vals[Math.ceil(pos)]! - vals[Math.floor(pos)]!) * (pos - Math.floor(pos));
    const row = page.locator(`[data-testid=nse-table] tr[data-entry="${e.id}"]`);
    assert.equal(Number(await row.locator('td:nth-child(4)').textContent()), n, `${e.label}: cells`);
    const shown = Number(await row.locator('td:nth-child(2)').textContent());
    assert.ok(Math.abs(shown - median) <= 0.01 * Math.max(1, Math.abs(median)), `${e.label}: median ${shown} vs ${median} over the clip`);
    checked++;
  }
  assert.ok(checked >= 2);
  await screenshot(page, 'workspace-fixes-clip-table');
  assert.deepEqual(ws.errors, [], 'the page threw');
});
