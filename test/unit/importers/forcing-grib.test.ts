/**
 * Forcing from GRIB2 files made by gdal_translate in the NLDAS-2 layout (one message per field,
 * hourly, APCP as 1-hour accumulations): identified by GRIB_ELEMENT, converted (degC from GDAL's
 * unit normalisation back to K, u/v to speed), aggregated to days and compared cell by cell with
 * daily values computed here from the written hourly values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importForcing } from '../../../main/data/importers/forcing-netcdf.ts';
import { UCRB_GRID, cellCount } from '../../../main/data/grid.ts';
import { FORCING_NAMES, type ForcingName } from '../../../main/data/dataset.ts';
import { ImportError } from '../../../main/data/importers/errors.ts';
import { NLDAS_ELEMENTS, gdalinfoElements, nldasGribDays, writeGrib2, type GribField, type GribGrid, type NldasElement } from './make-grib.ts';
import { spawnSync } from 'node:child_process';
import { openDataset } from '../../../main/data/store/netcdf-store.ts';

const grid = UCRB_GRID;
const n = cellCount(grid);
/** 5 x 4 NLDAS cells, centres 108.5625..108.0625 W, 39.4375..39.0625 N (north row first) */
const G: GribGrid = { west: -108.625, north: 39.5, size: 0.125, ncols: 5, nrows: 4 };
const START = Date.parse('2003-05-01T00:00:00Z');

/** Hourly source values at hour h (from START) and source cell (r from the north, c from the west). */
const SRC: Readonly<Record<NldasElement, (h: number, r: number, c: number) => number>> = {
  TMP: (h, r, c) => 270 + h * 0.5 - r + c * 0.25,
  SPFH: (h, r) => 0.003 + h * 1e-5 + r * 1e-4,
  PRES: (h, r, c) => 80000 + h * 3 - r * 50 + c * 10,
  UGRD: (h, r) => 1 + (h % 5) * 0.5 - r * 0.1,
  VGRD: (h, _r, c) => -2 + c * 0.3 + (h % 3) * 0.2,
  DLWRF: (h, r, c) => 250 + h + r + c,
  DSWRF: (h, r, c) => (h % 24 >= 13 && h % 24 <= 23 ? 500 + r * 10 + c : 0),
  APCP: (h, r, c) => ((h + r + c) % 4) * 0.25,
};

function hourIso(h: number): string {
  return new Date(START + h * 3_600_000).toISOString().replace('.000', '');
}

function fieldsAt(h: number, elements: readonly NldasElement[] = NLDAS_ELEMENTS, accumHours = 1): GribField[] {
  return elements.map((e) => ({
    element: e,
    refTime: hourIso(h),
    accumHours,
    values: Array.from({ length: G.ncols * G.nrows }, (_, k) => SRC[e](h, Math.floor(k / G.ncols), k % G.ncols)),
  }));
}

/** NLDAS-style name: NLDAS_FORA0125_H.AYYYYMMDD.HH00.002.grb2 */
function hourName(h: number): string {
  const iso = hourIso(h);
  return `NLDAS_FORA0125_H.A${iso.slice(0, 10).replace(/-/g, '')}.${iso.slice(11, 13)}00.002.grb2`;
}

function expectedDay(day: number, r: number, c: number, stepHours = 1): Record<ForcingName, number> {
  const hours = Array.from({ length: 24 / stepHours }, (_, k) => day * 24 + k * stepHours);
  const mean = (f: (h: number) => number) => hours.reduce((a, h) => a + f(h), 0) / hours.length;
  const f32 = Math.fround;
  return {
    Rainf: hours.reduce((a, h) => a + f32(SRC.APCP(h, r, c)), 0),
    Tair: mean((h) => f32(SRC.TMP(h, r, c))),
    PSurf: mean((h) => f32(SRC.PRES(h, r, c))),
    Qair: mean((h) => f32(SRC.SPFH(h, r, c))),
    LWdown: mean((h) => f32(SRC.DLWRF(h, r, c))),
    SWdown: mean((h) => f32(SRC.DSWRF(h, r, c))),
    Wind: mean((h) => Math.hypot(f32(SRC.UGRD(h, r, c)), f32(SRC.VGRD(h, r, c)))),
  };
}

