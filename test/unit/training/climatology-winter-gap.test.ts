/**
 * The January artefact (issue 14): in cells whose winters are snow-covered every year, no LAI
 * observation falls between early December and March, the day-of-year climatology was NaN there,
 * and the models that learn the departure from it (their LAI = climatology + output) fell back to
 * the basin-mean LAI for those months. The climatology must bridge such gaps over the year end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dayOfYearClimatology, fillGapsCircular } from '../../../main/training/climatology.ts';
import { FeatureBuilder } from '../../../main/training/features.ts';
import { addDays, dayOfYear } from '../../../main/data/time-axis.ts';
import { makeTinyDataset } from './tiny-dataset.ts';

test('a cell without winter observations keeps a climatology across 31 Dec -> 1 Jan, and toLai uses it, not the basin mean', () => {
  const base = makeTinyDataset();
  const C = base.mask.length;
  const snowy = 6;
  const values = base.observations.values.slice();
  base.observations.dayIndex.forEach((d, k) => {
    const md = addDays(base.startDate, d).slice(5);
    // snow cover from 1 December to 15 March: no observation; an evergreen LAI of 2.1 otherwise
    values[k * C + snowy] = md >= '12-01' || md <= '03-15' ? NaN : 2.1;
  });
  const ds = { ...base, observations: { ...base.observations, values } };
  const clim = dayOfYearClimatology(ds.observations, ds.startDate, C, ds.splits.train, 8);
  const dec31 = 365; // 2000 is a leap year: day index 365 is 2000-12-31
  assert.equal(addDays(ds.startDate, dec31), '2000-12-31');
  for (const day of [dec31 - 20, dec31, dec31 + 1, dec31 + 40, dec31 + 70]) {
    const v = clim.at([day])[snowy]!;
    assert.ok(Math.abs(v - 2.1) < 1e-5, `${addDays(ds.startDate, day)}: climatology ${v}, expected 2.1`);
  }
  // the anomaly path: a zero departure is the climatology itself, not the basin mean (~1 here)
  const f = new FeatureBuilder(ds, { dayOfYear: true, staticLayers: false, anomalyTarget: true }, undefined, { climatologyTable: clim.table });
  const lai = f.toLai(new Float32Array(2 * C), dec31);
  assert.ok(Math.abs(ds.normalization.lai.mean - 2.1) > 0.3, 'the test needs a basin mean far from 2.1');
  for (const t of [0, 1]) assert.ok(Math.abs(lai[t * C + snowy]! - 2.1) < 1e-5, `day ${t}: LAI ${lai[t * C + snowy]}`);
  // and the climatology input channel is that value too, not 0 (the normalized basin mean)
  const g = new FeatureBuilder(ds, { dayOfYear: false, staticLayers: false, climatology: true }, undefined, { climatologyTable: clim.table });
  const x = g.inputs(dec31 + 1, 1);
  const { mean, std } = ds.normalization.lai;
  assert.ok(Math.abs(x[snowy * g.channelCount + g.channels.indexOf('lai_climatology')]! - (2.1 - mean) / std) < 1e-5);
  assert.equal(dayOfYear(addDays(ds.startDate, dec31 + 1)), 1);
});

test('gaps are interpolated linearly over the year end; a column without values stays NaN', () => {
  const rows = 366;
  const t = new Float32Array(rows * 2).fill(NaN);
  t[350 * 2] = 2; // doy 351
  t[20 * 2] = 3; // doy 21: 36 rows after doy 351 around the year end
  fillGapsCircular(t, rows, 2);
  assert.ok(Math.abs(t[0]! - (2 + 16 / 36)) < 1e-6, `doy 1: ${t[0]}`);
  assert.ok(Math.abs(t[365 * 2]! - (2 + 15 / 36)) < 1e-6, `doy 366: ${t[365 * 2]}`);
  // the other way round the year: doy 21 -> doy 351 (330 rows)
  assert.ok(Math.abs(t[185 * 2]! - (3 - 165 / 330)) < 1e-6, `doy 186: ${t[185 * 2]}`);
  for (let r = 0; r < rows; r++) assert.ok(Number.isNaN(t[r * 2 + 1]!));
});
