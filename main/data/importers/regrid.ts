/**
 * Area-weighted regridding from a regular latitude/longitude source grid onto the project grid.
 *
 * Both grids are regular in degrees, so a target cell's overlap with a source cell is the product
 * of the overlaps along longitude and latitude. The weights are fractions of the target cell's
 * area (in degrees squared: within a 1/8 degree cell the cos(latitude) change is below 0.2%).
 * An exactly matching NLDAS source gives each target cell one source cell with weight 1, so values
 * pass through unchanged.
 */
import { cellCount, type GridSpec } from '../grid.ts';

/** One axis of the source grid as stored: cell centres in file order (ascending or descending). */
export interface SourceAxis {
  readonly centres: Float64Array;
}

export interface OverlapWeights {
  /** the source window that the weights refer to (indices in file order) */
  readonly row0: number;
  readonly rowCount: number;
  readonly col0: number;
  readonly colCount: number;
  /** per target cell: weights in [offsets[c], offsets[c+1]) */
  readonly offsets: Int32Array;
  /** index into the window (row * colCount + col) */
  readonly index: Int32Array;
  /** fraction of the target cell's area */
  readonly weight: Float32Array;
  /** fraction of each target cell covered by the source grid's extent */
  readonly covered: Float32Array;
  /** fraction of target cells with any overlap */
  readonly coverage: number;
}

/** Checks that an axis is regular; returns its step (signed, file order). */
export function axisStep(centres: Float64Array): number | string {
  if (centres.length < 2) return 'has fewer than 2 values, so its spacing is unknown';
  const step = (centres[centres.length - 1]! - centres[0]!) / (centres.length - 1);
  if (!Number.isFinite(step) || step === 0) return 'is constant or not finite';
  for (let i = 1; i < centres.length; i++) {
    const d = centres[i]! - centres[i - 1]!;
    if (Math.abs(d - step) > Math.abs(step) * 1e-3) return `is not regularly spaced (step ${d} at index ${i}, expected ${step})`;
  }
  return step;
}

interface AxisOverlap { src: number; w: number }

/** For each target centre, the source cells it overlaps and the overlap as a fraction of the target width. */
function axisOverlaps(srcCentres: Float64Array, srcStep: number, targetCentres: readonly number[], targetWidth: number): AxisOverlap[][] {
  const n = srcCentres.length;
  const first = srcCentres[0]!;
  const h = Math.abs(srcStep) / 2;
  return targetCentres.map((tc) => {
    const lo = tc - targetWidth / 2;
    const hi = tc + targetWidth / 2;
    // candidate source indices from the (regular) spacing, then exact overlap tests
    const iA = Math.floor((lo - first) / srcStep);
    const iB = Math.ceil((hi - first) / srcStep);
    const out: AxisOverlap[] = [];
    for (let i = Math.max(0, Math.min(iA, iB) - 1); i <= Math.min(n - 1, Math.max(iA, iB) + 1); i++) {
      const c = srcCentres[i]!;
      const ov = Math.min(hi, c + h) - Math.max(lo, c - h);
      // ignore slivers from floating-point edges
      if (ov > targetWidth * 1e-6) out.push({ src: i, w: ov / targetWidth });
    }
    return out;
  });
}

/**
 * Overlap weights of the project grid on a source grid given by its centre coordinates.
 * Longitudes in 0..360 are handled by shifting the target's longitudes.
 */
