import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importLai } from '../../../main/data/importers/lai.ts';
import { UCRB_GRID, cellCount } from '../../../main/data/grid.ts';
import { axis, geotiffFromAsc, multibandGeotiff, writeNetcdf, type AscGrid } from './make-files.ts';

const grid = UCRB_GRID;
const n = cellCount(grid);
const SUB = 4; // source pixels per project cell along each axis
const PX = grid.cellSize / SUB;
// the source covers project rows 20..21 and columns 19..21 exactly (3 x 2 cells)
const ROW0 = 20, COL0 = 19, CELLS_X = 3, CELLS_Y = 2;
const WEST = grid.lon0 - grid.cellSize / 2 + COL0 * grid.cellSize;
const NORTH = grid.latTop + grid.cellSize / 2 - ROW0 * grid.cellSize;
const NX = CELLS_X * SUB, NY = CELLS_Y * SUB;
const NODATA = -1;

/** LAI x100 as stored (Int16), with holes: cell (0,0) has 4 nodata pixels, cell (1,2) has 9 (too few valid). */
function raw(seed: number): number[] {
  const out: number[] = [];
  for (let y = 0; y < NY; y++) {
    for (let x = 0; x < NX; x++) {
      const cy = Math.floor(y / SUB), cx = Math.floor(x / SUB), k = (y % SUB) * SUB + (x % SUB);
      if (cy === 0 && cx === 0 && k < 4) out.push(NODATA);
      else if (cy === 1 && cx === 2 && k < 9) out.push(NODATA);
      else out.push(seed * 50 + y * 13 + x * 7);
    }
  }
  return out;
}

/** Expected project-cell means, computed from the raw pixels directly. */
function expectedCells(values: readonly number[], scale: number): Map<number, number> {
  const out = new Map<number, number>();
  for (let cy = 0; cy < CELLS_Y; cy++) {
    for (let cx = 0; cx < CELLS_X; cx++) {
      const valid: number[] = [];
      for (let y = cy * SUB; y < (cy + 1) * SUB; y++) for (let x = cx * SUB; x < (cx + 1) * SUB; x++) if (values[y * NX + x] !== NODATA) valid.push(values[y * NX + x]! * scale);
      out.set((ROW0 + cy) * grid.ncols + COL0 + cx, valid.length >= SUB * SUB / 2 ? valid.reduce((a, b) => a + b, 0) / valid.length : NaN);
    }
  }
  return out;
}

function asc(values: readonly number[]): AscGrid {
  return { west: WEST, north: NORTH, size: PX, ncols: NX, nrows: NY, values, nodata: NODATA };
}

function checkLayer(values: Float32Array, layer: number, expect: Map<number, number>): void {
  for (let c = 0; c < n; c++) {
    const got = values[layer * n + c]!;
    const want = expect.get(c);
    if (want === undefined || Number.isNaN(want)) assert.ok(Number.isNaN(got), `layer ${layer} cell ${c} must be missing, got ${got}`);
    else assert.ok(Math.abs(got - want) < 1e-5, `layer ${layer} cell ${c}: ${got} vs ${want}`);
  }
}

