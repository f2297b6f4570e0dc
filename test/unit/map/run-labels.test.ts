/**
 * Runs as people see them: a generated run id is replaced by "<preset> run of <start time>", a
 * chosen id is kept, and learned parameters carry the human name, symbol and units of their physics
 * declaration (pft-params.ts), whatever the run's own file says.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { learnedOf, runLabel } from '../../../main/map/run-listing.ts';
import { PARAMETER_SPECS } from '../../../main/physics/grid/pft-params.ts';
import { LEAF_PARAMETER_RANGES } from '../../../main/physics/parameter-range.ts';
import { parameterLabel } from '../../../main/util/unit-labels.ts';

test('generated run ids read as preset and start time; chosen ids stay', () => {
  assert.equal(runLabel({ id: '20261203T094935Z-demo', preset: 'demo', createdAt: '2026-12-03T09:49:35.120Z' }), 'demo run of 2026-12-03 09:49');
  assert.equal(runLabel({ id: 'my-test-run', preset: 'demo', createdAt: '2026-12-03T09:49:35.120Z' }), 'my-test-run');
  assert.equal(runLabel({ id: '20261203T094935Z-demo', preset: null, createdAt: null }), '20261203T094935Z-demo');
});

test('learned parameters take title, symbol and units from the physics declaration', () => {
  // an older run's learned-parameters.json: a terse unit and no title, plus a parameter not declared
  const lp = learnedOf({
    pfts: ['a', 'b'],
    parameters: { sla: { units: 'm2/gC', min: 0.004, max: 0.06, description: 'sla', defaults: [0.01, 0.03], values: [0.012, 0.028], learned: true },
      mystery: { units: '1', min: 0, max: 1, description: 'not declared', defaults: [0, 0], values: [0, 0], learned: false } },
  })!;
  const sla = lp.parameters['sla']!;
  assert.equal(sla.title, 'Specific leaf area');
  assert.equal(sla.symbol, 'SLA');
  assert.equal(sla.units, PARAMETER_SPECS.sla.range.units);
  assert.deepEqual(sla.values, [0.012, 0.028]);
  const other = lp.parameters['mystery']!;
  assert.equal(other.title, 'mystery');
  assert.equal(other.symbol, '');
  assert.equal(other.units, '1');
  // a report without a parameterization is a per-PFT table; a per-cell network's says so
  assert.equal(lp.parameterization, 'per-pft');
  assert.equal(learnedOf({ pfts: ['a'], parameterization: 'per-cell-network', parameters: {} })!.parameterization, 'per-cell-network');
});

test('every learned parameter declares a title and a symbol', () => {
  for (const [name, spec] of Object.entries(PARAMETER_SPECS)) {
    assert.ok(spec.range.title && spec.range.symbol, `${name} has no title or symbol`);
  }
});

test('parameter labels read "Title, symbol [units]", with one label for every unitless spelling', () => {
  assert.equal(parameterLabel(PARAMETER_SPECS.sla.range), 'Specific leaf area, SLA [m² g⁻¹ C]');
  assert.equal(parameterLabel(PARAMETER_SPECS.vcmax25.range), 'Maximum carboxylation rate at 25 °C, Vcmax25 [µmol CO2 m⁻² s⁻¹]');
  assert.equal(parameterLabel(PARAMETER_SPECS.leafAllocation.range), 'Leaf allocation fraction, a_leaf [dimensionless]');
  // the leaf model's ranges write '-' where the grid model writes '1': shown alike
  assert.equal(parameterLabel({ ...LEAF_PARAMETER_RANGES.btran, title: 'Soil-water stress factor', symbol: 'btran' }), 'Soil-water stress factor, btran [dimensionless]');
  // undeclared: the code name, no symbol
  assert.equal(parameterLabel({ name: 'mystery', units: '1' }), 'mystery [dimensionless]');
});
