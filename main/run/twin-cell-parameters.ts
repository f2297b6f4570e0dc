/**
 * Per-cell parameter maps as the tensors the grid process model runs with.
 * INTERIM (until per-cell parameters land in the process model): the per-PFT mean of the basin
 * cells, so the twin's pipeline can be exercised; replaced by the process model's per-cell input.
 */
import * as tf from '@tensorflow/tfjs';
import type { PftParameterTensors } from '../physics/grid/learned-parameters.ts';
import { LEARNED_PARAMETER_NAMES, PARAMETER_SPECS, PFT_COUNT, type LearnedParameterName } from '../physics/grid/pft-params.ts';

export function cellParameterTensors(maps: Record<LearnedParameterName, Float32Array>, cellPft: Int32Array): PftParameterTensors {
  const out = {} as PftParameterTensors;
  for (const name of LEARNED_PARAMETER_NAMES) {
    const sum = new Float64Array(PFT_COUNT);
    const cnt = new Float64Array(PFT_COUNT);
    maps[name].forEach((v, c) => { if (Number.isFinite(v)) { sum[cellPft[c]!] += v; cnt[cellPft[c]!]++; } });
    out[name] = tf.tensor1d(PARAMETER_SPECS[name].defaults.map((d, k) => (cnt[k]! > 0 ? sum[k]! / cnt[k]! : d)), 'float32');
  }
  return out;
}
