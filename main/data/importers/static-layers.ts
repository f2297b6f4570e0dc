/**
 * Static layers from GeoTIFF: land cover (class fractions per cell and the majority class) and soil
 * texture (area-weighted means of sand %, clay %, organic-matter fraction).
 */
import path from 'node:path';
import { cellCount, type GridSpec } from '../grid.ts';
import { ImportError } from './errors.ts';
import { decodeBand, readRasterWindow } from './raster-gdal.ts';
import { areaAverage, classFractions } from './regrid.ts';
import type { ImportedLandCover, ImportedSoil, LayerProvenance } from './types.ts';

export interface LandCoverImportOptions {
  /** the project grid */
  readonly grid: GridSpec;
  readonly band?: number;
  /** raw codes meaning "no data" besides the file's nodata (e.g. 0 or 255) */
  readonly nodata?: readonly number[];
  /** recode source classes, e.g. MODIS -> VegDyn codes: { 2: 1 } */
  readonly remap?: Readonly<Record<number, number>>;
  readonly minValidFraction?: number;
}

export async function importLandCover(file: string, options: LandCoverImportOptions): Promise<ImportedLandCover> {
  const grid = options.grid;
  const win = await readRasterWindow(file, grid, { bands: [options.band ?? 1] });
  const band = win.bands[0]!;
  const codes = decodeBand(win.raw[0]!, { ...band, scale: 1, offset: 0 }, { nodata: options.nodata });
  for (let i = 0; i < codes.length; i++) {
    let v = codes[i]!;
    if (Number.isNaN(v)) continue;
    if (!Number.isInteger(v)) throw new ImportError(file, `holds the non-integer value ${v}; land cover must be integer class codes`, `band ${options.band ?? 1}`);
    if (options.remap && options.remap[v] !== undefined) v = options.remap[v]!;
    if (v < 0 || v > 255) throw new ImportError(file, `holds class code ${v}; expected codes 1..255 (0 or the nodata value for no data)`, `band ${options.band ?? 1}`);
    codes[i] = v === 0 ? NaN : v;
  }
  const { fractions, majority } = classFractions(codes, win.weights, cellCount(grid), options.minValidFraction ?? 0.5);
  if (!majority.some((c) => c !== 0)) throw new ImportError(file, 'has no classified pixels inside the project grid (all no data)', `band ${options.band ?? 1}`);
  return {
    kind: 'landcover',
    grid,
    majority,
    fractions,
    provenance: {
      files: [file],
      source: `${path.basename(file)} band ${options.band ?? 1}`,
      sourceUnits: 'class code',
      conversion: `class area fractions per cell${win.warped ? ` after nearest-neighbour reprojection from ${win.crsName}` : ''}; majority = largest fraction${options.remap ? '; recoded' : ''}`,
    },
  };
}

/** Continuous static layers averaged by area: soil texture, and elevation (m) from a DEM. */
export type SoilLayerName = 'sandPercent' | 'clayPercent' | 'organicFraction' | 'elevation';

export interface SoilInput {
  readonly file: string;
  readonly band?: number;
  /** multiply after the file's own scale/offset, e.g. 0.1 for SoilGrids g/kg -> % */
  readonly scale?: number;
  readonly nodata?: readonly number[];
}

const SOIL_RANGE: Readonly<Record<SoilLayerName, [number, number, string]>> = {
  sandPercent: [0, 100, '%'],
  clayPercent: [0, 100, '%'],
  organicFraction: [0, 1, 'fraction'],
  // below the Dead Sea shore to above Everest: anything else is a unit or nodata problem
  elevation: [-500, 9000, 'm'],
};

export async function importSoil(inputs: Readonly<Partial<Record<SoilLayerName, SoilInput>>>, options: { grid: GridSpec; minValidFraction?: number }): Promise<ImportedSoil> {
  const grid = options.grid;
  const n = cellCount(grid);
  const layers: Partial<Record<SoilLayerName, Float32Array>> = {};
  const provenance: Partial<Record<SoilLayerName, LayerProvenance>> = {};
  const names = Object.keys(inputs) as SoilLayerName[];
  if (names.length === 0) throw new ImportError('(no input)', 'no soil layers given (expected sand, clay and/or organic matter GeoTIFFs)');
  for (const name of names) {
    const input = inputs[name]!;
    const win = await readRasterWindow(input.file, grid, { bands: [input.band ?? 1] });
    const decoded = decodeBand(win.raw[0]!, win.bands[0]!, { nodata: input.nodata });
    const extra = input.scale ?? 1;
    const [lo, hi, unit] = SOIL_RANGE[name];
    for (let i = 0; i < decoded.length; i++) {
      if (Number.isNaN(decoded[i]!)) continue;
      const v = decoded[i]! * extra;
      if (v < lo - 1e-6 || v > hi + 1e-6) {
        throw new ImportError(input.file, `holds ${decoded[i]}${extra !== 1 ? ` (x${extra} = ${v})` : ''}, outside ${lo}..${hi} ${unit} expected for ${name}; give a scale (e.g. 0.1 for g/kg -> %)`, `band ${input.band ?? 1}`);
      }
      decoded[i] = v;
    }
    const values = areaAverage(decoded, win.weights, new Float32Array(n), options.minValidFraction ?? 0.5);
    if (!values.some((v) => !Number.isNaN(v))) throw new ImportError(input.file, `has no valid ${name} value in any project cell`, `band ${input.band ?? 1}`);
    layers[name] = values;
    provenance[name] = {
      files: [input.file],
      source: `${path.basename(input.file)} band ${input.band ?? 1}`,
      sourceUnits: win.metadata.units ?? unit,
      conversion: `${extra !== 1 ? `x${extra}; ` : ''}area-weighted mean per cell${win.warped ? ` after reprojection from ${win.crsName}` : ''}`,
    };
  }
  return { kind: 'soil', grid, layers, provenance };
}
