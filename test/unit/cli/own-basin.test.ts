/**
 * Issue #11 "Done when", end to end through the CLI: a project for a basin far from the UCRB
 * (central Illinois), built from small real-format files that GDAL makes: a NetCDF3 forcing file
 * on a 1/16 degree grid (the project is on the NLDAS 1/8 degree lattice), a GeoTIFF series of LAI,
 * a land-cover GeoTIFF and a basin outline. It trains the calibrated physics-only model and the
 * ConvLSTM with --periods at a tiny size, re-evaluates the run, and exports a GeoTIFF whose
 * gdalinfo origin, pixel size and size are the project's grid.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { geotiffFromAsc, run } from '../importers/make-files.ts';
import { ILLINOIS, illinoisForcing, illinoisLai, sangamonOutline } from '../importers/own-basin-files.ts';

const START = '2019-01-01';
const DAYS = 456; // to 2020-03-31
const F = ILLINOIS;

function vegdyn(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/vegdyn.mjs', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `vegdyn ${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

test('a basin outside the UCRB from real-format files: create, import, train with --periods, evaluate, export on the project grid', { timeout: 600_000 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-own-basin-'));
  try {
    const outline = sangamonOutline(dir);
    const project = path.join(dir, 'sangamon');
    vegdyn('project', 'create', project, '--basin', outline);
    const grid = (JSON.parse(readFileSync(path.join(project, 'project.json'), 'utf8')) as { grid: { ncols: number; nrows: number; lon0: number; latTop: number; cellSize: number } }).grid;
    assert.equal(grid.cellSize, 0.125);

    const imported = vegdyn('import', 'forcing', illinoisForcing(dir, START, DAYS), '--project', project);
    assert.match(imported, /Tair <- 'tas' \(K\): its name is one VegDyn knows for Tair/);
    assert.match(imported, /mask: \d+ cells at least half inside the project's outline with complete forcing/);
    // LAI every 8 days at 1/16 degree, scaled Int16 GeoTIFFs
    const laiDir = path.dirname(illinoisLai(dir, START, DAYS)[0]!);
    assert.match(vegdyn('import', 'lai', laiDir, '--project', project), /imported lai/);
    const lc = Array.from({ length: 40 * 40 }, (_, k) => [12, 12, 14, 4][k % 4]!);
    const lcTif = geotiffFromAsc(dir, 'landcover.tif', { west: F.west, north: F.south + 1, size: 0.025, ncols: 40, nrows: 40, values: lc, nodata: 255 }, { type: 'Byte' });
    assert.match(vegdyn('import', 'landcover', lcTif, '--project', project), /imported landcover/);

    const config = path.join(dir, 'tiny.json');
    writeFileSync(config, JSON.stringify({
      models: ['conv-lstm', 'physics-calibrated'], epochs: 1, patience: 1, hiddenSize: 4, batchSize: 1, windowDays: 20, warmupDays: 5, windowsPerEpoch: 2,
      perModel: { 'conv-lstm': { epochs: 1 }, 'physics-calibrated': { epochs: 1, windowsPerEpoch: 1 } },
    }));
    const periods = 'train=2019-01-01..2019-12-31,validate=2020-01-01..2020-01-20,test=2020-01-21..2020-03-31';
    const trained = vegdyn('train', '--project', project, '--config', config, '--periods', periods, '--run-id', 'tiny');
    assert.match(trained, /ConvLSTM/);
    assert.match(trained, /Physics only \(calibrated\)/);
    const summary = JSON.parse(readFileSync(path.join(project, 'runs', 'tiny', 'evaluation', 'summary.json'), 'utf8')) as unknown;
    assert.match(JSON.stringify(summary), /2020-01-21/);
    assert.match(vegdyn('evaluate', path.join(project, 'runs', 'tiny')), /ConvLSTM/);

    // the export lies on the project's grid, as gdalinfo reads it
    const tif = path.join(dir, 'mask.tif');
    vegdyn('export', 'geotiff', '--project', project, '--variable', 'basin_mask', '--out', tif);
    const info = JSON.parse(run('gdalinfo', ['-json', tif])) as { geoTransform: number[]; size: number[] };
    assert.deepEqual(info.size, [grid.ncols, grid.nrows]);
    const [x0, dx, rx, y0, ry, dy] = info.geoTransform as [number, number, number, number, number, number];
    assert.ok(Math.abs(x0 - (grid.lon0 - grid.cellSize / 2)) < 1e-9, `origin x ${x0}`);
    assert.ok(Math.abs(y0 - (grid.latTop + grid.cellSize / 2)) < 1e-9, `origin y ${y0}`);
    assert.deepEqual([dx, rx, ry, dy], [grid.cellSize, 0, 0, -grid.cellSize]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
