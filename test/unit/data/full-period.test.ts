import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateVirtualBasin } from '../../../main/data/virtual-basin/generate.ts';
import { noiseCeilingNse } from '../../../main/data/virtual-basin/observations.ts';
import { daysBetween } from '../../../main/data/time-axis.ts';

// The one test on the whole 1981-2016 period. It needs ~1.5 GB of memory and ~45 s of CPU, so it
// runs only when asked: VEGDYN_FULL_DATA=1 node scripts/run-tests.mjs unit full-period
test('the full 1981-2016 virtual basin generates within 2 minutes of CPU with paper splits and the GLOBMAP cadence', (t) => {
  if (process.env.VEGDYN_FULL_DATA !== '1') {
    t.skip('set VEGDYN_FULL_DATA=1 to run the full-period generation');
    return;
  }
  const cpu0 = process.cpuUsage();
  const ds = generateVirtualBasin({ seed: 42 });
  const cpu = process.cpuUsage(cpu0);
  const seconds = (cpu.user + cpu.system) / 1e6;
  assert.ok(seconds < 120, `generation took ${seconds.toFixed(1)} s of CPU`);
  assert.equal(ds.dayCount, daysBetween('1981-01-01', '2016-12-31') + 1);
  assert.deepEqual(ds.splits.validate, { start: daysBetween('1981-01-01', '2002-01-01'), end: daysBetween('1981-01-01', '2009-01-01') });
  // 20 years x 24 half-monthly composites, then 16 years x 46 eight-day composites
  assert.equal(ds.observations.dayIndex.length, 20 * 24 + 16 * 46);
  const n = ds.grid.ncols * ds.grid.nrows;
  const nse = noiseCeilingNse(ds.observations, ds.trueLai!, n);
  let vegetated = 0;
  let above = 0;
  for (let c = 0; c < n; c++) {
    if (!ds.mask[c] || ds.staticLayers.landCover[c] === 16) continue;
    vegetated++;
    assert.ok(nse[c]! < 1);
    if (nse[c]! > 0.9) above++;
  }
  assert.ok(above / vegetated > 0.9, `${above} of ${vegetated} vegetated cells have a noise ceiling above 0.9`);
});