function checkCells(result: Awaited<ReturnType<typeof importForcing>>, days: number, stepHours = 1): void {
  assert.equal(result.dates.length, days);
  let compared = 0;
  for (let d = 0; d < days; d++) {
    for (let row = 0; row < grid.nrows; row++) {
      for (let col = 0; col < grid.ncols; col++) {
        const lat = grid.latTop - row * grid.cellSize;
        const lon = grid.lon0 + col * grid.cellSize;
        const r = Math.round((G.north - G.size / 2 - lat) / G.size);
        const c = Math.round((lon - (G.west + G.size / 2)) / G.size);
        const inside = r >= 0 && r < G.nrows && c >= 0 && c < G.ncols;
        const cell = row * grid.ncols + col;
        for (const f of FORCING_NAMES) {
          const got = result.variables[f][d * n + cell]!;
          if (!inside) { assert.ok(Number.isNaN(got), `${f} outside the GRIB grid must be missing`); continue; }
          const want = expectedDay(d, r, c, stepHours)[f];
          // Tair makes a round trip through GDAL's degC; sums run in float32
          const tol = f === 'Tair' ? 2e-4 : Math.abs(want) * 1e-5 + 1e-7;
          assert.ok(Math.abs(got - want) <= tol, `${f} day ${d} source row ${r} col ${c}: ${got} vs ${want}`);
          compared++;
        }
      }
    }
  }
  assert.equal(compared, days * G.ncols * G.nrows * FORCING_NAMES.length);
}

