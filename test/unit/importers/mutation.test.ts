/**
 * Mutation test: every importer is fed truncated and bit-flipped versions of valid files (a fixed,
 * seeded set) and must either refuse with an ImportError naming the file, or, where a flip only
 * changed data values that no format can check, import without crashing. Never a crash, a hang, a
 * non-ImportError exception, or a project changed by a refused import.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { importForcingNetcdf } from '../../../main/data/importers/forcing-netcdf.ts';
import { importLai } from '../../../main/data/importers/lai.ts';
import { importLandCover } from '../../../main/data/importers/static-layers.ts';
import { importBasins } from '../../../main/data/importers/basins.ts';
import { applyImport } from '../../../main/data/importers/project-import.ts';
import { ImportError } from '../../../main/data/importers/errors.ts';
import type { ImportResult } from '../../../main/data/importers/types.ts';
import { UCRB_GRID } from '../../../main/data/grid.ts';
import { dailyForcing, geotiffFromAsc, run } from './make-files.ts';
import { nldasGribDays } from './make-grib.ts';
import { hashTree } from './project-hash.ts';
import { mulberry32 } from '../../../main/util/mulberry32.ts';

const grid = UCRB_GRID;


interface Mutation { readonly name: string; readonly bytes: Uint8Array; readonly truncated: boolean }

function mutations(valid: Uint8Array, seed: number): Mutation[] {
  const out: Mutation[] = [];
  for (const frac of [0, 0.02, 0.1, 0.35, 0.6, 0.9]) {
    const len = Math.floor(valid.length * frac);
    out.push({ name: `truncated to ${len} of ${valid.length} bytes`, bytes: valid.slice(0, len), truncated: true });
  }
  out.push({ name: 'last byte cut', bytes: valid.slice(0, valid.length - 1), truncated: true });
  const rnd = mulberry32(seed);
  for (const flips of [1, 1, 1, 4, 16, 64]) {
    const b = valid.slice();
    const where: number[] = [];
    for (let k = 0; k < flips; k++) {
      // half the flips land in the first 512 bytes, where headers and signatures live
      const pos = rnd() < 0.5 ? Math.floor(rnd() * Math.min(512, b.length)) : Math.floor(rnd() * b.length);
      b[pos] = b[pos]! ^ (1 << Math.floor(rnd() * 8));
      where.push(pos);
    }
    out.push({ name: `${flips} bit(s) flipped at ${where.slice(0, 4).join(',')}${flips > 4 ? ',...' : ''}`, bytes: b, truncated: false });
  }
  const zeroed = valid.slice();
  const at = Math.floor(valid.length / 3);
  zeroed.fill(0, at, Math.min(valid.length, at + 256));
  out.push({ name: `256 bytes zeroed at ${at}`, bytes: zeroed, truncated: false });
  return out;
}

interface Case {
  readonly label: string;
  readonly file: string;
  readonly ext: string;
  readonly run: (file: string) => Promise<ImportResult>;
  readonly seed: number;
}

test('mutated inputs: a clean ImportError or a checked import, never a crash, a hang or a changed project', { timeout: 600_000 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-mutation-'));
  try {
    const src = path.join(dir, 'src');
    mkdirSync(src);
    const nc4 = dailyForcing(src, 'forcing4.nc', 'NC4');
    const nc3 = dailyForcing(src, 'forcing3.nc', 'NC');
    // three days of 3-hourly NLDAS-2 fields on the same cells, GRIB2 by gdal_translate
    const grib = nldasGribDays(src, 'forcing.grb2', { west: -108.625, north: 39.5, size: 0.125, ncols: 5, nrows: 4 }, '2003-05-01T00:00:00Z', 3, 3);
    const lai = Array.from({ length: 20 }, (_, k) => 100 + k * 9);
    const ascGrid = { west: -108.625, north: 39.5, size: 0.125, ncols: 5, nrows: 4, values: lai, nodata: -1 };
    const laiTif = geotiffFromAsc(src, 'm-src-2003-05-03.tif', ascGrid, { scale: 0.01, extra: ['-co', 'COMPRESS=DEFLATE'] });
    const lcTif = geotiffFromAsc(src, 'landcover.tif', { ...ascGrid, values: lai.map((v) => [1, 7, 10, 12][v % 4]!) , nodata: 255 }, { type: 'Byte' });
    const gj = path.join(src, 'subs.geojson');
    writeFileSync(gj, JSON.stringify({ type: 'FeatureCollection', features: [
      { type: 'Feature', properties: { id: 1, name: 'A' }, geometry: { type: 'Polygon', coordinates: [[[-108.625, 39.0], [-108.375, 39.0], [-108.375, 39.5], [-108.625, 39.5], [-108.625, 39.0]]] } },
      { type: 'Feature', properties: { id: 2, name: 'B' }, geometry: { type: 'Polygon', coordinates: [[[-108.375, 39.0], [-108.0, 39.0], [-108.0, 39.5], [-108.375, 39.0]]] } },
    ] }));
    const shpDir = path.join(src, 'shp');
    mkdirSync(shpDir);
    run('ogr2ogr', ['-f', 'ESRI Shapefile', '-t_srs', 'EPSG:26912', path.join(shpDir, 'subs.shp'), gj]);
    const zip = path.join(src, 'subs.zip');
    writeFileSync(zip, zipSync(Object.fromEntries(readdirSync(shpDir).map((f) => [f, new Uint8Array(readFileSync(path.join(shpDir, f)))]))));

    const project = path.join(dir, 'project');
    mkdirSync(project);
    await applyImport(project, await importForcingNetcdf([nc4], { grid }));

    const cases: Case[] = [
      { label: 'forcing NetCDF4', file: nc4, ext: '.nc', seed: 11, run: (f) => importForcingNetcdf([f], { grid }) },
      { label: 'forcing NetCDF3', file: nc3, ext: '.nc', seed: 12, run: (f) => importForcingNetcdf([f], { grid }) },
      { label: 'forcing GRIB2', file: grib, ext: '.grb2', seed: 17, run: (f) => importForcingNetcdf([f], { grid }) },
      { label: 'LAI GeoTIFF (DEFLATE)', file: laiTif, ext: '.tif', seed: 13, run: (f) => importLai([f], { grid, datePattern: 'm-*-{YYYY}-{MM}-{DD}.tif' }) },
      { label: 'land cover GeoTIFF', file: lcTif, ext: '.tif', seed: 14, run: (f) => importLandCover(f, { grid }) },
      { label: 'basins GeoJSON', file: gj, ext: '.geojson', seed: 15, run: (f) => importBasins(f, { grid }) },
      { label: 'basins zipped shapefile', file: zip, ext: '.zip', seed: 16, run: (f) => importBasins(f, { grid }) },
    ];
    const mut = path.join(dir, 'mutated');
    mkdirSync(mut);
    const tally: string[] = [];
    for (const c of cases) {
      const valid = new Uint8Array(readFileSync(c.file));
      // the valid file imports: the mutations below start from a working input
      await c.run(c.file);
      let refused = 0;
      let accepted = 0;
      for (const [k, m] of mutations(valid, c.seed).entries()) {
        const file = path.join(mut, `m-${c.seed}-${k}-2003-05-03${c.ext}`);
        writeFileSync(file, m.bytes);
        const before = hashTree(project);
        const started = Date.now();
        if (process.env.VEGDYN_MUTATION_TRACE) process.stderr.write(`# ${c.label}: ${m.name}\n`);
        try {
          const result = await c.run(file);
          // a flip in data values cannot be detected by any of these formats; what comes out must
          // still be a well-formed result on the project grid, and it must apply cleanly
          assert.ok(!m.truncated, `${c.label}, ${m.name}: a truncated file was accepted`);
          assert.equal(result.grid, grid);
          await applyImport(project, result);
          accepted++;
        } catch (err) {
          assert.ok(err instanceof ImportError, `${c.label}, ${m.name}: expected an ImportError, got ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
          assert.ok(err.message.includes(file), `${c.label}, ${m.name}: the message must name the file: ${err.message}`);
          assert.equal(hashTree(project), before, `${c.label}, ${m.name}: a refused import changed the project`);
          refused++;
        }
        assert.ok(Date.now() - started < 60_000, `${c.label}, ${m.name}: took ${Date.now() - started} ms`);
        rmSync(file, { force: true });
      }
      tally.push(`${c.label}: ${refused} refused, ${accepted} accepted`);
      // restore the baseline forcing when a mutated forcing file was accepted
      if (c.label.startsWith('forcing')) await applyImport(project, await importForcingNetcdf([nc4], { grid }));
    }
    copyFileSync(path.join(project, 'data', 'imports.json'), path.join(dir, 'imports.json'));
    process.stdout.write(`# mutation tally: ${tally.join('; ')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
