/**
 * Basin and subbasin polygons from GeoJSON or a zipped ESRI shapefile. Shapefiles are reprojected
 * to EPSG:4326 from their .prj with gdal3.js's ogr2ogr; each polygon is then turned into per-cell
 * area fractions on the project grid (polygon-fractions.ts) so that basin statistics weight
 * partial cells.
 */
import { promises as fs, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeGrid, type GridSpec } from '../grid.ts';
import { polygonProblem } from '../polygon-validity.ts';
import { ImportError, guardFile, guardFileSync } from './errors.ts';
import { UnzipLimitError, unzipShapefileParts } from './bounded-unzip.ts';
import { checkInputFile, InputFileError, MAX_INPUT_BYTES, readInputFile } from '../../util/input-file.ts';
import { gdalReason, removeScratchOutput, withGdal, type GdalDataset, type GdalOutputPath } from './gdal-runtime.ts';
import { polygonCellFractions } from '../polygon-fractions.ts';
import { unionPolygons } from '../polygon-union.ts';
import type { ImportedBasinFeature, ImportedBasins } from './types.ts';

export interface BasinImportOptions {
  /** the project grid the polygons are put on */
  readonly grid: GridSpec;
  /** attribute holding the feature's name; default the first of name/NAME/Name/basin/label */
  readonly nameField?: string;
  /** attribute holding a numeric id; default 'id' or the feature's position (1-based) */
  readonly idField?: string;
  /** keep only the feature with this name */
  readonly feature?: string;
  /** merge all features into one (a basin made of several polygons, e.g. counties) */
  readonly dissolve?: boolean;
}

const NAME_FIELDS = ['name', 'NAME', 'Name', 'basin', 'BASIN', 'label', 'LABEL', 'HUC_NAME'];
const ID_FIELDS = ['id', 'ID', 'Id', 'basin_id', 'HUC'];

/** Unzips a shapefile archive (its parts only, within bounded-unzip.ts's limits) into a temporary folder and returns the .shp path inside it. */
async function unpackShapefile(zipPath: string, into: string): Promise<string> {
  const bytes = await readInputFile(zipPath).catch((err: unknown) => { throw new ImportError(zipPath, err instanceof Error ? err.message.replace(`${zipPath}: `, '') : String(err)); });
  const { files: entries } = await guardFile(zipPath, 'unzipping', () => unzipShapefileParts(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length)).catch((err: unknown) => {
    if (err instanceof UnzipLimitError) throw new ImportError(zipPath, `refused: ${err.message}`);
    throw err;
  }));
  const shp = Object.keys(entries).filter((k) => k.toLowerCase().endsWith('.shp') && !k.startsWith('__MACOSX'));
  if (shp.length === 0) throw new ImportError(zipPath, `holds no .shp file (found: ${Object.keys(entries).join(', ') || 'nothing'})`);
  if (shp.length > 1) throw new ImportError(zipPath, `holds ${shp.length} shapefiles (${shp.join(', ')}); put one basin layer per archive`);
  const stem = shp[0]!.slice(0, -4);
  const parts = new Map<string, Uint8Array>();
  for (const [name, data] of Object.entries(entries)) {
    if (name.slice(0, -4) === stem || name.slice(0, name.lastIndexOf('.')) === stem) parts.set(name.slice(stem.length).toLowerCase(), data);
  }
  for (const need of ['.shx', '.dbf']) if (!parts.has(need)) throw new ImportError(zipPath, `has ${shp[0]} without its ${need} file`);
  if (!parts.has('.prj')) throw new ImportError(zipPath, `has ${shp[0]} without a .prj file, so its coordinate system is unknown (expected a .prj next to the .shp)`);
  for (const [ext, data] of parts) await fs.writeFile(path.join(into, `basins${ext}`), data);
  return path.join(into, 'basins.shp');
}

