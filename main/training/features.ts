/**
 * Model inputs and targets built from a Dataset.
 *
 * Input channels, in this fixed order (models and the physics encoder rely on it):
 *   0..6   the 7 NLDAS forcings in FORCING_NAMES order, (x - mean) / std with the dataset's
 *          training-period statistics (Dataset.normalization, computed on training data only)
 *   then   sin, cos of 2 pi (day of year - 1) / 365.25              (if features.dayOfYear)
 *   then   elevation, sand, clay, organic fraction standardized over the basin cells, and a
 *          one-hot of each land-cover class in LAND_COVER_CLASSES     (if features.staticLayers)
 *   then   the training-period day-of-year LAI climatology            (if features.climatology)
 *   then   antecedent precipitation / temperature indices, standardized (if features.antecedent)
 *   then   co2_change: the dataset's atmospheric CO2 minus the historic record's, ppm / 100
 *          (if features.co2). A scenario sets CO2 (Dataset.atmosphericCo2Ppm); the historic record
 *          does not, so in training this channel is 0 on every day: the networks cannot learn a CO2
 *          response from it (their weights on it get no gradient), and are CO2-blind by
 *          construction. The channel makes that explicit (co2Awareness) instead of hidden.
 * Cells outside the basin mask are 0 in every channel (models require finite inputs).
 *
 * Targets are normalized LAI (x - lai.mean) / lai.std on observed dates only, with a weight of 1
 * (or the cell's loss weight, FeatureExtras.cellWeights) where the observation is valid and the
 * cell inside the mask, else 0 (target 0 there).
 */
import { FORCING_NAMES, LAND_COVER_CLASSES, type Dataset, type Normalization } from '../data/dataset.ts';
import { addDays, dayOfYear } from '../data/time-axis.ts';
import { cellCount } from '../data/grid.ts';
import { basinStats, standardizeWith } from '../data/standardize.ts';
import { co2Ppm } from '../physics/grid/calendar.ts';
import { ANTECEDENT_INDICES, type AntecedentIndices } from './antecedent.ts';

export interface FeatureOptions {
  readonly dayOfYear: boolean;
  readonly staticLayers: boolean;
  /** the cell's training-period day-of-year climatology of LAI as a channel (normalized) */
  readonly climatology?: boolean;
  /** antecedent precipitation / temperature indices (antecedent.ts) as channels */
  readonly antecedent?: boolean;
  /** the co2_change channel (see above); runs made before it existed do not have it */
  readonly co2?: boolean;
  /**
   * true: targets are the departure from the cell's day-of-year climatology, (obs - clim) / std,
   * and predictions are clim + output x std (the model learns anomalies). Needs climatologyTable.
   */
  readonly anomalyTarget?: boolean;
}

/** Extra inputs some options need, computed from training data by the caller. */
export interface FeatureExtras {
  /** [366][cell] day-of-year climatology of LAI (climatology.ts), for features.climatology */
  readonly climatologyTable?: Float32Array;
  /** per-cell loss weight multiplying the 0/1 target weights (e.g. 1 / (std_c + 0.1)^2) */
  readonly cellWeights?: Float32Array;
  /** the run's antecedent indices, for features.antecedent */
  readonly antecedent?: AntecedentIndices;
  /** standardize the static layers with these (a run's saved ones) instead of this basin's own */
  readonly staticStats?: StaticStats;
}

/** The basin statistics the static channels are standardized with (saved in run.json). */
export type StaticStats = Readonly<Record<'elevation' | 'sand' | 'clay' | 'organic', { readonly mean: number; readonly std: number }>>;

export const FORCING_CHANNEL_OFFSET = 0;

export function featureChannelNames(opts: FeatureOptions): string[] {
  const names: string[] = [...FORCING_NAMES];
  if (opts.dayOfYear) names.push('doy_sin', 'doy_cos');
  if (opts.staticLayers) {
    names.push('elevation', 'sand', 'clay', 'organic');
    for (const code of Object.keys(LAND_COVER_CLASSES)) names.push(`landcover_${code}`);
  }
  if (opts.climatology) names.push('lai_climatology');
  if (opts.antecedent) names.push(...ANTECEDENT_INDICES.map((s) => s.name));
  if (opts.co2) names.push(CO2_CHANNEL);
  return names;
}

export const CO2_CHANNEL = 'co2_change';
/** ppm per unit of the co2_change channel */
export const CO2_CHANNEL_SCALE_PPM = 100;

/**
 * How a run's networks see CO2, from its recorded input channels: 'no-channel' (runs made before
 * the channel, or without it) or 'constant-in-training' (the channel exists but was 0 throughout
 * the historic record). Both mean the networks' LAI does not respond to CO2 in a learned way;
 * only the process model (physics-only, and the physics inside the physics-encoded ConvLSTM)
 * responds to CO2, through ci in Farquhar's equations.
 */
