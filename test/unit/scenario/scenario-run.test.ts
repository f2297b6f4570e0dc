/**
 * A scenario run on a real (tiny) trained run, through the typed job: daily LAI as CF NetCDF4 that
 * gdalinfo reads, change maps and extrapolation fractions that GDAL reads back as computed, basin
 * and subbasin series; a no-change scenario changes nothing; cancel and a run without weights
 * leave the run folder unchanged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { initComputeBackend } from '../../../main/compute/backend.ts';
import { writeDataset } from '../../../main/data/store/netcdf-store.ts';
import { cellLat, cellLon } from '../../../main/data/grid.ts';
import { daysBetween } from '../../../main/data/time-axis.ts';
import { resolveRunConfig } from '../../../main/training/run-config.ts';
import { runExperiment } from '../../../main/run/experiment.ts';
import { createScenario } from '../../../main/data/scenario/scenario-store.ts';
import { extrapolationFlags, trainingEnvelope } from '../../../main/data/scenario/extrapolation.ts';
import { runScenario } from '../../../main/run/scenario-run.ts';
import { buildHtmlReport } from '../../../main/report/html-report.ts';
import { withReportSection } from '../../../main/report/replace-report-section.ts';
import { readScenarioSummary } from '../../../main/run/run-folder.ts';
import { makeTinyDataset } from '../training/tiny-dataset.ts';
import { hashTree } from '../importers/project-hash.ts';
import { inProcessApi } from '../in-process-api.ts';
import { runJob } from '../job-run.ts';

const tiny = makeTinyDataset();
const ds = { ...tiny, grid: { ...tiny.grid, lon0: -112.4375, latTop: 43.0625 } };
const { grid } = ds;
const C = grid.nrows * grid.ncols;
process.env.VEGDYN_BACKEND = 'wasm';
const { tmp, api } = inProcessApi('vegdyn-scenario-run-');
const projectDir = path.join(tmp, 'project');
const runDir = path.join(projectDir, 'runs', 'sc1');

const config = resolveRunConfig({
  models: ['lstm'], hiddenSize: 4, windowDays: 60, warmupDays: 20, batchSize: 2, windowsPerEpoch: 3, epochs: 1, patience: 5,
  perModel: { lstm: { epochs: 1 } }, inferenceChunkDays: 400, features: { co2: true },
  periods: { record: { from: '2000-01-01', to: '2003-12-31' }, train: { from: '2000-01-01', to: '2001-12-31' }, validate: { from: '2002-01-01', to: '2002-12-31' }, test: { from: '2003-01-01', to: '2003-12-31' } },
});

function gdal(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, [...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
  return r.stdout;
}
function gdalAt(target: string, cell: number): number {
  const v = Number(gdal('gdallocationinfo', ['-valonly', '-wgs84', target, String(cellLon(grid, cell % grid.ncols)), String(cellLat(grid, Math.floor(cell / grid.ncols)))]).trim().split('\n')[0]);
  return v === -9999 ? NaN : v;
}

function scenarioJob(scenario: string): ReturnType<typeof runJob> {
  return runJob(api, { kind: 'scenario-run', params: { projectDir, runId: 'sc1', scenario } });
}

test('setup: a tiny trained run with the co2_change channel', async () => {
  await initComputeBackend({ prefer: 'wasm' });
  await api.request('project.create', { dir: projectDir, name: 'sc' });
  await writeDataset(projectDir, ds);
  const r = await runExperiment({ dataset: ds, config, runDir, resume: false });
  // the run's report, as a demo run has one: scenario runs add their section to it
  writeFileSync(path.join(runDir, 'report.html'), buildHtmlReport({ title: 'sc', runId: 'sc1', dataset: ds, evaluation: r.evaluation, predictions: r.predictions, seriesStart: r.record.start, facts: [], reductions: [] }));
  await createScenario(projectDir, { name: 'warm-dry', changes: { Tair: 3, Rainf: 0.85 }, co2Ppm: 550 });
  await createScenario(projectDir, { name: 'none', changes: { Tair: 0, Rainf: 1 } });
});

test('the scenario-run job writes daily LAI NetCDF4 (gdalinfo), change maps, flags and series', async () => {
  const { end, progress } = await scenarioJob('warm-dry');
  assert.equal(end.kind, 'scenario-run');
  if (end.kind !== 'scenario-run') return;
  assert.ok(progress.length >= 3, `progress reported (${progress.length})`);
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i]!.fraction >= progress[i - 1]!.fraction, 'progress does not go back');
  const s = end.result.summary;
  assert.deepEqual(s.period, { from: '2003-01-01', to: '2003-12-31' });
  assert.deepEqual(s.entries.map((e) => [e.id, e.co2]), [['lstm', 'blind-constant-in-training'], ['physics-only', 'process-model']]);
  // CO2 550 ppm lies outside the training years' 369-372 ppm on every day: all cell-days are flagged
  assert.equal(s.outsideEnvelope.perVariable.CO2, 1);
  assert.equal(s.outsideEnvelope.share, 1);
  assert.ok(s.outsideEnvelope.perVariable.Tair! > 0 && s.outsideEnvelope.perVariable.Tair! < 1, `Tair +3 K leaves the range on some days (${s.outsideEnvelope.perVariable.Tair})`);
  assert.match(end.result.tableText, /100\.0 % of basin cell-days outside the training envelope/);
  assert.deepEqual(readScenarioSummary(runDir, 'warm-dry')?.entries.map((e) => e.id), ['lstm', 'physics-only']);

  const dir = end.result.dir;
  const daily = path.join(dir, 'daily', 'physics-only.nc');
  const info = JSON.parse(gdal('gdalinfo', ['-json', `NETCDF:"${daily}":lai`])) as { geoTransform: number[]; size: number[]; bands: unknown[] };
  assert.deepEqual(info.geoTransform, [-112.5, 0.125, 0, 43.125, 0, -0.125]);
  assert.deepEqual(info.size, [grid.ncols, grid.nrows]);
  assert.equal(info.bands.length, 365);
  assert.match(gdal('gdalinfo', [daily]), /NETCDF:".*physics-only\.nc":lai_baseline/);

  // the annual change map is the period mean of scenario minus baseline that GDAL reads from the daily file
  const changes = path.join(dir, 'changes.nc');
  const list = gdal('gdalinfo', [changes]);
  for (const v of ['change_lstm_annual', 'relchange_physics_only_JJA', 'extrapolation_fraction', 'extrapolation_fraction_CO2']) assert.match(list, new RegExp(`:${v}\\b`));
  const phys = readScenarioSummary(runDir, 'warm-dry')!.entries.find((e) => e.id === 'physics-only')!;
  for (const cell of [1, 7, C - 1]) {
    const scen = gdal('gdallocationinfo', ['-valonly', '-wgs84', `NETCDF:"${daily}":lai`, String(cellLon(grid, cell % grid.ncols)), String(cellLat(grid, Math.floor(cell / grid.ncols)))]).trim().split('\n').map(Number);
    const base = gdal('gdallocationinfo', ['-valonly', '-wgs84', `NETCDF:"${daily}":lai_baseline`, String(cellLon(grid, cell % grid.ncols)), String(cellLat(grid, Math.floor(cell / grid.ncols)))]).trim().split('\n').map(Number);
    const meanDiff = scen.reduce((a, v, t) => a + v - base[t]!, 0) / scen.length;
    const map = gdalAt(`NETCDF:"${changes}":change_physics_only_annual`, cell);
    assert.ok(Math.abs(map - meanDiff) < 1e-4, `cell ${cell}: change map ${map} vs mean of the daily difference ${meanDiff}`);
    assert.equal(gdalAt(`NETCDF:"${changes}":extrapolation_fraction_CO2`, cell), 1);
  }
  assert.ok(phys.changes.annual!.find((r) => r.region === 'basin')!.change !== 0, 'the process model responds to +3 K, 0.85 x precipitation and 550 ppm');
  assert.deepEqual(phys.changes.annual!.map((r) => r.region), ['basin', 'West']);
  const csv = readFileSync(path.join(dir, 'series.csv'), 'utf8').trim().split('\n');
  assert.equal(csv[0], 'date,entry,region,baseline,scenario');
  assert.equal(csv.length, 1 + 2 * 2 * 365, 'a row per day, entry and region (basin, West)');
  assert.match(csv[1]!, /^2003-01-01,lstm,basin,\d+\.\d{4},\d+\.\d{4}$/);

  // the run's report gained the scenario's section: definition, basin change per model, envelope share, change maps
  const report = readFileSync(path.join(runDir, 'report.html'), 'utf8');
  const start = report.indexOf('<section id="scenario-warm-dry"');
  assert.ok(start > report.indexOf('<h2>Run facts</h2>'), 'the section follows the run report');
  const section = report.slice(start, report.indexOf('</section>', start));
  assert.match(section, /Tair \+3, Rainf x0\.85, CO2 550 ppm; humidity keeps the baseline relative humidity\. Period 2003-01-01 to 2003-12-31/);
  assert.match(section, /<strong>100\.0 % of basin cell-days<\/strong> have forcing outside the training envelope \(training range; /);
  const physBasin = phys.changes.annual!.find((r) => r.region === 'basin')!;
  assert.ok(section.includes(`<td>Physics only (defaults)</td><td>${physBasin.baseline!.toFixed(3)}</td><td>${physBasin.scenario!.toFixed(3)}</td><td>${physBasin.change!.toFixed(3)}</td>`), 'the physics-only row holds the summary\'s basin means');
  assert.equal((section.match(/aria-label="[^"]*: annual mean LAI change"/g) ?? []).length, 2, 'a change map per model');
  assert.ok(report.trimEnd().endsWith('</body></html>'));
});

test('the map offers the change maps with their units, serves the values written, and exports them as GeoTIFF', async () => {
  const { layers } = await api.request('map.layers', {});
  const id = 'run:sc1:scenario:warm-dry:change:physics-only:annual';
  const change = layers.find((l) => l.id === id);
  assert.ok(change, `layer ${id} listed (${layers.filter((l) => l.id.includes(':scenario:')).length} scenario layers)`);
  assert.equal(change.units, 'm2 m-2');
  assert.equal(change.kind, 'diverging');
  assert.equal(change.range[0], -change.range[1]);
  assert.equal(layers.find((l) => l.id === 'run:sc1:scenario:warm-dry:relchange:lstm:JJA')?.units, '%');
  assert.equal(layers.find((l) => l.id === 'run:sc1:scenario:warm-dry:extrapolation')?.units, '%');
  const changes = path.join(runDir, 'scenarios', 'warm-dry', 'changes.nc');
  const g = await api.request('map.grid', { layer: id });
  const pct = await api.request('map.grid', { layer: 'run:sc1:scenario:warm-dry:extrapolation' });
  const tif = await api.request('map.exportGeoTiff', { layer: id });
  for (const cell of [1, 7, C - 1]) {
    const fromNc = gdalAt(`NETCDF:"${changes}":change_physics_only_annual`, cell);
    assert.ok(Math.abs(Number(g.values[cell]) - fromNc) < 1e-6, `cell ${cell}: map ${g.values[cell]} vs file ${fromNc}`);
    assert.equal(pct.values[cell], 100, 'CO2 outside the envelope on every day: 100 %');
    assert.ok(Math.abs(gdalAt(tif.path, cell) - fromNc) < 1e-6, `cell ${cell}: GeoTIFF vs file`);
  }
  assert.ok(g.values[0] === null || Number.isNaN(g.values[0]), 'missing outside the basin');
});

test("the app's requests: scenarios.list with the results' basin changes, scenarios.create refusing with the engine's message, map.scenarioSeries as the files hold it", async () => {
  const listed = await api.request('scenarios.list', {});
  assert.deepEqual(listed.scenarios.map((s) => s.name), ['none', 'warm-dry']);
  const result = listed.results.find((r) => r.runId === 'sc1' && r.scenario === 'warm-dry');
  assert.ok(result, 'the run\'s results are listed');
  assert.equal(result.outsideEnvelope, 1);
  const basin = readScenarioSummary(runDir, 'warm-dry')!.entries.find((e) => e.id === 'physics-only')!.changes.annual!.find((r) => r.region === 'basin')!;
  assert.equal(result.entries.find((e) => e.id === 'physics-only')?.change, basin.change);

  const before = hashTree(path.join(projectDir, 'scenarios'));
  for (const [bad, message] of [
    [{ name: 'bad', changes: { Qair: 1 } }, /changes: unknown variable 'Qair'; a scenario changes Tair/],
    [{ name: 'bad', changes: { Rainf: -0.2 } }, /changes\.Rainf: must not be negative/],
    [{ name: 'bad', changes: {}, co2Ppm: 2500 }, /co2Ppm: CO2 must be within 150-2000 ppm \(got 2500\)/],
  ] as const) {
    await assert.rejects(api.request('scenarios.create', bad), (err: Error & { code?: string }) => {
      assert.match(err.message, message);
      assert.equal(err.code, 'invalid-request');
      return true;
    });
  }
  assert.equal(hashTree(path.join(projectDir, 'scenarios')), before, 'a refused scenario writes nothing');
  const made = await api.request('scenarios.create', { name: 'monthly', changes: { Tair: [1, 1, 2, 2, 3, 3, 3, 3, 2, 2, 1, 1] }, co2Ppm: 450, period: { from: '2003-06-01', to: '2003-08-31' } });
  assert.equal(made.file, path.join(projectDir, 'scenarios', 'monthly.json'));
  assert.deepEqual(JSON.parse(readFileSync(made.file, 'utf8')).changes, { Tair: [1, 1, 2, 2, 3, 3, 3, 3, 2, 2, 1, 1] });
  rmSync(made.file);

  // a cell: its column of the daily file, as GDAL reads it, on the dataset's day axis
  const daily = path.join(runDir, 'scenarios', 'warm-dry', 'daily', 'physics-only.nc');
  const cell = 7;
  const where = [String(cellLon(grid, cell % grid.ncols)), String(cellLat(grid, Math.floor(cell / grid.ncols)))];
  const cellSeries = await api.request('map.scenarioSeries', { run: 'sc1', scenario: 'warm-dry', cell });
  assert.deepEqual(cellSeries.series.map((s) => s.id), ['baseline:lstm', 'scenario:lstm', 'baseline:physics-only', 'scenario:physics-only']);
  const first = daysBetween(ds.startDate, '2003-01-01');
  for (const [id, variable] of [['scenario:physics-only', 'lai'], ['baseline:physics-only', 'lai_baseline']] as const) {
    const s = cellSeries.series.find((x) => x.id === id)!;
    const fromGdal = gdal('gdallocationinfo', ['-valonly', '-wgs84', `NETCDF:"${daily}":${variable}`, ...where]).trim().split('\n').map(Number);
    assert.equal(s.days?.[0], first);
    assert.equal(s.values.length, 365);
    s.values.forEach((v, t) => assert.ok(Math.abs(Number(v) - fromGdal[t]!) < 1e-6, `${id} day ${t}: ${v} vs ${fromGdal[t]}`));
  }
  // a subbasin: its rows of series.csv
  const west = ds.subbasins.find((s) => s.name === 'West')!;
  const sub = await api.request('map.scenarioSeries', { run: 'sc1', scenario: 'warm-dry', subbasin: west.id });
  const rows = readFileSync(path.join(runDir, 'scenarios', 'warm-dry', 'series.csv'), 'utf8').trim().split('\n').map((l) => l.split(',')).filter((f) => f[1] === 'lstm' && f[2] === 'West');
  assert.deepEqual(sub.series.find((s) => s.id === 'scenario:lstm')?.values.map((v) => Number(v).toFixed(4)), rows.map((f) => f[4]));
  assert.deepEqual(sub.series.find((s) => s.id === 'baseline:lstm')?.values.map((v) => Number(v).toFixed(4)), rows.map((f) => f[3]));
  await assert.rejects(api.request('map.scenarioSeries', { run: 'sc1', scenario: 'nope', cell }), /run sc1 has no \(readable\) results of scenario 'nope'/);
});

test('a scenario that changes nothing gives identical baseline and scenario LAI and flags only what the baseline itself has outside the training range', async () => {
  const r = await runScenario({ runDir, scenario: 'none' });
  for (const e of r.entries) {
    const annual = e.maps[0]!;
    for (let c = 0; c < C; c++) if (ds.mask[c]) assert.equal(annual.absolute[c], 0, `${e.id} cell ${c}`);
  }
  // nothing is flagged beyond what the baseline's own test year has outside the training years' range
  const envelope = trainingEnvelope(ds, { start: 0, end: daysBetween(ds.startDate, '2002-01-01') }, () => 370);
  const own = extrapolationFlags(ds, { start: daysBetween(ds.startDate, '2003-01-01'), end: ds.dayCount }, envelope);
  assert.equal(r.flags.sharePerVariable.CO2, 0);
  // each scenario has one section in the report; a scenario run again replaces its own
  const report = readFileSync(path.join(runDir, 'report.html'), 'utf8');
  assert.deepEqual(report.match(/<section id="scenario-[^"]+"/g), ['<section id="scenario-warm-dry"', '<section id="scenario-none"']);
  const again = withReportSection(report, 'scenario-warm-dry', 'again');
  assert.deepEqual(again.match(/<section id="scenario-[^"]+"/g), ['<section id="scenario-warm-dry"', '<section id="scenario-none"']);
  assert.ok(again.includes('<section id="scenario-warm-dry">\nagain\n</section>') && again.length < report.length);
  assert.equal(r.flags.share, own.share);
  assert.deepEqual(Array.from(r.flags.fraction), Array.from(own.fraction));
});

test('a cancelled scenario run and a run without weights leave the run folder unchanged', async () => {
  rmSync(path.join(runDir, 'scenarios', 'none'), { recursive: true });
  const before = hashTree(runDir);
  const abort = new AbortController();
  await assert.rejects(runScenario({ runDir, scenario: 'none', signal: abort.signal, onProgress: () => abort.abort(new Error('stop')) }), /stop/);
  assert.equal(hashTree(runDir), before);
  assert.ok(!existsSync(path.join(runDir, 'scenarios', 'none')));
  rmSync(path.join(runDir, 'models', 'lstm', 'weights.vdtb'));
  const noWeights = hashTree(runDir);
  await assert.rejects(runScenario({ runDir, scenario: 'none' }), /the run has no trained model with saved weights .*weights\.vdtb.*train it first/);
  await assert.rejects(runScenario({ runDir: path.join(projectDir, 'runs', 'sc1'), scenario: 'nope' }), /no scenario 'nope' .*defined: none, warm-dry/);
  assert.equal(hashTree(runDir), noWeights);
});