/** Polygon, MultiPolygon, or a GeometryCollection of only those (its parts side by side: checked, then unioned by the caller), else undefined. */
function asPolygonal(g: { type?: string; coordinates?: unknown; geometries?: unknown } | null | undefined): GeoJSON.Polygon | GeoJSON.MultiPolygon | undefined {
  if (!g) return undefined;
  if (g.type === 'Polygon' || g.type === 'MultiPolygon') return g as GeoJSON.Polygon | GeoJSON.MultiPolygon;
  if (g.type === 'GeometryCollection' && Array.isArray(g.geometries)) {
    const parts = (g.geometries as { type?: string; coordinates?: unknown }[]).map(asPolygonal);
    if (parts.length === 0 || parts.some((p) => p === undefined)) return undefined;
    const coordinates = parts.flatMap((p) => (p!.type === 'Polygon' ? [p!.coordinates] : p!.coordinates));
    return { type: 'MultiPolygon', coordinates };
  }
  return undefined;
}

interface GeoJsonOut { type?: string; features?: { type?: string; properties?: Record<string, unknown> | null; geometry?: { type?: string; coordinates?: unknown; geometries?: unknown } | null }[] }

/** A polygon feature as read, before it is put on a grid. */
export type BasinFeature = Omit<ImportedBasinFeature, 'cellFractions'>;