export type Co2Awareness = 'no-channel' | 'constant-in-training';
export function co2Awareness(channels: readonly string[]): Co2Awareness {
  return channels.includes(CO2_CHANNEL) ? 'constant-in-training' : 'no-channel';
}

/**
 * Which basin cells miss a static input, one line per layer, and how the networks treat them: a
 * missing value is standardized to 0, the basin mean; an unclassified land cover has an all-zero
 * one-hot. Printed by the run so that a partial DEM or soil map is not used silently.
 */
export function describeMissingStatic(dataset: Pick<Dataset, 'mask' | 'staticLayers'>): string[] {
  const s = dataset.staticLayers;
  const basin = dataset.mask.reduce((a, m) => a + m, 0);
  const lines: string[] = [];
  const layers: [string, ArrayLike<number>][] = [['elevation', s.elevation], ['sand', s.sandPercent], ['clay', s.clayPercent], ['organic fraction', s.organicFraction]];
  for (const [name, values] of layers) {
    let missing = 0;
    for (let c = 0; c < dataset.mask.length; c++) if (dataset.mask[c] && !Number.isFinite(values[c]!)) missing++;
    if (missing > 0) lines.push(`${name}: ${missing} of ${basin} basin cells have no value; the networks see the basin mean there (0 after standardization)`);
  }
  let unclassified = 0;
  for (let c = 0; c < dataset.mask.length; c++) if (dataset.mask[c] && s.landCover[c] === 0) unclassified++;
  if (unclassified > 0) lines.push(`land cover: ${unclassified} of ${basin} basin cells are unclassified; their land-cover channels are all 0`);
  return lines;
}

export interface TargetWindow {
  /** normalized LAI [time][cell], 0 where weight is 0 */
  readonly values: Float32Array;
  /** 1 where an observation is valid and the cell is inside the mask, else 0; [time][cell] */
  readonly weights: Float32Array;
  /** number of weights equal to 1 */
  readonly count: number;
}

export class FeatureBuilder {
  readonly channels: readonly string[];
  readonly cells: number;
  private readonly staticChannels: Float32Array[];
  /** the statistics of the static channels (null without features.staticLayers) */
  readonly staticStats: StaticStats | null = null;
  private readonly obsRowOfDay: Map<number, number>;

  /** the statistics inputs and targets are normalized with */
  readonly normalization: Normalization;

  /**
   * @param normalization statistics of the run's training period; default: the dataset's own
   *   (pass computeNormalization over the config's train range when the run's periods differ)
   */
  constructor(readonly dataset: Dataset, readonly options: FeatureOptions, normalization?: Normalization, readonly extras: FeatureExtras = {}) {
    this.normalization = normalization ?? dataset.normalization;
    if ((options.climatology || options.anomalyTarget) && !extras.climatologyTable) throw new Error('features.climatology and anomalyTarget need the climatology table');
    if (options.antecedent && !extras.antecedent) throw new Error('features.antecedent needs the antecedent indices (AntecedentIndices)');
    this.channels = featureChannelNames(options);
    this.cells = cellCount(dataset.grid);
    const mask = dataset.mask;
    this.staticChannels = [];
    if (options.staticLayers) {
      const s = dataset.staticLayers;
      const stats: StaticStats = extras.staticStats ?? {
        elevation: basinStats(s.elevation, mask), sand: basinStats(s.sandPercent, mask),
        clay: basinStats(s.clayPercent, mask), organic: basinStats(s.organicFraction, mask),
      };
      this.staticStats = stats;
      this.staticChannels.push(
        standardizeWith(s.elevation, mask, stats.elevation),
        standardizeWith(s.sandPercent, mask, stats.sand),
        standardizeWith(s.clayPercent, mask, stats.clay),
        standardizeWith(s.organicFraction, mask, stats.organic),
      );
      for (const code of Object.keys(LAND_COVER_CLASSES)) {
        const oneHot = new Float32Array(this.cells);
        for (let c = 0; c < this.cells; c++) oneHot[c] = mask[c] && s.landCover[c] === Number(code) ? 1 : 0;
        this.staticChannels.push(oneHot);
      }
    }
    this.obsRowOfDay = new Map();
    const days = dataset.observations.dayIndex;
    for (let k = 0; k < days.length; k++) this.obsRowOfDay.set(days[k]!, k);
  }

  get channelCount(): number {
    return this.channels.length;
  }

