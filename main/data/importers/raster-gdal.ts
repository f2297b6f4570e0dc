/**
 * Reads the part of a raster (GeoTIFF or anything else gdal3.js opens) that covers the project
 * grid, with band descriptions, metadata, nodata and scale/offset, and computes its area weights on
 * the project grid.
 *
 * Rasters in a projected CRS are first warped to EPSG:4326 with nearest neighbour at about their own
 * resolution (gdalwarp picks it), so that the area-weighted averaging that follows (regrid.ts) sees
 * the original pixels; the averaging and its valid-area threshold are then the same for every input.
 */
import { promises as fs } from 'node:fs';
import { gridBounds, type GridSpec } from '../grid.ts';
import { ImportError } from './errors.ts';
import { requireRegularFile } from './input-files.ts';
import { gdalReason, removeScratchOutput, withGdal, type GdalApi, type GdalDataset, type GdalOutputPath } from './gdal-runtime.ts';
import { overlapWeights, type OverlapWeights } from './regrid.ts';

export interface RasterBandInfo {
  readonly description: string;
  readonly noData: number | undefined;
  readonly scale: number;
  readonly offset: number;
  readonly metadata: Readonly<Record<string, string>>;
  readonly type: string;
}

export interface RasterWindow {
  readonly path: string;
  readonly driver: string;
  readonly width: number;
  readonly height: number;
  /** the source CRS as GDAL describes it (WKT name), and whether it had to be warped */
  readonly crsName: string;
  readonly warped: boolean;
  readonly bands: readonly RasterBandInfo[];
  readonly metadata: Readonly<Record<string, string>>;
  readonly weights: OverlapWeights;
  /**
   * Raw values (not yet scaled, nodata in place) of each band over weights' window, row-major.
   * Callers decide how to decode (decodeBand) because LAI, classes and soil differ.
   */
  readonly raw: readonly Float32Array[];
}

interface GdalInfoJson {
  driverShortName?: string;
  size?: number[];
  geoTransform?: number[];
  coordinateSystem?: { wkt?: string };
  metadata?: Record<string, Record<string, string>>;
  bands?: {
    band: number; type?: string; description?: string; noDataValue?: number | string;
    scale?: number; offset?: number; metadata?: Record<string, Record<string, string>>;
  }[];
}

async function openRaster(gdal: GdalApi, file: string): Promise<GdalDataset> {
  let opened;
  try {
    opened = await gdal.open(file);
  } catch {
    throw new ImportError(file, 'cannot be opened as a raster by GDAL (not a GeoTIFF or other supported raster, or truncated/corrupt)');
  }
  const ds = opened.datasets[0];
  if (!ds) throw new ImportError(file, `cannot be opened as a raster by GDAL (${opened.errors.join('; ') || 'unsupported or corrupt'})`);
  if (ds.type !== 'raster') {
    await gdal.close(ds);
    throw new ImportError(file, `is a ${ds.type} dataset, expected a raster`);
  }
  return ds;
}

function crsName(wkt: string): string {
  return /^[A-Z]+\["([^"]*)"/.exec(wkt)?.[1] ?? 'unknown CRS';
}

