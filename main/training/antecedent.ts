/**
 * Antecedent-climate indices: causal exponential moving averages of precipitation and air
 * temperature, one per time scale, as extra input channels.
 *
 * Why: the LAI of a dry basin answers to water that fell weeks to a year earlier (snowpack, soil
 * water, multi-year droughts) and to the warmth of the last weeks (green-up timing). A recurrent
 * network can only learn such memory from training windows much longer than the memory itself;
 * short CPU-sized windows (the demo preset) cannot teach it. These indices hand the network the
 * memory directly, computed from the forcing alone (never from LAI), in the spirit of the
 * antecedent precipitation indices of hydrology (e.g. Kohler & Linsley 1951).
 *
 *   e_t = e_{t-1} + (x_t - e_{t-1}) / tau          (days with a missing x_t keep e_{t-1})
 *
 * Each index starts on the dataset's first day from the cell's training-period mean of x (so the
 * first years are not biased toward zero) and runs forward over the whole axis; states are kept
 * every CHECKPOINT_DAYS so a window anywhere in the record is computed from at most that many
 * earlier days. Channels are standardized with their mean and standard deviation over the basin
 * cells and training-period days, like the forcing.
 */
import type { Dataset, ForcingName } from '../data/dataset.ts';
import type { DayRange } from '../data/time-axis.ts';

export interface AntecedentIndexSpec {
  readonly name: string;
  readonly variable: ForcingName;
  /** e-folding time, days */
  readonly tau: number;
}

/** precipitation over a month, a season and a year; temperature over a month and a season */
export const ANTECEDENT_INDICES: readonly AntecedentIndexSpec[] = Object.freeze([
  { name: 'rainf_ema30', variable: 'Rainf', tau: 30 },
  { name: 'rainf_ema90', variable: 'Rainf', tau: 90 },
  { name: 'rainf_ema365', variable: 'Rainf', tau: 365 },
  { name: 'tair_ema30', variable: 'Tair', tau: 30 },
  { name: 'tair_ema90', variable: 'Tair', tau: 90 },
]);

const CHECKPOINT_DAYS = 64;
/** days of forcing read at once while spinning the indices up (bounds memory on long records) */
const READ_BLOCK_DAYS = 730;

export class AntecedentIndices {
  private readonly cells: number;
  /** [checkpoint][index][cell]: the state before day checkpoint x CHECKPOINT_DAYS */
  private readonly checkpoints: Float32Array[] = [];
  readonly stats: readonly { mean: number; std: number }[];
  private readonly variables: readonly ForcingName[];

  /**
   * @param end the indices are available for days [0, end) of the dataset axis
   * @param train the training period: initial states and channel statistics come from it only
   * @param statsFrom standardize with these indices' statistics instead (a scenario's indices are
   *   standardized with the baseline's, so a drier climate shows as lower values, as the networks
   *   were trained to read them)
   */
  constructor(private readonly dataset: Dataset, train: DayRange, private readonly end: number, statsFrom?: AntecedentIndices) {
    this.cells = dataset.mask.length;
    this.variables = [...new Set(ANTECEDENT_INDICES.map((s) => s.variable))];
    if (end > dataset.dayCount) throw new Error(`antecedent indices: day ${end} is past the dataset's ${dataset.dayCount} days`);
    const sum = new Float64Array(ANTECEDENT_INDICES.length);
    const sq = new Float64Array(ANTECEDENT_INDICES.length);
    let n = 0;
    const mask = dataset.mask;
    const state = this.trainingMeans(train);
    for (let b = 0; b < end; b += READ_BLOCK_DAYS) {
      const blockEnd = Math.min(end, b + READ_BLOCK_DAYS);
      const data = this.read({ start: b, end: blockEnd });
      for (let t = 0; t < blockEnd - b; t++) {
        const day = b + t;
        if (day % CHECKPOINT_DAYS === 0) this.checkpoints.push(state.slice());
        this.step(state, data, t);
        if (day >= train.start && day < train.end) {
          n++;
          for (let k = 0; k < ANTECEDENT_INDICES.length; k++) {
            for (let c = 0; c < this.cells; c++) {
              if (!mask[c]) continue;
              const v = state[k * this.cells + c]!;
              sum[k] += v;
              sq[k] += v * v;
            }
          }
        }
      }
    }
    let maskCount = 0;
    for (let c = 0; c < this.cells; c++) if (mask[c]) maskCount++;
    const total = n * maskCount;
    if (total === 0) throw new Error('antecedent indices: the training period has no day inside the dataset');
    this.stats = statsFrom ? statsFrom.stats : ANTECEDENT_INDICES.map((_, k) => {
      const mean = sum[k]! / total;
      const std = Math.sqrt(Math.max(0, sq[k]! / total - mean * mean));
      return { mean, std: std > 0 ? std : 1 };
    });
  }

  /**
   * Standardized indices for days [start, start + days), written into `out` laid out
   * [time][cell][channels] at channel offset `offset` (cells outside the mask stay untouched).
   */
  fill(out: Float32Array, channels: number, offset: number, start: number, days: number): void {
    const C = this.cells;
    const k0 = Math.floor(start / CHECKPOINT_DAYS);
    const cp = this.checkpoints[k0];
    if (!cp || start + days > this.end) throw new Error(`antecedent indices: day ${start} is past the days they were computed for`);
    const state = cp.slice();
    const from = k0 * CHECKPOINT_DAYS;
    const data = this.read({ start: from, end: start + days });
    const mask = this.dataset.mask;
    for (let t = 0; t < start + days - from; t++) {
      this.step(state, data, t);
      const w = from + t - start;
      if (w < 0) continue;
      for (let k = 0; k < ANTECEDENT_INDICES.length; k++) {
        const { mean, std } = this.stats[k]!;
        for (let c = 0; c < C; c++) {
          if (mask[c]) out[(w * C + c) * channels + offset + k] = (state[k * C + c]! - mean) / std;
        }
      }
    }
  }

  private read(range: DayRange): Map<ForcingName, Float32Array> {
    return new Map(this.variables.map((v) => [v, this.dataset.forcing(v, range)]));
  }

  /** the state after day t of `data` (the state holds the index value including that day) */
  private step(state: Float32Array, data: Map<ForcingName, Float32Array>, t: number): void {
    const C = this.cells;
    ANTECEDENT_INDICES.forEach((s, k) => {
      const x = data.get(s.variable)!;
      const a = 1 / s.tau;
      for (let c = 0; c < C; c++) {
        const v = x[t * C + c]!;
        if (Number.isFinite(v)) state[k * C + c] = state[k * C + c]! + (v - state[k * C + c]!) * a;
      }
    });
  }

  private trainingMeans(train: DayRange): Float32Array {
    const C = this.cells;
    const means = new Map<ForcingName, Float32Array>();
    for (const v of this.variables) {
      const sum = new Float64Array(C);
      const n = new Float64Array(C);
      for (let b = train.start; b < train.end; b += READ_BLOCK_DAYS) {
        const e = Math.min(train.end, b + READ_BLOCK_DAYS);
        const x = this.dataset.forcing(v, { start: b, end: e });
        for (let i = 0; i < x.length; i++) {
          const val = x[i]!;
          if (Number.isFinite(val)) { sum[i % C] += val; n[i % C]++; }
        }
      }
      means.set(v, Float32Array.from(sum, (s, c) => (n[c]! > 0 ? s / n[c]! : 0)));
    }
    const out = new Float32Array(ANTECEDENT_INDICES.length * C);
    ANTECEDENT_INDICES.forEach((s, k) => out.set(means.get(s.variable)!, k * C));
    return out;
  }
}
