// Formulations on observed data, through the run folder they write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { parseLeafCsv } from '../../../main/leaf/leaf-dataset.ts';
import { leafForward } from '../../../main/leaf/leaf-forward.ts';
import { runLeafExperiment } from '../../../main/leaf/leaf-experiment.ts';
import { fitMetrics } from '../../../main/leaf/leaf-metrics.ts';
import { parseCsv } from '../../../main/leaf/csv.ts';

const full = readFileSync(new URL('../../fixtures/leaf/example_dataset.csv', import.meta.url), 'utf8');

/** The example dataset with an observed column 'Obs': the default-B forward An x 0.9, two rows missing. */
async function observedFixture(dir: string): Promise<{ file: string; an: number[] }> {
  await tf.setBackend('cpu');
  const ds = parseLeafCsv(full);
  const an = (await leafForward(ds, 'default-B')).rows.map((r) => r.an * 0.9);
  const lines = full.trim().split(/\r?\n/);
  const out = [`${lines[0]},Obs`, ...lines.slice(1).map((l, i) => `${l},${i === 3 ? '-9999' : i === 10 ? '' : String(an[i])}`)];
  const file = path.join(dir, 'observed.csv');
  writeFileSync(file, `${out.join('\n')}\n`);
  return { file, an };
}

test('Vdef+Bdef on observed data: metrics equal those of the default forward run; run folder complete', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-leaf-'));
  try {
    const { file, an } = await observedFixture(dir);
    const runDir = path.join(dir, 'run');
    const r = await runLeafExperiment({ experiment: 'vdef-bdef', input: file, observedColumn: 'Obs', backend: 'cpu', runDir });
    assert.equal(r.skippedRows, 2);
    assert.equal(r.epochs, 0);
    assert.deepEqual(readdirSync(runDir).sort(), ['config.json', 'metrics.json', 'predictions.csv', 'run.json', 'vcmax25.csv']);
    const preds = parseCsv(readFileSync(path.join(runDir, 'predictions.csv'), 'utf8'));
    assert.equal(preds.length - 1, 444);
    // simulated = observed / 0.9, so bias and RMSE follow from the observed values alone
    const train = preds.slice(1).filter((p) => p[1] === 'train');
    const obs = train.map((p) => Number(p[6]));
    const sim = train.map((p) => Number(p[7]));
    const m = fitMetrics(sim, obs);
    assert.ok(Math.abs(m.rmse - r.folds[0]!.train.overall.rmse) < 1e-6);
    assert.ok(Math.abs(m.bias - obs.reduce((s, v) => s + v / 0.9 - v, 0) / obs.length) < 1e-3, `bias ${m.bias}`);
    assert.ok(m.r > 0.9999);
    const run = JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8')) as { seed: number; backend: string; versions: { tfjs: string }; skipped: unknown[] };
    assert.equal(run.seed, 42);
    assert.equal(run.backend, 'cpu');
    assert.equal(run.skipped.length, 2);
    const config = JSON.parse(readFileSync(path.join(runDir, 'config.json'), 'utf8')) as { learningRate: number; observedColumn: string };
    assert.equal(config.learningRate, 0.045);
    assert.equal(config.observedColumn, 'Obs');
    assert.equal(an.length, 446);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('V+Bdef on observed data learns lower Vcmax25 when observed An is 10 % below the default model', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-leaf-'));
  try {
    const { file } = await observedFixture(dir);
    const r = await runLeafExperiment({ experiment: 'v-bdef', input: file, observedColumn: 'Obs', backend: 'cpu', epochs: 60, split: 'kfold', folds: 2 });
    assert.equal(r.folds.length, 2);
    for (const f of r.folds) {
      const lower = f.vcmax.filter((v) => v.learned < v.clm45).length;
      assert.ok(lower >= 5, `only ${lower} of 7 PFTs moved below the CLM4.5 default`);
      assert.ok(f.test.overall.rmse < 1.5, `test RMSE ${f.test.overall.rmse}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Vdef+B with two soil layers: NN_B gives B per layer, rows lacking a layer-2 input are skipped and reported', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-leaf-'));
  try {
    const { file } = await observedFixture(dir);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const header = lines[0]!.split(',');
    const at = (c: string) => header.indexOf(c);
    const two = [`${lines[0]},soil_clay_1,soil_sand_1,soil_OM_1,SMC_1,SM_1`, ...lines.slice(1).map((l, i) => {
      const f = l.split(',');
      const wet = i === 7 ? '-9999' : String(Math.min(1, Number(f[at('SMC_0')]) * 0.8));
      return `${l},${Number(f[at('soil_clay_0')]) + 5},${Math.max(0, Number(f[at('soil_sand_0')]) - 5)},${Number(f[at('soil_OM_0')]) / 2},${wet},${Number(f[at('SM_0')]) * 0.8}`;
    })];
    const file2 = path.join(dir, 'two-layers.csv');
    writeFileSync(file2, `${two.join('\n')}\n`);
    const runDir = path.join(dir, 'run2');
    const r = await runLeafExperiment({ experiment: 'vdef-b', input: file2, observedColumn: 'Obs', backend: 'cpu', epochs: 3, soilLayers: 2, runDir });
    assert.equal(r.skippedRows, 3);
    const run = JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8')) as { skipped: { line: number; column: string }[] };
    assert.deepEqual(run.skipped.map((s) => [s.line, s.column]), [[5, 'Obs'], [9, 'SMC_1'], [12, 'Obs']]);
    const preds = parseCsv(readFileSync(path.join(runDir, 'predictions.csv'), 'utf8')).slice(1);
    assert.equal(preds.length, 443);
    for (const p of preds) {
      const b = Number(p[9]);
      assert.ok(b > 0 && b < 1 && Number.isFinite(Number(p[7])), p.join(','));
    }
    await assert.rejects(runLeafExperiment({ experiment: 'vdef-b', input: file2, observedColumn: 'Obs', backend: 'cpu', epochs: 1, soilLayers: 3 }), /soilLayers = 3 but the file has 2/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