  /**
   * Inputs for days [startDay, startDay + days): Float32Array laid out [time][cell][channel]
   * (i.e. one batch element of [batch, time, rows, cols, channels]).
   */
  inputs(startDay: number, days: number): Float32Array {
    const ds = this.dataset;
    const C = this.cells;
    const ch = this.channelCount;
    const out = new Float32Array(days * C * ch);
    const range = { start: startDay, end: startDay + days };
    const mask = ds.mask;
    FORCING_NAMES.forEach((name, k) => {
      const raw = ds.forcing(name, range);
      const { mean, std } = this.normalization.forcing[name];
      const inv = std > 0 ? 1 / std : 1;
      for (let t = 0; t < days; t++) {
        for (let c = 0; c < C; c++) {
          const v = raw[t * C + c]!;
          // masked cells and gaps stay 0 (the normalized mean), as the model contract requires
          if (mask[c] && Number.isFinite(v)) out[(t * C + c) * ch + FORCING_CHANNEL_OFFSET + k] = (v - mean) * inv;
        }
      }
    });
    let next = FORCING_NAMES.length;
    if (this.options.dayOfYear) {
      for (let t = 0; t < days; t++) {
        const a = (2 * Math.PI * (dayOfYear(addDays(ds.startDate, startDay + t)) - 1)) / 365.25;
        const s = Math.sin(a);
        const co = Math.cos(a);
        for (let c = 0; c < C; c++) {
          if (!mask[c]) continue;
          out[(t * C + c) * ch + next] = s;
          out[(t * C + c) * ch + next + 1] = co;
        }
      }
      next += 2;
    }
    for (const layer of this.staticChannels) {
      for (let t = 0; t < days; t++) for (let c = 0; c < C; c++) out[(t * C + c) * ch + next] = layer[c]!;
      next++;
    }
    const table = this.extras.climatologyTable;
    if (this.options.climatology && table) {
      const { mean, std } = this.normalization.lai;
      for (let t = 0; t < days; t++) {
        const row = dayOfYear(addDays(ds.startDate, startDay + t)) - 1;
        for (let c = 0; c < C; c++) {
          const v = table[row * C + c]!;
          if (mask[c] && Number.isFinite(v)) out[(t * C + c) * ch + next] = (v - mean) / (std > 0 ? std : 1);
        }
      }
      next++;
    }
    if (this.options.antecedent) {
      this.extras.antecedent!.fill(out, ch, next, startDay, days);
      next += ANTECEDENT_INDICES.length;
    }
    if (this.options.co2) {
      const co2At = ds.atmosphericCo2Ppm;
      for (let t = 0; co2At && t < days; t++) {
        const iso = addDays(ds.startDate, startDay + t);
        const historic = co2Ppm(Number(iso.slice(0, 4)) + (dayOfYear(iso) - 0.5) / 365.25);
        const v = (co2At(iso) - historic) / CO2_CHANNEL_SCALE_PPM;
        for (let c = 0; c < C; c++) if (mask[c]) out[(t * C + c) * ch + next] = v;
      }
      next++;
    }
    return out;
  }

  /**
   * Normalized LAI targets and weights for days [startDay, startDay + days): departures from the
   * day-of-year climatology when `anomaly` (default: this builder's anomalyTarget), else LAI.
   */
  targets(startDay: number, days: number, anomaly: boolean = this.options.anomalyTarget ?? false): TargetWindow {
    const ds = this.dataset;
    const C = this.cells;
    const values = new Float32Array(days * C);
    const weights = new Float32Array(days * C);
    const { mean, std } = this.normalization.lai;
    const inv = std > 0 ? 1 / std : 1;
    let count = 0;
    for (let t = 0; t < days; t++) {
      const row = this.obsRowOfDay.get(startDay + t);
      if (row === undefined) continue;
      const base = row * C;
      const climRow = anomaly ? (dayOfYear(addDays(ds.startDate, startDay + t)) - 1) * C : -1;
      for (let c = 0; c < C; c++) {
        const v = ds.observations.values[base + c]!;
        if (!ds.mask[c] || !Number.isFinite(v)) continue;
        const baseline = climRow >= 0 ? this.extras.climatologyTable![climRow + c]! : mean;
        if (!Number.isFinite(baseline)) continue;
        values[t * C + c] = (v - baseline) * inv;
        weights[t * C + c] = this.extras.cellWeights ? this.extras.cellWeights[c]! : 1;
        count++;
      }
    }
    return { values, weights, count };
  }

  /**
   * Model outputs [time][cell] for days [startDay, ...) to LAI (m2 m-2), in place: x * std + mean,
   * or + the day-of-year climatology instead of the mean when the target is the anomaly.
   */
  toLai(values: Float32Array, startDay: number): Float32Array {
    const C = this.cells;
    const { mean, std } = this.normalization.lai;
    const days = Math.floor(values.length / C);
    for (let t = 0; t < days; t++) {
      const climRow = this.options.anomalyTarget ? (dayOfYear(addDays(this.dataset.startDate, startDay + t)) - 1) * C : -1;
      for (let c = 0; c < C; c++) {
        const baseline = climRow >= 0 ? this.extras.climatologyTable![climRow + c]! : mean;
        values[t * C + c] = values[t * C + c]! * std + (Number.isFinite(baseline) ? baseline : mean);
      }
    }
    return values;
  }

  /** Observation rows (indices into observations) whose day lies in [start, end). */
  observationRowsIn(start: number, end: number): number[] {
    const out: number[] = [];
    const days = this.dataset.observations.dayIndex;
    for (let k = 0; k < days.length; k++) if (days[k]! >= start && days[k]! < end) out.push(k);
    return out;
  }
}
