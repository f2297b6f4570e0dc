/**
 * The virtual basin's changed climate: the generator's vegetation answers CO2 with the documented
 * fertilization and water-use-efficiency effects (sign and size on a small hand-made case), the
 * changed weather is the delta change of the scenario definition, and the baseline is untouched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CO2_ET_EXPONENT, CO2_LAI_BETA, VegetationModel, co2Factors } from '../../../main/data/virtual-basin/vegetation.ts';
import { changeDayForcing, changedClimateDataset, parseClimateChange } from '../../../main/data/virtual-basin/changed-climate.ts';
import { generateVirtualBasin } from '../../../main/data/virtual-basin/generate.ts';
import { qairAtBaselineRh } from '../../../main/data/scenario/delta-change.ts';
import { historicCo2OnDate } from '../../../main/data/historic-co2.ts';
import { FORCING_NAMES, type ForcingName } from '../../../main/data/dataset.ts';

/** two grassland cells, one watered (5 mm/day) and one dry (0.6 mm/day), through a warm growing season */
function season(co2Ratio?: number): { lai: Float32Array; soilWater: Float32Array } {
  const n = 2;
  const veg = new VegetationModel(new Uint8Array([10, 10]), new Float32Array([40, 40]), new Float32Array([20, 20]), new Float32Array([0.02, 0.02]));
  const lai = new Float32Array(n);
  const snow = new Uint8Array(n);
  const f = (a: number, b: number) => new Float32Array([a, b]);
  for (let doy = 1; doy <= 200; doy++) {
    const tair = doy < 90 ? 275 : 293;
    const args = [doy, f(5, 0.6), f(tair, tair), f(80000, 80000), f(260, 260), f(320, 320), lai, snow] as const;
    if (co2Ratio === undefined) veg.step(...args);
    else veg.step(...args, co2Ratio);
  }
  return { lai, soilWater: Float32Array.from(veg.state.soilWater) };
}

test('CO2 factors: 1 at the historic CO2, the documented fertilization and evapotranspiration factors above it', () => {
  assert.deepEqual(co2Factors(1), { lai: 1, et: 1 });
  const r = 550 / 390;
  const f = co2Factors(r);
  // hand-computed: ln(550/390) = 0.34381; 1 + 0.3 x 0.34381 = 1.1031; (550/390)^-0.3 = exp(-0.3 x 0.34381) = 0.9020
  assert.equal(CO2_LAI_BETA, 0.3);
  assert.equal(CO2_ET_EXPONENT, 0.3);
  assert.ok(Math.abs(f.lai - 1.1031) < 1e-4, `leaf-area factor ${f.lai}`);
  assert.ok(Math.abs(f.et - 0.9020) < 1e-4, `evapotranspiration factor ${f.et}`);
  assert.ok(co2Factors(300 / 390).lai < 1 && co2Factors(300 / 390).et > 1, 'less CO2: less leaf area, more evapotranspiration');
  assert.throws(() => co2Factors(0), /CO2 ratio must be positive, got 0/);
});

test('the generator vegetation: more LAI at 550 ppm, by the fertilization factor where water is ample and by more where it is short', () => {
  const base = season();
  assert.deepEqual(season(1), base, 'a CO2 ratio of 1 is the historic record exactly');
  const high = season(550 / 390);
  const { lai: fert } = co2Factors(550 / 390);
  // the grassland keeps laiMin 0.08 all year; the seasonal range above it scales with the factor
  const laiMin = 0.08;
  const wetGain = (high.lai[0]! - laiMin) / (base.lai[0]! - laiMin);
  const dryGain = (high.lai[1]! - laiMin) / (base.lai[1]! - laiMin);
  assert.ok(base.lai[0]! > 1 && base.lai[1]! < base.lai[0]!, `a real season: wet ${base.lai[0]}, dry ${base.lai[1]}`);
  assert.ok(Math.abs(wetGain - fert) < 0.03, `watered cell: leaf-area range x${wetGain.toFixed(3)}, fertilization alone x${fert.toFixed(3)}`);
  assert.ok(high.soilWater[1]! > base.soilWater[1]!, `dry cell keeps more soil water (${high.soilWater[1]} vs ${base.soilWater[1]} mm): water-use efficiency`);
  assert.ok(dryGain > fert + 0.01, `dry cell gains more than fertilization alone: x${dryGain.toFixed(3)} vs x${fert.toFixed(3)}`);
});

