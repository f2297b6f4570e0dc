/**
 * The learned parameters of a calibrated physics-only run as map layers: one value layer and one
 * "difference from default" layer per parameter, grouped under the run, naming the range and the
 * defaults; the difference layer is the value layer minus each cell's PFT default.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { initComputeBackend } from '../../../main/compute/backend.ts';
import { writeDataset } from '../../../main/data/store/netcdf-store.ts';
import { resolveRunConfig } from '../../../main/training/run-config.ts';
import { runExperiment } from '../../../main/run/experiment.ts';
import { LAND_COVER_TO_PFT } from '../../../main/physics/grid/pft-params.ts';
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