test('LAI from GeoTIFFs per date (gdal_translate, Int16 x0.01, nodata): dates from names, area-weighted means cell by cell', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-lai-'));
  try {
    const folder = path.join(dir, 'tifs');
    mkdirSync(folder);
    // the scale is in the files' metadata (gdal_translate -a_scale)
    geotiffFromAsc(folder, 'GLOBMAP_LAI_2001009.tif', asc(raw(2)), { scale: 0.01 });
    geotiffFromAsc(folder, 'GLOBMAP_LAI_2001001.tif', asc(raw(1)), { scale: 0.01 });
    const r = await importLai([folder], { grid, datePattern: 'GLOBMAP_LAI_{YYYY}{DOY}.tif' });
    assert.deepEqual(r.dates, ['2001-01-01', '2001-01-09']);
    checkLayer(r.values, 0, expectedCells(raw(1), 0.01));
    checkLayer(r.values, 1, expectedCells(raw(2), 0.01));
    // the same files with the scale given explicitly and the date found without a pattern
    const r2 = await importLai([path.join(folder, 'GLOBMAP_LAI_2001001.tif')], { grid, scale: 0.01 });
    assert.deepEqual(r2.dates, ['2001-01-01']);
    checkLayer(r2.values, 0, expectedCells(raw(1), 0.01));
    // a name that does not match the pattern is refused by name
    await assert.rejects(importLai([folder], { grid, datePattern: 'lai_{YYYY}-{MM}-{DD}.tif' }), /GLOBMAP_LAI_2001001\.tif: has a name that does not match the date pattern 'lai_\{YYYY\}-\{MM\}-\{DD\}\.tif'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('LAI from a multiband GeoTIFF with band dates, and from NetCDF4, give the same cells', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-lai-'));
  try {
    const tif = multibandGeotiff(dir, 'stack.tif', [{ grid: asc(raw(3)), description: '2002-07-04' }, { grid: asc(raw(1)), description: '2002-06-26' }], 'Int16', 0.01);
    const r = await importLai([tif], { grid });
    assert.deepEqual(r.dates, ['2002-06-26', '2002-07-04']);
    checkLayer(r.values, 0, expectedCells(raw(1), 0.01));
    checkLayer(r.values, 1, expectedCells(raw(3), 0.01));

    // NetCDF: latitude ascending (south to north), so rows are flipped relative to the GeoTIFF
    const lat = axis(NORTH - NY * PX + PX / 2, PX, NY);
    const lon = axis(WEST + PX / 2, PX, NX);
    const flip = (v: number[]) => Array.from({ length: NY }, (_, j) => v.slice((NY - 1 - j) * NX, (NY - j) * NX)).flat();
    const nc = writeNetcdf(dir, 'lai.nc', 'NC4', {
      dims: [{ name: 'time', size: 2 }, { name: 'lat', size: NY }, { name: 'lon', size: NX }],
      arrays: [
        { name: 'time', dtype: 'Float64', dims: ['time'], values: [0, 8], attrs: { units: 'days since 2002-06-26', calendar: 'gregorian' } },
        { name: 'lat', dtype: 'Float64', dims: ['lat'], values: lat, attrs: { units: 'degrees_north' } },
        { name: 'lon', dtype: 'Float64', dims: ['lon'], values: lon, attrs: { units: 'degrees_east' } },
        { name: 'LAI', dtype: 'Int16', dims: ['time', 'lat', 'lon'], values: [...flip(raw(1)), ...flip(raw(3))], nodata: NODATA, attrs: { scale_factor: 0.01, units: 'm2 m-2' } },
      ],
    });
    const fromNc = await importLai([nc], { grid });
    assert.deepEqual(fromNc.dates, r.dates);
    for (let i = 0; i < r.values.length; i++) {
      const a = r.values[i]!, b = fromNc.values[i]!;
      assert.ok((Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) < 1e-5, `value ${i}: ${a} vs ${b}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('LAI: all-missing layers, duplicate dates, missing dates and non-overlapping rasters are refused', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-lai-'));
  try {
    const empty = geotiffFromAsc(dir, 'lai_2001-01-01.tif', asc(raw(1).map(() => NODATA)), { scale: 0.01 });
    await assert.rejects(importLai([empty], { grid }), /lai_2001-01-01\.tif: band 1 \(2001-01-01\) has no valid LAI in any project cell/);
    const a = geotiffFromAsc(dir, 'a_20010101.tif', asc(raw(1)), { scale: 0.01 });
    const b = geotiffFromAsc(dir, 'b_2001001.tif', asc(raw(2)), { scale: 0.01 });
    await assert.rejects(importLai([a, b], { grid }), /b_2001001\.tif band 1: has date 2001-01-01, which a_20010101\.tif band 1 has too/);
    const undated = geotiffFromAsc(dir, 'lai.tif', asc(raw(1)), { scale: 0.01 });
    await assert.rejects(importLai([undated], { grid }), /lai\.tif: has no date in its name 'lai\.tif' or band description/);
    const far = geotiffFromAsc(dir, 'far_2001-01-01.tif', { ...asc(raw(1)), west: 20 }, { scale: 0.01 });
    await assert.rejects(importLai([far], { grid }), /far_2001-01-01\.tif: does not overlap the project grid/);
    // without the scale, LAI x100 is outside the valid range everywhere
    const unscaled = geotiffFromAsc(dir, 'u_2001-01-01.tif', asc(raw(4)));
    await assert.rejects(importLai([unscaled], { grid }), /outside the valid range 0\.\.10 after scaling; check --scale/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
