import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initComputeBackend } from '../../../main/compute/backend.ts';
import {
  evaluateEntries, noiseCeilingEntry, climatologyEntry, observationRowsIn, observedAt, subbasinMeans, sampleAtObservations,
} from '../../../main/evaluation/evaluate.ts';
import { dayOfYearClimatology } from '../../../main/training/climatology.ts';
import { resolveRunConfig } from '../../../main/training/run-config.ts';
import { runExperiment } from '../../../main/run/experiment.ts';
import { buildHtmlReport, formatNseTable } from '../../../main/report/html-report.ts';
import { readPredictionFile } from '../../../main/run/run-files.ts';
import { makeTinyDataset } from '../training/tiny-dataset.ts';

const ds = makeTinyDataset();

test('observations scored against themselves give NSE 1; the noise ceiling is high but below 1', () => {
  const rows = observationRowsIn(ds, ds.splits.test);
  assert.ok(rows.length > 10);
  const perfect = { id: 'perfect', label: 'Perfect', role: 'model' as const, atObservations: observedAt(ds, rows) };
  const ceiling = noiseCeilingEntry(ds, rows)!;
  const clim = climatologyEntry(ds, dayOfYearClimatology(ds.observations, ds.startDate, ds.mask.length, ds.splits.train, 8), rows);
  const ev = evaluateEntries(ds, ds.splits.test, rows, [perfect, clim, ceiling]);
  assert.equal(ev.entries[0]!.summary.nse.median, 1);
  const c = ev.entries[2]!.summary.nse.median;
  assert.ok(c > 0.9 && c < 1, `noise ceiling ${c}`);
  // the cell outside the mask is never scored
  assert.equal(ev.commonCells[0], 0);
  assert.equal(ev.commonCellCount, ev.entries[0]!.summary.nse.n);
  // NSE by land cover covers every scored cell once
  assert.equal(ev.entries[0]!.byLandCover.reduce((s, b) => s + b.nse.n, 0), ev.commonCellCount);
});

test('sampleAtObservations picks the observation days out of a daily series', () => {
  const rows = observationRowsIn(ds, ds.splits.test);
  const fromTruth = sampleAtObservations(ds, ds.trueLai!, 0, rows);
  const C = ds.mask.length;
  const day = ds.observations.dayIndex[rows[3]!]!;
  assert.equal(fromTruth[3 * C + 5], ds.trueLai![day * C + 5]);
  assert.throws(() => sampleAtObservations(ds, ds.trueLai!.subarray(0, 10 * C), 0, rows), /does not cover/);
});

test('subbasin means weight cells by their area fraction, and need half the area valid', () => {
  // 3 days x 4 cells in one row (one latitude, so equal cell areas), one subbasin covering cell 1
  // fully and cell 2 half; cell 3 is outside the mask
  const grid = { ncols: 4, nrows: 1, lon0: -108, latTop: 39, cellSize: 0.125 };
  const mini = { ...ds, grid, mask: Uint8Array.from([1, 1, 1, 0]), subbasins: [{ id: 1, name: 'a', geometry: ds.basin, cellFractions: Float32Array.from([0, 1, 0.5, 1]) }] };
  const daily = Float32Array.from([9, 2, 5, 100, 9, 3, NaN, 100, 9, NaN, 4, 100]);
  const [m] = subbasinMeans(mini, daily);
  assert.ok(Math.abs(m![0]! - (2 + 0.5 * 5) / 1.5) < 1e-6);
  assert.equal(m![1], 3, 'the missing cell drops out and the weights renormalise (2/3 of the area valid)');
  assert.ok(Number.isNaN(m![2]!), 'only 1/3 of the area valid: missing');
});

