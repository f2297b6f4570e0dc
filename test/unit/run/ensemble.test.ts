// Ensembles: two LSTM members (hidden 4, 1 epoch) differing in seed are trained into members/,
// collected once with one member and again with both; the mean, the spread files and the
// members' NSE distribution are checked against the members' own files, through GDAL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { initComputeBackend } from '../../../main/compute/backend.ts';
import { cellLat, cellLon } from '../../../main/data/grid.ts';
import { resolveRunConfig } from '../../../main/training/run-config.ts';
import { collectEnsemble, memberConfig, prepareEnsemble, trainMember } from '../../../main/run/ensemble.ts';
import { readPredictionFile, runFilesReady } from '../../../main/run/run-files.ts';
import { memberSpread } from '../../../main/evaluation/ensemble-spread.ts';
import { subbasinMean } from '../../../main/data/aggregate.ts';
import { makeTinyDataset } from '../training/tiny-dataset.ts';
import { writeDataset } from '../../../main/data/store/netcdf-store.ts';
import { inProcessApi } from '../in-process-api.ts';

const tiny = makeTinyDataset();
const ds = { ...tiny, grid: { ...tiny.grid, lon0: -112.4375, latTop: 43.0625 } };
const { grid } = ds;
const C = grid.nrows * grid.ncols;
process.env.VEGDYN_BACKEND = 'wasm';
const { tmp, api } = inProcessApi('vegdyn-ensemble-');

const config = resolveRunConfig({
  models: ['lstm'], hiddenSize: 4, windowDays: 60, warmupDays: 20, batchSize: 2, windowsPerEpoch: 3, epochs: 1, patience: 5,
  perModel: { lstm: { epochs: 1 } }, inferenceChunkDays: 400,
  periods: { record: { from: '2000-01-01', to: '2003-12-31' }, train: { from: '2000-01-01', to: '2001-12-31' }, validate: { from: '2002-01-01', to: '2002-12-31' }, test: { from: '2003-01-01', to: '2003-12-31' } },
});

function sh(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, [...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
  return r.stdout;
}

/** Every band of a (sub)dataset at a cell centre as GDAL reads it (-9999 = missing). */
function gdalAt(target: string, cell: number): number[] {
  const row = Math.floor(cell / grid.ncols);
  return sh('gdallocationinfo', ['-valonly', '-wgs84', target, String(cellLon(grid, cell % grid.ncols)), String(cellLat(grid, row))])
    .trim().split('\n').map(Number).map((v) => (v === -9999 ? NaN : v));
}

const near = (a: number, b: number, rel = 2 ** -11) => (Number.isNaN(b) ? Number.isNaN(a) : Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)));

test('member seeds and windows: seed + index; --same-windows shares the windows seed', () => {
  assert.deepEqual([0, 1, 2].map((i) => memberConfig(config, i, true)).map((c) => [c.seed, c.windowSeed]), [[42, null], [43, null], [44, null]]);
  assert.deepEqual([0, 1, 2].map((i) => memberConfig(config, i, false)).map((c) => [c.seed, c.windowSeed]), [[42, 42], [43, 42], [44, 42]]);
  assert.throws(() => memberConfig({ ...config, seed: 2 ** 31 - 1 }, 1, true), /exceeds/);
});

