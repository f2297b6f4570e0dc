/**
 * A project without LAI observations in the app (issue #11 §3): forcing (a NetCDF made with GDAL)
 * and land cover imported, no LAI. The Training panel says why the trainable models are
 * unavailable and offers the physics-only run, which starts from the panel; its daily LAI is on the
 * map, and the layer list says why its 'minus observed' and NSE layers are missing. Then a tiny
 * ConvLSTM trained in another project (a small dataset with LAI, no static-layer channels, as
 * this project has no elevation or soil) predicts here from the panel's "Use a model from another
 * run" (job 'predict').
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { apiFromPage, chooseLayer, openWorkspaceSession, screenshot, trainRun, VEGDYN, type WorkspaceSession } from './workspace-harness.ts';
import { createProject } from '../../main/project/project-store.ts';
import { writeDataset } from '../../main/data/store/netcdf-store.ts';
import { makeTinyDataset } from '../unit/training/tiny-dataset.ts';
import { DAILY_NX, DAILY_NY, dailyForcing, geotiffFromAsc } from '../unit/importers/make-files.ts';

let ws: WorkspaceSession;
let page: Page;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-e2e-nolai-files-'));
/** the other project's run whose ConvLSTM predicts here */
const sourceRun = path.join(tmp, 'other', 'runs', 'src');

