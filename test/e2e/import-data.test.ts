/**
 * The Import data form in the browser (web mode: the file is uploaded into the project), on a small
 * demo project: an LAI GeoTIFF made by GDAL with a date outside the dataset is refused with the
 * importer's reason and nothing changes; one inside it is imported with progress and a report, and
 * the map's observed LAI then holds exactly the GeoTIFF's cell values on that date.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { apiFromPage, makeDemoProject, openWorkspaceSession, screenshot, type WorkspaceSession } from './workspace-harness.ts';
import { geotiffFromAsc } from '../unit/importers/make-files.ts';

let ws: WorkspaceSession;
let page: Page;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-e2e-import-files-'));

before(async () => {
  // one year of demo data is enough for an LAI date and keeps the test short
  ws = await openWorkspaceSession('vegdyn-e2e-import-', (dir, env) => makeDemoProject(dir, env, '1981-01-01', '1981-12-31'));
  page = ws.page;
}, { timeout: 360_000 });

after(async () => {
  await ws?.close();
  rmSync(tmp, { recursive: true, force: true });
});

interface Grid { ncols: number; nrows: number; lon0: number; latTop: number; cellSize: number }
interface Summary { dataset: { grid: Grid; mask: number[]; startDate: string } }

const SUB = 2; // GeoTIFF pixels per grid cell along each axis
const ROWS = 2, COLS = 3;

/** An LAI GeoTIFF (Float32, EPSG:4326) over ROWS x COLS grid cells from (row0, col0): cell k holds 1 + 0.5 k in every pixel. */
function laiTiff(name: string, g: Grid, row0: number, col0: number): string {
  const values: number[] = [];
  for (let y = 0; y < ROWS * SUB; y++) {
    for (let x = 0; x < COLS * SUB; x++) values.push(1 + 0.5 * (Math.floor(y / SUB) * COLS + Math.floor(x / SUB)));
  }
  return geotiffFromAsc(tmp, name, {
    west: g.lon0 - g.cellSize / 2 + col0 * g.cellSize, north: g.latTop + g.cellSize / 2 - row0 * g.cellSize,
    size: g.cellSize / SUB, ncols: COLS * SUB, nrows: ROWS * SUB, values, nodata: -1,
  }, { type: 'Float32' });
}

async function importFile(file: string): Promise<void> {
  await page.selectOption('select[aria-label="Data to import"]', 'lai');
  await page.setInputFiles('[data-testid=import-files]', file);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
}

test('Import data: a refused GeoTIFF says why and writes nothing; an accepted one reports and shows on the map', { timeout: 300_000 }, async () => {
  const s = await apiFromPage<Summary>(page, 'map.summary', {});
  const g = s.dataset.grid;
  // a block of cells all inside the basin
  let row0 = -1, col0 = -1;
  for (let r = Math.floor(g.nrows / 3); r < g.nrows - ROWS && row0 < 0; r++) {
    for (let c = Math.floor(g.ncols / 3); c < g.ncols - COLS; c++) {
      let inside = true;
      for (let i = 0; i < ROWS * COLS; i++) inside &&= s.dataset.mask[(r + Math.floor(i / COLS)) * g.ncols + c + (i % COLS)] === 1;
      if (inside) { row0 = r; col0 = c; break; }
    }
  }
  assert.ok(row0 >= 0, 'no block of basin cells');

  await page.getByRole('button', { name: 'Import data', exact: true }).click();

  // outside the demo's 1981: the importer's reason, shown in the report; the dataset is unchanged
  const unchanged = await apiFromPage<{ values: (number | null)[]; sourceDate: string | null }>(page, 'map.grid', { layer: 'lai.observed', day: 200 });
  await importFile(laiTiff('lai_1995-07-15.tif', g, row0, col0));
  const report = page.getByTestId('import-report');
  await page.waitForSelector('[data-testid=import-report][data-outcome=failed]', { timeout: 120_000 });
  assert.match((await report.textContent()) ?? '', /lai_1995-07-15\.tif.*no observation date inside the dataset's period 1981-01-01/);
  assert.match((await page.getByTestId('import-status').textContent()) ?? '', /nothing was written/);
  assert.deepEqual(await apiFromPage(page, 'map.grid', { layer: 'lai.observed', day: 200 }), unchanged);

  // inside it: written, reported, and on the map
  await importFile(laiTiff('lai_1981-07-15.tif', g, row0, col0));
  await page.waitForSelector('[data-testid=import-report][data-outcome=written]', { timeout: 120_000 });
  const text = (await report.textContent()) ?? '';
  assert.match(text, /Written to .*dataset\.nc/);
  assert.match(text, /365 days from 1981-01-01/);
  assert.ok(existsSync(path.join(ws.projectDir, 'imports', 'lai_1981-07-15.tif')), 'the upload is kept in the project\'s imports/ folder');
  // the workspace reloaded: the legend's observation is the imported one
  await page.waitForFunction(() => document.querySelector('[data-testid=colorbar-date]')?.textContent === 'observation of 1981-07-15', undefined, { timeout: 60_000 });
  await screenshot(page, 'import-data-report');

  const day = Math.round((Date.parse('1981-07-15T00:00:00Z') - Date.parse(`${s.dataset.startDate}T00:00:00Z`)) / 86_400_000);
  const grid = await apiFromPage<{ values: (number | null)[]; sourceDate: string | null }>(page, 'map.grid', { layer: 'lai.observed', day });
  assert.equal(grid.sourceDate, '1981-07-15');
  for (let k = 0; k < ROWS * COLS; k++) {
    const cell = (row0 + Math.floor(k / COLS)) * g.ncols + col0 + (k % COLS);
    assert.ok(Math.abs((grid.values[cell] ?? NaN) - (1 + 0.5 * k)) < 1e-5, `cell ${cell}: ${grid.values[cell]}, GeoTIFF ${1 + 0.5 * k}`);
  }
  const outside = grid.values.filter((v, c) => v !== null && s.dataset.mask[c] === 1).length;
  assert.equal(outside, ROWS * COLS, 'only the GeoTIFF\'s cells have LAI on that date');
  assert.deepEqual(ws.errors, []);
});
