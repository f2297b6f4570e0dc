// The seed's synthetic experiments: parameters used to make the data must be recovered.
// Vcmax-only: every PFT's Vcmax25 within 5 %. Vcmax-B: Vcmax25 within 5 % and B with r >= 0.9.
// Their run time (target: under 2 minutes each) is measured by `npm run bench -- --only leaf`, not
// asserted here; the test prints it as a diagnostic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runLeafExperiment } from '../../../main/leaf/leaf-experiment.ts';

const input = fileURLToPath(new URL('../../fixtures/leaf/example_dataset.csv', import.meta.url));

test('Vcmax-only: NN_V recovers every PFT\'s CLM4.5 Vcmax25 within 5 % (5 % noise, temporal holdout)', { timeout: 180_000 }, async (t) => {
  const r = await runLeafExperiment({ experiment: 'vcmax-only', input, backend: 'cpu' });
  assert.equal(r.folds.length, 1);
  const f = r.folds[0]!;
  assert.equal(f.vcmax.length, 7);
  for (const v of f.vcmax) assert.ok(Math.abs(v.relativeError) < 0.05, `${v.pft}: learned ${v.learned} vs ${v.clm45}`);
  assert.ok(f.test.overall.n > 50 && f.test.overall.nse > 0.95, `test NSE ${f.test.overall.nse}`);
  t.diagnostic(`took ${r.cpuSeconds.toFixed(1)} CPU s (${r.seconds.toFixed(1)} s wall)`);
});

test('Vcmax-B: Vcmax25 within 5 % and B correlated with the synthetic truth (r >= 0.9)', { timeout: 300_000 }, async (t) => {
  const r = await runLeafExperiment({ experiment: 'vcmax-b', input, backend: 'cpu' });
  const f = r.folds[0]!;
  for (const v of f.vcmax) assert.ok(Math.abs(v.relativeError) < 0.05, `${v.pft}: learned ${v.learned} vs ${v.clm45}`);
  assert.ok(f.bCorrelation !== undefined && f.bCorrelation >= 0.9, `B correlation ${f.bCorrelation}`);
  t.diagnostic(`took ${r.cpuSeconds.toFixed(1)} CPU s (${r.seconds.toFixed(1)} s wall)`);
});
