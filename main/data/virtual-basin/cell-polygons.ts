/**
 * The outline of a set of grid cells as a GeoJSON (Multi)Polygon in EPSG:4326, traced along cell
 * edges: exact, so rasterizing it back gives fractions of exactly 0 or 1. Rings follow RFC 7946
 * (exterior counter-clockwise, holes clockwise). Cells touching only at a corner become separate
 * polygons, so no ring ever crosses itself.
 */
import type { GridSpec } from '../grid.ts';

type Pt = [number, number];

/** Signed area (shoelace) of a closed ring in its own coordinates; > 0 counter-clockwise. */
function ringArea(ring: readonly Pt[]): number {
  let a = 0;
  for (let i = 0; i + 1 < ring.length; i++) a += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
  return a / 2;
}

function pointInRing(x: number, y: number, ring: readonly Pt[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function cellsToGeometry(grid: GridSpec, inside: (cell: number) => boolean): GeoJSON.Polygon | GeoJSON.MultiPolygon {
  const { ncols, nrows } = grid;
  const isIn = (r: number, c: number) => r >= 0 && c >= 0 && r < nrows && c < ncols && inside(r * ncols + c);
  // lattice vertices (x = column edge 0..ncols, y = row edge counted from the south 0..nrows)
  const key = (x: number, y: number) => y * (ncols + 1) + x;
  const out = new Map<number, Array<[number, number, number, number]>>(); // from-vertex -> edges (x0,y0,x1,y1)
  let edgeCount = 0;
  const add = (x0: number, y0: number, x1: number, y1: number) => {
    const k = key(x0, y0);
    let list = out.get(k);
    if (!list) out.set(k, (list = []));
    list.push([x0, y0, x1, y1]);
    edgeCount++;
  };
  for (let r = 0; r < nrows; r++) {
    for (let c = 0; c < ncols; c++) {
      if (!isIn(r, c)) continue;
      const yb = nrows - r - 1;
      const yt = nrows - r;
      if (!isIn(r + 1, c)) add(c, yb, c + 1, yb); // south edge, eastwards
      if (!isIn(r, c + 1)) add(c + 1, yb, c + 1, yt); // east edge, northwards
      if (!isIn(r - 1, c)) add(c + 1, yt, c, yt); // north edge, westwards
      if (!isIn(r, c - 1)) add(c, yt, c, yb); // west edge, southwards
    }
  }
  if (edgeCount === 0) throw new Error('cellsToGeometry: the cell set is empty');
  const rings: Pt[][] = [];
  for (;;) {
    let start: [number, number, number, number] | undefined;
    for (const list of out.values()) {
      if (list.length > 0) {
        start = list.pop();
        break;
      }
    }
    if (!start) break;
    const ring: Pt[] = [[start[0], start[1]]];
    let e = start;
    for (;;) {
      ring.push([e[2], e[3]]);
      const k = key(e[2], e[3]);
      const list = out.get(k);
      if (!list || list.length === 0) break; // ring closed
      // at a corner-touching vertex turn left, so diagonal neighbours stay separate rings
      const dx = e[2] - e[0];
      const dy = e[3] - e[1];
      let pick = 0;
      let bestTurn = -Infinity;
      for (let i = 0; i < list.length; i++) {
        const f = list[i]!;
        const cross = dx * (f[3] - f[1]) - dy * (f[2] - f[0]);
        if (cross > bestTurn) {
          bestTurn = cross;
          pick = i;
        }
      }
      e = list.splice(pick, 1)[0]!;
    }
    // drop collinear vertices
    const simple: Pt[] = [];
    for (let i = 0; i < ring.length - 1; i++) {
      const prev = ring[(i - 1 + ring.length - 1) % (ring.length - 1)]!;
      const cur = ring[i]!;
      const next = ring[i + 1]!;
      const cross = (cur[0] - prev[0]) * (next[1] - cur[1]) - (cur[1] - prev[1]) * (next[0] - cur[0]);
      if (cross !== 0) simple.push(cur);
    }
    simple.push(simple[0]!);
    rings.push(simple);
  }
  const outers = rings.filter((r) => ringArea(r) > 0);
  const holes = rings.filter((r) => ringArea(r) < 0);
  const polys: Pt[][][] = outers.map((o) => [o]);
  for (const h of holes) {
    const mx = (h[0]![0] + h[1]![0]) / 2;
    const my = (h[0]![1] + h[1]![1]) / 2;
    const owner = polys.find((p) => pointInRing(mx, my, p[0]!));
    if (!owner) throw new Error('cellsToGeometry: a hole lies outside every exterior ring');
    owner.push(h);
  }
  const west = grid.lon0 - grid.cellSize / 2;
  const south = grid.latTop - (nrows - 1) * grid.cellSize - grid.cellSize / 2;
  const toLonLat = (ring: Pt[]): GeoJSON.Position[] => ring.map(([x, y]) => [round(west + x * grid.cellSize), round(south + y * grid.cellSize)]);
  const coords = polys.map((p) => p.map(toLonLat));
  return coords.length === 1 ? { type: 'Polygon', coordinates: coords[0]! } : { type: 'MultiPolygon', coordinates: coords };
}

/** Cell-corner coordinates are multiples of 1/16 degree: round away float noise. */
function round(v: number): number {
  return Math.round(v * 1e9) / 1e9;
}
