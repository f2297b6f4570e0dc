import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importForcingNetcdf } from '../../../main/data/importers/forcing-netcdf.ts';
import { UCRB_GRID, cellCount } from '../../../main/data/grid.ts';
import { FORCING_NAMES, type ForcingName } from '../../../main/data/dataset.ts';
import { ImportError } from '../../../main/data/importers/errors.ts';
import { axis, writeNetcdf, type MdimArray } from './make-files.ts';

const grid = UCRB_GRID;
const n = cellCount(grid);
const NY = 4, NX = 5, STEP_H = 6;
const LAT = axis(40.0625, 0.125, NY); // ascending, as NetCDF stores it
const LON = axis(-110.0625, 0.125, NX);
const FILL = -32767;

/** Raw source values per variable at (step, j, i); j indexes the ascending latitude. */
const src = {
  tairRaw: (t: number, j: number, i: number) => (t === 3 && j === 1 && i === 2 ? FILL : 150 + t * 37 - j * 11 + i * 5), // 0.01 degC + 10
  rain: (t: number, j: number, i: number) => Math.fround((t % 3) * 1e-4 + j * 2e-5 + i * 1e-5), // kg m-2 s-1
  psHpa: (t: number, j: number, i: number) => Math.fround(780 + j + i * 0.5 + t * 0.25),
  rh: (t: number, j: number, i: number) => Math.fround(30 + t * 4 + i - j),
  lw: (t: number, j: number, i: number) => Math.fround(250 + t + j + i),
  sw: (t: number, j: number, i: number) => Math.fround(t % 4 === 2 ? 600 + j * 10 + i : 0),
  u: (t: number, j: number, _i: number) => Math.fround(1 + t * 0.5 - j * 0.1),
  v: (_t: number, _j: number, i: number) => Math.fround(-2 + i * 0.3),
};

function fieldValues(steps: readonly number[], f: (t: number, j: number, i: number) => number): number[] {
  const out: number[] = [];
  for (const t of steps) for (let j = 0; j < NY; j++) for (let i = 0; i < NX; i++) out.push(f(t, j, i));
  return out;
}

function spec(steps: readonly number[], calendar = 'standard') {
  const dims3 = ['time', 'lat', 'lon'];
  const arrays: MdimArray[] = [
    { name: 'time', dtype: 'Float64', dims: ['time'], values: steps.map((t) => t * STEP_H), attrs: { units: 'hours since 2001-03-01 00:00:00', calendar, standard_name: 'time' } },
    { name: 'lat', dtype: 'Float64', dims: ['lat'], values: LAT, attrs: { units: 'degrees_north', standard_name: 'latitude' } },
    { name: 'lon', dtype: 'Float64', dims: ['lon'], values: LON, attrs: { units: 'degrees_east', standard_name: 'longitude' } },
    { name: 't2m', dtype: 'Int16', dims: dims3, values: fieldValues(steps, src.tairRaw), nodata: FILL, attrs: { units: 'degC', standard_name: 'air_temperature', scale_factor: 0.01, add_offset: 10 } },
    { name: 'pr', dtype: 'Float32', dims: dims3, values: fieldValues(steps, src.rain), attrs: { units: 'kg m-2 s-1', standard_name: 'precipitation_flux' } },
    { name: 'ps', dtype: 'Float32', dims: dims3, values: fieldValues(steps, src.psHpa), attrs: { units: 'hPa' } },
    { name: 'hurs', dtype: 'Float32', dims: dims3, values: fieldValues(steps, src.rh), attrs: { units: '%', standard_name: 'relative_humidity' } },
    { name: 'LWdown', dtype: 'Float32', dims: dims3, values: fieldValues(steps, src.lw), attrs: { units: 'W m-2' } },
    { name: 'rsds', dtype: 'Float32', dims: dims3, values: fieldValues(steps, src.sw), attrs: { units: 'W/m2', standard_name: 'surface_downwelling_shortwave_flux_in_air' } },
    { name: 'Wind_E', dtype: 'Float32', dims: dims3, values: fieldValues(steps, src.u), attrs: { units: 'm/s' } },
    { name: 'Wind_N', dtype: 'Float32', dims: dims3, values: fieldValues(steps, src.v), attrs: { units: 'm s-1' } },
  ];
  return { dims: [{ name: 'time', size: steps.length, type: 'TEMPORAL' }, { name: 'lat', size: NY, type: 'HORIZONTAL_Y' }, { name: 'lon', size: NX, type: 'HORIZONTAL_X' }], arrays };
}

