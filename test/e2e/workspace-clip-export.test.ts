/**
 * Basin clipping and exports in the browser: clip to a subbasin, draw a polygon with the drawing
 * tool, import a GeoJSON file, clear; the map hides cells outside the clip; the GeoTIFF of the
 * displayed layer opens in GDAL with the grid's georeference, the displayed value at a sampled
 * cell and nodata outside the clip; the PNG of the view is a real image.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { pixelsAt, screenOf, screenshot, apiFromPage, openWorkspaceSession, type WorkspaceSession } from './workspace-harness.ts';

let ws: WorkspaceSession;
let page: Page;

before(async () => {
  ws = await openWorkspaceSession('vegdyn-e2e-clip-');
  page = ws.page;
  await page.getByRole('button', { name: 'Basin clip' }).click();
  await page.getByRole('button', { name: 'Export', exact: true }).click();
}, { timeout: 360_000 });

after(() => ws?.close());

const api = <T>(name: string, payload: unknown): Promise<T> => apiFromPage<T>(page, name, payload);

interface Grid { ncols: number; nrows: number; lon0: number; latTop: number; cellSize: number }
interface Summary { dataset: { grid: Grid; mask: number[]; subbasins: { id: number; name: string }[]; subbasinOfCell: (number | null)[] } }

const centre = (g: Grid, cell: number): [number, number] => [g.lon0 + (cell % g.ncols) * g.cellSize, g.latTop - Math.floor(cell / g.ncols) * g.cellSize];

function gdalValue(file: string, lon: number, lat: number): string {
  return execFileSync('gdallocationinfo', ['-valonly', '-wgs84', file, String(lon), String(lat)], { encoding: 'utf8' }).trim();
}

test('clip to a subbasin hides the rest of the basin; the GeoTIFF export is georeferenced, holds the displayed values and nodata outside the clip', { timeout: 180_000 }, async () => {
  const s = await api<Summary>('map.summary', {});
  const g = s.dataset.grid;
  const sb = s.dataset.subbasins[1]!;
  await page.getByLabel('Clip to subbasin').selectOption(String(sb.id));
  await page.getByRole('button', { name: 'Clip to subbasin' }).click();
  await page.waitForFunction((name) => document.querySelector('[data-testid=clip-status]')?.textContent?.includes(name), sb.name);
  const clip = (await api<{ clip: { cellFractions: number[] } }>('map.clip.get', {})).clip;

  // the displayed layer: observed LAI at the current date
  const day = await page.evaluate(() => (window as unknown as { vegdynWorkspace: { day: number } }).vegdynWorkspace.day);
  const grid = await api<{ values: (number | null)[]; sourceDate: string }>('map.grid', { layer: 'lai.observed', day });
  const inside = clip.cellFractions.findIndex((f, c) => f === 1 && grid.values[c] !== null && s.dataset.mask[c] === 1);
  const outside = s.dataset.mask.findIndex((m, c) => m === 1 && clip.cellFractions[c] === 0 && grid.values[c] !== null && s.dataset.subbasinOfCell[c] !== sb.id && (c % g.ncols) > 2 && (c % g.ncols) < g.ncols - 3);
  assert.ok(inside >= 0 && outside >= 0);

  // on screen: the outside cell now shows the basemap's land colour, the inside cell a data colour
  await page.getByLabel('Layer opacity').focus();
  await page.keyboard.press('End');
  await page.mouse.move(5, 5);
  const [pin, pout] = await pixelsAt(page, [await screenOf(page, ...centre(g, inside)), await screenOf(page, ...centre(g, outside))]);
  const land = [242, 239, 233];
  const dist = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
  assert.ok(dist(pout!, land) <= 12, `outside the clip the map shows ${pout}, expected the basemap ${land}`);
  assert.ok(dist(pin!, land) > 12, `inside the clip the map shows data, got ${pin}`);
  await screenshot(page, 'workspace-clip-subbasin');

  // GeoTIFF of the displayed layer and date
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export GeoTIFF' }).click()]);
  const tif = path.join(ws.home, download.suggestedFilename());
  await download.saveAs(tif);
  assert.match(await page.textContent('[data-testid=export-status]') ?? '', /Wrote 1 band/);
  const info = JSON.parse(execFileSync('gdalinfo', ['-json', tif], { encoding: 'utf8' })) as { size: number[]; geoTransform: number[]; bands: { description: string; noDataValue: number }[]; coordinateSystem: { wkt: string } };
  assert.deepEqual(info.size, [g.ncols, g.nrows]);
  assert.deepEqual(info.geoTransform, [g.lon0 - g.cellSize / 2, g.cellSize, 0, g.latTop + g.cellSize / 2, 0, -g.cellSize]);
  assert.match(info.coordinateSystem.wkt, /ID\["EPSG",4326\]\]$/);
  assert.equal(info.bands.length, 1);
  assert.equal(info.bands[0]!.description, grid.sourceDate);
  const nodata = info.bands[0]!.noDataValue;
  const v = Number(gdalValue(tif, ...centre(g, inside)));
  assert.ok(Math.abs(v - grid.values[inside]!) < 1e-4, `GeoTIFF ${v} vs displayed ${grid.values[inside]}`);
  assert.equal(Number(gdalValue(tif, ...centre(g, outside))), nodata, 'outside the clip the GeoTIFF holds nodata');
});

test('with the subbasin clip active, a run started from the Training panel trains and scores inside the clip', { timeout: 600_000 }, async () => {
  const clip = (await api<{ clip: { name: string; cellFractions: number[] } }>('map.clip.get', {})).clip;
  await page.getByRole('button', { name: 'Training', exact: true }).click();
  await page.getByLabel('LSTM', { exact: true }).check();
  await page.getByLabel('ConvLSTM', { exact: true }).uncheck();
  await page.getByLabel('Physics-encoded ConvLSTM').uncheck();
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await page.getByLabel('Run id', { exact: true }).fill('e2e-clip-run');
  await page.getByText('Advanced (blank = preset value)').click();
  await page.getByLabel('Hidden size').fill('4');
  await page.getByLabel('Window days').fill('60');
  await page.getByLabel('Warm-up days').fill('20');
  await page.getByLabel('Windows per epoch').fill('1');
  assert.ok(await page.getByLabel('Train and score inside the active basin clip (if one is set)').isChecked());
  await page.getByRole('button', { name: 'Start training' }).click();
  await page.waitForFunction(() => /^(Finished|Failed)/.test(document.querySelector('[data-testid=training-message]')?.textContent ?? ''), undefined, { timeout: 540_000 });
  assert.match(await page.textContent('[data-testid=training-message]') ?? '', /^Finished/);
  const config = JSON.parse(readFileSync(path.join(ws.projectDir, 'runs', 'e2e-clip-run', 'config.json'), 'utf8')) as { clip: unknown };
  assert.deepEqual(config.clip, { source: 'project' });
  await page.waitForSelector('[data-testid=run-history] tr[data-run="e2e-clip-run"]');
  assert.match(await page.textContent('[data-testid=run-history] tr[data-run="e2e-clip-run"]') ?? '', /inside the clip/);
  // the run's NSE map has values only in clip cells
  const nse = (await api<{ values: (number | null)[] }>('map.grid', { layer: 'run:e2e-clip-run:nse:lstm' })).values;
  const scored = nse.map((v, c) => (v === null ? -1 : c)).filter((c) => c >= 0);
  assert.ok(scored.length > 0, 'no cell scored');
  for (const c of scored) assert.ok(clip.cellFractions[c]! > 0, `cell ${c} outside the clip ${clip.name} has an NSE`);
  await screenshot(page, 'workspace-clip-training');
});

test('a drawn polygon and an imported GeoJSON become the clip; clearing restores the whole basin', { timeout: 120_000 }, async () => {
  const s = await api<Summary>('map.summary', {});
  const g = s.dataset.grid;
  // draw a quadrilateral around the basin's middle
  const mid = Math.floor(g.nrows / 2) * g.ncols + Math.floor(g.ncols / 2);
  const [lon, lat] = centre(g, mid);
  const corners: [number, number][] = [[lon - 0.9, lat - 0.7], [lon + 0.9, lat - 0.7], [lon + 0.9, lat + 0.7], [lon - 0.9, lat + 0.7]];
  await page.getByRole('button', { name: 'Draw polygon' }).click();
  for (const c of corners) {
    const [x, y] = await screenOf(page, ...c);
    await page.mouse.click(x, y);
    await page.waitForTimeout(150);
  }
  const [x0, y0] = await screenOf(page, ...corners[0]!);
  await page.mouse.click(x0, y0);
  await page.waitForFunction(() => document.querySelector('[data-testid=clip-status]')?.textContent?.includes('drawn polygon'), undefined, { timeout: 30_000 });
  const drawn = (await api<{ clip: { cells: number; source: string } }>('map.clip.get', {})).clip;
  assert.equal(drawn.source, 'drawn');
  assert.ok(drawn.cells >= 150 && drawn.cells <= 230, `a 1.8 x 1.4 degree polygon covers about 15 x 12 cells, got ${drawn.cells}`);
  await screenshot(page, 'workspace-clip-drawn');

  const file = path.join(ws.home, 'my-area.geojson');
  writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: 'Test area' }, geometry: { type: 'Polygon', coordinates: [[[lon - 0.5, lat - 0.5], [lon + 0.5, lat - 0.5], [lon + 0.5, lat + 0.5], [lon - 0.5, lat + 0.5], [lon - 0.5, lat - 0.5]]] } }] }));
  await page.getByLabel('Import clip from GeoJSON or zipped shapefile').setInputFiles(file);
  await page.waitForFunction(() => document.querySelector('[data-testid=clip-status]')?.textContent?.includes('Test area'));
  const imported = (await api<{ clip: { cells: number } }>('map.clip.get', {})).clip;
  assert.ok(imported.cells >= 64 && imported.cells <= 81, `a 1 x 1 degree square covers 8 x 8 cells (+ partial edges), got ${imported.cells}`);

  // a bad file: a clear message, the clip stays
  const bad = path.join(ws.home, 'broken.geojson');
  writeFileSync(bad, '{ not json');
  await page.getByLabel('Import clip from GeoJSON or zipped shapefile').setInputFiles(bad);
  await page.getByRole('alert').filter({ hasText: 'Importing broken.geojson failed' }).waitFor();
  assert.match(await page.textContent('[data-testid=clip-status]') ?? '', /Test area/);

  await page.getByRole('button', { name: 'Clear clip' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid=clip-status]')?.textContent?.startsWith('No clip'));
  assert.equal((await api<{ clip: unknown }>('map.clip.get', {})).clip, null);
});

test('the view saves as a PNG image', { timeout: 60_000 }, async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save view as PNG' }).click()]);
  const png = path.join(ws.home, download.suggestedFilename());
  await download.saveAs(png);
  const bytes = readFileSync(png);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(bytes.length > 20_000, `PNG of ${bytes.length} bytes`);
  assert.deepEqual(ws.errors, []);
});
