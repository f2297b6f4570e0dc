/**
 * A Dataset held in typed arrays: what the generator returns and what the NetCDF store reads into.
 * `forcing()` returns a view (subarray) of the stored series, not a copy: treat it as read-only.
 */
import type { Dataset, ForcingName, LaiObservations, Normalization, Splits, StaticLayers, Subbasin } from '../dataset.ts';
import { FORCING_NAMES, landCoverFraction } from '../dataset.ts';
import type { GridSpec } from '../grid.ts';
import type { DayRange } from '../time-axis.ts';
import { fractionsProblem } from '../land-cover-fractions.ts';

export interface DatasetParts {
  readonly id: string;
  readonly source: string;
  readonly grid: GridSpec;
  readonly startDate: string;
  readonly dayCount: number;
  readonly mask: Uint8Array;
  readonly staticLayers: StaticLayers;
  readonly basin: GeoJSON.Polygon | GeoJSON.MultiPolygon;
  readonly subbasins: readonly Subbasin[];
  readonly splits: Splits;
  readonly normalization: Normalization;
  readonly forcing: Readonly<Record<ForcingName, Float32Array>>;
  readonly observations: LaiObservations;
  readonly trueLai?: Float32Array;
  /** free-form provenance (generator, version, seed ...) kept with the data */
  readonly attributes?: Readonly<Record<string, string | number>>;
}

export class InMemoryDataset implements Dataset {
  readonly id: string;
  readonly source: string;
  readonly grid: GridSpec;
  readonly startDate: string;
  readonly dayCount: number;
  readonly mask: Uint8Array;
  readonly staticLayers: StaticLayers;
  readonly basin: GeoJSON.Polygon | GeoJSON.MultiPolygon;
  readonly subbasins: readonly Subbasin[];
  readonly splits: Splits;
  readonly normalization: Normalization;
  readonly observations: LaiObservations;
  readonly trueLai?: Float32Array;
  readonly attributes: Readonly<Record<string, string | number>>;
  private readonly series: Readonly<Record<ForcingName, Float32Array>>;

  constructor(parts: DatasetParts) {
    const cells = parts.grid.ncols * parts.grid.nrows;
    for (const name of FORCING_NAMES) {
      const a = parts.forcing[name];
      if (!a || a.length !== parts.dayCount * cells) {
        throw new Error(`dataset ${parts.id}: forcing ${name} has ${a?.length ?? 0} values, expected ${parts.dayCount} days x ${cells} cells`);
      }
    }
    if (parts.trueLai && parts.trueLai.length !== parts.dayCount * cells) throw new Error(`dataset ${parts.id}: trueLai has the wrong length`);
    const fr = parts.staticLayers.landCoverFractions;
    const frProblem = fr ? fractionsProblem(fr, parts.staticLayers.landCover) : undefined;
    if (frProblem) throw new Error(`dataset ${parts.id}: land-cover fractions do not fit the land cover: ${frProblem}`);
    if (parts.observations.values.length !== parts.observations.dayIndex.length * cells) throw new Error(`dataset ${parts.id}: observation values do not match their dates`);
    this.id = parts.id;
    this.source = parts.source;
    this.grid = parts.grid;
    this.startDate = parts.startDate;
    this.dayCount = parts.dayCount;
    this.mask = parts.mask;
    this.staticLayers = parts.staticLayers;
    this.basin = parts.basin;
    this.subbasins = parts.subbasins;
    this.splits = parts.splits;
    this.normalization = parts.normalization;
    this.observations = parts.observations;
    if (parts.trueLai) this.trueLai = parts.trueLai;
    this.attributes = parts.attributes ?? {};
    this.series = parts.forcing;
  }

  /** Fraction of each cell in one land-cover class (landCoverFraction() in dataset.ts). */
  landCoverFraction(code: number): Float32Array | undefined {
    return landCoverFraction(this, code);
  }

  forcing(name: ForcingName, range?: DayRange): Float32Array {
    const all = this.series[name];
    if (!all) throw new Error(`dataset ${this.id}: unknown forcing variable '${String(name)}'`);
    if (!range) return all;
    if (!(Number.isInteger(range.start) && Number.isInteger(range.end) && range.start >= 0 && range.end <= this.dayCount && range.start <= range.end)) {
      throw new Error(`dataset ${this.id}: day range [${range.start}, ${range.end}) is outside [0, ${this.dayCount})`);
    }
    const cells = this.grid.ncols * this.grid.nrows;
    return all.subarray(range.start * cells, range.end * cells);
  }
}
