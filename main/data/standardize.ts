/**
 * Standardization of a per-cell layer over the basin: (x - mean) / std with mean and std of the
 * finite values inside the mask. Cells outside the mask, and missing values, become 0 (the basin
 * mean). Shared by the networks' static channels (training/features.ts) and the per-cell
 * parameter network's attributes (physics/grid/static-attributes.ts).
 */
export function standardizeOverMask(values: ArrayLike<number>, mask: ArrayLike<number>): Float32Array {
  let s = 0;
  let n = 0;
  for (let c = 0; c < mask.length; c++) if (mask[c] && Number.isFinite(values[c]!)) { s += values[c]!; n++; }
  const mean = n ? s / n : 0;
  let v = 0;
  for (let c = 0; c < mask.length; c++) if (mask[c] && Number.isFinite(values[c]!)) v += (values[c]! - mean) ** 2;
  const std = n > 1 ? Math.sqrt(v / n) : 1;
  const out = new Float32Array(mask.length);
  for (let c = 0; c < mask.length; c++) {
    out[c] = mask[c] && Number.isFinite(values[c]!) ? (values[c]! - mean) / (std > 0 ? std : 1) : 0;
  }
  return out;
}
