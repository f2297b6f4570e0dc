/**
 * The quick identical twin (issue #12 §4, `vegdyn twin --quick`): on a real virtual-basin window
 * the truth parameters are a smooth function of the static attributes inside their ranges, the
 * observations follow the demo data's composites and gaps, the calibrated physics-only model
 * trained by the normal trainer recovers Vcmax25 and specific leaf area, and the twin folder holds
 * a valid record and the difference maps (read back with GDAL, as a user would).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { useBackend } from '../models/backends.ts';
import { virtualBasin } from './small-basin.ts';
import { runTwin, TWIN_PARAMETERS, TWIN_QUICK } from '../../../main/run/twin.ts';
import { twinObservations } from '../../../main/run/twin-truth.ts';
import { readTwinRecord, TWIN_MAPS_FILE } from '../../../main/run/run-folder.ts';
import { PARAMETER_SPECS } from '../../../main/physics/grid/pft-params.ts';

await useBackend('wasm');

test('twin observations: the template\'s composites and gaps, composite means of the truth with relative noise', () => {
  const cells = 2;
  const template = { dayIndex: Int32Array.of(2, 6), periodStart: Int32Array.of(0, 4), periodEnd: Int32Array.of(4, 8), values: Float32Array.of(1, NaN, 1, 1) };
  const truth = Float32Array.from({ length: 8 * cells }, (_, i) => (i % cells === 0 ? 2 : 1 + Math.floor(i / cells)));
  const obs = twinObservations(template, truth, 0, cells, 0.05, 7);
  assert.deepEqual(Array.from(obs.dayIndex), [2, 6]);
  assert.ok(Number.isNaN(obs.values[1]!), 'missing where the template is missing');
  // cell 0 is 2 every day: each observation within 5 sigma of 5 % noise around 2
  for (const k of [0, 1]) assert.ok(Math.abs(obs.values[k * cells]! / 2 - 1) < 0.25);
  // cell 1, days 4..7 are 5..8: composite mean 6.5
  assert.ok(Math.abs(obs.values[3]! / 6.5 - 1) < 0.25);
  // without noise the composite mean exactly
  assert.equal(twinObservations(template, truth, 0, cells, 0, 7).values[3], 6.5);
  // composites outside the truth's days are dropped
  assert.equal(twinObservations(template, truth.subarray(0, 6 * cells), 0, cells, 0, 7).dayIndex.length, 1);
});

test('the quick twin recovers Vcmax25 and SLA with the per-cell network and writes its folder', async () => {
  const ds = virtualBasin('1981-01-01', '1983-12-31');
  const dir = mkdtempSync(path.join(tmpdir(), 'vd-twin-'));
  try {
    const r = await runTwin({ dataset: ds, outDir: dir, quick: true });
    const rec = readTwinRecord(dir);
    assert.ok(rec, 'twin.json written');
    assert.equal(rec.status, 'finished');
    assert.equal(rec.window.rows * rec.window.cols, 100);
    // the truth: inside each range, and varying inside each PFT (not the per-PFT table)
    for (const p of TWIN_PARAMETERS) {
      const v = Array.from(r.truth[p]).filter(Number.isFinite);
      assert.ok(v.length > 20);
      const { min, max } = PARAMETER_SPECS[p].range;
      assert.ok(v.every((x) => x > min && x < max), `${p} inside ${min}..${max}`);
      assert.ok(new Set(v.map((x) => x.toPrecision(4))).size > 10, `${p} varies from cell to cell`);
    }
    for (const parameterization of TWIN_QUICK.parameterizations) assert.ok(rec.results[parameterization], `${parameterization} trained and scored`);
    // recovery with the per-cell network: thresholds from the measured quick twin (docs/identical-twin.md)
    const net = rec.results['per-cell-network']!.parameters;
    for (const p of ['vcmax25', 'sla'] as const) {
      const m = net[p]!;
      assert.ok(m.pearson !== null && m.pearson >= RECOVERY[p].minPearson, `${p}: r ${m.pearson} >= ${RECOVERY[p].minPearson}`);
      assert.ok(m.medianRelativeError !== null && m.medianRelativeError <= RECOVERY[p].maxError, `${p}: median relative error ${m.medianRelativeError} <= ${RECOVERY[p].maxError}`);
      assert.ok(m.medianRelativeError < m.defaultsMedianRelativeError!, `${p}: recovered closer to the truth than the PFT defaults`);
    }
    // the maps: true values and recovered minus true per parameterization, as GDAL reads them
    const info = JSON.parse(spawnSync('gdalinfo', ['-json', path.join(dir, TWIN_MAPS_FILE)], { encoding: 'utf8' }).stdout) as { bands: { description: string }[]; size: number[] };
    assert.deepEqual(info.size, [10, 10]);
    assert.equal(info.bands.length, TWIN_PARAMETERS.length * (1 + TWIN_QUICK.parameterizations.length));
    assert.ok(info.bands.some((b) => b.description === 'per-cell-network sla recovered minus true'));
    // the loss profile: the truth is the minimum of every profile
    for (const [p, prof] of Object.entries(rec.lossProfile ?? {})) for (const pt of prof) assert.ok(pt.loss >= 0.98, `${p} x ${pt.factor}: loss ratio ${pt.loss} not below the truth's`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a twin period outside the dataset is refused, naming the period', async () => {
  const ds = virtualBasin('1981-01-01', '1983-12-31');
  const dir = mkdtempSync(path.join(tmpdir(), 'vd-twin-bad-'));
  try {
    const settings = { ...TWIN_QUICK, periods: { ...TWIN_QUICK.periods, record: { from: '1981-01-01', to: '1990-12-31' } } };
    await assert.rejects(runTwin({ dataset: ds, outDir: dir, quick: true, settings }), /the record period 1981-01-01\.\.1990-12-31 is outside the dataset/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Issue #12's targets for identifiable parameters. Measured on this quick twin (wasm, 2026-12-03,
 * load 22-27): per-cell network Vcmax25 r 0.952, median relative error 6.1 %; SLA r 0.849,
 * 7.1 % (the PFT defaults: 0.891 / 11.0 % and 0.842 / 14.1 %). Not loosened: the quick twin meets
 * the full targets for these two.
 */
const RECOVERY = {
  vcmax25: { minPearson: 0.8, maxError: 0.1 },
  sla: { minPearson: 0.8, maxError: 0.1 },
} as const;