test('a changed day is the scenario definition\'s delta change of the baseline day', () => {
  const change = parseClimateChange('dT=3,precip=0.85,co2=550,sw=1.1', '1981', '1981-12-31');
  const day = Object.fromEntries(FORCING_NAMES.map((n) => [n, new Float32Array([0, 0])])) as Record<ForcingName, Float32Array>;
  day.Tair.set([280, 295]); day.Rainf.set([10, 0]); day.SWdown.set([200, 300]); day.Qair.set([0.004, 0.01]); day.PSurf.set([80000, 95000]); day.LWdown.set([300, 310]); day.Wind.set([2, 3]);
  const before = Object.fromEntries(FORCING_NAMES.map((n) => [n, Float32Array.from(day[n])])) as Record<ForcingName, Float32Array>;
  changeDayForcing(day, change, 6);
  for (let c = 0; c < 2; c++) {
    assert.equal(day.Tair[c], Math.fround(before.Tair[c]! + 3));
    assert.equal(day.Rainf[c], Math.fround(before.Rainf[c]! * 0.85));
    assert.equal(day.SWdown[c], Math.fround(before.SWdown[c]! * 1.1));
    assert.equal(day.Qair[c], Math.fround(qairAtBaselineRh(before.Qair[c]!, before.Tair[c]!, before.PSurf[c]!, 3)));
    for (const n of ['PSurf', 'LWdown', 'Wind'] as const) assert.equal(day[n][c], before[n][c]);
  }
  assert.throws(() => parseClimateChange('dT=3,wind=2', '1981', '1981-12-31'), /--change: unknown key 'wind'/);
  assert.throws(() => parseClimateChange('precip=-1', '1981', '1981-12-31'), /--change: changes\.Rainf: must not be negative/);
  assert.throws(() => parseClimateChange('co2=5000', '1981', '1981-12-31'), /CO2 must be within 150-2000 ppm/);
  assert.throws(() => parseClimateChange('dT=1', '1990', '1981-12-31'), /--change-from: 1990-01-01 is after the last day 1981-12-31/);
});

test('the generator writes both truths: the baseline unchanged, the changed one equal before the change and above it at 550 ppm', () => {
  const from = '1980-07-01';
  const plain = generateVirtualBasin({ startDate: '1980-01-01', endDate: '1980-09-30' });
  const change = parseClimateChange('co2=550', from, '1980-09-30');
  const ds = generateVirtualBasin({ startDate: '1980-01-01', endDate: '1980-09-30', change });
  assert.deepEqual(ds.trueLai, plain.trueLai, 'the baseline truth does not depend on the change');
  const truth = ds.changedClimate!;
  assert.ok(truth, 'the changed truth is returned');
  const n = ds.mask.length;
  assert.equal(truth.fromDay, 182);
  assert.deepEqual(truth.trueLai.subarray(0, truth.fromDay * n), ds.trueLai!.subarray(0, truth.fromDay * n));
  // basin mean over the last 30 days: CO2 only (550 vs ~339 ppm in 1980) raises the leaf area
  let base = 0;
  let changed = 0;
  for (let t = ds.dayCount - 30; t < ds.dayCount; t++) for (let c = 0; c < n; c++) if (ds.mask[c]) { base += ds.trueLai![t * n + c]!; changed += truth.trueLai[t * n + c]!; }
  assert.ok(changed > base * 1.02, `basin LAI ${changed / base} of the baseline`);
  // the models' view of it: baseline forcing and historic CO2 before the change, 550 ppm after
  const view = changedClimateDataset(ds, change, truth.trueLai);
  assert.deepEqual(view.forcing('Tair'), ds.forcing('Tair'), 'CO2 only: the forcing is the baseline');
  assert.equal(view.atmosphericCo2Ppm!('1980-06-30'), historicCo2OnDate('1980-06-30'));
  assert.equal(view.atmosphericCo2Ppm!('1980-07-01'), 550);
  const warm = changedClimateDataset(ds, parseClimateChange('dT=2', from, '1980-09-30'), truth.trueLai);
  const t0 = ds.forcing('Tair', { start: 180, end: 184 });
  const t1 = warm.forcing('Tair', { start: 180, end: 184 });
  for (let k = 0; k < 4 * n; k++) assert.equal(t1[k], k < 2 * n ? t0[k] : Math.fround(t0[k]! + 2));
});

test('vegdyn demo-data --change writes the changed and baseline truth (gdalinfo reads it); regenerating without a change removes it', async () => {
  const { spawnSync } = await import('node:child_process');
  const { mkdtempSync, rmSync, existsSync } = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const home = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-change-'));
  const dir = path.join(home, 'proj');
  const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/vegdyn.mjs', 'demo-data', '--project', dir, '--from', '1980-01-01', '--to', '1980-05-31', ...args], { encoding: 'utf8', env: { ...process.env, VEGDYN_HOME: home } });
  try {
    const r = cli('--change', 'dT=2,precip=0.9,co2=550', '--change-from', '1980-04-01', '--json');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { changedClimate: { file: string; change: string; trueBasinMeanLai: { baseline: number; changed: number; change: number } } };
    assert.equal(out.changedClimate.change, 'Tair +2 K, Rainf x0.9, CO2 550 ppm from 1980-04-01');
    assert.ok(out.changedClimate.trueBasinMeanLai.change !== 0, `the true change is nonzero: ${JSON.stringify(out.changedClimate.trueBasinMeanLai)}`);
    const info = spawnSync('gdalinfo', [out.changedClimate.file], { encoding: 'utf8' });
    assert.equal(info.status, 0, info.stderr);
    assert.match(info.stdout, /LAI_true_changed/);
    assert.match(info.stdout, /LAI_true_baseline/);
    assert.match(info.stdout, /vegdyn_change_from=1980-04-01/);
    const bad = cli('--change', 'dT=2,wind=1');
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /--change: unknown key 'wind'/);
    assert.ok(existsSync(out.changedClimate.file), 'a refused change leaves the project as it was');
    const plain = cli('--json');
    assert.equal(plain.status, 0, plain.stderr);
    assert.ok(!existsSync(out.changedClimate.file), 'the stale changed truth is gone');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
