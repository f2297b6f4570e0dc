import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importLandCover, importSoil } from '../../../main/data/importers/static-layers.ts';
import { UCRB_GRID, cellCount } from '../../../main/data/grid.ts';
import { geotiffFromAsc, type AscGrid } from './make-files.ts';

const grid = UCRB_GRID;
const n = cellCount(grid);
const SUB = 4;
const PX = grid.cellSize / SUB;
const ROW0 = 30, COL0 = 40, CX = 2, CY = 2;
const WEST = grid.lon0 - grid.cellSize / 2 + COL0 * grid.cellSize;
const NORTH = grid.latTop + grid.cellSize / 2 - ROW0 * grid.cellSize;
const NX = CX * SUB, NY = CY * SUB;

function pixels(f: (y: number, x: number) => number): number[] {
  const out: number[] = [];
  for (let y = 0; y < NY; y++) for (let x = 0; x < NX; x++) out.push(f(y, x));
  return out;
}
const asc = (values: number[], nodata?: number): AscGrid => ({ west: WEST, north: NORTH, size: PX, ncols: NX, nrows: NY, values, nodata });

test('land cover: class fractions and majority per cell from a Byte GeoTIFF, cell by cell', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-static-'));
  try {
    const classes = [1, 4, 7, 10, 12, 16];
    // 255 = no data; the last cell is mostly no data and must stay unclassified
    const codes = pixels((y, x) => (y >= SUB && x >= SUB && (y * NX + x) % 3 !== 0 ? 255 : classes[(y * 3 + x * 5) % classes.length]!));
    const file = geotiffFromAsc(dir, 'lc.tif', asc(codes, 255), { type: 'Byte' });
    const r = await importLandCover(file, { grid });
    for (let cy = 0; cy < CY; cy++) {
      for (let cx = 0; cx < CX; cx++) {
        const cell = (ROW0 + cy) * grid.ncols + COL0 + cx;
        const counts = new Map<number, number>();
        let valid = 0;
        for (let y = cy * SUB; y < (cy + 1) * SUB; y++) for (let x = cx * SUB; x < (cx + 1) * SUB; x++) {
          const c = codes[y * NX + x]!;
          if (c === 255) continue;
          counts.set(c, (counts.get(c) ?? 0) + 1);
          valid++;
        }
        if (valid < SUB * SUB / 2) {
          assert.equal(r.majority[cell], 0, `cell ${cell} has too little valid area`);
          continue;
        }
        const best = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
        assert.equal(r.majority[cell], best, `majority of cell ${cell}`);
        for (const code of classes) {
          const got = r.fractions.get(code)?.[cell] ?? 0;
          assert.ok(Math.abs(got - (counts.get(code) ?? 0) / valid) < 1e-6, `fraction of class ${code} in cell ${cell}: ${got}`);
        }
      }
    }
    let sumOutside = 0;
    for (let c = 0; c < n; c++) if (Math.floor(c / grid.ncols) < ROW0 || Math.floor(c / grid.ncols) >= ROW0 + CY || c % grid.ncols < COL0 || c % grid.ncols >= COL0 + CX) sumOutside += r.majority[c]!;
    assert.equal(sumOutside, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('land cover in UTM (EPSG:32612) is reprojected: a uniform class block fills the cells inside it', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-static-'));
  try {
    // 60 km x 50 km of class 10 at 500 m, around 109.4 W, 40.2 N
    const ncols = 120, nrows = 100;
    const file = geotiffFromAsc(dir, 'lc-utm.tif', { west: 620000, north: 4480000, size: 500, ncols, nrows, values: new Array(ncols * nrows).fill(10) }, { type: 'Byte', srs: 'EPSG:32612' });
    const r = await importLandCover(file, { grid });
    const cell = (lon: number, lat: number) => Math.round((grid.latTop - lat) / grid.cellSize) * grid.ncols + Math.round((lon - grid.lon0) / grid.cellSize);
    // the block spans about 109.59..108.88 W and 39.99..40.45 N; these cells are well inside / outside it
    assert.equal(r.majority[cell(-109.3125, 40.1875)], 10);
    assert.ok(Math.abs(r.fractions.get(10)![cell(-109.3125, 40.1875)]! - 1) < 1e-6);
    assert.equal(r.majority[cell(-110.5625, 40.1875)], 0);
    assert.match(r.provenance.conversion, /reprojection from WGS 84 \/ UTM zone 12N/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('soil texture: area-weighted means with scale (g/kg -> %), cell by cell; out-of-range values refused', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-static-'));
  try {
    const sandGkg = pixels((y, x) => (y === 0 && x < 3 ? -9999 : 200 + y * 31 + x * 17));
    const clayPct = pixels((y, x) => 10 + ((y + x) % 5));
    const sand = geotiffFromAsc(dir, 'sand.tif', asc(sandGkg, -9999));
    const clay = geotiffFromAsc(dir, 'clay.tif', asc(clayPct), { type: 'Float32' });
    const r = await importSoil({ sandPercent: { file: sand, scale: 0.1 }, clayPercent: { file: clay } }, { grid });
    for (let cy = 0; cy < CY; cy++) {
      for (let cx = 0; cx < CX; cx++) {
        const cell = (ROW0 + cy) * grid.ncols + COL0 + cx;
        const s: number[] = [], c: number[] = [];
        for (let y = cy * SUB; y < (cy + 1) * SUB; y++) for (let x = cx * SUB; x < (cx + 1) * SUB; x++) {
          if (sandGkg[y * NX + x] !== -9999) s.push(sandGkg[y * NX + x]! * 0.1);
          c.push(clayPct[y * NX + x]!);
        }
        const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
        assert.ok(Math.abs(r.layers.sandPercent![cell]! - mean(s)) < 1e-4, `sand cell ${cell}`);
        assert.ok(Math.abs(r.layers.clayPercent![cell]! - mean(c)) < 1e-5, `clay cell ${cell}`);
      }
    }
    assert.equal(r.layers.organicFraction, undefined);
    // a DEM in feet through the same area-weighted path
    const demFt = pixels((y, x) => 5000 + y * 100 + x * 10);
    const dem = geotiffFromAsc(dir, 'dem.tif', asc(demFt), { type: 'Float32' });
    const e = await importSoil({ elevation: { file: dem, scale: 0.3048 } }, { grid });
    const c0 = ROW0 * grid.ncols + COL0;
    let sum = 0;
    for (let y = 0; y < SUB; y++) for (let x = 0; x < SUB; x++) sum += demFt[y * NX + x]! * 0.3048;
    assert.ok(Math.abs(e.layers.elevation![c0]! - sum / (SUB * SUB)) < 1e-2);
    await assert.rejects(importSoil({ elevation: { file: dem, scale: 3 } }, { grid }), /outside -500\.\.9000 m expected for elevation/);
    await assert.rejects(importSoil({ sandPercent: { file: sand } }, { grid }), /sand\.tif, variable 'band 1': holds \d+, outside 0\.\.100 % expected for sandPercent; give a scale/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
