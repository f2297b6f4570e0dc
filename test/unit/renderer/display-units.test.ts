import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayUnit, formatUnits } from '../../../renderer/src/units.ts';
import { niceTicks } from '../../../renderer/src/colorbar.ts';

test('engine units show typographically; every "no unit" spelling is one label', () => {
  assert.equal(formatUnits('m2 m-2'), 'm² m⁻²');
  assert.equal(formatUnits('umol CO2 m-2 s-1'), 'µmol CO2 m⁻² s⁻¹');
  assert.equal(formatUnits('mol H2O m-2 s-1'), 'mol H2O m⁻² s⁻¹');
  assert.equal(formatUnits('m2 leaf (g C)-1'), 'm² leaf (g C)⁻¹');
  for (const u of ['1', '-', 'dimensionless', '']) assert.equal(formatUnits(u), 'dimensionless');
  assert.equal(formatUnits('kPa^0.5'), 'kPa^0.5');
});

test('temperature shows in °C by default and converts both ways; other units are unchanged', () => {
  const c = displayUnit('K', 'C');
  assert.equal(c.units, '°C');
  assert.ok(Math.abs(c.toDisplay(273.15)) < 1e-9);
  assert.ok(Math.abs(c.fromDisplay(20) - 293.15) < 1e-9);
  assert.equal(displayUnit('K', 'K').toDisplay(280), 280);
  assert.equal(displayUnit('m', 'C').toDisplay(12), 12);
});

test('colorbar ticks are round numbers inside the range', () => {
  assert.deepEqual(niceTicks(0, 1.73), [0, 0.5, 1, 1.5]);
  assert.deepEqual(niceTicks(-1, 1), [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(niceTicks(-12.3, 27.9), [-10, 0, 10, 20]);
  assert.deepEqual(niceTicks(0.1, 0.4), [0.1, 0.2, 0.3, 0.4]);
  assert.deepEqual(niceTicks(1700, 3900), [2000, 2500, 3000, 3500]);
});
