/**
 * Spatially correlated random fields on the grid, for terrain roughness and day-to-day weather.
 *
 * A field lives on a coarse lattice of nodes (spacing `nodeSpacing` cells); each node carries an
 * independent standard-normal value, and each grid cell is the bilinear blend of its four nodes
 * divided by the root of the summed squared weights, so every cell stays exactly N(0, 1) whatever
 * its position between nodes. Temporal memory (weather persistence) is a first-order
 * autoregression of the node values: z_t = phi z_(t-1) + sqrt(1 - phi^2) e_t, which keeps the
 * stationary distribution N(0, 1) (Wilks 2011, Statistical Methods in the Atmospheric Sciences,
 * ch. 9.3). Spatial correlation length is about one node spacing.
 */
import type { GridSpec } from '../grid.ts';
import { Rng } from './prng.ts';

export class CorrelatedField {
  readonly values: Float32Array;
  private readonly nodes: Float64Array;
  private readonly idx: Int32Array;
  private readonly w: Float32Array;
  private readonly rng: Rng;
  private readonly innovation: number;

  /**
   * @param nodeSpacing lattice spacing in grid cells (correlation length)
   * @param phi lag-one autocorrelation of each node from one step to the next (0 = white in time)
   */
  constructor(grid: GridSpec, nodeSpacing: number, readonly phi: number, seed: number, stream: string) {
    const nx = Math.ceil((grid.ncols - 1) / nodeSpacing) + 2;
    const ny = Math.ceil((grid.nrows - 1) / nodeSpacing) + 2;
    const n = grid.ncols * grid.nrows;
    this.rng = new Rng(seed, stream);
    this.nodes = new Float64Array(nx * ny);
    for (let i = 0; i < this.nodes.length; i++) this.nodes[i] = this.rng.normal();
    this.innovation = Math.sqrt(1 - phi * phi);
    this.values = new Float32Array(n);
    this.idx = new Int32Array(n * 4);
    this.w = new Float32Array(n * 4);
    // a seeded sub-node offset so different fields do not share node positions
    const ox = this.rng.uniform() * nodeSpacing;
    const oy = this.rng.uniform() * nodeSpacing;
    for (let r = 0; r < grid.nrows; r++) {
      for (let c = 0; c < grid.ncols; c++) {
        const fx = (c + ox) / nodeSpacing;
        const fy = (r + oy) / nodeSpacing;
        const ix = Math.floor(fx);
        const iy = Math.floor(fy);
        const tx = fx - ix;
        const ty = fy - iy;
        const ws = [(1 - tx) * (1 - ty), tx * (1 - ty), (1 - tx) * ty, tx * ty];
        const norm = Math.sqrt(ws[0]! ** 2 + ws[1]! ** 2 + ws[2]! ** 2 + ws[3]! ** 2);
        const cell = r * grid.ncols + c;
        const ids = [iy * nx + ix, iy * nx + ix + 1, (iy + 1) * nx + ix, (iy + 1) * nx + ix + 1];
        for (let k = 0; k < 4; k++) {
          this.idx[cell * 4 + k] = ids[k]!;
          this.w[cell * 4 + k] = ws[k]! / norm;
        }
      }
    }
    this.interpolate();
  }

  /** Advances the field one time step (AR(1) per node) and refreshes `values`. */
  step(): Float32Array {
    const { nodes, phi, innovation, rng } = this;
    for (let i = 0; i < nodes.length; i++) nodes[i] = phi * nodes[i]! + innovation * rng.normal();
    this.interpolate();
    return this.values;
  }

  private interpolate(): void {
    const { nodes, idx, w, values } = this;
    for (let cell = 0, k = 0; cell < values.length; cell++, k += 4) {
      values[cell] = nodes[idx[k]!]! * w[k]! + nodes[idx[k + 1]!]! * w[k + 1]! + nodes[idx[k + 2]!]! * w[k + 2]! + nodes[idx[k + 3]!]! * w[k + 3]!;
    }
  }
}

/**
 * Fractal (multi-octave) static noise, zero mean, roughly unit variance: the sum of independent
 * correlated fields with halving spacing and amplitude ratio `persistence` per octave.
 */
export function fractalNoise(grid: GridSpec, seed: number, stream: string, coarsest: number, octaves: number, persistence = 0.55): Float32Array {
  const out = new Float32Array(grid.ncols * grid.nrows);
  let amp = 1;
  let total = 0;
  let spacing = coarsest;
  for (let o = 0; o < octaves; o++) {
    const f = new CorrelatedField(grid, Math.max(1, spacing), 0, seed, `${stream}/octave${o}`);
    for (let i = 0; i < out.length; i++) out[i]! += amp * f.values[i]!;
    total += amp * amp;
    amp *= persistence;
    spacing /= 2;
  }
  const s = 1 / Math.sqrt(total);
  for (let i = 0; i < out.length; i++) out[i]! *= s;
  return out;
}