/** The expected daily value per forcing for source cell (j, i), computed independently of the importer. */
function expected(day: number, j: number, i: number): Record<ForcingName, number> {
  const steps = [0, 1, 2, 3].map((k) => day * 4 + k);
  const mean = (f: (t: number) => number) => steps.reduce((a, t) => a + f(t), 0) / steps.length;
  const tK = (t: number) => { const r = src.tairRaw(t, j, i); return r === FILL ? NaN : r * Math.fround(0.01) + 10 + 273.15; };
  const q = (t: number) => {
    const T = tK(t) - 273.15;
    const e = (src.rh(t, j, i) / 100) * 611.2 * Math.exp((17.67 * T) / (T + 243.5));
    const p = src.psHpa(t, j, i) * 100;
    return (0.622 * e) / (p - 0.378 * e);
  };
  return {
    Rainf: steps.reduce((a, t) => a + src.rain(t, j, i) * STEP_H * 3600, 0),
    Tair: mean(tK),
    PSurf: mean((t) => src.psHpa(t, j, i) * 100),
    Qair: mean(q),
    LWdown: mean((t) => src.lw(t, j, i)),
    SWdown: mean((t) => src.sw(t, j, i)),
    Wind: mean((t) => Math.hypot(src.u(t, j, i), src.v(t, j, i))),
  };
}

function checkCells(result: Awaited<ReturnType<typeof importForcingNetcdf>>, days: number): void {
  assert.equal(result.dates.length, days);
  let compared = 0;
  for (let d = 0; d < days; d++) {
    for (let row = 0; row < grid.nrows; row++) {
      for (let col = 0; col < grid.ncols; col++) {
        const lat = grid.latTop - row * grid.cellSize;
        const lon = grid.lon0 + col * grid.cellSize;
        const j = LAT.findIndex((x) => Math.abs(x - lat) < 1e-9);
        const i = LON.findIndex((x) => Math.abs(x - lon) < 1e-9);
        const cell = row * grid.ncols + col;
        for (const f of FORCING_NAMES) {
          const got = result.variables[f][d * n + cell]!;
          if (j < 0 || i < 0) { assert.ok(Number.isNaN(got), `${f} outside the source must be missing`); continue; }
          const want = expected(d, j, i)[f];
          if (Number.isNaN(want)) { assert.ok(Number.isNaN(got), `${f} day ${d} cell ${cell}: a missing step makes the day missing`); continue; }
          assert.ok(Math.abs(got - want) <= Math.abs(want) * 2e-6 + 1e-9, `${f} day ${d} row ${row} col ${col}: ${got} vs ${want}`);
          compared++;
        }
      }
    }
  }
  assert.ok(compared >= days * NY * NX * 7 - 2);
}