/** Reads the polygon features of a GeoJSON or (zipped) shapefile in EPSG:4326; no grid needed. */
export async function readBasinFeatures(file: string, options: Omit<BasinImportOptions, 'grid'> = {}): Promise<BasinFeature[]> {
  // a regular file of bounded size (a FIFO would hang the reader, a device never ends)
  await checkInputFile(file, MAX_INPUT_BYTES).catch((err: unknown) => {
    throw new ImportError(file, err instanceof InputFileError && /no such file/.test(err.message) ? 'does not exist or cannot be read' : err instanceof Error ? err.message.replace(`${file}: `, '') : String(err));
  });
  const work = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-basins-'));
  try {
    const lower = file.toLowerCase();
    let source = file;
    if (lower.endsWith('.zip')) source = await unpackShapefile(file, work);
    else if (lower.endsWith('.shp')) {
      const prj = file.slice(0, -4) + '.prj';
      await fs.access(prj).catch(() => { throw new ImportError(file, `has no ${path.basename(prj)} next to it, so its coordinate system is unknown`); });
    } else if (!/\.(geo)?json$/.test(lower)) {
      throw new ImportError(file, 'is not a GeoJSON (.geojson, .json) or zipped shapefile (.zip)');
    }
    const collection = await withGdal(async (gdal, ctx) => {
      let ds: GdalDataset | undefined;
      let out: GdalOutputPath | undefined;
      try {
        const opened = await gdal.open(source).catch(() => ({ datasets: [] as GdalDataset[], errors: ['GDAL could not open it'] }));
        ds = opened.datasets[0];
        if (!ds || ds.type !== 'vector') throw new ImportError(file, `cannot be read as vector data (${opened.errors.join('; ') || `GDAL opened it as ${ds?.type ?? 'nothing'}`}); the file looks truncated or corrupt`);
        try {
          out = await gdal.ogr2ogr(ds, ['-f', 'GeoJSON', '-t_srs', 'EPSG:4326', '-lco', 'RFC7946=YES'], ctx.outputName('basins'));
        } catch (err) {
          throw new ImportError(file, `could not be reprojected to EPSG:4326 (${gdalReason(err, ctx.messages)})`);
        }
        const text = await fs.readFile(out.real, 'utf8');
        return guardFile(file, 'reading the converted features', () => JSON.parse(text) as GeoJsonOut);
      } finally {
        if (ds) await gdal.close(ds).catch(() => undefined);
        removeScratchOutput(out);
      }
    });
    const features: BasinFeature[] = [];
    const raw = collection.features ?? [];
    if (raw.length === 0) throw new ImportError(file, 'holds no features (expected basin polygons)');
    raw.forEach((f, i) => {
      const g = asPolygonal(f.geometry);
      if (!g) {
        throw new ImportError(file, `feature ${i + 1} is a ${f.geometry?.type ?? 'feature without geometry'}; basins must be Polygon or MultiPolygon`);
      }
      const geometry = g;
      const flat = (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates).flat(2);
      if (flat.some((p) => !Number.isFinite(p[0]) || !Number.isFinite(p[1]) || Math.abs(p[0]!) > 180 || Math.abs(p[1]!) > 90)) {
        throw new ImportError(file, `feature ${i + 1} has coordinates outside longitude -180..180 / latitude -90..90 after reprojection (a wrong or missing CRS?)`);
      }
      const props = f.properties ?? {};
      const nameKey = options.nameField ?? NAME_FIELDS.find((k) => typeof props[k] === 'string' && props[k] !== '');
      if (options.nameField && !(options.nameField in props)) throw new ImportError(file, `feature ${i + 1} has no attribute '${options.nameField}' (attributes: ${Object.keys(props).join(', ') || 'none'})`);
      const idKey = options.idField ?? ID_FIELDS.find((k) => Number.isFinite(Number(props[k])) && props[k] !== null && props[k] !== '');
      const id = idKey !== undefined ? Number(props[idKey]) : i + 1;
      if (!Number.isFinite(id)) throw new ImportError(file, `feature ${i + 1} has a non-numeric id '${String(props[idKey!])}' in '${idKey}'`);
      const name = nameKey !== undefined ? String(props[nameKey]) : `basin ${i + 1}`;
      const problem = polygonProblem(geometry);
      if (problem) throw new ImportError(file, `feature ${i + 1} ('${name}'): ${problem}`);
      // a GeometryCollection's parts may overlap: side by side, the overlap would count twice in
      // the cell fractions, so the feature is their union (each part was checked above)
      const shape = f.geometry?.type === 'GeometryCollection'
        ? guardFileSync(file, `uniting the parts of feature ${i + 1} ('${name}')`, () => unionPolygons([geometry]))
        : geometry;
      if (!shape) throw new ImportError(file, `feature ${i + 1} ('${name}'): the parts of its GeometryCollection have no area together`);
      features.push({ id, name, geometry: shape, properties: props });
    });
    const ids = new Set<number>();
    for (const f of features) {
      if (ids.has(f.id)) throw new ImportError(file, `has two features with id ${f.id}; ids must be unique (give --id-field)`);
      ids.add(f.id);
    }
    return features;
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

/** The union of the features' polygons (the outline of a basin given as its parts). */
export function dissolveFeatures(file: string, features: readonly BasinFeature[]): GeoJSON.Polygon | GeoJSON.MultiPolygon {
  const geometry = guardFileSync(file, 'dissolving its features', () => unionPolygons(features.map((f) => f.geometry)));
  if (!geometry) throw new ImportError(file, `its ${features.length} features dissolve to nothing (their union has no area)`);
  return geometry;
}

export async function importBasins(file: string, options: BasinImportOptions): Promise<ImportedBasins> {
  const grid = options.grid;
  if (options.feature !== undefined && options.dissolve) throw new ImportError(file, 'give either a feature name or dissolve, not both');
  let read = await readBasinFeatures(file, options);
  const notes: string[] = [];
  if (options.feature !== undefined) {
    const chosen = read.filter((f) => f.name === options.feature);
    if (chosen.length === 0) throw new ImportError(file, `has no feature named '${options.feature}' (names: ${read.map((f) => f.name).join(', ')})`);
    notes.push(`kept feature '${options.feature}' of ${read.length}`);
    read = chosen;
  } else if (options.dissolve && read.length > 1) {
    const geometry = dissolveFeatures(file, read);
    notes.push(`dissolved ${read.length} features into one basin (${read.map((f) => f.name).slice(0, 5).join(', ')}${read.length > 5 ? ', ...' : ''}): their union, so areas where they overlap count once`);
    read = [{ id: 1, name: path.basename(file).replace(/\.[^.]+$/, ''), geometry, properties: { dissolved: read.length } }];
  }
  const features: ImportedBasinFeature[] = read.map((f) => ({ ...f, cellFractions: polygonCellFractions(grid, f.geometry) }));
  const outside = features.filter((f) => !f.cellFractions.some((v) => v > 0));
  if (outside.length === features.length) {
    throw new ImportError(file, `has no polygon overlapping the project grid (${describeGrid(grid)})`);
  }
  if (outside.length > 0) notes.push(`${outside.length} of ${features.length} features lie outside the project grid and cover no cell: ${outside.map((f) => `'${f.name}'`).join(', ')}`);
  return {
    kind: 'basins',
    grid,
    features,
    notes,
    provenance: {
      files: [file],
      source: `${features.length} polygon feature(s)`,
      sourceUnits: 'EPSG:4326 after reprojection',
      conversion: 'ogr2ogr -t_srs EPSG:4326; exact polygon/cell intersection areas as fractions of each cell',
    },
  };
}
