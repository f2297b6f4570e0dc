import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { dayLengthHours, daytimePar, extraterrestrialRadiation } from '../../../main/physics/grid/solar.ts';
import { priestleyTaylorPetMm, saturationVapourPressureKpa, vpdKpa } from '../../../main/physics/grid/atmosphere.ts';
import { btranFromSaturation, soilProperties } from '../../../main/physics/grid/soil-water.ts';
import { chunkCalendar, co2Ppm } from '../../../main/physics/grid/calendar.ts';

await tf.setBackend('cpu');

test('day length: 12 h at the equator, equinoxes; solstices at 40 N; hemispheres sum to 24 h', () => {
  for (const doy of [1, 80, 172, 266, 355]) assert.ok(Math.abs(dayLengthHours(0, doy) - 12) < 1e-9);
  // FAO-56 Table 2.7 / Annex 2: about 15.0 h at 40 N in late June and 9.3 h in late December
  assert.ok(Math.abs(dayLengthHours(40, 172) - 14.9) < 0.2, `June 40N ${dayLengthHours(40, 172)}`);
  assert.ok(Math.abs(dayLengthHours(40, 355) - 9.2) < 0.2, `December 40N ${dayLengthHours(40, 355)}`);
  assert.ok(Math.abs(dayLengthHours(40, 80) - 12) < 0.2);
  for (const doy of [20, 100, 200, 300]) assert.ok(Math.abs(dayLengthHours(38, doy) + dayLengthHours(-38, doy) - 24) < 1e-9);
  // polar day and night are clamped, not NaN
  assert.equal(dayLengthHours(80, 172), 24);
  assert.equal(dayLengthHours(80, 355), 0);
});

test('extraterrestrial radiation matches FAO-56 Example 8 (20 S, 3 September: 32.2 MJ m-2 d-1)', () => {
  const ra = extraterrestrialRadiation(-20, 246);
  assert.ok(Math.abs(ra - 32.2) < 0.1, `Ra = ${ra}`);
});

test('daytime PAR spreads the daily shortwave over the daylight hours (0.5 PAR fraction, 4.6 umol/J)', () => {
  assert.ok(Math.abs(daytimePar(100, 12) - 460) < 1e-9);
  assert.ok(Math.abs(daytimePar(100, 24) - 230) < 1e-9);
});

test('saturation vapour pressure and VPD against FAO-56 Annex 2 table values', () => {
  const es = saturationVapourPressureKpa(tf.tensor1d([273.15, 293.15, 298.15])).dataSync();
  assert.ok(Math.abs(es[0]! - 0.611) < 0.002);
  assert.ok(Math.abs(es[1]! - 2.338) < 0.003);
  assert.ok(Math.abs(es[2]! - 3.168) < 0.003);
  // specific humidity for 50 % relative humidity at 25 C, 100 kPa: e = 1.584 kPa
  const p = 100000;
  const e = 1.584;
  const q = (0.622 * e) / (p / 1000 - 0.378 * e);
  const d = vpdKpa(tf.tensor1d([298.15]), tf.tensor1d([q]), tf.tensor1d([p])).dataSync()[0]!;
  assert.ok(Math.abs(d - 1.584) < 0.005, `VPD ${d}`);
  // saturated air is floored, never negative
  const sat = vpdKpa(tf.tensor1d([298.15]), tf.tensor1d([0.03]), tf.tensor1d([p])).dataSync()[0]!;
  assert.ok(sat > 0 && sat <= 0.05 + 1e-6);
});

test('Priestley-Taylor PET is zero without net radiation and a few mm on a sunny summer day', () => {
  const t = tf.tensor1d([298.15, 298.15]);
  const pet = priestleyTaylorPetMm(t, tf.tensor1d([85000, 85000]), tf.tensor1d([0, 300]), tf.tensor1d([300, 350])).dataSync();
  assert.equal(pet[0], 0);
  assert.ok(pet[1]! > 3 && pet[1]! < 9, `PET ${pet[1]}`);
});

test('CLM4.5 pedotransfer values for a loam (40 % sand, 20 % clay, no organic matter)', () => {
  const s = soilProperties([40], [20], [0]);
  assert.ok(Math.abs(s.thetaSat[0]! - (0.489 - 0.00126 * 40)) < 1e-6);
  assert.ok(Math.abs(s.bSoil[0]! - 6.09) < 1e-5);
  assert.ok(Math.abs(s.psiSat[0]! - -10 * 10 ** (1.88 - 0.0131 * 40)) < 1e-3);
  assert.ok(s.capacityMm[0]! > 400 && s.capacityMm[0]! < 460);
});

test('btran is 1 when wet, 0 when dry or frozen, and never decreases as the soil wets', () => {
  const sat = Array.from({ length: 50 }, (_, i) => 0.01 + (0.99 * i) / 49);
  const logS = tf.log(tf.tensor1d(sat));
  const f = (v: number) => tf.fill([50], v);
  const b = btranFromSaturation(logS, f(-227), f(6.09), f(-74000), f(-275000), f(1)).dataSync();
  assert.ok(Math.abs(b[49]! - 1) < 1e-6);
  assert.ok(Math.abs(b[0]!) === 0);
  for (let i = 1; i < 50; i++) assert.ok(b[i]! >= b[i - 1]! - 1e-7);
  const frozen = btranFromSaturation(logS, f(-227), f(6.09), f(-74000), f(-275000), f(0)).dataSync();
  assert.ok(frozen.every((v) => Math.abs(v) === 0));
});

test('calendar: CO2 follows the Mauna Loa record; day lengths per cell come from each row latitude', () => {
  assert.ok(Math.abs(co2Ppm(1990) - 354.4) < 1e-9);
  assert.ok(co2Ppm(2016) > 400 && co2Ppm(2016) < 410);
  const cal = chunkCalendar('2001-06-20', [0, 1], 2, Float32Array.from([40, 0]));
  assert.deepEqual(Array.from(cal.doy), [171, 172, 172, 173]);
  assert.ok(Math.abs(cal.dayLengthH[1]! - 12) < 1e-5);
  assert.ok(Math.abs(cal.dayLengthH[0]! - dayLengthHours(40, 171)) < 1e-4);
});
