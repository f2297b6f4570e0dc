/**
 * Flow routing on the virtual terrain: depression filling (priority flood, Barnes et al. 2014,
 * Computers & Geosciences 62:117-127, with a tiny epsilon gradient so flats drain), D8 flow
 * directions (O'Callaghan & Mark 1984: steepest descent to one of eight neighbours, diagonal
 * drops divided by sqrt 2 and by the cell-size aspect at this latitude), flow accumulation, and
 * watershed delineation from outlet points.
 */
import type { GridSpec } from '../grid.ts';
import { cellLat } from '../grid.ts';

const DR = [-1, -1, 0, 1, 1, 1, 0, -1];
const DC = [0, 1, 1, 1, 0, -1, -1, -1];

/** Binary min-heap of cell indices keyed by elevation (ties broken by insertion order). */
class MinHeap {
  private keys: number[] = [];
  private vals: number[] = [];
  private order: number[] = [];
  private counter = 0;
  get size(): number {
    return this.vals.length;
  }
  push(key: number, val: number): void {
    this.keys.push(key);
    this.vals.push(val);
    this.order.push(this.counter++);
    let i = this.vals.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }
  pop(): number {
    const top = this.vals[0]!;
    const last = this.vals.length - 1;
    this.swap(0, last);
    this.keys.pop();
    this.vals.pop();
    this.order.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.vals.length && this.less(l, m)) m = l;
      if (r < this.vals.length && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }
  private less(a: number, b: number): boolean {
    return this.keys[a]! < this.keys[b]! || (this.keys[a] === this.keys[b] && this.order[a]! < this.order[b]!);
  }
  private swap(a: number, b: number): void {
    [this.keys[a], this.keys[b]] = [this.keys[b]!, this.keys[a]!];
    [this.vals[a], this.vals[b]] = [this.vals[b]!, this.vals[a]!];
    [this.order[a], this.order[b]] = [this.order[b]!, this.order[a]!];
  }
}

/** Priority-flood depression filling; every cell then drains to the grid edge. */
export function fillDepressions(grid: GridSpec, elevation: Float32Array): Float64Array {
  const { ncols, nrows } = grid;
  const filled = Float64Array.from(elevation);
  const done = new Uint8Array(filled.length);
  const heap = new MinHeap();
  for (let r = 0; r < nrows; r++) {
    for (let c = 0; c < ncols; c++) {
      if (r === 0 || c === 0 || r === nrows - 1 || c === ncols - 1) {
        const i = r * ncols + c;
        done[i] = 1;
        heap.push(filled[i]!, i);
      }
    }
  }
  while (heap.size > 0) {
    const i = heap.pop();
    const r = Math.floor(i / ncols);
    const c = i % ncols;
    for (let k = 0; k < 8; k++) {
      const rr = r + DR[k]!;
      const cc = c + DC[k]!;
      if (rr < 0 || cc < 0 || rr >= nrows || cc >= ncols) continue;
      const j = rr * ncols + cc;
      if (done[j]) continue;
      done[j] = 1;
      // raise pits to just above the spill point so the filled surface still slopes to the outlet
      if (filled[j]! <= filled[i]!) filled[j] = filled[i]! + 1e-3;
      heap.push(filled[j]!, j);
    }
  }
  return filled;
}

/**
 * D8 receiver of each cell: the index of the neighbour of steepest descent, or -1 where the
 * flow leaves the grid (edge cells with no lower neighbour inside drain outward).
 */
export function d8Receivers(grid: GridSpec, filled: Float64Array): Int32Array {
  const { ncols, nrows } = grid;
  const recv = new Int32Array(filled.length).fill(-1);
  for (let r = 0; r < nrows; r++) {
    const dxKm = grid.cellSize * 111.2 * Math.cos((cellLat(grid, r) * Math.PI) / 180);
    const dyKm = grid.cellSize * 111.2;
    for (let c = 0; c < ncols; c++) {
      const i = r * ncols + c;
      let best = 0;
      for (let k = 0; k < 8; k++) {
        const rr = r + DR[k]!;
        const cc = c + DC[k]!;
        if (rr < 0 || cc < 0 || rr >= nrows || cc >= ncols) continue;
        const j = rr * ncols + cc;
        const dist = Math.hypot(DC[k]! * dxKm, DR[k]! * dyKm);
        const slope = (filled[i]! - filled[j]!) / dist;
        if (slope > best) {
          best = slope;
          recv[i] = j;
        }
      }
    }
  }
  return recv;
}

/** Number of cells (including itself) draining through each cell. */
export function flowAccumulation(recv: Int32Array): Int32Array {
  const n = recv.length;
  const indeg = new Int32Array(n);
  for (let i = 0; i < n; i++) if (recv[i]! >= 0) indeg[recv[i]!]!++;
  const acc = new Int32Array(n).fill(1);
  const stack: number[] = [];
  for (let i = 0; i < n; i++) if (indeg[i] === 0) stack.push(i);
  while (stack.length > 0) {
    const i = stack.pop()!;
    const j = recv[i]!;
    if (j < 0) continue;
    acc[j]! += acc[i]!;
    if (--indeg[j]! === 0) stack.push(j);
  }
  return acc;
}

/** Cells whose flow path passes through `outlet` (the outlet included), as a 0/1 mask. */
export function upstreamMask(recv: Int32Array, outlet: number): Uint8Array {
  const n = recv.length;
  const state = new Int8Array(n); // 0 unknown, 1 inside, -1 outside
  state[outlet] = 1;
  const path: number[] = [];
  for (let i = 0; i < n; i++) {
    let j = i;
    path.length = 0;
    while (j >= 0 && state[j] === 0) {
      path.push(j);
      j = recv[j]!;
    }
    const v = j >= 0 ? state[j]! : -1;
    for (const p of path) state[p] = v;
  }
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = state[i] === 1 ? 1 : 0;
  return out;
}

/**
 * Labels each cell with the id of the first outlet met walking downstream from it (itself
 * included), or -1 when its path reaches the grid edge without meeting an outlet.
 */
export function labelByOutlets(recv: Int32Array, outlets: ReadonlyMap<number, number>): Int32Array {
  const n = recv.length;
  const label = new Int32Array(n).fill(-2); // -2 unknown
  for (const [cell, id] of outlets) label[cell] = id;
  const path: number[] = [];
  for (let i = 0; i < n; i++) {
    let j = i;
    path.length = 0;
    while (j >= 0 && label[j] === -2) {
      path.push(j);
      j = recv[j]!;
    }
    const v = j >= 0 ? label[j]! : -1;
    for (const p of path) label[p] = v;
  }
  return label;
}

/** The cell within `radius` cells of (row, col) with the largest accumulation: snaps a gauge to the river. */
export function snapToRiver(grid: GridSpec, acc: Int32Array, row: number, col: number, radius: number): number {
  let best = -1;
  let bestAcc = -1;
  for (let r = Math.max(0, row - radius); r <= Math.min(grid.nrows - 1, row + radius); r++) {
    for (let c = Math.max(0, col - radius); c <= Math.min(grid.ncols - 1, col + radius); c++) {
      const i = r * grid.ncols + c;
      if (acc[i]! > bestAcc) {
        bestAcc = acc[i]!;
        best = i;
      }
    }
  }
  return best;
}
