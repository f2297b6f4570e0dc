/** Training says which basin cells miss a static input and how they are treated (issue #11 §2). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeMissingStatic } from '../../../main/training/features.ts';

test('missing static inputs are listed per layer, counted over basin cells only', () => {
  const mask = Uint8Array.of(1, 1, 1, 0);
  const lines = describeMissingStatic({
    mask,
    staticLayers: {
      elevation: Float32Array.of(100, NaN, 120, NaN), landCover: Uint8Array.of(12, 0, 12, 0),
      sandPercent: Float32Array.of(NaN, NaN, NaN, NaN), clayPercent: Float32Array.of(10, 10, 10, NaN), organicFraction: Float32Array.of(0.1, 0.1, 0.1, 0.1),
    },
  });
  assert.deepEqual(lines, [
    'elevation: 1 of 3 basin cells have no value; the networks see the basin mean there (0 after standardization)',
    'sand: 3 of 3 basin cells have no value; the networks see the basin mean there (0 after standardization)',
    'land cover: 1 of 3 basin cells are unclassified; their land-cover channels are all 0',
  ]);
});
