/**
 * Unzips an uploaded shapefile archive within bounds (a 2 MB zip once expanded to 2.9 GB in memory
 * and blocked the server for 18 s). fflate reads the central directory first and hands each
 * entry's declared sizes to the filter below before inflating anything, so:
 *  - only the shapefile's parts are taken (.shp .shx .dbf .prj .cpg, no __MACOSX); other entries
 *    are never inflated;
 *  - the taken entries may expand to MAX_EXPANDED_BYTES in all, and an entry over 1 MiB may not
 *    expand more than MAX_COMPRESSION_RATIO times its compressed size (real shapefiles compress
 *    well under 20x; a run of zeros deflates about 1000x);
 *  - inflating uses the declared size as a fixed output buffer, so an entry that lies about its
 *    size is cut there, not grown; entries over 512 KiB inflate in fflate's worker threads, off the
 *    main loop.
 */
import { unzip, type UnzipFileInfo } from 'fflate';

export const SHAPEFILE_PARTS = ['.shp', '.shx', '.dbf', '.prj', '.cpg'] as const;
/** total expanded size of the taken entries */
export const MAX_EXPANDED_BYTES = 256 * 1024 * 1024;
/** largest expanded / compressed size of one entry (entries up to RATIO_EXEMPT_BYTES exempt) */
export const MAX_COMPRESSION_RATIO = 100;
const RATIO_EXEMPT_BYTES = 1024 * 1024;

export interface UnzipLimits {
  readonly maxExpandedBytes?: number;
  readonly maxCompressionRatio?: number;
}

export interface ShapefileEntries {
  /** taken entries by name */
  readonly files: Record<string, Uint8Array>;
  /** names of the entries left in the archive (not inflated) */
  readonly skipped: string[];
}

/** the archive breaks one of the bounds above */
export class UnzipLimitError extends Error {}

const isPart = (name: string): boolean => !name.startsWith('__MACOSX') && !name.endsWith('/') && SHAPEFILE_PARTS.some((ext) => name.toLowerCase().endsWith(ext));

/** Unzips the shapefile parts of `zip`; an UnzipLimitError names the entry and the bound broken. */
export function unzipShapefileParts(zip: Uint8Array, limits: UnzipLimits = {}): Promise<ShapefileEntries> {
  const maxTotal = limits.maxExpandedBytes ?? MAX_EXPANDED_BYTES;
  const maxRatio = limits.maxCompressionRatio ?? MAX_COMPRESSION_RATIO;
  const skipped: string[] = [];
  let total = 0;
  let refused: string | undefined;
  const filter = (f: UnzipFileInfo): boolean => {
    if (refused) return false;
    if (!isPart(f.name)) {
      skipped.push(f.name);
      return false;
    }
    total += f.originalSize;
    if (total > maxTotal) refused = `its shapefile parts expand to more than ${maxTotal} bytes (at ${f.name}); the limit keeps an upload from filling memory`;
    else if (f.originalSize > RATIO_EXEMPT_BYTES && f.originalSize > maxRatio * Math.max(1, f.size)) refused = `${f.name} expands ${Math.round(f.originalSize / Math.max(1, f.size))} times (${f.size} -> ${f.originalSize} bytes), more than the ${maxRatio}x a real shapefile needs`;
    return !refused;
  };
  return new Promise((resolve, reject) => {
    unzip(zip, { filter }, (err, files) => {
      if (refused) reject(new UnzipLimitError(refused));
      else if (err) reject(err);
      else resolve({ files, skipped });
    });
  });
}
