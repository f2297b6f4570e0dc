import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FORCING_NAMES } from '../../../main/data/dataset.ts';
import { generateVirtualBasin, generateVirtualBasinAsync } from '../../../main/data/virtual-basin/generate.ts';

const N = 63 * 54;

function sameBits(a: Float32Array, b: Float32Array): boolean {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

test('the same seed gives bit-identical arrays; a short period is the matching slice of a longer one', () => {
  const a = generateVirtualBasin({ seed: 11, startDate: '1981-01-01', endDate: '1981-04-30' });
  const b = generateVirtualBasin({ seed: 11, startDate: '1981-01-01', endDate: '1981-04-30' });
  for (const name of FORCING_NAMES) assert.ok(sameBits(a.forcing(name), b.forcing(name)), name);
  assert.ok(sameBits(a.trueLai!, b.trueLai!));
  assert.ok(sameBits(a.observations.values, b.observations.values));
  assert.deepEqual(a.mask, b.mask);
  assert.deepEqual(a.subbasins.map((s) => s.geometry), b.subbasins.map((s) => s.geometry));
  assert.ok(sameBits(a.staticLayers.elevation, b.staticLayers.elevation));
  assert.deepEqual(a.staticLayers.landCoverFractions, b.staticLayers.landCoverFractions);

  // a period starting later: its days equal the same dates of the longer run
  const later = generateVirtualBasin({ seed: 11, startDate: '1981-03-01', endDate: '1981-04-30' });
  const offset = 59; // 1981-03-01 is day index 59 from 1981-01-01
  assert.ok(sameBits(later.forcing('Rainf'), a.forcing('Rainf', { start: offset, end: a.dayCount })));
  assert.ok(sameBits(later.trueLai!, a.trueLai!.subarray(offset * N)));
});

test('a different seed gives different weather and terrain details', () => {
  const a = generateVirtualBasin({ seed: 1, startDate: '1981-01-01', endDate: '1981-03-31' });
  const b = generateVirtualBasin({ seed: 2, startDate: '1981-01-01', endDate: '1981-03-31' });
  assert.ok(!sameBits(a.forcing('Tair'), b.forcing('Tair')));
  assert.ok(!sameBits(a.staticLayers.elevation, b.staticLayers.elevation));
  assert.notEqual(a.id, b.id);
});

test('bad options are refused with the reason, and an aborted generation stops', async () => {
  assert.throws(() => generateVirtualBasin({ startDate: '1979-01-01', endDate: '1981-01-01' }), /before 1980-01-01/);
  assert.throws(() => generateVirtualBasin({ startDate: '1981-02-30' }), /not a valid calendar date/);
  assert.throws(() => generateVirtualBasin({ seed: 1.5 }), /seed must be an integer/);
  assert.throws(() => generateVirtualBasin({ startDate: '1982-01-01', endDate: '1981-01-01' }), /at least 2 days after/);
  const controller = new AbortController();
  const seen: string[] = [];
  const run = generateVirtualBasinAsync({
    seed: 3, startDate: '1981-01-01', endDate: '1983-12-31', signal: controller.signal,
    onProgress: (p) => {
      seen.push(p.phase);
      if (p.phase === 'simulation') controller.abort(new Error('stop requested'));
    },
  });
  await assert.rejects(run, /stop requested/);
  assert.ok(seen.includes('landscape') && !seen.includes('done'));
});
