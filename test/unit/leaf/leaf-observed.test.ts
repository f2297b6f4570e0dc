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
  const an = leafForward(ds, 'default-B').rows.map((r) => r.an * 0.9);
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
