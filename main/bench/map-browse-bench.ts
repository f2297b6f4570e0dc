/**
 * Bench suite 'map-browse': the engine's resident memory while a user browses the 36-year demo
 * dataset (1981-2016, data/dataset.nc ~1.3 GB) in web mode: layer switches, date steps (grids in
 * blocks, as the date slider fetches them), clicks (a cell's series) and subbasin series. The
 * engine is `vegdyn serve` in a child process, driven over HTTP with the app's own transport
 * (binary grids); its RSS is sampled from /proc every 50 ms and its peak (VmHWM) read at the end.
 * Target: peak under 500 MB. The dataset: VEGDYN_BENCH_MAP_PROJECT when set, else generated once
 * into <tmp>/vegdyn-bench-map-<years> with `vegdyn demo-data` and reused.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, type BenchReporter, type BenchSuite } from './bench-reporter.ts';
import { createApiClient, createHttpTransport, type ApiClient } from '../api/client.ts';

const VEGDYN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/vegdyn.mjs');
const TARGET_MB = 500;

function procStatus(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

function benchProject(quick: boolean, report: BenchReporter): string {
  const given = process.env['VEGDYN_BENCH_MAP_PROJECT'];
  if (given) return path.resolve(given);
  const [from, to] = quick ? ['2014-01-01', '2016-12-31'] : ['1981-01-01', '2016-12-31'];
  const dir = path.join(os.tmpdir(), `vegdyn-bench-map-${from.slice(0, 4)}-${to.slice(0, 4)}`);
  if (!existsSync(path.join(dir, 'data', 'dataset.nc'))) {
    report.note(`generating the demo dataset ${from}..${to} into ${dir} (once; reused by later runs)`);
    const r = spawnSync(process.execPath, [VEGDYN, 'demo-data', '--project', dir, '--from', from, '--to', to], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`map-browse: vegdyn demo-data failed (exit ${r.status})`);
  }
  return dir;
}

/** Starts `vegdyn serve` on the project; resolves with its pid and a client once it prints its URL. */
function startEngine(project: string): Promise<{ pid: number; api: ApiClient; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [VEGDYN, 'serve', '--project', project, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /running at (http:\/\/[^/\s]+)\/\?token=([0-9a-f]+)/.exec(out);
      if (m) resolve({ pid: child.pid!, api: createApiClient(createHttpTransport({ baseUrl: m[1]!, token: m[2]! })), stop });
    });
    child.once('exit', (code) => reject(new Error(`map-browse: vegdyn serve exited (${code}) before serving: ${err.trim()}`)));
  });
}

export const mapBrowseBench: BenchSuite = {
  name: 'map-browse',
  description: `engine RSS while browsing the 36-year demo dataset in web mode (layer switches, date steps, clicks / series); target < ${TARGET_MB} MB`,
  async run(report, { quick }) {
    if (process.platform !== 'linux') {
      report.note('skipped: RSS is read from /proc (Linux only)');
      return;
    }
    const project = benchProject(quick, report);
    const engine = await startEngine(project);
    let peakSampled = 0;
    const sampler = setInterval(() => { peakSampled = Math.max(peakSampled, procStatus(engine.pid, 'VmRSS')); }, 50);
    try {
      const { api, pid } = engine;
      const idle = procStatus(pid, 'VmRSS');
      const summary = await api.request('map.summary', {});
      const ds = summary.dataset;
      if (!ds) throw new Error(`map-browse: ${project} has no dataset`);
      const { layers } = await api.request('map.layers', {});
      const opened = procStatus(pid, 'VmRSS');
      const years = ds.dayCount / 365.25;
      report.note(`${project}: ${ds.startDate}, ${ds.dayCount} days (${years.toFixed(1)} years), ${layers.length} layers; machine load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs`);
      const timed = async <T>(list: number[], fn: () => Promise<T>): Promise<T> => {
        const t = performance.now();
        const r = await fn();
        list.push(performance.now() - t);
        return r;
      };
      // layer switches: every layer on a few days spread over the record
      const switches: number[] = [];
      for (const day of [0, Math.floor(ds.dayCount / 2), ds.dayCount - 1]) {
        for (const l of layers) await timed(switches, () => api.request('map.grid', l.time === 'static' ? { layer: l.id } : { layer: l.id, day }));
      }
      // date steps: blocks of 32 days, as the slider prefetches them, across the whole record
      const steps: number[] = [];
      const blocks = quick ? 10 : 40;
      for (const id of ['forcing.Tair', 'lai.observed', 'forcing.Rainf']) {
        for (let b = 0; b < blocks; b++) {
          const start = Math.floor((b * (ds.dayCount - 32)) / (blocks - 1));
          await timed(steps, () => api.request('map.grids', { layer: id, start, count: 32 }));
        }
      }
      // clicks: a cell's series (observed and true LAI over the whole record), then subbasin means
      const inside = ds.mask.flatMap((m, c) => (m ? [c] : []));
      const clicks: number[] = [];
      for (let k = 0; k < (quick ? 5 : 20); k++) await timed(clicks, () => api.request('map.series', { cell: inside[Math.floor(((k + 0.5) * inside.length) / (quick ? 5 : 20))]! }));
      const regions: number[] = [];
      for (const sb of ds.subbasins.slice(0, quick ? 2 : 6)) await timed(regions, () => api.request('map.series', { subbasin: sb.id }));
      const end = procStatus(pid, 'VmRSS');
      const peak = procStatus(pid, 'VmHWM');
      report.figure('engine RSS: started, before the first request', idle, 'MB');
      report.figure('engine RSS: dataset opened, layer list built', opened, 'MB');
      report.figure('engine RSS: after browsing', end, 'MB');
      report.figure('engine peak RSS while browsing (VmHWM)', peak, 'MB', `${peak < TARGET_MB ? 'under' : 'OVER'} the ${TARGET_MB} MB target; sampled max ${peakSampled.toFixed(0)} MB`);
      report.figure('layer switch (map.grid), median', median(switches), 'ms', `${switches.length} switches, ${layers.length} layers x 3 days`);
      report.figure('date step block (map.grids, 32 days), median', median(steps), 'ms', `${steps.length} blocks`);
      report.figure('click: cell series (map.series), median', median(clicks), 'ms', `${clicks.length} cells, ${ds.dayCount} days`);
      report.figure('subbasin series (map.series), median', median(regions), 'ms', `${regions.length} subbasins`);
      report.note(`timings under load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (1/5/15 min) on ${os.cpus().length} CPUs`);
      api.close();
    } finally {
      clearInterval(sampler);
      await engine.stop();
    }
  },
};
