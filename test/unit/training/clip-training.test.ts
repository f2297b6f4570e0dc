// A run with `clip: { source: 'project' }` trains and scores only inside the project's clip:
// observations outside it cannot change the trained weights, and no statistic covers those cells.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { initComputeBackend } from '../../../main/compute/backend.ts';
import type { Dataset } from '../../../main/data/dataset.ts';
import { resolveRunConfig, RunConfigError } from '../../../main/training/run-config.ts';
import { runExperiment } from '../../../main/run/experiment.ts';
import { decodeBundle } from '../../../main/training/tensor-bundle.ts';
import { writeClip } from '../../../main/run/clip-file.ts';
import { readMetricsFile } from '../../../main/run/run-files.ts';
import { makeTinyDataset } from './tiny-dataset.ts';

const ds = makeTinyDataset();
const { ncols } = ds.grid;
const C = ds.mask.length;
const inClip = (c: number) => c % ncols < 3; // the clip below covers the three west columns
const tmp = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-clip-train-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** The same basin with every observation outside the clip changed. */
const changedOutside: Dataset = {
  ...ds,
  observations: { ...ds.observations, values: ds.observations.values.map((v, i) => (inClip(i % C) ? v : v * 1.7 + 0.4)) },
};

const base = {
  models: ['lstm'], hiddenSize: 4, windowDays: 60, warmupDays: 20, batchSize: 2, windowsPerEpoch: 3, epochs: 2, patience: 5,
  perModel: { lstm: { epochs: 2 } }, inferenceChunkDays: 400,
  // every observation-derived input: per-cell loss weights, the climatology channel, the anomaly target
  lossWeighting: 'per-cell-variance', target: 'anomaly', features: { dayOfYear: true, staticLayers: true, climatology: true },
  periods: { record: { from: '2000-01-01', to: '2003-12-31' }, train: { from: '2000-01-01', to: '2001-12-31' }, validate: { from: '2002-01-01', to: '2002-12-31' }, test: { from: '2003-01-01', to: '2003-12-31' } },
};

async function trainedWeights(dataset: Dataset, clip: boolean, name: string) {
  const projectDir = path.join(tmp, 'project');
  const runDir = path.join(projectDir, 'runs', name);
  const config = resolveRunConfig({ ...base, clip: clip ? { source: 'project' } : null });
  const r = await runExperiment({ dataset, config, runDir, resume: false });
  const arrays = decodeBundle(readFileSync(path.join(runDir, 'models', 'lstm', 'weights.vdtb'))).arrays;
  return { r, runDir, weights: new Map(arrays.map((a) => [a.name, Array.from(a.data)])) };
}

test('the clip field: default null, strictly validated', () => {
  assert.equal(resolveRunConfig({}).clip, null);
  assert.deepEqual(resolveRunConfig({ clip: { source: 'project' } }).clip, { source: 'project' });
  assert.throws(() => resolveRunConfig({ clip: { source: 'file' } }), (e: unknown) => e instanceof RunConfigError && /clip\.source/.test(e.message));
  assert.throws(() => resolveRunConfig({ clip: { source: 'project', name: 'x' } }), /unknown key 'name' in clip/);
});

test('a clipped run without a project clip fails naming the missing file', async () => {
  const runDir = path.join(tmp, 'no-clip-project', 'runs', 'r');
  await assert.rejects(runExperiment({ dataset: ds, config: resolveRunConfig({ ...base, clip: { source: 'project' } }), runDir, resume: false }), /clip\.json does not exist/);
});

test('with a clip, observations outside it do not change the trained weights and only clip cells are scored', async () => {
  await initComputeBackend({ prefer: 'wasm' });
  const projectDir = path.join(tmp, 'project');
  const lon0 = ds.grid.lon0 - ds.grid.cellSize / 2;
  const east = lon0 + 3 * ds.grid.cellSize;
  mkdirSync(projectDir, { recursive: true });
  await writeClip(projectDir, {
    name: 'west', source: 'drawn', createdAt: new Date().toISOString(),
    geometry: { type: 'Polygon', coordinates: [[[lon0 - 0.1, 40.2], [east, 40.2], [east, 39.0], [lon0 - 0.1, 39.0], [lon0 - 0.1, 40.2]]] },
  });

  const a = await trainedWeights(ds, true, 'clip-a');
  const b = await trainedWeights(changedOutside, true, 'clip-b');
  assert.deepEqual([...b.weights.keys()], [...a.weights.keys()]);
  for (const [name, w] of a.weights) assert.deepEqual(b.weights.get(name), w, `weight ${name} depends on observations outside the clip`);

  // control: without the clip the same change does move the weights (the comparison above can fail)
  const c = await trainedWeights(ds, false, 'whole-a');
  const d = await trainedWeights(changedOutside, false, 'whole-b');
  assert.ok([...c.weights].some(([name, w]) => JSON.stringify(d.weights.get(name)) !== JSON.stringify(w)), 'unclipped training ignored the changed observations');

  // evaluation: only clip cells, the same scores whatever lies outside
  const ev = a.r.evaluation;
  assert.ok(ev.commonCellCount > 0);
  for (let c2 = 0; c2 < C; c2++) if (!inClip(c2)) assert.equal(ev.commonCells[c2], 0, `cell ${c2} outside the clip is scored`);
  const nseA = readMetricsFile(path.join(a.runDir, 'evaluation', 'metrics.nc')).get('lstm/nse')!;
  const nseB = readMetricsFile(path.join(b.runDir, 'evaluation', 'metrics.nc')).get('lstm/nse')!;
  for (let c2 = 0; c2 < C; c2++) {
    if (!inClip(c2)) assert.ok(Number.isNaN(nseA[c2]!), `cell ${c2}: NSE outside the clip`);
    else assert.ok(Object.is(nseA[c2], nseB[c2]), `cell ${c2}: NSE ${nseA[c2]} vs ${nseB[c2]}`);
  }
  // the unclipped run scores cells outside the clip too
  assert.ok(c.r.evaluation.commonCellCount > ev.commonCellCount);

  // what the run recorded: the resolved config, the polygon it trained on, the scored cells
  assert.deepEqual(JSON.parse(readFileSync(path.join(a.runDir, 'config.json'), 'utf8')).clip, { source: 'project' });
  assert.ok(existsSync(path.join(a.runDir, 'clip.json')));
  const cells = ds.mask.reduce((s, m, i) => s + (m && inClip(i) ? 1 : 0), 0);
  assert.equal(JSON.parse(readFileSync(path.join(a.runDir, 'run.json'), 'utf8')).clip.cells, cells);
  // run.json names the polygon itself: the sha256 of the geometry in the run's clip.json
  const runClip = JSON.parse(readFileSync(path.join(a.runDir, 'clip.json'), 'utf8')) as { geometry: unknown };
  assert.equal(JSON.parse(readFileSync(path.join(a.runDir, 'run.json'), 'utf8')).clip.sha256, createHash('sha256').update(JSON.stringify(runClip.geometry)).digest('hex'));
  assert.deepEqual(JSON.parse(readFileSync(path.join(a.runDir, 'evaluation', 'summary.json'), 'utf8')).evaluated.clip, { name: 'west', source: 'drawn', cells });
});
