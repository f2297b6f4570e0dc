// `vegdyn demo`: without --ensemble it prints how to run the 3-member LSTM ensemble and its time
// estimate from this demo's LSTM training (demoEnsembleHint); with --ensemble it trains the 3
// members after the demo into <run id>-ensemble (mean, spread maps). Tiny sizes (the tiny
// dataset, hidden 4, 1 epoch).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeDataset } from '../../../main/data/store/netcdf-store.ts';
import { makeTinyDataset } from '../training/tiny-dataset.ts';
import { demoEnsembleHint } from '../../../main/cli/model-commands.ts';

const home = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-demo-ensemble-'));
after(() => rmSync(home, { recursive: true, force: true }));

const tinyConfig = {
  models: ['lstm'], hiddenSize: 4, windowDays: 60, warmupDays: 20, batchSize: 2, windowsPerEpoch: 2, epochs: 1, patience: 5,
  perModel: { lstm: { epochs: 1, windowsPerEpoch: 2 } }, inferenceChunkDays: 400,
  periods: { record: { from: '2000-01-01', to: '2003-12-31' }, train: { from: '2000-01-01', to: '2001-12-31' }, validate: { from: '2002-01-01', to: '2002-12-31' }, test: { from: '2003-01-01', to: '2003-12-31' } },
};

test('the demo\'s ensemble hint: the command and 3 x the measured LSTM time, rounded up to minutes', () => {
  assert.equal(demoEnsembleHint(50, '/p', false), "uncertainty: an ensemble of 3 LSTM members (mean, spread maps, members' NSE spread; docs/cluster.md); about 3 min here (3 x this demo's LSTM training, 50 s):\n"
    + '  npm run demo -- --ensemble   (or: vegdyn train --project /p --ensemble 3 --config FILE, FILE: {"models": ["lstm"]})\n');
  assert.match(demoEnsembleHint(20.4, '/p', true), /about 2 min here \(3 x this demo's LSTM training, 20 s\):\n {2}npm run demo -- --ensemble --project \/p /);
  assert.doesNotMatch(demoEnsembleHint(undefined, '/p', false), /about/);
});

test('vegdyn demo --ensemble trains 3 LSTM members after the demo into <run id>-ensemble and prints no hint', { timeout: 300_000 }, async () => {
  const project = path.join(home, 'project');
  const env = { ...process.env, VEGDYN_HOME: home, VEGDYN_BACKEND: 'wasm' };
  const created = spawnSync(process.execPath, ['bin/vegdyn.mjs', 'project', 'create', project], { encoding: 'utf8', env });
  assert.equal(created.status, 0, created.stderr);
  const tiny = makeTinyDataset();
  await writeDataset(project, { ...tiny, grid: { ...tiny.grid, lon0: -112.4375, latTop: 43.0625 } });
  const config = path.join(home, 'tiny.json');
  writeFileSync(config, JSON.stringify(tinyConfig));
  const demo = (args: string[]) => spawnSync(process.execPath, ['bin/vegdyn.mjs', 'demo', '--project', project, '--config', config, ...args], { encoding: 'utf8', env, timeout: 280_000 });
  const ens = demo(['--run-id', 'd1', '--ensemble']);
  assert.equal(ens.status, 0, ens.stderr);
  assert.match(ens.stdout, /Ensemble mean of 3 members \(m00, m01, m02\)/);
  const dir = path.join(project, 'runs', 'd1-ensemble');
  assert.deepEqual(JSON.parse(readFileSync(path.join(dir, 'ensemble.json'), 'utf8')).collected.members, ['m00', 'm01', 'm02']);
  assert.ok(existsSync(path.join(dir, 'spread', 'test-period.nc')), 'spread maps written');
  assert.doesNotMatch(ens.stdout, /uncertainty: an ensemble/);
});
