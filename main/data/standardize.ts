/**
 * Standardization of a per-cell layer over the basin: (x - mean) / std with mean and std of the
 * finite values inside the mask. Cells outside the mask, and missing values, become 0 (the basin
 * mean). Shared by the networks' static channels (training/features.ts) and the per-cell
 * parameter network's attributes (physics/grid/static-attributes.ts).
 */
export function standardizeOverMask(values: ArrayLike<number>, mask: ArrayLike<number>): Float32Array {
  return standardizeWith(values, mask, basinStats(values, mask));
}

/** Mean and standard deviation of the finite values inside the mask (0 and 1 when there are too few). */
export function basinStats(values: ArrayLike<number>, mask: ArrayLike<number>): { mean: number; std: number } {
  let s = 0;
  let n = 0;
  for (let c = 0; c < mask.length; c++) if (mask[c] && Number.isFinite(values[c]!)) { s += values[c]!; n++; }
  const mean = n ? s / n : 0;
  let v = 0;
  for (let c = 0; c < mask.length; c++) if (mask[c] && Number.isFinite(values[c]!)) v += (values[c]! - mean) ** 2;
  return { mean, std: n > 1 ? Math.sqrt(v / n) : 1 };
}

/**
 * (x - mean) / std with given statistics (a run's saved ones, applied to another basin: a model
 * trained elsewhere sees this basin's elevation relative to its own training basin).
 */
export function standardizeWith(values: ArrayLike<number>, mask: ArrayLike<number>, { mean, std }: { mean: number; std: number }): Float32Array {
  const out = new Float32Array(mask.length);
  for (let c = 0; c < mask.length; c++) {
    out[c] = mask[c] && Number.isFinite(values[c]!) ? (values[c]! - mean) / (std > 0 ? std : 1) : 0;
  }
  return out;
}
