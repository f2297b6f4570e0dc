/**
 * Issue #11's browser test: a project for a basin far from the UCRB (central Illinois) made from the
 * Project panel's "New project…" in web mode, from small real-format files GDAL makes here: a basin
 * outline (uploaded; the grid is its box on the NLDAS 1/8 degree lattice), a NetCDF3 forcing file
 * on a 1/16 degree grid and a GeoTIFF series of LAI, both imported through the Import data form.
 * Bad input first: a reversed box, an unreadable grid file and a grid over the wasm backend's limit
 * each show the engine's reason and leave no folder behind. Then the map is framed on the new
 * region, lists its layers and the missing ones with the reason, and charts a clicked cell.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { apiFromPage, chooseLayer, openWorkspaceSession, screenOf, screenshot, VEGDYN, type WorkspaceSession } from './workspace-harness.ts';
import { ILLINOIS, illinoisForcing, illinoisLai, sangamonOutline } from '../unit/importers/own-basin-files.ts';

const START = '2019-04-01';
const DAYS = 64;
/** the region: the extent of the forcing and LAI files (1/16 degree, twice as fine as the project's grid) */
const REGION = { west: ILLINOIS.west, south: ILLINOIS.south, east: ILLINOIS.west + ILLINOIS.nx * ILLINOIS.size, north: ILLINOIS.south + ILLINOIS.ny * ILLINOIS.size };

let ws: WorkspaceSession;
let page: Page;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-e2e-own-basin-files-'));

before(async () => {
  // the workspace starts on an empty project without a grid; the test makes the real one from the UI
  ws = await openWorkspaceSession('vegdyn-e2e-own-basin-', (dir, env) => {
    const r = spawnSync(process.execPath, [VEGDYN, 'project', 'create', dir], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`vegdyn project create: ${r.stderr}`);
  }, 'empty-start');
  page = ws.page;
}, { timeout: 180_000 });

after(async () => {
  await ws?.close();
  rmSync(tmp, { recursive: true, force: true });
});

type GridMode = 'A box (west, south, east, north)' | 'The cells of a file (forcing NetCDF/GRIB or GeoTIFF)' | 'A basin outline (GeoJSON or zipped shapefile)';

