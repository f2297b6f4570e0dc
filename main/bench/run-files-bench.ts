/**
 * Bench suite 'run-files': write and read time and size of a run's daily LAI prediction file
 * (predictions/<entry>.nc, CF NetCDF4, deflate level 1 in 32-day chunks) on the 63 x 54 grid for
 * the demo record (2003-2012) and the paper record (1981-2016), and of evaluation/metrics.nc.
 * The values: the demo project's noise-free LAI (LAI_true, smooth daily LAI; NaN outside the
 * basin mask, like a model's output) when the demo project exists, tiled to the record length;
 * otherwise a synthetic seasonal field on every cell (says which).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, type BenchSuite } from './bench-reporter.ts';
import { UCRB_GRID, cellCount } from '../data/grid.ts';
import { daysBetween } from '../data/time-axis.ts';
import { defaultProjectDir } from '../config/vegdyn-home.ts';
import { hasDataset, openDataset } from '../data/store/netcdf-store.ts';
import { readMetricsFile, readPredictionFile, runFilesReady, writeMetrics, writePrediction } from '../run/run-files.ts';
import { perCellMetrics } from '../evaluation/metrics.ts';

async function dailyLai(days: number): Promise<{ values: Float32Array; source: string }> {
  const n = cellCount(UCRB_GRID);
  const out = new Float32Array(days * n);
  const project = defaultProjectDir();
  if (hasDataset(project)) {
    const ds = await openDataset(project);
    if (ds.trueLai && ds.grid.ncols === UCRB_GRID.ncols && ds.grid.nrows === UCRB_GRID.nrows) {
      // NaN outside the basin, as predictRange leaves a model's output
      for (let t = 0; t < days; t++) {
        const src = (t % ds.dayCount) * n;
        for (let c = 0; c < n; c++) out[t * n + c] = ds.mask[c] ? ds.trueLai[src + c]! : NaN;
      }
      return { values: out, source: `the demo project's LAI_true (${project}) inside the basin mask, ${ds.dayCount} days tiled` };
    }
  }
  for (let t = 0; t < days; t++) {
    const season = Math.sin((2 * Math.PI * (t - 100)) / 365.25);
    for (let c = 0; c < n; c++) out[t * n + c] = 0.5 + (1 + (c % 17) / 10) * Math.max(0, season) + 0.05 * Math.sin(t / 37 + c);
  }
  return { values: out, source: 'synthetic seasonal LAI on every cell (no demo project found)' };
}

export const runFilesBench: BenchSuite = {
  name: 'run-files',
  description: 'prediction and metrics NetCDF4 files of a run: write / read time and size on the 63 x 54 grid',
  async run(report, { quick }) {
    await runFilesReady();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-run-files-bench-'));
    try {
      const records = quick ? [['demo record 2003-2012', '2003-01-01', '2012-12-31']] : [['demo record 2003-2012', '2003-01-01', '2012-12-31'], ['paper record 1981-2016', '1981-01-01', '2016-12-31']];
      const longest = Math.max(...records.map(([, a, b]) => daysBetween(a!, b!) + 1));
      const { values, source } = await dailyLai(longest);
      report.note(`values: ${source}`);
      const n = cellCount(UCRB_GRID);
      for (const [name, from, to] of records) {
        const days = daysBetween(from!, to!) + 1;
        const daily = values.subarray(0, days * n);
        const writes: number[] = [];
        const reads: number[] = [];
        let bytes = 0;
        for (let k = 0; k < (quick ? 1 : 3); k++) {
          const t0 = performance.now();
          bytes = (await writePrediction(dir, { grid: UCRB_GRID, startDate: from!, daily, runId: 'bench', entry: 'lstm', label: 'LSTM' })).bytes;
          writes.push((performance.now() - t0) / 1000);
          const t1 = performance.now();
          readPredictionFile(path.join(dir, 'predictions', 'lstm.nc'));
          reads.push((performance.now() - t1) / 1000);
        }
        const raw = days * n * 4;
        report.figure(`prediction write, ${name}`, median(writes), 's', `${days} days x ${n} cells`);
        report.figure(`prediction read, ${name}`, median(reads), 's');
        report.figure(`prediction file size, ${name}`, bytes / 2 ** 20, 'MiB', `${((100 * bytes) / raw).toFixed(0)} % of the ${(raw / 2 ** 20).toFixed(0)} MiB of float32 values`);
      }
      // per-cell metrics of six entries (the demo's three models, physics only, climatology, ceiling)
      const obs = values.subarray(0, 46 * n);
      const metrics = perCellMetrics(values.subarray(n, 47 * n), obs, n);
      const entries = ['lstm', 'conv-lstm', 'phys-conv-lstm', 'physics-only', 'climatology', 'noise-ceiling'].map((id) => ({ id, label: id, metrics }));
      const t0 = performance.now();
      const m = await writeMetrics(dir, { grid: UCRB_GRID, runId: 'bench', entries, period: { from: '2009-01-01', to: '2012-12-31' }, clip: null });
      const tw = (performance.now() - t0) / 1000;
      const t1 = performance.now();
      readMetricsFile(m.path);
      report.figure('metrics.nc write, 6 entries x 6 metrics', tw, 's', `${(m.bytes / 1024).toFixed(0)} KiB`);
      report.figure('metrics.nc read', (performance.now() - t1) / 1000, 's');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
