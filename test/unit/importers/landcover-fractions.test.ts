/**
 * A land-cover GeoTIFF made by gdal_translate at 1/32 degree (16 pixels per project cell) is
 * imported into a project; the stored class fractions must equal area fractions counted here by
 * hand from the written pixels, sum to 1 over classified cells, and read the same through gdal-bin.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { importForcingNetcdf } from '../../../main/data/importers/forcing-netcdf.ts';
import { importLandCover } from '../../../main/data/importers/static-layers.ts';
import { applyImport } from '../../../main/data/importers/project-import.ts';
import { datasetPath, openDataset } from '../../../main/data/store/netcdf-store.ts';
import { landCoverFraction } from '../../../main/data/dataset.ts';
import { UCRB_GRID, cellCount } from '../../../main/data/grid.ts';
import { dailyForcing, geotiffFromAsc } from './make-files.ts';
import { layerCatalogue, layerGrid as sliceGrid } from '../../../main/map/catalogue.ts';
import { slicesOfDataset } from '../../../main/data/dataset-slices.ts';
import type { Dataset } from '../../../main/data/dataset.ts';

// the map's layer list and grids of a dataset held in memory (the map reads slices of it)
const datasetLayers = (d: Dataset) => layerCatalogue(slicesOfDataset(d));
const layerGrid = (d: Dataset, id: string, day: number | undefined) => sliceGrid(slicesOfDataset(d), id, day);

const grid = UCRB_GRID;
const n = cellCount(grid);
const SUB = 4;
const PX = grid.cellSize / SUB;
/** a 4 x 3 block of project cells inside dailyForcing's cells (rows 29..31, cols 31..34) */
const ROW0 = 29, COL0 = 31, CX = 4, CY = 3;
const WEST = grid.lon0 - grid.cellSize / 2 + COL0 * grid.cellSize;
const NORTH = grid.latTop + grid.cellSize / 2 - ROW0 * grid.cellSize;
const NX = CX * SUB, NY = CY * SUB;
const NODATA = 255;
/** 5 (mixed forest) is not one of VegDyn's named classes: it must still be stored, as class_5 */
const CLASSES = [1, 4, 5, 7, 10, 12, 16];

function code(y: number, x: number): number {
  const cx = Math.floor(x / SUB), cy = Math.floor(y / SUB);
  if (cx === 3 && cy === 2) return (y + x) % 4 === 0 ? 7 : NODATA; // mostly no data: unclassified
  if (cx === 0 && cy === 0) return 10; // a pure cell
  if (cx === 1 && cy === 0 && (x + y) % 5 === 0) return NODATA; // some no data: fractions of the valid area
  return CLASSES[(y * 3 + x * 5 + ((x * y) % 4)) % CLASSES.length]!;
}

test('imported land-cover fractions are stored and match hand-counted area fractions cell by cell', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-lcimport-'));
  try {
    const project = path.join(dir, 'project');
    mkdirSync(project);
    await applyImport(project, await importForcingNetcdf([dailyForcing(dir)], { grid }));
    const codes = Array.from({ length: NX * NY }, (_, k) => code(Math.floor(k / NX), k % NX));
    const tif = geotiffFromAsc(dir, 'landcover.tif', { west: WEST, north: NORTH, size: PX, ncols: NX, nrows: NY, values: codes, nodata: NODATA }, { type: 'Byte' });
    const summary = await applyImport(project, await importLandCover(tif, { grid }));
    assert.ok(summary.notes.some((x) => /area fractions of 7 classes \(1, 4, 5, 7, 10, 12, 16\)/.test(x)), summary.notes.join('; '));

    const ds = await openDataset(project);
    const fr = ds.staticLayers.landCoverFractions!;
    assert.deepEqual(fr.classes, CLASSES);
    let checked = 0;
    for (let cy = 0; cy < CY; cy++) {
      for (let cx = 0; cx < CX; cx++) {
        const cell = (ROW0 + cy) * grid.ncols + COL0 + cx;
        const counts = new Map<number, number>();
        let valid = 0;
        for (let y = cy * SUB; y < (cy + 1) * SUB; y++) {
          for (let x = cx * SUB; x < (cx + 1) * SUB; x++) {
            const c = codes[y * NX + x]!;
            if (c === NODATA) continue;
            counts.set(c, (counts.get(c) ?? 0) + 1);
            valid++;
          }
        }
        if (valid < (SUB * SUB) / 2) {
          for (const c of CLASSES) assert.ok(Number.isNaN(landCoverFraction(ds, c)![cell]!), `cell ${cy},${cx} is unclassified`);
          assert.equal(ds.staticLayers.landCover[cell], 0);
          continue;
        }
        let sum = 0;
        for (const c of CLASSES) {
          const got = landCoverFraction(ds, c)![cell]!;
          assert.ok(Math.abs(got - (counts.get(c) ?? 0) / valid) < 1e-6, `class ${c} in cell ${cy},${cx}: stored ${got}, counted ${(counts.get(c) ?? 0)}/${valid}`);
          sum += got;
        }
        assert.ok(Math.abs(sum - 1) < 1e-6);
        checked++;
      }
    }
    assert.equal(checked, CX * CY - 1);
    assert.equal(landCoverFraction(ds, 10)![ROW0 * grid.ncols + COL0], 1);
    // outside the GeoTIFF: no land cover, no fractions
    let classified = 0;
    for (let c = 0; c < n; c++) if (ds.staticLayers.landCover[c] !== 0) classified++;
    assert.equal(classified, CX * CY - 1);
    assert.ok(Number.isNaN(landCoverFraction(ds, 7)![0]!));

    // the map offers one fraction layer per class, masked to the basin like every static layer
    const ids = datasetLayers(ds).filter((l) => l.id.startsWith('static.landCoverFraction.')).map((l) => l.id);
    assert.deepEqual(ids, CLASSES.map((c) => `static.landCoverFraction.${c}`));
    const shown = layerGrid(ds, 'static.landCoverFraction.5', undefined).values;
    for (let c = 0; c < n; c++) {
      const want = ds.mask[c] ? landCoverFraction(ds, 5)![c]! : NaN;
      assert.ok(shown[c] === want || (Number.isNaN(shown[c]!) && Number.isNaN(want)), `map cell ${c}`);
    }

    // gdal-bin reads the stored fraction at a cell centre, and the class names as flag_meanings
    const file = datasetPath(project);
    const row = ROW0 + 1, col = COL0 + 2;
    const lon = grid.lon0 + col * grid.cellSize, lat = grid.latTop - row * grid.cellSize;
    const g = spawnSync('gdallocationinfo', ['-valonly', '-wgs84', `NETCDF:${file}:landcover_fraction`, String(lon), String(lat)], { encoding: 'utf8' });
    assert.equal(g.status, 0, g.stderr);
    assert.deepEqual(g.stdout.trim().split('\n').map(Number), CLASSES.map((c) => landCoverFraction(ds, c)![row * grid.ncols + col]!));
    const info = spawnSync('gdalinfo', [`NETCDF:${file}:landcover_fraction`], { encoding: 'utf8' }).stdout;
    assert.match(info, /landcover_class#flag_meanings=evergreen_needleleaf_forest deciduous_broadleaf_forest class_5 open_shrubland grassland cropland barren/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