const t0 = Date.now();
/** where the time goes (the shared machine is loaded): printed, never asserted */
const phase = (what: string): void => console.log(`[own-basin-ui] ${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);

async function fillNewProject(dir: string, mode: GridMode, opts: { bbox?: number[]; resolution?: number; file?: string } = {}): Promise<void> {
  await page.getByLabel('Folder for the new project').fill(dir);
  await page.getByLabel(mode).check();
  if (opts.bbox) for (const [i, side] of ['West', 'South', 'East', 'North'].entries()) await page.getByLabel(side, { exact: true }).fill(String(opts.bbox[i]));
  // the form keeps what the previous attempt typed, as it would for a user: set or clear it
  if (mode !== 'The cells of a file (forcing NetCDF/GRIB or GeoTIFF)') await page.getByLabel('Resolution (degrees)').fill(opts.resolution === undefined ? '' : String(opts.resolution));
  if (opts.file) await page.setInputFiles('[data-testid=new-project-file]', opts.file);
  await page.getByRole('button', { name: 'Create project' }).click();
}

async function outcome(): Promise<{ outcome: string | null; text: string }> {
  await page.waitForSelector('[data-testid=new-project-status][data-outcome]', { timeout: 60_000 });
  const status = page.getByTestId('new-project-status');
  return { outcome: await status.getAttribute('data-outcome'), text: (await status.textContent()) ?? '' };
}

async function importFiles(kind: 'forcing' | 'lai', files: string[], done: RegExp): Promise<void> {
  await page.selectOption('select[aria-label="Data to import"]', kind);
  await page.setInputFiles('[data-testid=import-files]', files);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('[data-testid=import-status]')?.textContent ?? ''), done.source, { timeout: 120_000 });
  assert.equal(await page.getByTestId('import-report').getAttribute('data-outcome'), 'written', (await page.getByTestId('import-report').textContent()) ?? '');
}

async function mapView(): Promise<{ center: [number, number]; bounds: [number, number, number, number] }> {
  return page.evaluate(() => {
    const m = (window as unknown as { vegdynWorkspace: { map: { map: { getCenter(): { lng: number; lat: number }; getBounds(): { getWest(): number; getSouth(): number; getEast(): number; getNorth(): number } } } } }).vegdynWorkspace.map.map;
    const c = m.getCenter();
    const b = m.getBounds();
    return { center: [c.lng, c.lat] as [number, number], bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()] as [number, number, number, number] };
  });
}

test('New project… for a basin outside the UCRB: bad input refused, then made from an outline, imported, framed, charted', { timeout: 240_000 }, async () => {
  const outline = sangamonOutline(tmp);
  const broken = path.join(tmp, 'broken.nc');
  writeFileSync(broken, 'this is not a NetCDF file\n');
  const forcing = illinoisForcing(tmp, START, DAYS);
  const lai = illinoisLai(tmp, START, DAYS);

  phase('files made');
  await page.getByRole('button', { name: 'Project', exact: true }).click();
  await page.getByRole('button', { name: 'New project…' }).click();

  // bad input: the engine's reason in the form, and no folder left behind
  const badBox = path.join(ws.home, 'bad-box');
  await fillNewProject(badBox, 'A box (west, south, east, north)', { bbox: [-89.5, 40, -90.5, 41] });
  let o = await outcome();
  assert.equal(o.outcome, 'failed');
  assert.match(o.text, /west \(-89\.5\) must be less than east \(-90\.5\)/);
  assert.equal(existsSync(badBox), false);

  const badFile = path.join(ws.home, 'bad-file');
  await fillNewProject(badFile, 'The cells of a file (forcing NetCDF/GRIB or GeoTIFF)', { file: broken });
  o = await outcome();
  assert.equal(o.outcome, 'failed');
  assert.match(o.text, /'broken\.nc'/);
  assert.equal(existsSync(badFile), false);

  // too large for the backend: about 160 x 120 cells pass the wasm heap's limit for the demo preset (a native backend takes them)
  const backend = (await apiFromPage<{ backend: { chosen: string } }>(page, 'system.info', {})).backend.chosen;
  const tooLarge = path.join(ws.home, 'too-large');
  if (backend === 'wasm' || backend === 'cpu') {
    await fillNewProject(tooLarge, 'A box (west, south, east, north)', { bbox: [-100, 30, -80, 45], resolution: 0.125 });
    o = await outcome();
    assert.equal(o.outcome, 'failed');
    assert.match(o.text, new RegExp(`the grid has \\d+ cells; training the ConvLSTM on the ${backend} backend.*at most \\d+ cells fit\\. Use a smaller extent, a coarser resolution`));
    assert.equal(existsSync(tooLarge), false);
  }
  // too large for any backend
  await fillNewProject(tooLarge, 'A box (west, south, east, north)', { bbox: [-125, 25, -65, 50], resolution: 0.05 });
  o = await outcome();
  assert.equal(o.outcome, 'failed');
  assert.match(o.text, /has \d+ cells; VegDyn holds at most 250000 per project\. Use a smaller extent or a coarser resolution/);
  assert.equal(existsSync(tooLarge), false);

  phase('bad input refused');
  // the project from the uploaded outline; the app switches to it and frames its grid
  const dir = path.join(ws.home, 'sangamon');
  await page.getByLabel('New project name').fill('Upper Sangamon');
  await fillNewProject(dir, 'A basin outline (GeoJSON or zipped shapefile)', { file: outline });
  o = await outcome();
  assert.equal(o.outcome, 'created', o.text);
  assert.match(o.text, /grid: \d+ x \d+ cells of 0\.125/);
  assert.ok(existsSync(path.join(dir, 'project.json')));
  await page.waitForFunction(() => document.querySelector('[data-testid=project-dir]')?.textContent?.includes('Upper Sangamon'));
  await page.waitForFunction(() => document.querySelector('[data-testid=missing-layers]')?.textContent?.includes('no dataset yet'));
  // getting started says what the project is, and offers no demo basin (it has another grid)
  await page.waitForFunction(() => /Its grid: \d+ x \d+ cells of 0\.125°/.test(document.querySelector('[data-testid=first-run-grid]')?.textContent ?? ''));
  assert.equal(await page.getByRole('button', { name: 'Generate demo data' }).count(), 0);
  const inRegion = ([lon, lat]: [number, number]) => lon > REGION.west && lon < REGION.east && lat > REGION.south && lat < REGION.north;
  await page.waitForFunction((r) => {
    const c = (window as unknown as { vegdynWorkspace: { map: { map: { getCenter(): { lng: number; lat: number } } } } }).vegdynWorkspace.map.map.getCenter();
    return c.lng > r.west && c.lng < r.east && c.lat > r.south && c.lat < r.north;
  }, REGION, { timeout: 20_000 });

  phase('project created and framed');
  // its data, through the Import data form (uploads)
  await page.getByRole('button', { name: 'Import data', exact: true }).click();
  await importFiles('forcing', [forcing], /^Imported forcing\./);
  phase('forcing imported');
  await importFiles('lai', lai, /^Imported LAI\./);
  phase('LAI imported');

  // the layers of the new region, and the ones it lacks with the reason
  await page.waitForFunction(() => document.querySelector('[data-testid=layer-list]')?.textContent?.includes('Observed LAI'), undefined, { timeout: 30_000 });
  await chooseLayer(page, 'Observed LAI');
  const missing = (await page.getByTestId('missing-layers').textContent()) ?? '';
  assert.match(missing, /Land cover.*no land cover imported/);
  assert.match(missing, /Model LAI and NSE maps.*no trained run/);
  assert.doesNotMatch(missing, /Observed LAI/);

  const s = await apiFromPage<{ dataset: { grid: { ncols: number; nrows: number; lon0: number; latTop: number; cellSize: number }; bounds: [number, number, number, number]; mask: number[] } }>(page, 'map.summary', {});
  const view = await mapView();
  assert.ok(inRegion(view.center), `map centre ${view.center} lies in the new region`);
  const [w, so, e, n] = s.dataset.bounds;
  assert.ok(view.bounds[0] <= w && view.bounds[1] <= so && view.bounds[2] >= e && view.bounds[3] >= n, `the map (${view.bounds}) shows the whole grid (${s.dataset.bounds})`);
  assert.ok(view.bounds[2] - view.bounds[0] < 8 * (e - w), `the map (${view.bounds}) is framed on the grid, not a continent`);

  phase('layers listed and framed');
  // a basin cell near the middle: its chart has the imported observations
  const g = s.dataset.grid;
  const basinCells = s.dataset.mask.flatMap((m, c) => (m ? [c] : []));
  const cell = basinCells[Math.floor(basinCells.length / 2)]!;
  const [x, y] = await screenOf(page, g.lon0 + (cell % g.ncols) * g.cellSize, g.latTop - Math.floor(cell / g.ncols) * g.cellSize);
  await page.mouse.click(x, y);
  await page.waitForFunction(() => document.querySelector('[data-testid=series-chart]')?.getAttribute('data-series'), undefined, { timeout: 30_000 });
  assert.match((await page.getAttribute('[data-testid=series-chart]', 'data-series')) ?? '', /observed/);
  assert.equal(Number(await page.getAttribute('[data-testid=series-chart]', 'data-points')), lai.length, 'one point per imported LAI date');
  phase('cell charted');
  await screenshot(page, 'own-basin-ui');
  assert.deepEqual(ws.errors, []);
});
