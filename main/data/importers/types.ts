/**
 * What importers return: typed in-memory results already on the project grid (row 0 = north,
 * cell = row * ncols + col, NaN = missing). Writing them into a project is a separate step
 * (project-import.ts), so that a failed import never touches the project.
 */
import type { GridSpec } from '../grid.ts';
import type { ForcingName } from '../dataset.ts';

/** Where one imported layer came from and what was done to it, for the dataset's attributes. */
export interface LayerProvenance {
  readonly files: readonly string[];
  /** the source variable(s) or band(s) used */
  readonly source: string;
  readonly sourceUnits: string;
  /** human-readable conversion chain, e.g. 'degC -> K (+273.15); 24 hourly steps -> daily mean' */
  readonly conversion: string;
}

export interface ImportedForcing {
  readonly kind: 'forcing';
  readonly grid: GridSpec;
  /** ISO dates, daily, consecutive */
  readonly dates: readonly string[];
  /** [day][cell] in FORCING_UNITS */
  readonly variables: Readonly<Record<ForcingName, Float32Array>>;
  /** fraction of project cells that the source covers (0..1] */
  readonly coverage: number;
  readonly provenance: Readonly<Record<ForcingName, LayerProvenance>>;
  /** things the user should know (filled leap days, dropped variables...) */
  readonly notes: readonly string[];
}

export interface ImportedLai {
  readonly kind: 'lai';
  readonly grid: GridSpec;
  /** observation dates, ISO, strictly ascending */
  readonly dates: readonly string[];
  /** [obs][cell], m2 m-2, NaN where missing or too little valid area */
  readonly values: Float32Array;
  readonly provenance: LayerProvenance;
  readonly notes: readonly string[];
}

export interface ImportedLandCover {
  readonly kind: 'landcover';
  readonly grid: GridSpec;
  /** class code of the largest area per cell; 0 where no valid data */
  readonly majority: Uint8Array;
  /** per class code present: fraction (0..1) of the cell's valid area, per cell */
  readonly fractions: ReadonlyMap<number, Float32Array>;
  readonly provenance: LayerProvenance;
}

export interface ImportedSoil {
  readonly kind: 'soil';
  readonly grid: GridSpec;
  /** area-weighted means per cell, NaN where missing; only the layers that were given (elevation in m) */
  readonly layers: Readonly<Partial<Record<'sandPercent' | 'clayPercent' | 'organicFraction' | 'elevation', Float32Array>>>;
  readonly provenance: Readonly<Partial<Record<'sandPercent' | 'clayPercent' | 'organicFraction' | 'elevation', LayerProvenance>>>;
}

export interface ImportedBasinFeature {
  readonly id: number;
  readonly name: string;
  /** EPSG:4326 */
  readonly geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon;
  /** fraction (0..1) of each project cell's area inside the polygon */
  readonly cellFractions: Float32Array;
  /** the feature's other attributes, as read */
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface ImportedBasins {
  readonly kind: 'basins';
  readonly grid: GridSpec;
  readonly features: readonly ImportedBasinFeature[];
  readonly provenance: LayerProvenance;
  /** features chosen, dissolved or outside the grid */
  readonly notes: readonly string[];
}

export type ImportResult = ImportedForcing | ImportedLai | ImportedLandCover | ImportedSoil | ImportedBasins;