test('a small experiment writes the run folder, evaluates against climatology and the noise ceiling, and reports offline', async () => {
  await initComputeBackend({ prefer: 'wasm' });
  const runDir = path.join(mkdtempSync(path.join(tmpdir(), 'vd-exp-')), 'run');
  const config = resolveRunConfig({
    models: ['lstm', 'conv-lstm'], hiddenSize: 4, windowDays: 60, warmupDays: 20, batchSize: 2, windowsPerEpoch: 4, epochs: 2, patience: 5,
    perModel: { lstm: { epochs: 2 } },
    inferenceChunkDays: 400,
    periods: { record: { from: '2000-01-01', to: '2003-12-31' }, train: { from: '2000-01-01', to: '2001-12-31' }, validate: { from: '2002-01-01', to: '2002-12-31' }, test: { from: '2003-01-01', to: '2003-12-31' } },
  });
  const r = await runExperiment({ dataset: ds, config, runDir, resume: false });
  const ids = r.evaluation.entries.map((e) => e.id);
  for (const id of ['lstm', 'conv-lstm', 'climatology', 'noise-ceiling']) assert.ok(ids.includes(id), `missing ${id} in ${ids}`);
  for (const f of ['config.json', 'run.json', 'evaluation/summary.json', 'evaluation/metrics.nc', 'models/lstm/weights.vdtb', 'models/conv-lstm/best.vdtb', 'predictions/conv-lstm.nc']) {
    assert.ok(existsSync(path.join(runDir, f)), `missing ${f}`);
  }
  const run = JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8'));
  assert.equal(run.status, 'finished');
  assert.equal(run.seed, config.seed);
  const saved = JSON.parse(readFileSync(path.join(runDir, 'config.json'), 'utf8'));
  assert.deepEqual(saved, JSON.parse(JSON.stringify(config)));
  // the daily prediction covers the whole record and is NaN exactly outside the mask
  const pred = readPredictionFile(path.join(runDir, 'predictions/lstm.nc'));
  assert.equal(pred.days, ds.dayCount);
  assert.equal(pred.startDate, ds.startDate);
  assert.ok(Number.isNaN(pred.daily[0]!) && Number.isFinite(pred.daily[1]!));

  const table = formatNseTable(r.evaluation);
  assert.match(table, /Noise ceiling/);
  const html = buildHtmlReport({
    title: 'test', runId: 'run', dataset: ds, evaluation: r.evaluation, predictions: r.predictions, seriesStart: r.record.start, facts: [['a', 'b']], reductions: [],
  });
  assert.match(html, /<svg/);
  assert.equal((html.match(/<svg/g) ?? []).length >= r.evaluation.entries.length + 2, true);
  // self-contained: no scripts, no external resources
  assert.doesNotMatch(html, /<script|src=|href=/);
});

test('a run of the physics-encoded ConvLSTM saves its learned parameters within their declared ranges', async () => {
  await initComputeBackend({ prefer: 'wasm' });
  const runDir = path.join(mkdtempSync(path.join(tmpdir(), 'vd-exp-')), 'run');
  const config = resolveRunConfig({
    models: ['phys-conv-lstm'], hiddenSize: 4, windowDays: 60, warmupDays: 20, batchSize: 1, windowsPerEpoch: 2, epochs: 1, patience: 5,
    inferenceChunkDays: 400,
    periods: { record: { from: '2000-01-01', to: '2003-12-31' }, train: { from: '2000-01-01', to: '2001-12-31' }, validate: { from: '2002-01-01', to: '2002-12-31' }, test: { from: '2003-01-01', to: '2003-12-31' } },
  });
  await runExperiment({ dataset: ds, config, runDir, resume: false });
  const report = JSON.parse(readFileSync(path.join(runDir, 'models/phys-conv-lstm/learned-parameters.json'), 'utf8'));
  assert.ok(report.pfts.length > 0);
  const names = Object.keys(report.parameters);
  for (const required of ['vcmax25', 'sla']) assert.ok(names.includes(required), `missing ${required} in ${names}`);
  for (const [name, p] of Object.entries(report.parameters) as [string, { min: number; max: number; values: number[]; defaults: number[] }][]) {
    assert.equal(p.values.length, report.pfts.length, name);
    assert.equal(p.defaults.length, report.pfts.length, name);
    for (const v of p.values) assert.ok(v >= p.min && v <= p.max, `${name} = ${v} outside [${p.min}, ${p.max}]`);
  }
});