export function overlapWeights(grid: GridSpec, lon: SourceAxis, lat: SourceAxis): OverlapWeights | string {
  const lonStep = axisStep(lon.centres);
  if (typeof lonStep === 'string') return `longitude ${lonStep}`;
  const latStep = axisStep(lat.centres);
  if (typeof latStep === 'string') return `latitude ${latStep}`;
  let lonShift = 0;
  const lonMax = Math.max(lon.centres[0]!, lon.centres[lon.centres.length - 1]!);
  if (lonMax > 180) lonShift = 360;
  const targetLon = Array.from({ length: grid.ncols }, (_, c) => grid.lon0 + c * grid.cellSize + (grid.lon0 + c * grid.cellSize < 0 ? lonShift : 0));
  const targetLat = Array.from({ length: grid.nrows }, (_, r) => grid.latTop - r * grid.cellSize);
  const ox = axisOverlaps(lon.centres, lonStep, targetLon, grid.cellSize);
  const oy = axisOverlaps(lat.centres, latStep, targetLat, grid.cellSize);
  let r0 = Infinity, r1 = -Infinity, c0 = Infinity, c1 = -Infinity;
  for (const list of oy) for (const o of list) { r0 = Math.min(r0, o.src); r1 = Math.max(r1, o.src); }
  for (const list of ox) for (const o of list) { c0 = Math.min(c0, o.src); c1 = Math.max(c1, o.src); }
  const n = cellCount(grid);
  const covered = new Float32Array(n);
  if (!Number.isFinite(r0) || !Number.isFinite(c0)) {
    return { row0: 0, rowCount: 0, col0: 0, colCount: 0, offsets: new Int32Array(n + 1), index: new Int32Array(0), weight: new Float32Array(0), covered, coverage: 0 };
  }
  const colCount = c1 - c0 + 1;
  const offsets = new Int32Array(n + 1);
  const index: number[] = [];
  const weight: number[] = [];
  let coveredCells = 0;
  for (let r = 0; r < grid.nrows; r++) {
    for (let c = 0; c < grid.ncols; c++) {
      const cell = r * grid.ncols + c;
      offsets[cell] = index.length;
      let total = 0;
      for (const y of oy[r]!) {
        for (const x of ox[c]!) {
          index.push((y.src - r0) * colCount + (x.src - c0));
          weight.push(y.w * x.w);
          total += y.w * x.w;
        }
      }
      covered[cell] = Math.min(1, total);
      if (total > 0) coveredCells++;
    }
  }
  offsets[n] = index.length;
  return {
    row0: r0, rowCount: r1 - r0 + 1, col0: c0, colCount,
    offsets, index: Int32Array.from(index), weight: Float32Array.from(weight), covered,
    coverage: coveredCells / n,
  };
}

/**
 * Area-weighted mean of a source window onto the project grid. A target cell is NaN when the valid
 * source area inside it is below `minValidFraction` of the cell (default 0.5).
 */
export function areaAverage(window: ArrayLike<number>, w: OverlapWeights, out: Float32Array, minValidFraction = 0.5): Float32Array {
  const n = out.length;
  for (let cell = 0; cell < n; cell++) {
    let sum = 0;
    let valid = 0;
    for (let k = w.offsets[cell]!; k < w.offsets[cell + 1]!; k++) {
      const v = window[w.index[k]!]!;
      if (Number.isNaN(v)) continue;
      const wt = w.weight[k]!;
      sum += wt * v;
      valid += wt;
    }
    out[cell] = valid > 0 && valid >= minValidFraction - 1e-9 ? sum / valid : NaN;
  }
  return out;
}

/**
 * Fractions of each class in each target cell, relative to the cell's valid (classified) area.
 * `window` holds integer class codes; NaN or codes in `ignore` are no data.
 */
export function classFractions(window: ArrayLike<number>, w: OverlapWeights, cells: number, minValidFraction = 0.5): { fractions: Map<number, Float32Array>; majority: Uint8Array } {
  const fractions = new Map<number, Float32Array>();
  const majority = new Uint8Array(cells);
  const acc = new Map<number, number>();
  for (let cell = 0; cell < cells; cell++) {
    acc.clear();
    let valid = 0;
    for (let k = w.offsets[cell]!; k < w.offsets[cell + 1]!; k++) {
      const v = window[w.index[k]!]!;
      if (Number.isNaN(v)) continue;
      const wt = w.weight[k]!;
      acc.set(v, (acc.get(v) ?? 0) + wt);
      valid += wt;
    }
    if (valid <= 0 || valid < minValidFraction - 1e-9) continue;
    let best = 0;
    let bestArea = -1;
    for (const [code, area] of [...acc.entries()].sort((a, b) => a[0] - b[0])) {
      let f = fractions.get(code);
      if (!f) { f = new Float32Array(cells); fractions.set(code, f); }
      f[cell] = area / valid;
      // ties go to the lower code, so the result does not depend on pixel order
      if (area > bestArea + 1e-12) { best = code; bestArea = area; }
    }
    majority[cell] = best;
  }
  return { fractions, majority };
}
