/**
 * Bench suite 'forcing-import' (issue #11: under 60 s here): importing one year of hourly forcing
 * onto a 50 x 50 project grid, as 12 monthly CF NetCDF4 files (NLDAS-2 variable names and units,
 * 1/8 degree, 7 variables, 8760 steps). The files are written first with h5wasm (not timed); the
 * figure is importForcing (reading, unit conversion, regridding, hourly -> daily) alone, with the
 * load average, since the machines are shared. --quick imports one month.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import h5wasm from 'h5wasm/node';
import type { BenchSuite } from './bench-reporter.ts';
import { cellCount, type GridSpec } from '../data/grid.ts';
import { gridFromBbox } from '../data/grid-definition.ts';
import { writeGridCoordinates } from '../data/store/cf-grid-coordinates.ts';
import { importForcing } from '../data/importers/forcing-netcdf.ts';

const VARS: readonly [string, string, (hourOfYear: number, cell: number) => number][] = [
  ['Rainf', 'kg m-2', (h, c) => ((h + c) % 97 === 0 ? 2 : 0)],
  ['Tair', 'K', (h, c) => 283 + 12 * Math.sin((2 * Math.PI * h) / 8760) + 5 * Math.sin((2 * Math.PI * h) / 24) + (c % 50) * 0.01],
  ['PSurf', 'Pa', () => 98000],
  ['Qair', 'kg kg-1', (h) => 0.007 + 0.003 * Math.sin((2 * Math.PI * h) / 8760)],
  ['LWdown', 'W m-2', (h) => 300 + 30 * Math.sin((2 * Math.PI * h) / 8760)],
  ['SWdown', 'W m-2', (h) => Math.max(0, 600 * Math.sin((2 * Math.PI * (h % 24 - 6)) / 24))],
  ['Wind', 'm s-1', (h) => 3 + Math.sin(h / 7)],
];

function attr(obj: { create_attribute: (n: string, v: string, s: null, t: string) => unknown }, name: string, value: string): void {
  obj.create_attribute(name, value, null, `S${Math.max(1, value.length)}`);
}

/** One month of hourly forcing (hours from `h0` of the year) on `grid`, CF NetCDF4. */
function writeMonth(file: string, grid: GridSpec, h0: number, hours: number): void {
  const n = cellCount(grid);
  const f = new h5wasm.File(file, 'w');
  try {
    attr(f as never, 'Conventions', 'CF-1.8');
    const time = f.create_dataset({ name: 'time', data: Float64Array.from({ length: hours }, (_, t) => h0 + t) });
    time.make_scale('time');
    attr(time as never, 'units', 'hours since 2003-01-01 00:00:00');
    attr(time as never, 'calendar', 'standard');
    attr(time as never, 'standard_name', 'time');
    writeGridCoordinates(f, grid);
    // netCDF-4's own dimension bookkeeping: lat and lon have the same length here, so readers
    // cannot tell them apart by size
    const ids = { time: 0, lat: 1, lon: 2 } as const;
    for (const [name, id] of Object.entries(ids)) (f.get(name) as unknown as { create_attribute: (n: string, v: Int32Array, s: null, t: string) => void }).create_attribute('_Netcdf4Dimid', Int32Array.of(id), null, '<i');
    for (const [name, units, value] of VARS) {
      const data = new Float32Array(hours * n);
      for (let t = 0; t < hours; t++) for (let c = 0; c < n; c++) data[t * n + c] = value(h0 + t, c);
      const ds = f.create_dataset({ name, data, shape: [hours, grid.nrows, grid.ncols], chunks: [24, grid.nrows, grid.ncols] });
      attr(ds as never, 'units', units);
      ds.create_attribute('_Netcdf4Coordinates', Int32Array.of(0, 1, 2), null, '<i');
      ds.attach_scale(0, '/time');
      ds.attach_scale(1, '/lat');
      ds.attach_scale(2, '/lon');
    }
  } finally {
    f.close();
  }
}

export const forcingImportBench: BenchSuite = {
  name: 'forcing-import',
  description: 'import one year of hourly forcing (12 monthly NetCDF4 files, NLDAS-2 names) onto a 50 x 50 grid (target < 60 s)',
  async run(report, { quick }) {
    await h5wasm.ready;
    // 50 x 50 cells of 1/8 degree on the NLDAS lattice, in Illinois
    const grid = gridFromBbox([-91.0, 38.5, -84.75, 44.75]);
    if (grid.ncols !== 50 || grid.nrows !== 50) throw new Error(`forcing-import bench: expected a 50 x 50 grid, got ${grid.ncols} x ${grid.nrows}`);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-forcing-bench-'));
    try {
      const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31].slice(0, quick ? 1 : 12);
      const files: string[] = [];
      let h0 = 0;
      const w0 = performance.now();
      monthDays.forEach((d, m) => {
        const file = path.join(dir, `forcing-2003-${String(m + 1).padStart(2, '0')}.nc`);
        writeMonth(file, grid, h0, d * 24);
        files.push(file);
        h0 += d * 24;
      });
      report.note(`${files.length} file(s), ${h0} hourly steps, written in ${((performance.now() - w0) / 1000).toFixed(1)} s (not timed below)`);
      const load0 = os.loadavg()[0]!;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const r = await importForcing(files, { grid });
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      report.figure(`import ${h0} h onto 50 x 50`, seconds, 's', `${r.dates.length} days; load average ${load0.toFixed(1)} -> ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`);
      // the CPU time of this process (all its threads) depends far less on the other jobs than the wall time does
      report.figure('  its CPU time (user + system)', (cpu.user + cpu.system) / 1e6, 's', 'all threads, including the HDF5 probe workers');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
