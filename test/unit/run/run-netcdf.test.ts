// A run's evaluation outputs as NetCDF4: gdalinfo georeferences them, the values GDAL reads at
// sampled cells and dates are what the API serves, `vegdyn evaluate` rewrites them (with the
// project's clip), and a run in the older tensor-bundle format still opens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { initComputeBackend } from '../../../main/compute/backend.ts';
import { writeDataset } from '../../../main/data/store/netcdf-store.ts';
import { cellLat, cellLon } from '../../../main/data/grid.ts';
import { resolveRunConfig } from '../../../main/training/run-config.ts';
import { runExperiment } from '../../../main/run/experiment.ts';
import { encodeBundle } from '../../../main/training/tensor-bundle.ts';
import { clipFractions, writeClip, type ProjectClip } from '../../../main/run/clip-file.ts';
import { evaluateRun } from '../../../main/run/evaluate-run.ts';
import { bitRound, readMetricsFile, readPredictionCell, readPredictionDay, readPredictionFile, readPredictionRegion } from '../../../main/run/run-files.ts';
import { regionMeans, regionWeights, type RegionWeights } from '../../../main/data/aggregate.ts';
import { makeTinyDataset } from '../training/tiny-dataset.ts';
import { inProcessApi } from '../in-process-api.ts';
import { ApiError } from '../../../main/api/api-error.ts';

// the tiny basin placed at the UCRB grid's north-west corner: origin -112.5, 43.125, 0.125 degree cells
const tiny = makeTinyDataset();
const ds = { ...tiny, grid: { ...tiny.grid, lon0: -112.4375, latTop: 43.0625 } };
const { grid } = ds;
const C = grid.nrows * grid.ncols;
process.env.VEGDYN_BACKEND = 'wasm';
const { tmp, api } = inProcessApi('vegdyn-run-nc-', { jobs: { cancelGraceMs: 2000 } });

const config = resolveRunConfig({
  models: ['lstm'], hiddenSize: 4, windowDays: 60, warmupDays: 20, batchSize: 2, windowsPerEpoch: 3, epochs: 1, patience: 5,
  perModel: { lstm: { epochs: 1 } }, inferenceChunkDays: 400,
  periods: { record: { from: '2000-01-01', to: '2003-12-31' }, train: { from: '2000-01-01', to: '2001-12-31' }, validate: { from: '2002-01-01', to: '2002-12-31' }, test: { from: '2003-01-01', to: '2003-12-31' } },
});

/** A GDAL tool's stdout (1461 bands of JSON exceed spawnSync's default buffer). */
function run(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, [...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
  return r.stdout;
}

function gdalJson(target: string): { geoTransform: number[]; size: number[]; bands: { noDataValue: number }[]; coordinateSystem: { wkt: string } } {
  return JSON.parse(run('gdalinfo', ['-json', target]));
}

/** All bands of a subdataset at a cell centre, as GDAL reads them (fill value -9999 -> NaN). */
function gdalAt(target: string, cell: number): number[] {
  const row = Math.floor(cell / grid.ncols);
  const col = cell % grid.ncols;
  return run('gdallocationinfo', ['-valonly', '-wgs84', target, String(cellLon(grid, col)), String(cellLat(grid, row))])
    .trim().split('\n').map(Number).map((v) => (v === -9999 ? NaN : v));
}

const same = (a: number | null | undefined, b: number) => (Number.isNaN(b) ? a === null || a === undefined || Number.isNaN(a) : typeof a === 'number' && Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)));
/** A stored prediction vs the run's full-precision value: BitRound to 12 bits, relative error <= 2^-13. */
const rounded = (stored: number, full: number) => (Number.isNaN(full) ? Number.isNaN(stored) : Math.abs(stored - full) <= 2 ** -13 * Math.abs(full) + 1e-30);

