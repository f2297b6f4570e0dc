import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  resolveRunConfig, RunConfigError, DEMO_PRESET, PAPER_PRESET, describeReductions, runConfigSchema,
} from '../../../main/training/run-config.ts';
import type { HandlerContext } from '../../../main/api/define.ts';

test('both presets validate; paper has hidden 64 and the seed periods', () => {
  assert.equal(runConfigSchema.parse(PAPER_PRESET).hiddenSize, 64);
  assert.deepEqual(PAPER_PRESET.periods.test, { from: '2009-01-01', to: '2016-12-31' });
  assert.equal(runConfigSchema.parse(DEMO_PRESET).preset, 'demo');
  assert.equal(resolveRunConfig({}, 'paper').preset, 'paper');
});

test('an unknown key is rejected and named, also when nested', () => {
  assert.throws(() => resolveRunConfig({ hiden: 8 }), (e: unknown) => e instanceof RunConfigError && /unknown key 'hiden'/.test(e.message));
  assert.throws(
    () => resolveRunConfig({ periods: { train: { from: '2001-01-01', to: '2006-12-31', too: 1 } } }),
    /unknown key 'too' in periods.train/,
  );
});

test('overrides merge onto the preset and make it custom; invalid values are explained', () => {
  const c = resolveRunConfig({ hiddenSize: 8, periods: { test: { from: '2009-01-01', to: '2010-12-31' } } });
  assert.equal(c.hiddenSize, 8);
  assert.equal(c.preset, 'custom');
  assert.equal(c.periods.train.from, DEMO_PRESET.periods.train.from);
  assert.throws(() => resolveRunConfig({ warmupDays: 500 }), /warmupDays: must be < windowDays/);
  assert.throws(() => resolveRunConfig({ periods: { test: { from: '2009-02-30', to: '2010-01-01' } } }), /ISO date/);
  assert.throws(() => resolveRunConfig({ periods: { validate: { from: '2005-01-01', to: '2008-12-31' } } }), /without overlap/);
});

test('the demo reductions are stated', () => {
  const r = describeReductions();
  assert.ok(r.some((s) => /hidden size 16 instead of 64/.test(s)), r.join('\n'));
  assert.ok(r.some((s) => /training windows sampled per epoch/.test(s)));
});

test('the runs.validateConfig request names unknown keys; runs.presets lists the demo reductions', async () => {
  const { runsHandlers } = await import('../../../main/api/handlers/runs-handlers.ts');
  const noProject = () => { throw new Error('no project open'); };
  const ctx: HandlerContext = { projectDir: noProject, emit: () => undefined, startJob: noProject };
  const bad = await runsHandlers['runs.validateConfig']({ preset: 'demo', overrides: { epoch: 3 } }, ctx);
  assert.equal(bad.ok, false);
  assert.match(bad.problems.join(' '), /unknown key 'epoch'/);
  const good = await runsHandlers['runs.validateConfig']({ preset: 'paper', overrides: { epochs: 3 } }, ctx);
  assert.equal(good.ok, true);
  assert.equal(good.config!.epochs, 3);
  assert.equal(good.config!.hiddenSize, 64);
  const presets = await runsHandlers['runs.presets']({}, ctx);
  assert.ok(presets.demoReductions.length > 0);
});
