/**
 * GeoTIFF export of gridded layers (one band per layer, e.g. one per date).
 *
 * The bands are written as raw little-endian Float32 behind a GDAL VRT that carries the
 * georeference, nodata value, band descriptions and metadata; gdal3.js then translates the VRT to a
 * tiled, DEFLATE-compressed GeoTIFF. (geotiff.js can only write uncompressed Float32 strips with
 * at most 1000 bytes of metadata, too little for a band description per date.)
 *
 * Output: EPSG:4326, north-up, origin at the top-left cell corner, pixel size = grid.cellSize.
 * The file appears at `path` atomically: a failed export leaves what was there before.
 */
import { promises as fs, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cellCount, gridBounds, type GridSpec } from '../data/grid.ts';
import { withAtomicPath } from '../project/atomic-write.ts';
import { lastGdalMessage, removeScratchOutput, withGdal, type GdalOutputPath } from '../data/importers/gdal-runtime.ts';

export interface GeoTiffBand {
  /** one value per cell, row 0 = north (grid.ts layout); NaN = nodata */
  readonly data: Float32Array;
  /** band description, e.g. the ISO date of the layer */
  readonly description: string;
  /** extra per-band metadata items (GDAL band metadata) */
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface GeoTiffExport {
  readonly grid: GridSpec;
  readonly bands: readonly GeoTiffBand[];
  /** value written for missing cells; default -9999 */
  readonly nodata?: number;
  /** DEFLATE compression with tiles; default true */
  readonly compress?: boolean;
  /** clip mask, one byte per cell: cells where it is 0 are written as nodata */
  readonly mask?: Uint8Array;
  /** dataset-level metadata items (e.g. units, source) */
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface GeoTiffSummary {
  readonly path: string;
  readonly bands: number;
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
}

export async function writeGeoTiff(target: string, spec: GeoTiffExport): Promise<GeoTiffSummary> {
  const { grid, bands } = spec;
  const nodata = spec.nodata ?? -9999;
  const n = cellCount(grid);
  if (bands.length === 0) throw new Error(`GeoTIFF export to ${target}: no bands to write`);
  if (!Number.isFinite(nodata)) throw new Error(`GeoTIFF export to ${target}: nodata must be a finite number, got ${nodata}`);
  if (spec.mask && spec.mask.length !== n) {
    throw new Error(`GeoTIFF export to ${target}: clip mask has ${spec.mask.length} cells, the grid has ${n}`);
  }
  bands.forEach((b, i) => {
    if (b.data.length !== n) {
      throw new Error(`GeoTIFF export to ${target}: band ${i + 1} ('${b.description}') has ${b.data.length} values, the ${grid.ncols}x${grid.nrows} grid has ${n}`);
    }
  });

  const raw = new Float32Array(n * bands.length);
  bands.forEach((b, i) => {
    const off = i * n;
    for (let c = 0; c < n; c++) {
      const v = b.data[c]!;
      raw[off + c] = Number.isNaN(v) || (spec.mask !== undefined && spec.mask[c] === 0) ? nodata : v;
    }
  });

  const work = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-tif-'));
  try {
    // Float32Array is little-endian on every platform Node runs on (x64, arm64)
    await fs.writeFile(path.join(work, 'bands.f32'), new Uint8Array(raw.buffer));
    const vrtPath = path.join(work, 'bands.vrt');
    await fs.writeFile(vrtPath, buildVrt(grid, bands, nodata, spec.metadata ?? {}));
    const compress = spec.compress ?? true;
    const options = ['-of', 'GTiff', '-co', compress ? 'COMPRESS=DEFLATE' : 'COMPRESS=NONE'];
    // band-interleaved, so that reading one date does not decompress all of them
    options.push('-co', 'INTERLEAVE=BAND');
    if (compress) options.push('-co', 'TILED=YES', '-co', 'PREDICTOR=3');

    await withAtomicPath(target, async (tmp) => {
      await withGdal(async (gdal, ctx) => {
        const opened = await gdal.open(vrtPath);
        const ds = opened.datasets[0];
        if (!ds) throw new Error(`GeoTIFF export to ${target}: GDAL could not read its own VRT: ${opened.errors.join('; ') || lastGdalMessage(ctx.messages)}`);
        let out: GdalOutputPath | undefined;
        try {
          out = await gdal.gdal_translate(ds, options, ctx.outputName('export'));
          // the scratch folder may be on another filesystem: copy, then the atomic rename
          await fs.copyFile(out.real, tmp);
        } catch (err) {
          throw new Error(`GeoTIFF export to ${target} failed in GDAL: ${err instanceof Error && err.message ? err.message : lastGdalMessage(ctx.messages)}`);
        } finally {
          removeScratchOutput(out);
          await gdal.close(ds);
        }
      });
    });
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
  const stat = await fs.stat(target);
  return { path: target, bands: bands.length, width: grid.ncols, height: grid.nrows, bytes: stat.size };
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function metadataXml(items: Readonly<Record<string, string>>, indent: string): string {
  const entries = Object.entries(items);
  if (entries.length === 0) return '';
  return `${indent}<Metadata>\n${entries.map(([k, v]) => `${indent}  <MDI key="${xml(k)}">${xml(v)}</MDI>`).join('\n')}\n${indent}</Metadata>\n`;
}

function buildVrt(grid: GridSpec, bands: readonly GeoTiffBand[], nodata: number, metadata: Readonly<Record<string, string>>): string {
  const [west, , , north] = gridBounds(grid);
  const n = cellCount(grid);
  const bandXml = bands
    .map((b, i) =>
      `  <VRTRasterBand dataType="Float32" band="${i + 1}" subClass="VRTRawRasterBand">\n` +
      `    <Description>${xml(b.description)}</Description>\n` +
      `    <NoDataValue>${nodata}</NoDataValue>\n` +
      metadataXml(b.metadata ?? {}, '    ') +
      `    <SourceFilename relativeToVRT="1">bands.f32</SourceFilename>\n` +
      `    <ImageOffset>${i * n * 4}</ImageOffset>\n` +
      `    <PixelOffset>4</PixelOffset>\n` +
      `    <LineOffset>${grid.ncols * 4}</LineOffset>\n` +
      `    <ByteOrder>LSB</ByteOrder>\n` +
      `  </VRTRasterBand>\n`)
    .join('');
  return (
    `<VRTDataset rasterXSize="${grid.ncols}" rasterYSize="${grid.nrows}">\n` +
    `  <SRS dataAxisToSRSAxisMapping="2,1">EPSG:4326</SRS>\n` +
    `  <GeoTransform>${west}, ${grid.cellSize}, 0, ${north}, 0, ${-grid.cellSize}</GeoTransform>\n` +
    metadataXml(metadata, '  ') +
    bandXml +
    `</VRTDataset>\n`
  );
}
