/**
 * Exact fraction of each grid cell's area inside a polygon (EPSG:4326 degrees; within a 1/8 degree
 * cell the change of cos(latitude) is negligible, so planar areas in degrees are used).
 *
 * Each ring is clipped against each cell rectangle it may touch (Sutherland-Hodgman; correct for
 * areas even for concave rings because the extra edges it creates lie on the clip boundary and
 * enclose no area); exterior rings add their clipped area, holes subtract theirs.
 */
import { cellCount, type GridSpec } from '../grid.ts';

type Ring = readonly (readonly number[])[];

function ringArea(pts: readonly (readonly number[])[]): number {
  let a = 0;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) a += pts[j]![0]! * pts[i]![1]! - pts[i]![0]! * pts[j]![1]!;
  return a / 2;
}

function clip(pts: number[][], inside: (p: number[]) => boolean, cross: (a: number[], b: number[]) => number[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < pts.length; i++) {
    const cur = pts[i]!;
    const prev = pts[(i + pts.length - 1) % pts.length]!;
    const cIn = inside(cur), pIn = inside(prev);
    if (cIn) {
      if (!pIn) out.push(cross(prev, cur));
      out.push(cur);
    } else if (pIn) out.push(cross(prev, cur));
  }
  return out;
}

function clippedArea(ring: number[][], x0: number, y0: number, x1: number, y1: number): number {
  const atX = (x: number) => (a: number[], b: number[]) => [x, a[1]! + ((b[1]! - a[1]!) * (x - a[0]!)) / (b[0]! - a[0]!)];
  const atY = (y: number) => (a: number[], b: number[]) => [a[0]! + ((b[0]! - a[0]!) * (y - a[1]!)) / (b[1]! - a[1]!), y];
  let p = clip(ring, (q) => q[0]! >= x0, atX(x0));
  if (p.length) p = clip(p, (q) => q[0]! <= x1, atX(x1));
  if (p.length) p = clip(p, (q) => q[1]! >= y0, atY(y0));
  if (p.length) p = clip(p, (q) => q[1]! <= y1, atY(y1));
  return p.length >= 3 ? Math.abs(ringArea(p)) : 0;
}

function addRing(ring: Ring, sign: 1 | -1, grid: GridSpec, acc: Float64Array): void {
  // drop the closing vertex; Sutherland-Hodgman works on open rings
  const pts = ring.map((p) => [p[0]!, p[1]!]);
  if (pts.length > 1 && pts[0]![0] === pts.at(-1)![0] && pts[0]![1] === pts.at(-1)![1]) pts.pop();
  if (pts.length < 3) return;
  const h = grid.cellSize / 2;
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (const [x, y] of pts) { minX = Math.min(minX, x!); maxX = Math.max(maxX, x!); minY = Math.min(minY, y!); maxY = Math.max(maxY, y!); }
  const c0 = Math.max(0, Math.floor((minX - (grid.lon0 - h)) / grid.cellSize));
  const c1 = Math.min(grid.ncols - 1, Math.floor((maxX - (grid.lon0 - h)) / grid.cellSize));
  const r0 = Math.max(0, Math.floor((grid.latTop + h - maxY) / grid.cellSize));
  const r1 = Math.min(grid.nrows - 1, Math.floor((grid.latTop + h - minY) / grid.cellSize));
  const cellArea = grid.cellSize * grid.cellSize;
  for (let r = r0; r <= r1; r++) {
    const y1 = grid.latTop + h - r * grid.cellSize;
    const y0 = y1 - grid.cellSize;
    for (let c = c0; c <= c1; c++) {
      const x0 = grid.lon0 - h + c * grid.cellSize;
      const a = clippedArea(pts, x0, y0, x0 + grid.cellSize, y1);
      if (a > 0) acc[r * grid.ncols + c] = acc[r * grid.ncols + c]! + (sign * a) / cellArea;
    }
  }
}

/** Per-cell fraction (0..1) of the cell's area inside a Polygon or MultiPolygon. */
export function polygonCellFractions(geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon, grid: GridSpec): Float32Array {
  const acc = new Float64Array(cellCount(grid));
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  for (const poly of polygons) {
    poly.forEach((ring, i) => addRing(ring, i === 0 ? 1 : -1, grid, acc));
  }
  // overlapping parts of a multipolygon or rounding can push a cell slightly past 0..1
  return Float32Array.from(acc, (v) => Math.min(1, Math.max(0, v < 1e-9 ? 0 : v)));
}