test('forcing from one NetCDF4 file: CF decoding, units, derived humidity and wind, 6-hourly -> daily, cell by cell', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-forcing-'));
  try {
    const file = writeNetcdf(dir, 'forcing.nc', 'NC4', spec([0, 1, 2, 3, 4, 5, 6, 7]));
    const result = await importForcingNetcdf([file], { grid });
    assert.deepEqual(result.dates, ['2001-03-01', '2001-03-02']);
    assert.equal(result.coverage, (NY * NX) / n);
    checkCells(result, 2);
    assert.match(result.provenance.Tair.conversion, /degC -> K/);
    assert.match(result.provenance.Qair.source, /hurs \(RelHum\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('forcing from a folder of NetCDF3 classic and 64-bit-offset files concatenated in time equals the single file', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-forcing-'));
  try {
    const folder = path.join(dir, 'parts');
    mkdirSync(folder);
    // written out of order on purpose: the importer sorts by time, not by name
    writeNetcdf(folder, 'b.nc', 'NC', spec([4, 5, 6, 7]));
    writeNetcdf(folder, 'a.nc', 'NC2', spec([0, 1, 2, 3]));
    renameSync(path.join(folder, 'a.nc'), path.join(folder, 'z.nc'));
    const result = await importForcingNetcdf([folder], { grid });
    checkCells(result, 2);
    assert.equal(result.provenance.Rainf.files.length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('forcing: refusals name the file, the variable, what was expected and found', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-forcing-'));
  try {
    const steps = [0, 1, 2, 3];
    // a gap: step 2 missing
    const gap = writeNetcdf(dir, 'gap.nc', 'NC4', spec([0, 1, 3, 4, 5, 6, 7]));
    await assert.rejects(importForcingNetcdf([gap], { grid }), (e: unknown) => e instanceof ImportError && /gap\.nc, variable 'time': has a gap in time: 2001-03-01T06:00:00.000Z is followed by 2001-03-01T18:00:00.000Z \(expected steps of 6 h\)/.test(e.message));
    // duplicates across two files
    const d1 = path.join(dir, 'dup');
    mkdirSync(d1);
    writeNetcdf(d1, 'a.nc', 'NC4', spec(steps));
    writeNetcdf(d1, 'b.nc', 'NC4', spec([3, 4, 5, 6, 7]));
    await assert.rejects(importForcingNetcdf([d1], { grid }), /b\.nc, variable 'time': repeats time 2001-03-01T18:00:00.000Z/);
    // unknown units
    const s = spec(steps);
    const bad = { ...s, arrays: s.arrays.map((a) => (a.name === 'ps' ? { ...a, attrs: { units: 'furlongs' } } : a)) };
    await assert.rejects(importForcingNetcdf([writeNetcdf(dir, 'units.nc', 'NC4', bad)], { grid }), /units\.nc, variable 'ps': has units 'furlongs', which VegDyn cannot convert for PSurf \(expected one of: pa/);
    // a grid that does not overlap the project
    const far = { ...s, arrays: s.arrays.map((a) => (a.name === 'lon' ? { ...a, values: axis(10.0625, 0.125, NX) } : a)) };
    await assert.rejects(importForcingNetcdf([writeNetcdf(dir, 'far.nc', 'NC4', far)], { grid }), /far\.nc: does not overlap the project grid \(file covers 40\.0625\.\.40\.4375 N, 10\.0625\.\.10\.5625 E/);
    // a missing variable
    const lacking = { ...s, arrays: s.arrays.filter((a) => a.name !== 'LWdown') };
    await assert.rejects(importForcingNetcdf([writeNetcdf(dir, 'lacking.nc', 'NC4', lacking)], { grid }), /lacking\.nc: lacks forcing variables: LWdown \(downward longwave\)\. Variables found: .*t2m \(air_temperature\)/);
    // an explicit mapping fixes a variable nobody could recognise
    const renamed = { ...s, arrays: s.arrays.map((a) => (a.name === 'LWdown' ? { ...a, name: 'thermal' } : a)) };
    const mapped = await importForcingNetcdf([writeNetcdf(dir, 'renamed.nc', 'NC4', renamed)], { grid, mapping: { LWdown: 'thermal' } });
    assert.equal(mapped.provenance.LWdown.source, 'thermal');
    // all missing
    const empty = { ...s, arrays: s.arrays.map((a) => (a.name === 'LWdown' ? { ...a, values: a.values.length ? Array.from(a.values, () => -999) : [], nodata: -999 } : a)) };
    await assert.rejects(importForcingNetcdf([writeNetcdf(dir, 'empty.nc', 'NC4', empty)], { grid }), /empty\.nc, variable 'LWdown': has no valid LWdown value inside the project grid/);
    // not a NetCDF file at all
    const notnc = path.join(dir, 'gap.nc.vrt');
    await assert.rejects(importForcingNetcdf([notnc], { grid }), /gap\.nc\.vrt: is not a NetCDF file \(expected the signature/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('forcing: a noleap calendar across 29 February fills the leap day from its neighbours', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-forcing-'));
  try {
    // daily steps at 00:00 in a noleap calendar: 2004-02-27, 02-28, 03-01, 03-02
    const s = spec([0, 1, 2, 3]);
    const daily = {
      ...s,
      arrays: s.arrays.map((a) => (a.name === 'time' ? { ...a, values: [0, 1, 2, 3], attrs: { units: 'days since 2004-02-27', calendar: 'noleap' } } : a)),
    };
    const r = await importForcingNetcdf([writeNetcdf(dir, 'noleap.nc', 'NC4', daily)], { grid });
    assert.deepEqual(r.dates, ['2004-02-27', '2004-02-28', '2004-02-29', '2004-03-01', '2004-03-02']);
    const cell = 24 * grid.ncols + 19; // source (j=0, i=0)
    const lw = (d: number) => r.variables.LWdown[d * n + cell]!;
    assert.equal(lw(0), src.lw(0, 0, 0));
    assert.equal(lw(1), src.lw(1, 0, 0));
    assert.equal(lw(3), src.lw(2, 0, 0));
    assert.equal(lw(2), (lw(1) + lw(3)) / 2);
    // daily steps: the rate times one day
    assert.ok(Math.abs(r.variables.Rainf[3 * n + cell]! - src.rain(2, 0, 0) * 86400) < 1e-6);
    assert.ok(r.notes.some((x) => /2004-02-29 is missing from the noleap calendar/.test(x)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
