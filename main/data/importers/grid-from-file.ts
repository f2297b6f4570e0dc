/**
 * `vegdyn project create DIR --grid-from FILE`: the grid of a forcing NetCDF / GRIB file or of a
 * GeoTIFF (its cell centres, resolution and extent), and `--basin FILE`: the outline's bounding box
 * plus a one-cell margin on a lattice, with the outline kept as the basin.
 */
import path from 'node:path';
import type { GridSpec } from '../grid.ts';
import { GridDefinitionError, gridFromBbox, gridFromCentres, type LatticeOptions } from '../grid-definition.ts';
import { ImportError } from './errors.ts';
import { readForcingAxes } from './forcing-netcdf.ts';
import { readRasterAxes } from './raster-gdal.ts';
import { dissolveFeatures, readBasinFeatures, type BasinFeature } from './basins.ts';

const RASTER_EXTENSIONS = ['.tif', '.tiff', '.gtif', '.vrt', '.img'];

function asImportError(file: string, err: unknown): unknown {
  return err instanceof GridDefinitionError ? new ImportError(file, err.message.replace(`${file}: `, '')) : err;
}

export async function gridFromFile(file: string): Promise<GridSpec> {
  const raster = RASTER_EXTENSIONS.includes(path.extname(file).toLowerCase());
  const axes = raster ? await readRasterAxes(file) : await readForcingAxes(file);
  try {
    return gridFromCentres(axes.lon, axes.lat, file);
  } catch (err) {
    throw asImportError(file, err);
  }
}

export interface BasinGrid {
  readonly grid: GridSpec;
  /** the outline as one feature (several features dissolved into one MultiPolygon) */
  readonly outline: GeoJSON.Feature<GeoJSON.Polygon | GeoJSON.MultiPolygon>;
  readonly featureCount: number;
}

function bboxOf(features: readonly BasinFeature[]): [number, number, number, number] {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  for (const f of features) {
    const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const ring of polys.flat(1)) for (const [x, y] of ring) {
      w = Math.min(w, x!); e = Math.max(e, x!); s = Math.min(s, y!); n = Math.max(n, y!);
    }
  }
  return [w, s, e, n];
}

/** The grid of a basin outline: its bounding box plus `marginCells` (default 1) on the lattice. */
export async function gridFromBasin(file: string, options: LatticeOptions & { feature?: string } = {}): Promise<BasinGrid> {
  let features = await readBasinFeatures(file);
  if (options.feature !== undefined) {
    const chosen = features.filter((f) => f.name === options.feature);
    if (chosen.length === 0) throw new ImportError(file, `has no feature named '${options.feature}' (names: ${features.map((f) => f.name).join(', ')})`);
    features = chosen;
  }
  const geometry = features.length === 1 ? features[0]!.geometry : dissolveFeatures(file, features);
  const name = features.length === 1 ? features[0]!.name : `${features.length} features of ${path.basename(file)}`;
  try {
    const grid = gridFromBbox(bboxOf(features), { ...options, marginCells: options.marginCells ?? 1 });
    return { grid, outline: { type: 'Feature', properties: { name, source: path.basename(file) }, geometry }, featureCount: features.length };
  } catch (err) {
    throw asImportError(file, err);
  }
}
