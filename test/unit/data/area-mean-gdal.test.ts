/**
 * The one area-weighted mean (main/data/aggregate.ts) against a reference computed by GDAL/OGR:
 * every grid cell is written as a polygon beside the clip, and OGR's SQLite dialect (SpatiaLite)
 * intersects each cell with the clip and measures the intersection's area on the WGS84 ellipsoid.
 * The reference mean of a day is then sum(area x value) / sum(area) over the valid cells, missing
 * below half the clip's area: the stated rule, computed from areas VegDyn did not compute.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UCRB_GRID, cellCount, cellLat, cellLon } from '../../../main/data/grid.ts';
import { polygonCellFractions } from '../../../main/data/polygon-fractions.ts';
import { areaWeightedMean, MIN_VALID_AREA_FRACTION, regionWeights } from '../../../main/data/aggregate.ts';

const g = UCRB_GRID;
const n = cellCount(g);
const h = g.cellSize / 2;

/** Cell `c` as a closed lon/lat ring. */
function cellRing(c: number): number[][] {
  const x = cellLon(g, c % g.ncols);
  const y = cellLat(g, Math.floor(c / g.ncols));
  return [[x - h, y - h], [x + h, y - h], [x + h, y + h], [x - h, y + h], [x - h, y - h]];
}

/** GDAL's area (m^2, WGS84 ellipsoid) of each cell's intersection with the clip. */
function gdalIntersectionAreas(dir: string, clip: GeoJSON.Polygon, cells: number[]): Map<number, number> {
  const features = [
    { type: 'Feature', properties: { kind: 'clip', cell: -1 }, geometry: clip },
    ...cells.map((c) => ({ type: 'Feature', properties: { kind: 'cell', cell: c }, geometry: { type: 'Polygon', coordinates: [cellRing(c)] } })),
  ];
  const file = path.join(dir, 'shapes.geojson');
  writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features }));
  const sql = 'SELECT c.cell AS cell, ST_Area(ST_Intersection(c.geometry, p.geometry), 1) AS area FROM shapes c, shapes p '
    + "WHERE c.kind = 'cell' AND p.kind = 'clip' AND ST_Intersects(c.geometry, p.geometry)";
  const r = spawnSync('ogr2ogr', ['-f', 'CSV', '/vsistdout/', file, '-dialect', 'SQLite', '-sql', sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, `ogr2ogr failed: ${r.stderr}`);
  const out = new Map<number, number>();
  for (const line of r.stdout.trim().split('\n').slice(1)) {
    const [cell, area] = line.split(',').map((f) => Number(f.replace(/"/g, '')));
    if (area! > 0) out.set(cell!, area!);
  }
  return out;
}

test('the area-weighted mean over a clip matches GDAL/OGR intersection areas on the ellipsoid, with the missing-data rule', () => {
  // a concave clip over 12 rows (about 1.5 degrees of latitude, where cell areas change by 2.5 %)
  const clip: GeoJSON.Polygon = {
    type: 'Polygon',
    coordinates: [[[-110.93, 40.02], [-109.61, 40.33], [-109.87, 41.47], [-110.36, 40.71], [-110.81, 41.52], [-110.93, 40.02]]],
  };
  const fractions = polygonCellFractions(g, clip);
  const mask = new Uint8Array(n).fill(1);
  const touched: number[] = [];
  for (let c = 0; c < n; c++) if (fractions[c]! > 0) touched.push(c);
  assert.ok(touched.length > 40, `${touched.length} cells under the clip`);
  mask[touched[3]!] = 0; // a cell outside the basin drops out of both
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-area-mean-'));
  try {
    const areas = gdalIntersectionAreas(dir, clip, touched);
    for (const c of touched) if (!mask[c]) areas.delete(c);
    // weights: VegDyn's (sphere x exact fraction) against GDAL's (ellipsoid intersection), normalised
    const region = regionWeights(g, fractions, mask);
    const gdalTotal = [...areas.values()].reduce((s, a) => s + a, 0);
    assert.equal(region.cells.length, areas.size, 'the same cells carry weight');
    assert.ok(Math.abs(region.total / gdalTotal - 1) < 0.005, `clip area ${region.total} m2 (sphere) vs ${gdalTotal} m2 (GDAL, ellipsoid)`);
    region.cells.forEach((c, k) => {
      const rel = region.weights[k]! / region.total / (areas.get(c)! / gdalTotal);
      assert.ok(Math.abs(rel - 1) < 2e-3 || areas.get(c)! / gdalTotal < 1e-6, `cell ${c}: relative weight off by ${rel - 1}`);
    });
    // 4 days: all valid; a north/south gradient with some cells missing (above the threshold);
    // most cells missing (below it); every cell missing
    const days = 4;
    const series = new Float32Array(days * n).fill(Number.NaN);
    const rows = touched.map((c) => Math.floor(c / g.ncols));
    const southRow = Math.max(...rows);
    for (const [i, c] of touched.entries()) {
      const row = Math.floor(c / g.ncols);
      series[c] = Math.fround(2 + 0.37 * row + 0.11 * (c % g.ncols));
      if (i % 5 !== 0) series[n + c] = Math.fround(10 * (southRow - row));
      if (row === southRow || row === southRow - 1) series[2 * n + c] = 7;
    }
    const ours = areaWeightedMean(g, series, fractions, { mask });
    let covered2 = 0;
    for (let t = 0; t < days; t++) {
      let s = 0;
      let w = 0;
      for (const [c, a] of areas) {
        const v = series[t * n + c]!;
        if (Number.isFinite(v)) { s += a * v; w += a; }
      }
      if (t === 2) covered2 = w / gdalTotal;
      const ref = w > 0 && w >= MIN_VALID_AREA_FRACTION * gdalTotal ? s / w : Number.NaN;
      if (Number.isNaN(ref)) assert.ok(Number.isNaN(ours[t]!), `day ${t}: GDAL says missing, VegDyn gave ${ours[t]}`);
      else assert.ok(Math.abs(ours[t]! - ref) < 2e-3 * Math.max(1, Math.abs(ref)), `day ${t}: ${ours[t]} vs GDAL ${ref}`);
    }
    assert.ok(Number.isFinite(ours[0]!) && Number.isFinite(ours[1]!), 'days with enough valid area have a mean');
    assert.ok(covered2 > 0 && covered2 < MIN_VALID_AREA_FRACTION, `day 2 covers ${covered2} of the clip`);
    assert.ok(Number.isNaN(ours[2]!) && Number.isNaN(ours[3]!), 'days under half the area valid are missing');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
