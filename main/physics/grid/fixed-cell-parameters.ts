/**
 * Given per-cell parameter maps as a ParameterSource: nothing is learned, the process model runs
 * with exactly these values (the identical twin's "true" parameters, or saved parameter maps).
 */
import * as tf from '@tensorflow/tfjs';
import { assertInRange } from '../parameter-range.ts';
import { LEARNED_PARAMETER_NAMES, PARAMETER_SPECS, type LearnedParameterName } from './pft-params.ts';
import { reportOfCellMaps, type LearnedParameterReport, type ParameterSource, type ProcessParameters } from './learned-parameters.ts';

export class FixedCellParameters implements ParameterSource {
  readonly parameterization = 'per-cell-network';
  readonly learned: ReadonlySet<LearnedParameterName> = new Set();
  private readonly maps: Record<LearnedParameterName, Float32Array>;

  /**
   * @param maps [cells] per parameter in physical units; every value must lie in the parameter's
   *   declared range (checked, the error names the parameter and cell). Cells outside the basin
   *   may hold any value in range (the model's vegetated fraction is 0 there).
   */
  constructor(maps: Readonly<Record<LearnedParameterName, ArrayLike<number>>>, cells: number) {
    this.maps = {} as Record<LearnedParameterName, Float32Array>;
    for (const p of LEARNED_PARAMETER_NAMES) {
      const m = maps[p];
      if (!m) throw new Error(`per-cell parameter maps: '${p}' is missing (give all of ${LEARNED_PARAMETER_NAMES.join(', ')})`);
      if (m.length !== cells) throw new Error(`per-cell parameter maps: '${p}' has ${m.length} values for ${cells} cells`);
      assertInRange(m, PARAMETER_SPECS[p].range, `per-cell parameter map '${p}'`);
      this.maps[p] = Float32Array.from(m);
    }
  }

  named(): { name: string; variable: tf.Variable }[] {
    return [];
  }

  trainable(): tf.Variable[] {
    return [];
  }

  values(): ProcessParameters {
    const perCell = {} as Record<LearnedParameterName, tf.Tensor1D>;
    for (const p of LEARNED_PARAMETER_NAMES) perCell[p] = tf.tensor1d(this.maps[p]);
    return { perCell };
  }

  cellMaps(_cellPft: Int32Array, mask: ArrayLike<number>): Record<LearnedParameterName, Float32Array> {
    const out = {} as Record<LearnedParameterName, Float32Array>;
    for (const p of LEARNED_PARAMETER_NAMES) out[p] = this.maps[p].map((v, c) => (mask[c] ? v : NaN));
    return out;
  }

  report(cellPft: Int32Array, mask: ArrayLike<number>): LearnedParameterReport {
    return reportOfCellMaps(this.cellMaps(cellPft, mask), cellPft, this.learned, this.parameterization);
  }

  dispose(): void {}
}
