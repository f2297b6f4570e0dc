/**
 * Issue #11 §4: basin geometry is checked on import (a self-intersecting "bowtie" is refused,
 * naming the feature), features outside the grid or the mask are listed, and a many-feature file
 * is cut to one feature by name or dissolved: in the importer (CLI) and in the clip upload, whose
 * refusals reach the API as request errors (HTTP 400), not engine errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importBasins } from '../../../main/data/importers/basins.ts';
import { polygonCellFractions } from '../../../main/data/polygon-fractions.ts';
import { ringSelfIntersection } from '../../../main/data/polygon-validity.ts';
import { gridFromBbox } from '../../../main/data/grid-definition.ts';
import { gridFromBasin } from '../../../main/data/importers/grid-from-file.ts';
import { run as runImportJob, paramsSchema } from '../../../main/run/import-job.ts';
import { ApiError } from '../../../main/api/api-error.ts';
import { inProcessApi } from '../in-process-api.ts';
import { dailyForcing } from './make-files.ts';

const grid = gridFromBbox([-109, 38.5, -107.5, 40]);
const square = (x: number, y: number, d = 0.25) => ({ type: 'Polygon', coordinates: [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]] });
const collection = (features: { name: string; geometry: unknown }[]) => JSON.stringify({ type: 'FeatureCollection', features: features.map((f) => ({ type: 'Feature', properties: { name: f.name }, geometry: f.geometry })) });

test('a bowtie is refused naming the feature; many features: one by name, or dissolved; features outside the grid are listed', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-geom-'));
  try {
    // the bowtie of the issue: its two lobes have opposite orientation and their areas cancel
    const bowtie = { type: 'Polygon', coordinates: [[[-108.5, 39], [-108, 39.5], [-108, 39], [-108.5, 39.5], [-108.5, 39]]] };
    assert.ok(ringSelfIntersection(bowtie.coordinates[0]!));
    assert.equal(ringSelfIntersection(square(-108.5, 39).coordinates[0]!), undefined);
    const f1 = path.join(dir, 'bowtie.geojson');
    writeFileSync(f1, collection([{ name: 'Good', geometry: square(-108.5, 39) }, { name: 'Twisted', geometry: bowtie }]));
    await assert.rejects(importBasins(f1, { grid }), /bowtie\.geojson: feature 2 \('Twisted'\): exterior ring crosses itself \(segments \d and \d, near -108\.25000, 39\.25000\): a self-intersecting polygon has no well-defined area/);

    const f2 = path.join(dir, 'counties.geojson');
    writeFileSync(f2, collection([
      { name: 'North', geometry: square(-108.5, 39.25) }, { name: 'South', geometry: square(-108.5, 39) }, { name: 'Far away', geometry: square(10, 50) },
    ]));
    const all = await importBasins(f2, { grid });
    assert.deepEqual(all.features.map((f) => f.name), ['North', 'South', 'Far away']);
    assert.ok(all.notes.includes("1 of 3 features lie outside the project grid and cover no cell: 'Far away'"), all.notes.join('\n'));
    const one = await importBasins(f2, { grid, feature: 'South' });
    assert.deepEqual(one.features.map((f) => f.name), ['South']);
    await assert.rejects(importBasins(f2, { grid, feature: 'West' }), /counties\.geojson: has no feature named 'West' \(names: North, South, Far away\)/);
    const merged = await importBasins(f2, { grid, dissolve: true });
    assert.equal(merged.features.length, 1);
    const sum = (a: Float32Array) => a.reduce((x, v) => x + v, 0);
    // two adjacent 0.25 deg squares: 2 x 4 cells of 1/8 deg
    assert.ok(Math.abs(sum(merged.features[0]!.cellFractions) - 8) < 1e-6);
    assert.ok(Math.abs(sum(merged.features[0]!.cellFractions) - sum(polygonCellFractions(grid, square(-108.5, 39, 0.25) as GeoJSON.Polygon)) * 2) < 1e-6);

    // as the basin outline of a project: several features need a choice, the message says which options
    const project = path.join(dir, 'p');
    const ctx = { signal: new AbortController().signal, progress: () => undefined, log: () => undefined };
    await runImportJob(paramsSchema.parse({ projectDir: project, params: { kind: 'forcing', paths: [dailyForcing(dir)] } }), ctx);
    const outline = (extra: object) => runImportJob(paramsSchema.parse({ projectDir: project, params: { kind: 'basins', path: f2, role: 'outline', ...extra } }), ctx);
    await assert.rejects(outline({}), /counties\.geojson: holds 3 features; a basin outline must be exactly one \(Multi\)Polygon: choose one by name \(--feature NAME; names: 'North', 'South', 'Far away'\) or merge them \(--dissolve\)/);
    const ok = await outline({ feature: 'North' });
    assert.ok(ok.notes.includes("kept feature 'North' of 3"), ok.notes.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('dissolve is the union: two overlapping squares give each cell the area of their union, also as a project outline', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-union-'));
  try {
    // two 0.25 deg squares off the 1/8 deg cell edges, overlapping by 0.15625 x 0.21875 deg: some
    // cells hold parts of both (e.g. 0.25 + 0.75 of a cell that their union covers 0.75 of)
    type Rect = [number, number, number, number]; // W, S, E, N
    const a: Rect = [-108.4375, 39.0625, -108.1875, 39.3125];
    const b: Rect = [-108.34375, 39.09375, -108.09375, 39.34375];
    const rect = ([w, s, e, n]: Rect) => ({ type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] });
    const file = path.join(dir, 'overlap.geojson');
    writeFileSync(file, collection([{ name: 'A', geometry: rect(a) }, { name: 'B', geometry: rect(b) }]));
    const overlapArea = (p: Rect, q: Rect) => Math.max(0, Math.min(p[2], q[2]) - Math.max(p[0], q[0])) * Math.max(0, Math.min(p[3], q[3]) - Math.max(p[1], q[1]));
    const both: Rect = [Math.max(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]), Math.min(a[3], b[3])];
    const h = grid.cellSize / 2;
    const cellRect = (i: number): Rect => {
      const x = grid.lon0 + (i % grid.ncols) * grid.cellSize, y = grid.latTop - Math.floor(i / grid.ncols) * grid.cellSize;
      return [x - h, y - h, x + h, y + h];
    };
    const fraction = (i: number, r: Rect) => overlapArea(cellRect(i), r) / grid.cellSize ** 2;
    const expected = Float64Array.from({ length: grid.nrows * grid.ncols }, (_, i) => fraction(i, a) + fraction(i, b) - fraction(i, both));
    const total = expected.reduce((x, v) => x + v, 0);
    assert.ok(Math.abs(total - 5.8125) < 1e-9, `the union covers 5.8125 cells (0.125 - 0.0341796875 deg2), expected sums to ${total}`);
    assert.ok(expected.some((v, i) => Math.min(1, fraction(i, a) + fraction(i, b)) > v + 0.2), 'some cell tells a union from a capped sum');

    const merged = await importBasins(file, { grid, dissolve: true });
    assert.equal(merged.features.length, 1);
    assert.ok(merged.notes.some((x) => /dissolved 2 features into one basin \(A, B\): their union, so areas where they overlap count once/.test(x)), merged.notes.join('\n'));
    const got = merged.features[0]!.cellFractions;
    for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(got[i]! - expected[i]!) < 1e-6, `cell ${i}: ${got[i]} vs ${expected[i]}`);

    // one feature whose geometry is a GeometryCollection of the same two squares: its parts are
    // unioned too (side by side they summed to 0.125 x 2 / (1/64) = 8 cells, the overlap twice)
    const gc = path.join(dir, 'collection.geojson');
    writeFileSync(gc, collection([{ name: 'Both', geometry: { type: 'GeometryCollection', geometries: [rect(a), rect(b)] } }]));
    const one = await importBasins(gc, { grid });
    assert.equal(one.features.length, 1);
    const gcFr = one.features[0]!.cellFractions;
    for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(gcFr[i]! - expected[i]!) < 1e-6, `GeometryCollection, cell ${i}: ${gcFr[i]} vs ${expected[i]}`);
    // a bowtie part is still refused, naming the feature
    const twisted = { type: 'Polygon', coordinates: [[[-108.5, 39], [-108, 39.5], [-108, 39], [-108.5, 39.5], [-108.5, 39]]] };
    writeFileSync(gc, collection([{ name: 'Mixed', geometry: { type: 'GeometryCollection', geometries: [rect(a), twisted] } }]));
    await assert.rejects(importBasins(gc, { grid }), /collection\.geojson: feature 1 \('Mixed'\): part 2, exterior ring crosses itself/);

    // the outline of `project create --basin` with several features is the same union
    const basinGrid = await gridFromBasin(file);
    const outlineFr = polygonCellFractions(grid, basinGrid.outline.geometry);
    const onProject = polygonCellFractions(basinGrid.grid, basinGrid.outline.geometry).reduce((x, v) => x + v, 0);
    assert.ok(Math.abs(outlineFr.reduce((x, v) => x + v, 0) - 5.8125) < 1e-6 && Math.abs(onProject - 5.8125) < 1e-6, `outline covers ${onProject} cells`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const { tmp, api } = inProcessApi('vegdyn-clipgeom-', {}, true);

test('clip upload of a many-feature file: a request error listing the names; one chosen by name works', { timeout: 120_000 }, async () => {
  await api.request('project.create', { dir: path.join(tmp, 'proj') });
  const ctx = { signal: new AbortController().signal, progress: () => undefined, log: () => undefined };
  await runImportJob(paramsSchema.parse({ projectDir: path.join(tmp, 'proj'), params: { kind: 'forcing', paths: [dailyForcing(tmp)] } }), ctx);
  const file = path.join(tmp, 'two.geojson');
  writeFileSync(file, collection([{ name: 'A', geometry: square(-108.5, 39.125, 0.125) }, { name: 'B', geometry: square(-108.25, 39.125, 0.125) }]));
  const base64 = readFileSync(file).toString('base64');
  await assert.rejects(api.request('map.clip.set', { file: { name: 'two.geojson', base64 } }), (e: unknown) => {
    assert.ok(e instanceof ApiError, String(e));
    assert.equal(e.code, 'invalid-request');
    assert.equal(e.field, 'file.feature');
    assert.match(e.message, /'two\.geojson' holds 2 features \('A', 'B'\); choose one by name \(file\.feature\) or merge them all \(file\.dissolve\)/);
    return true;
  });
  const r = await api.request('map.clip.set', { file: { name: 'two.geojson', base64, feature: 'B' } });
  assert.equal(r.clip.name, 'B');
  assert.equal(r.clip.cells, 1);
});