test('predictions and metrics are CF NetCDF4 that gdalinfo georeferences; GDAL, the API and the in-memory run agree; evaluate --clip rewrites them', async () => {
  await initComputeBackend({ prefer: 'wasm' });
  const projectDir = path.join(tmp, 'project');
  await api.request('project.create', { dir: projectDir, name: 'nc' });
  await writeDataset(projectDir, ds);
  const runDir = path.join(projectDir, 'runs', 'nc1');
  const r = await runExperiment({ dataset: ds, config, runDir, resume: false });
  const lai = r.predictions.get('lstm')!;

  const predFile = path.join(runDir, 'predictions', 'lstm.nc');
  const predSub = `NETCDF:"${predFile}":lai`;
  const info = gdalJson(predSub);
  assert.deepEqual(info.geoTransform, [-112.5, 0.125, 0, 43.125, 0, -0.125]);
  assert.deepEqual(info.size, [grid.ncols, grid.nrows]);
  assert.match(info.coordinateSystem.wkt, /ID\["EPSG",4326\]\]$/);
  assert.equal(info.bands.length, ds.dayCount);
  assert.equal(info.bands[0]!.noDataValue, -9999);
  const globals = run('gdalinfo', [predFile]);
  for (const want of [/lai#_QuantizeBitRoundNumberOfSignificantBits=12/, /vegdyn_run_id=nc1/, /vegdyn_model_kind=lstm/, /vegdyn_entry_label=LSTM/, /produced_by=VegDyn/, /lai#units=m2 m-2/, /lai#_FillValue=-9999/, /time#units=days since 1981-01-01/]) assert.match(globals, want);

  const metricsFile = path.join(runDir, 'evaluation', 'metrics.nc');
  const nseSub = `NETCDF:"${metricsFile}":nse_lstm`;
  assert.deepEqual(gdalJson(nseSub).geoTransform, [-112.5, 0.125, 0, 43.125, 0, -0.125]);
  assert.match(run('gdalinfo', [metricsFile]), /NETCDF:".*metrics\.nc":kge_climatology/);

  const runs = await api.request('map.runs', {});
  assert.deepEqual(runs.runs.find((x) => x.id === 'nc1')?.predictions, ['lstm', 'physics-only']);
  const nseApi = await api.request('map.grid', { layer: 'run:nc1:nse:lstm' });
  const nseMem = r.evaluation.entries.find((e) => e.id === 'lstm')!.metrics.nse;
  const days = [0, 400, ds.dayCount - 1];
  const laiApi = await Promise.all(days.map((day) => api.request('map.grid', { layer: 'run:nc1:lai:lstm', day })));
  for (const cell of [0, 1, 7, 13, C - 1]) {
    const series = gdalAt(predSub, cell);
    assert.equal(series.length, ds.dayCount);
    days.forEach((day, k) => {
      const mem = lai[day * C + cell]!;
      assert.ok(rounded(series[day]!, mem), `cell ${cell} day ${day}: GDAL ${series[day]} vs run ${mem}`);
      assert.ok(same(laiApi[k]!.values[cell], series[day]!), `cell ${cell} day ${day}: API ${laiApi[k]!.values[cell]} vs GDAL ${series[day]}`);
    });
    const nse = gdalAt(nseSub, cell)[0]!;
    assert.ok(same(nse, nseMem[cell]!), `cell ${cell}: GDAL NSE ${nse} vs ${nseMem[cell]}`);
    assert.ok(same(nseApi.values[cell], nseMem[cell]!), `cell ${cell}: API NSE ${nseApi.values[cell]} vs ${nseMem[cell]}`);
  }
  assert.ok(Number.isNaN(gdalAt(predSub, 0)[5]!), 'the cell outside the basin is missing');
  // the map reads one day of a prediction (a hyperslab): the same values as the whole file's day
  const full = readPredictionFile(predFile);
  for (const k of [0, 1, 400, full.days - 1]) assert.deepEqual(readPredictionDay(predFile, k), full.daily.slice(k * C, (k + 1) * C), `day ${k}`);
  assert.throws(() => readPredictionDay(predFile, full.days), /lstm\.nc: day 1461 is outside its 1461 days/);
  // and one cell's days for a clicked cell's chart: the whole file's column, aligned on the dataset's days by map.series
  const offset = Math.round((Date.parse(`${full.startDate}T00:00:00Z`) - Date.parse(`${ds.startDate}T00:00:00Z`)) / 86_400_000);
  for (const cell of [1, 7, C - 1]) {
    const column = Float32Array.from({ length: full.days }, (_, k) => full.daily[k * C + cell]!);
    assert.deepEqual(readPredictionCell(predFile, cell), column, `cell ${cell}`);
    const chart = await api.request('map.series', { cell, run: 'nc1' });
    const values = chart.series.find((q) => q.id === 'nc1:lstm')!.values;
    for (const k of [0, 400, full.days - 1]) assert.ok(same(values[k + offset], column[k]!), `cell ${cell} day ${k}: chart ${values[k + offset]} vs file ${column[k]}`);
  }
  // and an area's chart (subbasin, clip): only the region's bounding box is read, giving the whole file's area means
  const regionChart = async (where: { subbasin: number } | { clip: true }, region: RegionWeights, what: string) => {
    const means = Float32Array.from(regionMeans(region, full.daily));
    assert.deepEqual(readPredictionRegion(predFile, region), means, what);
    const values = (await api.request('map.series', { ...where, run: 'nc1' })).series.find((q) => q.id === 'nc1:lstm')!.values;
    const finite = [...means.keys()].filter((k) => Number.isFinite(means[k]!));
    assert.ok(finite.length > full.days / 2, `${what}: only ${finite.length} days with a mean`);
    for (const k of finite) assert.ok(same(values[k + offset], means[k]!), `${what} day ${k}: chart ${values[k + offset]} vs file ${means[k]}`);
  };
  const sb = ds.subbasins.at(-1)!;
  await regionChart({ subbasin: sb.id }, regionWeights(grid, sb.cellFractions, ds.mask), `subbasin ${sb.name}`);

  // re-evaluation from the saved weights, only inside the project's clip (the three west columns)
  const west = -112.5 + 3 * 0.125;
  const clip: ProjectClip = { name: 'west', source: 'drawn', createdAt: new Date().toISOString(), geometry: { type: 'Polygon', coordinates: [[[-112.6, 43.2], [west, 43.2], [west, 42.0], [-112.6, 42.0], [-112.6, 43.2]]] } };
  await writeClip(projectDir, clip);
  // the clip's chart
  await regionChart({ clip: true }, regionWeights(grid, clipFractions(grid, ds.mask, clip), ds.mask), 'clip west');
  const before = statSync(metricsFile).mtimeMs;
  const ev = await evaluateRun({ runDir, dataset: ds, clip: true });
  assert.ok(statSync(metricsFile).mtimeMs > before);
  assert.equal(ev.clip?.cellCount, 3 * grid.nrows - 1); // cell 0 lies outside the basin
  const clipped = readMetricsFile(metricsFile);
  const nseClipped = clipped.get('lstm/nse')!;
  for (let c = 0; c < C; c++) {
    if (c % grid.ncols < 3 && ds.mask[c]) assert.ok(same(nseClipped[c], nseMem[c]!), `cell ${c}: clipped NSE ${nseClipped[c]} vs the run's ${nseMem[c]} (same weights)`);
    else assert.ok(Number.isNaN(nseClipped[c]!), `cell ${c} is outside the clip but was scored`);
  }
  assert.match(run('gdalinfo', [metricsFile]), /vegdyn_clip=west \(drawn\)/);
  const summary = JSON.parse(readFileSync(path.join(runDir, 'evaluation', 'summary.json'), 'utf8'));
  assert.equal(summary.evaluated.clip.cells, 3 * grid.nrows - 1);
  assert.equal(summary.commonCellCount, ev.evaluation.commonCellCount);
  assert.ok(ev.evaluation.commonCellCount <= 3 * grid.nrows - 1);
  assert.match(ev.tableText, /LSTM/);

  // a different test period: the record grows only when it must; metrics now cover 2002
  const ev2 = await evaluateRun({ runDir, dataset: ds, test: { from: '2002-01-01', to: '2002-12-31' } });
  assert.deepEqual(ev2.test, { from: '2002-01-01', to: '2002-12-31' });
  assert.equal(ev2.clip, null);
  assert.notDeepEqual(Array.from(readMetricsFile(metricsFile).get('lstm/nse')!), Array.from(nseMem));
  await assert.rejects(evaluateRun({ runDir, dataset: ds, test: { from: '2003-01-01', to: '2002-01-01' } }), /first <= last/);
});

test("the 'evaluate' job re-scores a run through the API, inside the project's clip", async () => {
  const projectDir = path.join(tmp, 'project');
  const done = (jobId: string) => new Promise<{ ev: string; payload: unknown }>((resolve) => {
    for (const ev of ['job.finished', 'job.failed', 'job.cancelled'] as const) api.on(ev, (p) => { if (p.jobId === jobId) resolve({ ev, payload: p }); });
  });
  // a test period without its end is refused where the request enters, naming the field
  await assert.rejects(api.request('jobs.start', { kind: 'evaluate', params: { projectDir, runId: 'nc1', test: { from: '2002-01-01' } } } as never),
    (e: unknown) => e instanceof ApiError && e.field === 'params.test.to' && /test\.to/.test(e.message));
  const job = await api.request('jobs.start', { kind: 'evaluate', params: { projectDir, runId: 'nc1', clip: true } });
  const end = await done(job.jobId);
  assert.equal(end.ev, 'job.finished', JSON.stringify(end.payload));
  const result = (end.payload as { result: { clip: { name: string; cells: number }; table: { id: string; n: number }[]; tableText: string } }).result;
  assert.deepEqual(result.clip, { name: 'west', cells: 3 * grid.nrows - 1 });
  assert.ok(result.table.find((r) => r.id === 'lstm')!.n <= 3 * grid.nrows - 1);
  assert.match(result.tableText, /LSTM/);
  const summary = JSON.parse(readFileSync(path.join(projectDir, 'runs', 'nc1', 'evaluation', 'summary.json'), 'utf8'));
  assert.equal(summary.evaluated.clip.name, 'west');
});

test('the older tensor-bundle outputs (before 0.1.0) are no longer read: the run lists without them and its layers name what is missing', async () => {
  const projectDir = path.join(tmp, 'project');
  const src = path.join(projectDir, 'runs', 'nc1');
  const old = path.join(projectDir, 'runs', 'old1');
  mkdirSync(path.join(old, 'predictions'), { recursive: true });
  mkdirSync(path.join(old, 'evaluation'), { recursive: true });
  for (const f of ['config.json', 'run.json', 'evaluation/summary.json']) cpSync(path.join(src, f), path.join(old, f));
  const daily = Float32Array.from({ length: 10 * C }, (_, i) => (i % C === 0 ? NaN : (i % 97) / 10));
  writeFileSync(path.join(old, 'predictions', 'lstm.vdtb'), encodeBundle([{ name: 'lai', shape: [10, grid.nrows, grid.ncols], data: daily }], { startDate: '2000-01-03', units: 'm2 m-2' }));
  const nse = Float32Array.from({ length: C }, (_, c) => (c === 0 ? NaN : c / 100));
  writeFileSync(path.join(old, 'evaluation', 'metrics.vdtb'), encodeBundle([{ name: 'lstm/nse', shape: [grid.nrows, grid.ncols], data: nse }], {}));

  const runs = await api.request('map.runs', {});
  assert.deepEqual(runs.runs.find((x) => x.id === 'old1')?.predictions, []);
  await assert.rejects(api.request('map.grid', { layer: 'run:old1:lai:lstm', day: 5 }), /run old1 has no predictions of 'lstm'/);
  await assert.rejects(api.request('map.grid', { layer: 'run:old1:nse:lstm' }), /run old1 has no evaluation yet/);
});

test('bitRound keeps 12 significant bits: relative error <= 2^-13, exact values and NaN unchanged', () => {
  const v = Float32Array.from([0, 1, 0.5, 3.14159, -2.71828, 1e-7, 6.99999, NaN, Infinity, 1234.5678]);
  const r = bitRound(v, 12);
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i]!)) assert.ok(Object.is(r[i], v[i]));
    else assert.ok(Math.abs(r[i]! - v[i]!) <= 2 ** -13 * Math.abs(v[i]!), `${v[i]} -> ${r[i]}`);
  }
  assert.deepEqual(Array.from(r.subarray(0, 3)), [0, 1, 0.5]);
  // the low 11 mantissa bits are zero (what lets deflate compress)
  for (const x of new Uint32Array(r.buffer).subarray(0, 7)) assert.equal(x & 0x7ff, 0);
  assert.throws(() => bitRound(v, 0), /1\.\.23/);
});

test('vegdyn evaluate --help describes the command', () => {
  const r = spawnSync(process.execPath, ['bin/vegdyn.mjs', 'evaluate', '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  for (const want of [/<runDir>/, /--clip/, /--test <from\.\.to>/, /saved weights/]) assert.match(r.stdout, want);
});