/** Reads the window of `file` over `grid`. Errors name the file. */
export async function readRasterWindow(file: string, grid: GridSpec, options: { bands?: readonly number[] } = {}): Promise<RasterWindow> {
  await fs.access(file).catch(() => { throw new ImportError(file, 'does not exist or cannot be read'); });
  await requireRegularFile(file);
  return withGdal(async (gdal, ctx) => {
    const scratch: GdalOutputPath[] = [];
    const datasets: GdalDataset[] = [];
    try {
      let ds = await openRaster(gdal, file);
      datasets.push(ds);
      let info = (await gdal.gdalinfo(ds, ['-json'])) as GdalInfoJson;
      const wkt = info.coordinateSystem?.wkt ?? '';
      const gt0 = info.geoTransform;
      if (!wkt) throw new ImportError(file, 'has no coordinate reference system (expected a georeferenced raster, e.g. EPSG:4326)');
      if (!gt0 || gt0.length !== 6) throw new ImportError(file, 'has no geotransform (expected a georeferenced raster)');
      const geographic = /^GEOG(CRS|CS)\[/.test(wkt);
      let warped = false;
      if (!geographic || gt0[2] !== 0 || gt0[4] !== 0) {
        // warp only the area around the project grid
        const [w, s, e, n] = gridBounds(grid);
        const pad = grid.cellSize;
        let out: GdalOutputPath;
        try {
          out = await gdal.gdalwarp(ds, ['-t_srs', 'EPSG:4326', '-te', String(w - pad), String(s - pad), String(e + pad), String(n + pad), '-r', 'near', '-of', 'GTiff', '-overwrite'], ctx.outputName('warp'));
        } catch (err) {
          throw new ImportError(file, `could not be reprojected from ${crsName(wkt)} to EPSG:4326 (${gdalReason(err, ctx.messages)})`);
        }
        scratch.push(out);
        ds = await openRaster(gdal, out.real);
        datasets.push(ds);
        info = (await gdal.gdalinfo(ds, ['-json'])) as GdalInfoJson;
        warped = true;
      }
      const [width, height] = info.size ?? [0, 0];
      const gt = info.geoTransform!;
      if (!width || !height || gt[1]! <= 0 || gt[5]! >= 0) throw new ImportError(file, `has an unusable geotransform [${gt.join(', ')}] (expected north-up pixels)`);
      const lon = Float64Array.from({ length: width }, (_, i) => gt[0]! + (i + 0.5) * gt[1]!);
      const lat = Float64Array.from({ length: height }, (_, j) => gt[3]! + (j + 0.5) * gt[5]!);
      const weights = overlapWeights(grid, { centres: lon }, { centres: lat });
      if (typeof weights === 'string') throw new ImportError(file, `is not on a regular grid: ${weights}`);
      if (weights.coverage === 0) {
        throw new ImportError(file, `does not overlap the project grid (raster covers lon ${gt[0]}..${gt[0]! + width * gt[1]!}, lat ${gt[3]! + height * gt[5]!}..${gt[3]}${warped ? ` after reprojection from ${crsName(wkt)}` : ''}; project ${gridBounds(grid).join(', ')})`);
      }
      const bandInfos: RasterBandInfo[] = (info.bands ?? []).map((b) => ({
        description: b.description ?? '',
        noData: b.noDataValue === undefined ? undefined : Number(b.noDataValue),
        scale: b.scale ?? 1,
        offset: b.offset ?? 0,
        metadata: b.metadata?.[''] ?? {},
        type: b.type ?? 'unknown',
      }));
      if (bandInfos.length === 0) throw new ImportError(file, 'has no raster bands');
      const wanted = options.bands ?? bandInfos.map((_, i) => i + 1);
      for (const b of wanted) if (b < 1 || b > bandInfos.length) throw new ImportError(file, `has no band ${b} (it has ${bandInfos.length})`);
      const args = ['-of', 'ENVI', '-co', 'INTERLEAVE=BSQ', '-ot', 'Float32', '-srcwin', String(weights.col0), String(weights.row0), String(weights.colCount), String(weights.rowCount)];
      for (const b of wanted) args.push('-b', String(b));
      let out: GdalOutputPath;
      try {
        out = await gdal.gdal_translate(ds, args, ctx.outputName('win'));
      } catch (err) {
        throw new ImportError(file, `pixel data could not be read, the file looks truncated or corrupt (${gdalReason(err, ctx.messages)})`);
      }
      scratch.push(out);
      const bytes = await fs.readFile(out.real);
      const win = weights.rowCount * weights.colCount;
      if (bytes.length !== win * wanted.length * 4) throw new ImportError(file, `pixel data could not be read in full (${bytes.length} of ${win * wanted.length * 4} bytes), the file looks truncated or corrupt`);
      const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
      const raw = wanted.map((_, k) => all.subarray(k * win, (k + 1) * win));
      return {
        path: file,
        driver: info.driverShortName ?? 'unknown',
        width,
        height,
        crsName: crsName(wkt),
        warped,
        bands: wanted.map((b) => bandInfos[b - 1]!),
        metadata: info.metadata?.[''] ?? {},
        weights,
        raw,
      };
    } finally {
      for (const d of datasets.reverse()) await gdal.close(d).catch(() => undefined);
      for (const s of scratch) removeScratchOutput(s);
    }
  });
}

/**
 * The pixel-centre axes of a north-up raster in geographic coordinates (for `project create
 * --grid-from`); a projected or rotated raster is refused, since its pixels are no lat/lon cells.
 */
export async function readRasterAxes(file: string): Promise<{ lon: Float64Array; lat: Float64Array }> {
  await fs.access(file).catch(() => { throw new ImportError(file, 'does not exist or cannot be read'); });
  await requireRegularFile(file);
  return withGdal(async (gdal) => {
    const ds = await openRaster(gdal, file);
    try {
      const info = (await gdal.gdalinfo(ds, ['-json'])) as GdalInfoJson;
      const wkt = info.coordinateSystem?.wkt ?? '';
      const gt = info.geoTransform;
      const [width, height] = info.size ?? [0, 0];
      if (!wkt || !gt || gt.length !== 6) throw new ImportError(file, 'has no coordinate reference system or geotransform (expected a georeferenced raster in EPSG:4326)');
      if (!/^GEOG(CRS|CS)\[/.test(wkt)) throw new ImportError(file, `is in ${crsName(wkt)}, not in latitude/longitude; a project grid is taken only from an EPSG:4326 raster (use --bbox W,S,E,N --resolution DEG instead)`);
      if (gt[2] !== 0 || gt[4] !== 0 || !(gt[1]! > 0) || !(gt[5]! < 0) || !width || !height) throw new ImportError(file, `has a rotated or not north-up geotransform [${gt.join(', ')}]`);
      return {
        lon: Float64Array.from({ length: width }, (_, i) => gt[0]! + (i + 0.5) * gt[1]!),
        lat: Float64Array.from({ length: height }, (_, j) => gt[3]! + (j + 0.5) * gt[5]!),
      };
    } finally {
      await gdal.close(ds).catch(() => undefined);
    }
  });
}

/** Raw band values -> physical values: nodata and `extraNodata` to NaN, then scale and offset. */
export function decodeBand(raw: Float32Array, band: RasterBandInfo, override: { scale?: number; offset?: number; nodata?: readonly number[] } = {}): Float32Array {
  const scale = override.scale ?? band.scale;
  const offset = override.offset ?? band.offset;
  const nodata = [...(band.noData !== undefined ? [band.noData] : []), ...(override.nodata ?? [])].map(Math.fround);
  const out = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i]!;
    out[i] = Number.isNaN(v) || nodata.includes(v) ? NaN : v * scale + offset;
  }
  return out;
}
