/**
 * The learned parameters of a calibrated physics-only run as map layers: one value layer and one
 * "difference from default" layer per parameter, grouped under the run, naming the range and the
 * defaults; the difference layer is the value layer minus each cell's PFT default.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { initComputeBackend } from '../../../main/compute/backend.ts';
import { writeDataset } from '../../../main/data/store/netcdf-store.ts';
import { resolveRunConfig } from '../../../main/training/run-config.ts';
import { runExperiment } from '../../../main/run/experiment.ts';
import { LAND_COVER_TO_PFT, PARAMETER_SPECS } from '../../../main/physics/grid/pft-params.ts';
import { cellLat, cellLon } from '../../../main/data/grid.ts';
import type { LearnedParameterReport } from '../../../main/physics/grid/learned-parameters.ts';
import { makeTinyDataset } from '../training/tiny-dataset.ts';
import { inProcessApi } from '../in-process-api.ts';

const ds = makeTinyDataset();
const { tmp, api } = inProcessApi('vegdyn-param-layers-');

test('calibrated physics-only parameters: value and difference-from-default layers per parameter', async () => {
  await initComputeBackend({ prefer: 'wasm' });
  const projectDir = path.join(tmp, 'project');
  await api.request('project.create', { dir: projectDir, name: 'params' });
  await writeDataset(projectDir, ds);
  const config = resolveRunConfig({
    models: ['physics-calibrated'], windowDays: 60, warmupDays: 20, batchSize: 1, windowsPerEpoch: 2, epochs: 1, patience: 5, inferenceChunkDays: 400,
    perModel: { 'physics-calibrated': { learningRate: 0.05 } },
    periods: { record: { from: '2000-01-01', to: '2003-12-31' }, train: { from: '2000-01-01', to: '2001-12-31' }, validate: { from: '2002-01-01', to: '2002-12-31' }, test: { from: '2003-01-01', to: '2003-12-31' } },
  });
  const runDir = path.join(projectDir, 'runs', 'pc1');
  const r = await runExperiment({ dataset: ds, config, runDir, resume: false });
  assert.ok(r.evaluation.entries.some((e) => e.id === 'physics-calibrated' && e.label === 'Physics only (calibrated)'));
  assert.ok(r.evaluation.entries.some((e) => e.id === 'physics-only' && e.label === 'Physics only (defaults)'));
  const report = JSON.parse(readFileSync(path.join(runDir, 'models/physics-calibrated/learned-parameters.json'), 'utf8')) as LearnedParameterReport;
  assert.ok(Number.isFinite(report.parameters.sla.movement.meanPercent), 'the report says how far SLA moved');

  const { layers } = await api.request('map.layers', {});
  const value = layers.find((l) => l.id === 'run:pc1:param:physics-calibrated/sla');
  const diff = layers.find((l) => l.id === 'run:pc1:param-diff:physics-calibrated/sla');
  assert.ok(value && diff, 'both SLA layers are listed');
  assert.equal(value.group, diff.group);
  assert.match(diff.label, /^Physics only \(calibrated\): Specific leaf area, SLA \[.*\], difference from default$/);
  assert.match(diff.description ?? '', /range 0\.004\.\.0\.06 .*defaults per vegetation type/);
  assert.equal(diff.kind, 'diverging');

  const v = (await api.request('map.grid', { layer: value.id })).values;
  const d = (await api.request('map.grid', { layer: diff.id })).values;
  const sla = report.parameters.sla;
  let checked = 0;
  for (let c = 0; c < ds.mask.length; c++) {
    const pft = (LAND_COVER_TO_PFT as Record<number, { pft: number } | undefined>)[ds.staticLayers.landCover[c]!]?.pft;
    if (!ds.mask[c] || pft === undefined) { assert.ok(d[c] === null || Number.isNaN(d[c]), `cell ${c} outside: no value`); continue; }
    assert.ok(Math.abs((v[c] as number) - sla.values[pft]!) < 1e-6, `cell ${c}: value layer`);
    assert.ok(Math.abs((d[c] as number) - (sla.values[pft]! - sla.defaults[pft]!)) < 1e-6, `cell ${c}: difference from default`);
    checked++;
  }
  assert.ok(checked > 5);
});

function gdal(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
function gdalAt(target: string, cell: number): number {
  const g = ds.grid;
  const v = Number(gdal('gdallocationinfo', ['-valonly', '-wgs84', target, String(cellLon(g, cell % g.ncols)), String(cellLat(g, Math.floor(cell / g.ncols)))]).trim().split('\n')[0]);
  return v === -9999 ? NaN : v;
}

test('per-cell-network parameters: CF NetCDF4 maps in the run folder that gdal reads, map layers that vary within a vegetation type, GeoTIFF export', async () => {
  await initComputeBackend({ prefer: 'wasm' });
  const projectDir = path.join(tmp, 'project');
  const config = resolveRunConfig({
    models: ['physics-calibrated'], windowDays: 60, warmupDays: 20, batchSize: 1, windowsPerEpoch: 2, epochs: 1, patience: 5, inferenceChunkDays: 400,
    perModel: { 'physics-calibrated': { learningRate: 0.05 } },
    modelOptions: { 'physics-calibrated': { parameterization: 'per-cell-network', cellNetworkHidden: 4, spinUpYears: 1 } },
    periods: { record: { from: '2000-01-01', to: '2003-12-31' }, train: { from: '2000-01-01', to: '2001-12-31' }, validate: { from: '2002-01-01', to: '2002-12-31' }, test: { from: '2003-01-01', to: '2003-12-31' } },
  });
  const runDir = path.join(projectDir, 'runs', 'pcell');
  await runExperiment({ dataset: ds, config, runDir, resume: false });
  const report = JSON.parse(readFileSync(path.join(runDir, 'models/physics-calibrated/learned-parameters.json'), 'utf8')) as LearnedParameterReport;
  assert.equal(report.parameterization, 'per-cell-network');
  const nc = path.join(runDir, 'models/physics-calibrated/parameter-maps.nc');
  const sub = `NETCDF:"${nc}":sla`;
  const info = JSON.parse(gdal('gdalinfo', ['-json', sub])) as { size: number[]; bands: { metadata: { ''?: Record<string, string> } }[] };
  assert.deepEqual(info.size, [ds.grid.ncols, ds.grid.nrows]);
  const md = info.bands[0]!.metadata[''] ?? {};
  const range = PARAMETER_SPECS.sla.range;
  assert.equal(md['units'], range.units);
  assert.match(md['long_name'] ?? '', /Specific leaf area \(SLA\)/);
  assert.ok(Math.abs(Number(md['valid_min']) - range.min) < 1e-6 && Math.abs(Number(md['valid_max']) - range.max) < 1e-6, `valid range ${md['valid_min']}..${md['valid_max']}`);
  assert.match(md['vegdyn_default_by_pft'] ?? '', /c3-grass=0\.03/);

  const { layers } = await api.request('map.layers', {});
  const value = layers.find((l) => l.id === 'run:pcell:param:physics-calibrated/sla')!;
  const diff = layers.find((l) => l.id === 'run:pcell:param-diff:physics-calibrated/sla')!;
  assert.ok(value && diff, 'both SLA layers are listed');
  assert.match(value.description ?? '', /per cell/);
  const v = (await api.request('map.grid', { layer: value.id })).values;
  const d = (await api.request('map.grid', { layer: diff.id })).values;
  const tif = await api.request('map.exportGeoTiff', { layer: value.id });
  const byPft = new Map<number, number[]>();
  let checked = 0;
  for (let c = 0; c < ds.mask.length; c++) {
    const pft = (LAND_COVER_TO_PFT as Record<number, { pft: number } | undefined>)[ds.staticLayers.landCover[c]!]?.pft;
    if (!ds.mask[c] || pft === undefined) continue;
    const fromNc = gdalAt(sub, c);
    assert.ok(Math.abs((v[c] as number) - fromNc) < 1e-7, `cell ${c}: layer ${v[c]} vs file ${fromNc}`);
    assert.ok(Math.abs((d[c] as number) - (fromNc - PARAMETER_SPECS.sla.defaults[pft]!)) < 1e-7, `cell ${c}: difference from its PFT default`);
    assert.ok(Math.abs(gdalAt(tif.path, c) - fromNc) < 1e-7, `cell ${c}: GeoTIFF vs file`);
    assert.ok(fromNc >= range.min && fromNc <= range.max);
    byPft.set(pft, [...(byPft.get(pft) ?? []), fromNc]);
    checked++;
  }
  assert.ok(checked > 5);
  // trained per cell: cells of one vegetation type no longer share one value
  const spreads = [...byPft.values()].map((a) => Math.max(...a) - Math.min(...a));
  assert.ok(Math.max(...spreads) > 1e-5, `SLA spread within PFTs: ${spreads.join(', ')}`);
});