test('a 2-member ensemble: members, mean, spread maps per date and over the test period, NSE distribution; collect repeats', async () => {
  await initComputeBackend({ prefer: 'wasm' });
  await runFilesReady();
  const projectDir = path.join(tmp, 'project');
  await api.request('project.create', { dir: projectDir, name: 'ens' });
  await writeDataset(projectDir, ds);
  {
    const runDir = path.join(projectDir, 'runs', 'ens');
    await prepareEnsemble(runDir, config, 2, true);
    await assert.rejects(prepareEnsemble(runDir, config, 3, true), /ensemble\.json: members is 2, asked for 3/);
    await assert.rejects(collectEnsemble({ runDir, projectDir, dataset: ds }), /no member has finished yet \(m00, m01 pending\)/);

    await trainMember({ dataset: ds, runDir, projectDir, index: 0 });
    const partial = await collectEnsemble({ runDir, projectDir, dataset: ds });
    assert.deepEqual([partial.collected, partial.pending], [['m00'], ['m01']]);
    assert.equal(JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8')).status, 'running');

    await trainMember({ dataset: ds, runDir, projectDir, index: 1 });
    const r = await collectEnsemble({ runDir, projectDir, dataset: ds });
    assert.deepEqual([r.collected, r.pending, r.entries], [['m00', 'm01'], [], ['lstm']]);
    const runJson = JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8'));
    assert.equal(runJson.status, 'finished');
    const m = [0, 1].map((i) => path.join(runDir, 'members', `m0${i}`));
    assert.deepEqual(m.map((d) => JSON.parse(readFileSync(path.join(d, 'config.json'), 'utf8')).seed), [42, 43]);
    assert.deepEqual(m.map((d) => JSON.parse(readFileSync(path.join(d, 'progress.json'), 'utf8')).state), ['finished', 'finished']);

    // the mean file is the mean of the members' files (each BitRounded to 12 bits)
    const a = readPredictionFile(path.join(m[0]!, 'predictions', 'lstm.nc')).daily;
    const b = readPredictionFile(path.join(m[1]!, 'predictions', 'lstm.nc')).daily;
    const mean = readPredictionFile(path.join(runDir, 'predictions', 'lstm.nc')).daily;
    let differ = 0;
    for (let i = 0; i < a.length; i++) {
      assert.ok(near(mean[i]!, (a[i]! + b[i]!) / 2), `value ${i}: mean ${mean[i]} vs members ${a[i]}, ${b[i]}`);
      if (Math.abs(a[i]! - b[i]!) > 1e-3) differ++;
    }
    assert.ok(differ > a.length / 4, `members with different seeds should differ (${differ} of ${a.length} values)`);

    // spread per test date, through GDAL: std = |a - b| / sqrt(2), 5-95 % range = 0.9 |a - b|
    const spreadFile = path.join(runDir, 'spread', 'lstm.nc');
    const info = JSON.parse(sh('gdalinfo', ['-json', `NETCDF:"${spreadFile}":lai_std`]));
    assert.deepEqual(info.geoTransform, [-112.5, 0.125, 0, 43.125, 0, -0.125]);
    assert.equal(info.bands.length, 365);
    assert.match(sh('gdalinfo', [spreadFile]), /SUBDATASET_\d_NAME=NETCDF:".*":lai_range_5_95/);
    assert.match(sh('gdalinfo', [`NETCDF:"${spreadFile}":lai_range_5_95`]), /lai_range_5_95#units=m2 m-2/);
    const testStart = 3 * 365 + 1; // 2003-01-01 from 2000-01-01
    for (const cell of [1, 7, C - 1]) {
      const std = gdalAt(`NETCDF:"${spreadFile}":lai_std`, cell);
      const range = gdalAt(`NETCDF:"${spreadFile}":lai_range_5_95`, cell);
      for (const t of [0, 100, 364]) {
        const i = (testStart + t) * C + cell;
        const d = Math.abs(a[i]! - b[i]!);
        assert.ok(near(std[t]!, d / Math.SQRT2, 2 ** -10), `cell ${cell} day ${t}: std ${std[t]} vs ${d / Math.SQRT2}`);
        assert.ok(near(range[t]!, 0.9 * d, 2 ** -10), `cell ${cell} day ${t}: range ${range[t]} vs ${0.9 * d}`);
      }
    }
    assert.ok(Number.isNaN(gdalAt(`NETCDF:"${spreadFile}":lai_std`, 0)[0]!), 'the cell outside the basin is missing');

    // the test-period maps: the mean daily std, and the members' NSE spread per cell
    const mapsFile = path.join(runDir, 'spread', 'test-period.nc');
    const full = memberSpread([a, b], testStart * C, (testStart + 365) * C);
    let sum = 0;
    for (let t = 0; t < 365; t++) sum += full.std[t * C + 7]!;
    assert.ok(near(gdalAt(`NETCDF:"${mapsFile}":lai_std_lstm`, 7)[0]!, sum / 365, 1e-4));
    const nse = m.map((d) => gdalAt(`NETCDF:"${path.join(d, 'evaluation', 'metrics.nc')}":nse_lstm`, 7)[0]!);
    assert.ok(near(gdalAt(`NETCDF:"${mapsFile}":nse_range_lstm`, 7)[0]!, Math.abs(nse[0]! - nse[1]!), 1e-5));
    assert.ok(near(gdalAt(`NETCDF:"${mapsFile}":nse_std_lstm`, 7)[0]!, Math.abs(nse[0]! - nse[1]!) / Math.SQRT2, 1e-5));

    // evaluation scores the mean; the members' NSE distribution comes from their own summaries
    const summary = JSON.parse(readFileSync(path.join(runDir, 'evaluation', 'summary.json'), 'utf8'));
    const medians = m.map((d) => JSON.parse(readFileSync(path.join(d, 'evaluation', 'summary.json'), 'utf8')).entries.find((e: { id: string }) => e.id === 'lstm').summary.nse.median);
    assert.deepEqual(summary.ensemble.nse.lstm.perMember, [{ member: 'm00', median: medians[0] }, { member: 'm01', median: medians[1] }]);
    assert.equal(summary.ensemble.nse.lstm.min, Math.min(...medians));
    assert.equal(summary.ensemble.nse.lstm.max, Math.max(...medians));
    assert.deepEqual(summary.ensemble.seeds, [42, 43]);
    const meanEntry = summary.entries.find((e: { id: string }) => e.id === 'lstm');
    assert.equal(r.evaluation.entries.find((e) => e.id === 'lstm')!.summary.nse.median, meanEntry.summary.nse.median);
    assert.ok(existsSync(path.join(runDir, 'predictions', 'physics-only.nc')));

    // the map offers the spread maps as layers with their units, and serves the file's values
    const layers = (await api.request('map.layers', {})).layers.filter((l) => l.id.startsWith('run:ens:spread:'));
    assert.deepEqual(layers.map((l) => [l.id, l.units]).sort(), [
      ['run:ens:spread:lstm:lai_range_5_95', 'm2 m-2'], ['run:ens:spread:lstm:lai_std', 'm2 m-2'],
      ['run:ens:spread:lstm:nse_range', 'dimensionless'], ['run:ens:spread:lstm:nse_std', 'dimensionless'],
    ]);
    const served = await api.request('map.grid', { layer: 'run:ens:spread:lstm:lai_std' });
    assert.ok(near(served.values[7]!, gdalAt(`NETCDF:"${mapsFile}":lai_std_lstm`, 7)[0]!, 1e-6));
    const outside: number | null | undefined = served.values[0];
    assert.ok(outside === null || Number.isNaN(outside), `the cell outside the basin is missing, got ${outside}`);

    // the spread on one date: the file's value on test dates, missing before the test period
    const onDate = await api.request('map.grid', { layer: 'run:ens:spread-date:lstm:lai_std', day: testStart + 100 });
    assert.equal(onDate.sourceDay, testStart + 100);
    assert.ok(near(onDate.values[7]!, gdalAt(`NETCDF:"${spreadFile}":lai_std`, 7)[100]!, 1e-6), `std on the date ${onDate.values[7]}`);
    const rangeOnDate = await api.request('map.grid', { layer: 'run:ens:spread-date:lstm:lai_range_5_95', day: testStart + 100 });
    assert.ok(near(rangeOnDate.values[7]!, 0.9 * Math.abs(a[(testStart + 100) * C + 7]! - b[(testStart + 100) * C + 7]!), 2 ** -10));
    const beforeTest = await api.request('map.grid', { layer: 'run:ens:spread-date:lstm:lai_std', day: 10 });
    assert.equal(beforeTest.sourceDay, null);
    assert.ok(Array.from(beforeTest.values).every((v) => v === null || Number.isNaN(v)), 'no spread before the test period');

    // the series chart's band: per day, the 5th and 95th percentiles of the members at the cell,
    // and for a subbasin of the members' area means (not the mean of per-cell spreads)
    const lerp = (x: number, y: number, q: number) => Math.min(x, y) + q * Math.abs(x - y);
    const cellSeries = await api.request('map.series', { cell: 7, run: 'ens' });
    const edges = cellSeries.series.filter((x) => x.kind === 'spread');
    assert.deepEqual(edges.map((x) => [x.id, x.band]), [['ens:lstm:p05', { of: 'ens:lstm', edge: 'lower' }], ['ens:lstm:p95', { of: 'ens:lstm', edge: 'upper' }]]);
    assert.ok(cellSeries.series.some((x) => x.id === 'ens:lstm'), 'the band surrounds the mean series, which is charted');
    assert.match(edges[0]!.label, /5 % of 2 members/);
    for (const t of [30, testStart + 100, 4 * 365]) {
      const [x, y] = [a[t * C + 7]!, b[t * C + 7]!];
      assert.ok(near(edges[0]!.values[t]!, lerp(x, y, 0.05), 1e-6) && near(edges[1]!.values[t]!, lerp(x, y, 0.95), 1e-6), `day ${t}: band ${edges[0]!.values[t]}..${edges[1]!.values[t]}, members ${x}, ${y}`);
    }
    const sub = await api.request('map.series', { subbasin: 1, run: 'ens' });
    const subEdges = sub.series.filter((x) => x.kind === 'spread');
    const [meanA, meanB] = [subbasinMean(ds, 1, a), subbasinMean(ds, 1, b)];
    for (const t of [testStart + 100]) {
      const [x, y] = [meanA[t]!, meanB[t]!];
      assert.ok(near(subEdges[0]!.values[t]!, lerp(x, y, 0.05), 1e-4) && near(subEdges[1]!.values[t]!, lerp(x, y, 0.95), 1e-4), `subbasin day ${t}: band ${subEdges[0]!.values[t]}..${subEdges[1]!.values[t]}, member means ${x}, ${y}`);
    }
    // the comparison panel's data: the members' median NSE beside the mean's
    const listed = (await api.request('map.runs', {})).runs.find((x) => x.id === 'ens')!;
    assert.deepEqual(listed.ensemble?.nse['lstm']?.perMember.map((p) => p.median), medians);
  }
});
