/**
 * Checks a polygon's rings for self-intersection (a "bowtie"): the exact area clipping in
 * polygon-fractions.ts assumes simple rings, and a ring that crosses itself has parts of opposite
 * orientation whose areas cancel (a bowtie of 32 cells counted as 16). Such a polygon is refused,
 * naming the feature and where its ring crosses itself, rather than silently miscounted.
 *
 * Segments are bucketed on a coarse grid over the ring's bounding box so that a ring of n vertices
 * costs about n x (segments per bucket) tests, not n^2.
 */
type Pt = readonly [number, number];

function orient(a: Pt, b: Pt, c: Pt): number {
  const v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
  const scale = Math.max(Math.abs(b[0] - a[0]) + Math.abs(b[1] - a[1]), Math.abs(c[0] - a[0]) + Math.abs(c[1] - a[1]));
  return Math.abs(v) <= 1e-12 * scale * scale ? 0 : Math.sign(v);
}

function onSegment(a: Pt, b: Pt, p: Pt): boolean {
  return Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);
}

/** Whether segments ab and cd share a point. */
function segmentsTouch(a: Pt, b: Pt, c: Pt, d: Pt): boolean {
  const o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b);
  if (o1 !== o2 && o3 !== o4 && o1 !== 0 && o2 !== 0 && o3 !== 0 && o4 !== 0) return true;
  return (o1 === 0 && onSegment(a, b, c)) || (o2 === 0 && onSegment(a, b, d)) || (o3 === 0 && onSegment(c, d, a)) || (o4 === 0 && onSegment(c, d, b));
}

/** Where two touching segments meet (the crossing of their lines; a shared end point when they are collinear). */
function crossing(a: Pt, b: Pt, c: Pt, d: Pt): Pt {
  const den = (b[0] - a[0]) * (d[1] - c[1]) - (b[1] - a[1]) * (d[0] - c[0]);
  if (den === 0) return onSegment(a, b, c) ? c : d;
  const t = ((c[0] - a[0]) * (d[1] - c[1]) - (c[1] - a[1]) * (d[0] - c[0])) / den;
  return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
}

/** The first crossing of a ring with itself, as the indices of the two segments; undefined when simple. */
export function ringSelfIntersection(ring: readonly (readonly number[])[]): { i: number; j: number; at: Pt } | undefined {
  const pts = ring.map((p) => [p[0]!, p[1]!] as const);
  // drop the closing point and repeated consecutive points
  const r: Pt[] = [];
  for (const p of pts) if (r.length === 0 || r[r.length - 1]![0] !== p[0] || r[r.length - 1]![1] !== p[1]) r.push(p);
  if (r.length > 1 && r[0]![0] === r[r.length - 1]![0] && r[0]![1] === r[r.length - 1]![1]) r.pop();
  const n = r.length;
  if (n < 4) return undefined;
  let w = Infinity, s = Infinity, e = -Infinity, no = -Infinity;
  for (const [x, y] of r) { w = Math.min(w, x); e = Math.max(e, x); s = Math.min(s, y); no = Math.max(no, y); }
  const k = Math.max(1, Math.ceil(Math.sqrt(n)));
  const bx = (e - w) / k || 1, by = (no - s) / k || 1;
  const buckets = new Map<number, number[]>();
  const cellsOf = (i: number): number[] => {
    const a = r[i]!, b = r[(i + 1) % n]!;
    const x0 = Math.min(k - 1, Math.floor((Math.min(a[0], b[0]) - w) / bx)), x1 = Math.min(k - 1, Math.floor((Math.max(a[0], b[0]) - w) / bx));
    const y0 = Math.min(k - 1, Math.floor((Math.min(a[1], b[1]) - s) / by)), y1 = Math.min(k - 1, Math.floor((Math.max(a[1], b[1]) - s) / by));
    const out: number[] = [];
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) out.push(y * k + x);
    return out;
  };
  for (let i = 0; i < n; i++) {
    const a = r[i]!, b = r[(i + 1) % n]!;
    const seen = new Set<number>();
    for (const cell of cellsOf(i)) {
      const list = buckets.get(cell) ?? [];
      for (const j of list) {
        if (seen.has(j)) continue;
        seen.add(j);
        // neighbouring segments share their common vertex by construction
        if (j === i - 1 || (i === n - 1 && j === 0)) continue;
        const c = r[j]!, d = r[(j + 1) % n]!;
        if (segmentsTouch(a, b, c, d)) return { i: j, j: i, at: crossing(a, b, c, d) };
      }
      list.push(i);
      buckets.set(cell, list);
    }
  }
  return undefined;
}

/** Why a (Multi)Polygon is not valid for area fractions, or undefined. */
export function polygonProblem(g: GeoJSON.Polygon | GeoJSON.MultiPolygon): string | undefined {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  for (let p = 0; p < polys.length; p++) {
    for (let q = 0; q < polys[p]!.length; q++) {
      const ring = polys[p]![q]!;
      if (ring.length < 4) return `${polys.length > 1 ? `part ${p + 1}, ` : ''}${q === 0 ? 'exterior ring' : `hole ${q}`} has ${ring.length} points (a ring needs at least 4, the last repeating the first)`;
      const x = ringSelfIntersection(ring);
      if (x) return `${polys.length > 1 ? `part ${p + 1}, ` : ''}${q === 0 ? 'exterior ring' : `hole ${q}`} crosses itself (segments ${x.i + 1} and ${x.j + 1}, near ${x.at[0].toFixed(5)}, ${x.at[1].toFixed(5)}): a self-intersecting polygon has no well-defined area; fix it (e.g. ogr2ogr -makevalid, or QGIS "Fix geometries") and import again`;
    }
  }
  return undefined;
}
