import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GridSpec } from '../../../main/data/grid.ts';
import { UCRB_GRID, cellLat } from '../../../main/data/grid.ts';
import { polygonCellFractions } from '../../../main/data/polygon-fractions.ts';
import { areaWeightedMean, cellAreas } from '../../../main/data/aggregate.ts';

const g: GridSpec = UCRB_GRID;
const d = g.cellSize;
const west = g.lon0 - d / 2;
const north = g.latTop + d / 2;
/** Corner of the cell grid: x = column edge, y = row edge (row edges counted from the north). */
const at = (col: number, row: number): [number, number] => [west + col * d, north - row * d];

function shoelace(ring: number[][]): number {
  let a = 0;
  for (let i = 0; i + 1 < ring.length; i++) a += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!;
  return Math.abs(a / 2);
}

/** Reference by brute force: share of an s x s lattice of points in the cell that fall inside the polygon (even-odd rule). */
function supersampled(geom: GeoJSON.Polygon, cell: number, s = 60): number {
  const r = Math.floor(cell / g.ncols);
  const c = cell % g.ncols;
  let inside = 0;
  for (let i = 0; i < s; i++) {
    for (let j = 0; j < s; j++) {
      const x = west + (c + (i + 0.5) / s) * d;
      const y = north - (r + (j + 0.5) / s) * d;
      let odd = false;
      for (const ring of geom.coordinates) {
        for (let k = 0, m = ring.length - 1; k < ring.length; m = k++) {
          const [xi, yi] = ring[k] as [number, number];
          const [xj, yj] = ring[m] as [number, number];
          if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
        }
      }
      if (odd) inside++;
    }
  }
  return inside / (s * s);
}

test('a polygon along cell edges gives fractions of exactly 1 inside and 0 outside', () => {
  const ring = [at(4, 2), at(7, 2), at(7, 4), at(4, 4), at(4, 2)].reverse(); // clockwise input on purpose
  const f = polygonCellFractions(g, { type: 'Polygon', coordinates: [ring] });
  for (let r = 0; r < g.nrows; r++) {
    for (let c = 0; c < g.ncols; c++) {
      const expected = r >= 2 && r < 4 && c >= 4 && c < 7 ? 1 : 0;
      assert.equal(f[r * g.ncols + c], expected, `row ${r} col ${c}`);
    }
  }
});

test('fractions of a concave polygon sum to its area and match brute-force supersampling cell by cell', () => {
  const ring = [at(10.3, 5.2), at(18.7, 6.1), at(14.2, 9.9), at(13.1, 7.4), at(11.05, 12.6), at(10.3, 5.2)];
  const geom: GeoJSON.Polygon = { type: 'Polygon', coordinates: [ring] };
  const f = polygonCellFractions(g, geom);
  const total = f.reduce((s, v) => s + v, 0) * d * d;
  assert.ok(Math.abs(total - shoelace(ring)) < 1e-9, `${total} vs ${shoelace(ring)}`);
  for (let cell = 0; cell < f.length; cell++) {
    const r = Math.floor(cell / g.ncols);
    const c = cell % g.ncols;
    if (r < 4 || r > 14 || c < 9 || c > 20) {
      assert.equal(f[cell], 0);
      continue;
    }
    assert.ok(Math.abs(f[cell]! - supersampled(geom, cell)) < 0.02, `cell ${cell}: ${f[cell]} vs ${supersampled(geom, cell)}`);
  }
});

test('holes are subtracted whatever their winding, and multipolygon parts add up', () => {
  const outer = [at(20, 20), at(26, 20), at(26, 26), at(20, 26), at(20, 20)];
  const hole = [at(21.5, 21.5), at(24.5, 21.5), at(24.5, 24.5), at(21.5, 24.5), at(21.5, 21.5)];
  for (const h of [hole, [...hole].reverse()]) {
    const f = polygonCellFractions(g, { type: 'Polygon', coordinates: [outer, h] });
    const total = f.reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(total - (36 - 9)) < 1e-9, `total ${total}`);
    assert.equal(f[22 * g.ncols + 22], 0, 'cell wholly in the hole');
    assert.ok(Math.abs(f[21 * g.ncols + 21]! - 0.75) < 1e-9, 'cell a quarter covered by the hole');
  }
  const second = [at(40, 40), at(41, 40), at(41, 41), at(40, 41), at(40, 40)];
  const m = polygonCellFractions(g, { type: 'MultiPolygon', coordinates: [[outer, hole], [second]] });
  assert.ok(Math.abs(m.reduce((s, v) => s + v, 0) - 28) < 1e-9);
  assert.equal(m[40 * g.ncols + 40], 1);
});

test('a polygon partly outside the grid counts only the part inside; bad coordinates are refused', () => {
  const ring = [[west - 1, north + 1], [west + 2 * d, north + 1], [west + 2 * d, north - d], [west - 1, north - d], [west - 1, north + 1]];
  const f = polygonCellFractions(g, { type: 'Polygon', coordinates: [ring] });
  assert.equal(f[0], 1);
  assert.equal(f[1], 1);
  assert.equal(f[2], 0);
  assert.equal(f.reduce((s, v) => s + v, 0), 2);
  assert.throws(() => polygonCellFractions(g, { type: 'Polygon', coordinates: [[[0, 0], [1, Number.NaN], [1, 1], [0, 0]]] }), /polygon 0 ring 0 has a non-numeric coordinate/);
  assert.throws(() => polygonCellFractions(g, { type: 'Point', coordinates: [0, 0] } as unknown as GeoJSON.Polygon), /expected a Polygon or MultiPolygon, got Point/);
});

test('area-weighted means weight cells by fraction x cell area (proportional to cos(latitude)) and skip missing values', () => {
  const n = g.ncols * g.nrows;
  const a = 0; // north-west cell
  const b = (g.nrows - 1) * g.ncols; // south-west cell
  const fractions = new Float32Array(n);
  fractions[a] = 1;
  fractions[b] = 0.5;
  const series = new Float32Array(3 * n);
  series[a] = 10;
  series[b] = 20;
  series[n + a] = 4;
  series[n + b] = Number.NaN;
  series[2 * n + a] = Number.NaN;
  series[2 * n + b] = Number.NaN;
  const wa = Math.cos((cellLat(g, 0) * Math.PI) / 180);
  const wb = 0.5 * Math.cos((cellLat(g, g.nrows - 1) * Math.PI) / 180);
  const m = areaWeightedMean(g, series, fractions);
  assert.ok(Math.abs(m[0]! - (10 * wa + 20 * wb) / (wa + wb)) < 1e-12);
  assert.equal(m[1], 4, 'the missing cell drops out and the weights renormalise');
  assert.ok(Number.isNaN(m[2]!), 'no valid cell gives NaN');
  const mask = new Uint8Array(n);
  mask[b] = 1;
  assert.equal(areaWeightedMean(g, series, fractions, { mask })[0], 20);
  assert.ok(cellAreas(g)[b]! > cellAreas(g)[a]!, 'southern cells are larger');
  assert.ok(Math.abs(cellAreas(g)[b]! / cellAreas(g)[a]! - wb / 0.5 / wa) < 1e-12, 'spherical cell areas are proportional to cos(centre latitude)');
  assert.throws(() => areaWeightedMean(g, new Float32Array(n + 1), fractions), /not a multiple/);
});