test('GRIB2 forcing, NLDAS-2 layout: hourly files and a concatenated daily file in one folder, cell by cell', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-grib-'));
  try {
    const folder = path.join(dir, 'nldas');
    const work = path.join(dir, 'work');
    mkdirSync(folder);
    mkdirSync(work);
    // day 1: one file per hour; day 2: one file holding all 24 hours (as a daily concatenation)
    for (let h = 0; h < 24; h++) copyFileSync(writeGrib2(work, hourName(h), G, hourIso(h), fieldsAt(h)), path.join(folder, hourName(h)));
    const daily = writeGrib2(work, 'NLDAS_FORA0125_H.A20030502.002.grb2', G, hourIso(24), Array.from({ length: 24 }, (_, k) => fieldsAt(24 + k)).flat());
    copyFileSync(daily, path.join(folder, path.basename(daily)));
    // what gdal-bin itself sees in the files: the NLDAS-2 elements, APCP as a 1-hour total
    assert.deepEqual(gdalinfoElements(path.join(folder, hourName(5))), ['TMP', 'SPFH', 'PRES', 'UGRD', 'VGRD', 'DLWRF', 'DSWRF', 'APCP01']);

    const result = await importForcing([folder], { grid });
    assert.deepEqual(result.dates, ['2003-05-01', '2003-05-02']);
    assert.equal(result.coverage, (G.ncols * G.nrows) / n);
    checkCells(result, 2);
    assert.equal(result.provenance.Tair.source, 'TMP');
    assert.match(result.provenance.Tair.conversion, /degC -> K/);
    assert.equal(result.provenance.Wind.source, 'UGRD+VGRD');
    assert.match(result.provenance.Rainf.conversion, /24 steps per day -> daily total/);
    assert.equal(result.provenance.Rainf.files.length, 25);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('GRIB2 forcing every 3 h with 3-hour APCP totals; a 1-hour total on 3-hour steps is refused', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-grib-'));
  try {
    const steps = Array.from({ length: 16 }, (_, k) => k * 3);
    const file = writeGrib2(dir, 'three-hourly.grb2', G, hourIso(0), steps.flatMap((h) => fieldsAt(h, NLDAS_ELEMENTS, 3)));
    // each written APCP value is that step's 3-hour total
    const result = await importForcing([file], { grid });
    assert.deepEqual(result.dates, ['2003-05-01', '2003-05-02']);
    checkCells(result, 2, 3);
    const wrong = writeGrib2(dir, 'wrong-window.grb2', G, hourIso(0), steps.flatMap((h) => fieldsAt(h, NLDAS_ELEMENTS, 1)));
    await assert.rejects(importForcing([wrong], { grid }), (e: unknown) => e instanceof ImportError
      && /wrong-window\.grb2, variable 'APCP': is accumulated or averaged over 1 h but the files step every 3 h/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('GRIB bitmap (missing) cells become missing days in those cells only', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-grib-'));
  try {
    const holeR = 2, holeC = 1;
    const fields = Array.from({ length: 24 }, (_, h) => fieldsAt(h).map((f) => (f.element === 'TMP' && h === 5
      ? { ...f, values: Array.from(f.values, (v, k) => (k === holeR * G.ncols + holeC ? NaN : v)) } : f))).flat();
    const file = writeGrib2(dir, 'bitmap.grb2', G, hourIso(0), fields);
    const result = await importForcing([file], { grid });
    assert.deepEqual(result.dates, ['2003-05-01']);
    const cellOf = (r: number, c: number) => (Math.round((grid.latTop - (G.north - G.size / 2 - r * G.size)) / grid.cellSize)) * grid.ncols + Math.round((G.west + G.size / 2 + c * G.size - grid.lon0) / grid.cellSize);
    assert.ok(Number.isNaN(result.variables.Tair[cellOf(holeR, holeC)]!), 'a missing hour makes the day missing');
    assert.ok(!Number.isNaN(result.variables.Rainf[cellOf(holeR, holeC)]!), 'only the variable with the hole is missing');
    for (let r = 0; r < G.nrows; r++) {
      for (let c = 0; c < G.ncols; c++) {
        if (r === holeR && c === holeC) continue;
        // one of the 24 hours is complex-packed to 0.01 K
        assert.ok(Math.abs(result.variables.Tair[cellOf(r, c)]! - expectedDay(0, r, c).Tair) < 1e-3, `Tair at ${r},${c}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('GRIB refusals name the file, the variable, what was expected and found', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-grib-'));
  try {
    const day = (name: string, elements: readonly NldasElement[] = NLDAS_ELEMENTS, g: GribGrid = G) =>
      writeGrib2(dir, name, g, hourIso(0), Array.from({ length: 24 }, (_, h) => fieldsAt(h, elements)).flat());

    // a missing variable
    const lacking = day('lacking.grb2', NLDAS_ELEMENTS.filter((e) => e !== 'DLWRF'));
    await assert.rejects(importForcing([lacking], { grid }), (e: unknown) => e instanceof ImportError
      && /lacking\.grb2: lacks forcing variables: LWdown \(downward longwave\)\. Variables found: TMP, SPFH, PRES, UGRD, VGRD, DSWRF, APCP/.test(e.message));

    // a grid that does not overlap the project (over the Alps)
    const far = day('far.grb2', NLDAS_ELEMENTS, { ...G, west: 10, north: 46.5 });
    await assert.rejects(importForcing([far], { grid }), (e: unknown) => e instanceof ImportError && /far\.grb2: does not overlap the project grid \(file covers 46\.0625\.\.46\.4375 N, 10\.0625\.\.10\.5625 E/.test(e.message));

    // duplicated hours across files
    const h0 = writeGrib2(dir, 'a.grb2', G, hourIso(0), fieldsAt(0));
    const h0again = writeGrib2(dir, 'b.grb2', G, hourIso(0), fieldsAt(0));
    await assert.rejects(importForcing([h0, h0again], { grid }), /b\.grb2, variable 'time': repeats time 2003-05-01T00:00:00\.000Z \(also at index 0 of a\.grb2\); duplicated time steps are refused/);

    // a field repeated for the same hour inside one file
    const twice = writeGrib2(dir, 'twice.grb2', G, hourIso(0), [...fieldsAt(0), fieldsAt(0, ['TMP'])[0]!]);
    await assert.rejects(importForcing([twice], { grid }), /twice\.grb2, variable 'TMP': holds TMP \(2-HTGL\) twice for 2003-05-01T00:00:00\.000Z \(bands 1 and 9\)/);

    // a field missing for one hour of a daily file
    const holed = writeGrib2(dir, 'holed.grb2', G, hourIso(0), Array.from({ length: 24 }, (_, h) => fieldsAt(h, h === 7 ? NLDAS_ELEMENTS.filter((e) => e !== 'PRES') : NLDAS_ELEMENTS)).flat());
    await assert.rejects(importForcing([holed], { grid }), /holed\.grb2, variable 'PRES': has PRES at 23 of the file's 24 times; it is missing at 2003-05-01T07:00:00\.000Z/);

    // a file with a .grb2 name that is not GRIB
    const fake = path.join(dir, 'fake.grb2');
    copyFileSync(path.join(dir, 'a.grb2.vrt'), fake);
    await assert.rejects(importForcing([fake], { grid }), /fake\.grb2: is not a GRIB file \(no 'GRIB' message start/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('vegdyn import forcing takes a folder of GRIB files into a new project, which takes the files\' grid', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-grib-'));
  try {
    const folder = path.join(dir, 'grib');
    mkdirSync(folder);
    nldasGribDays(folder, 'part1.grb2', G, '2003-05-01T00:00:00Z', 2, 3);
    nldasGribDays(folder, 'part2.grb2', G, '2003-05-03T00:00:00Z', 1, 3);
    const project = path.join(dir, 'proj');
    const r = spawnSync(process.execPath, ['bin/vegdyn.mjs', 'import', 'forcing', folder, '--project', project, '--json'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as { days: number; from: string; maskCells: number };
    assert.deepEqual([summary.days, summary.from, summary.maskCells], [3, '2003-05-01', G.ncols * G.nrows]);
    const expected = await importForcing([folder]);
    const ds = await openDataset(project);
    assert.deepEqual([ds.grid.ncols, ds.grid.nrows, ds.grid.cellSize], [G.ncols, G.nrows, G.size]);
    assert.ok(Math.abs(ds.grid.lon0 - (G.west + G.size / 2)) < 1e-9 && Math.abs(ds.grid.latTop - (G.north - G.size / 2)) < 1e-9, JSON.stringify(ds.grid));
    for (const f of FORCING_NAMES) assert.deepEqual(ds.forcing(f), expected.variables[f], f);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