before(async () => {
  const other = path.join(tmp, 'other');
  await createProject(other, { name: 'other' });
  const tiny = makeTinyDataset({ endDate: '2001-06-30' });
  // its split as the periods below (the tiny dataset's default assumes whole years)
  await writeDataset(other, { ...tiny, splits: { train: { start: 0, end: 366 }, validate: { start: 366, end: 456 }, test: { start: 456, end: tiny.dayCount } } });
  trainRun(other, process.env, 'src', {
    models: ['conv-lstm'], target: 'lai', features: { climatology: false, antecedent: false, staticLayers: false },
    hiddenSize: 4, epochs: 1, patience: 1, batchSize: 1, windowDays: 20, warmupDays: 5, windowsPerEpoch: 2, inferenceChunkDays: 200,
    periods: { record: { from: '2000-01-01', to: '2001-06-30' }, train: { from: '2000-01-01', to: '2000-12-31' }, validate: { from: '2001-01-01', to: '2001-03-31' }, test: { from: '2001-04-01', to: '2001-06-30' } },
  });
  ws = await openWorkspaceSession('vegdyn-e2e-nolai-', (dir, env) => {
    const vegdyn = (...args: string[]) => {
      const r = spawnSync(process.execPath, [VEGDYN, ...args], { env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`vegdyn ${args.join(' ')}: ${r.stderr}`);
    };
    const forcing = dailyForcing(tmp);
    vegdyn('project', 'create', dir, '--grid-from', forcing);
    vegdyn('import', 'forcing', forcing, '--project', dir);
    // grassland everywhere: the process model grows leaf area only where there is vegetation
    const lc = geotiffFromAsc(tmp, 'lc.tif', { west: -108.625, north: 39.5, size: 0.125, ncols: DAILY_NX, nrows: DAILY_NY, values: Array.from({ length: DAILY_NX * DAILY_NY }, () => 10), nodata: 0 }, { type: 'Byte' });
    vegdyn('import', 'landcover', lc, '--project', dir);
  }, 'no-lai');
  page = ws.page;
}, { timeout: 180_000 });

after(async () => {
  await ws?.close();
  rmSync(tmp, { recursive: true, force: true });
});

test('no LAI: the Training panel says why and starts the physics-only run; its layer is mapped and the missing ones say why', { timeout: 300_000 }, async () => {
  await page.getByRole('button', { name: 'Training', exact: true }).click();
  await page.waitForFunction(() => !(document.querySelector('[data-testid=training-no-lai]') as HTMLElement | null)?.hidden, undefined, { timeout: 30_000 });
  assert.match(await page.getByTestId('training-no-lai').textContent() ?? '', /no LAI observations: the trainable models \(LSTM, ConvLSTM.*\) need them/);
  assert.ok(await page.getByLabel('ConvLSTM', { exact: true }).isDisabled());
  assert.ok(await page.getByLabel('Physics only (no training: the process model with its default parameters)').isChecked());
  assert.ok(await page.getByLabel('Run folder of a finished run').isVisible(), 'the other-run choice is open');

  await page.getByLabel('Run id', { exact: true }).fill('e2e-phys');
  await page.getByRole('button', { name: 'Start physics-only run' }).click();
  await page.waitForFunction(() => /^(Finished|Failed)/.test(document.querySelector('[data-testid=training-message]')?.textContent ?? ''), undefined, { timeout: 240_000 });
  assert.match(await page.textContent('[data-testid=training-message]') ?? '', /^Finished/);
  await page.waitForSelector('[data-testid=run-history] tr[data-run="e2e-phys"]');
  assert.match(await page.textContent('[data-testid=run-history] tr[data-run="e2e-phys"]') ?? '', /finished/);

  await page.waitForFunction(() => document.querySelector('[data-testid=layer-list]')?.textContent?.includes('Physics only (defaults) LAI'), undefined, { timeout: 30_000 });
  await chooseLayer(page, 'Physics only (defaults) LAI');
  const grid = await apiFromPage<{ values: (number | null)[] }>(page, 'map.grid', { layer: 'run:e2e-phys:lai:physics-only' });
  assert.ok(grid.values.some((v) => v !== null && v > 0), 'the physics-only LAI has values');
  // the colour range holds them (without observations it used to be 0..1, one saturated colour)
  const layers = await apiFromPage<{ layers: { id: string; range: [number, number] }[] }>(page, 'map.layers', {});
  const top = Math.max(...grid.values.filter((v): v is number => v !== null));
  const range = layers.layers.find((l) => l.id === 'run:e2e-phys:lai:physics-only')!.range;
  assert.ok(range[1] >= top, `colour range ${range} holds the LAI up to ${top}`);
  const missing = (await page.getByTestId('missing-layers').textContent()) ?? '';
  assert.match(missing, /Physics only \(defaults\) minus observed.*no LAI observations in this project: there is nothing to subtract/);
  assert.match(missing, /Physics only \(defaults\) NSE.*no LAI observations in this project: the run could not be scored/);
  await screenshot(page, 'no-lai-physics-only');
});

test("no LAI: a model trained in another project predicts here from the panel's 'Use a model from another run'", { timeout: 180_000 }, async () => {
  await page.getByLabel('Run folder of a finished run').fill(sourceRun);
  await page.getByLabel('New run id').fill('e2e-pred');
  await page.getByRole('button', { name: 'Predict with its models' }).click();
  await page.waitForFunction(() => /^(Finished|Failed)/.test(document.querySelector('[data-testid=training-message]')?.textContent ?? ''), undefined, { timeout: 150_000 });
  assert.match(await page.textContent('[data-testid=training-message]') ?? '', /^Finished/);
  await page.waitForSelector('[data-testid=run-history] tr[data-run="e2e-pred"]');
  const layers = await apiFromPage<{ layers: { id: string }[]; missing: { id: string; reason: string }[] }>(page, 'map.layers', {});
  assert.ok(layers.layers.some((l) => l.id === 'run:e2e-pred:lai:conv-lstm'), layers.layers.map((l) => l.id).join(', '));
  assert.match(layers.missing.find((m) => m.id === 'run:e2e-pred:diff:conv-lstm')?.reason ?? '', /no LAI observations in this project/);
  const grid = await apiFromPage<{ values: (number | null)[] }>(page, 'map.grid', { layer: 'run:e2e-pred:lai:conv-lstm' });
  assert.ok(grid.values.some((v) => v !== null && Number.isFinite(v)), 'the ConvLSTM LAI has values');
});
