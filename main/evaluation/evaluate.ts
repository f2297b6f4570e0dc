/**
 * Evaluation of daily LAI series against the observations of one period (normally the test
 * period): per-cell NSE / KGE / RMSE / bias / r at observed dates, their median and spread, NSE
 * boxplot statistics per land-cover class, plus the two reference lines every comparison needs:
 * - climatology: the day-of-year mean of the training-period observations (the bar to beat);
 * - noise ceiling (virtual basin only): the noise-free truth scored against the noisy
 *   observations, i.e. the best NSE any model could reach on these observations.
 * All entries are scored on the same cells (those where every entry's NSE is defined).
 */
import { LAND_COVER_CLASSES, type Dataset } from '../data/dataset.ts';
import type { DayRange } from '../data/time-axis.ts';
import { regionMeans, regionWeights } from '../data/aggregate.ts';
import { METRIC_NAMES, perCellMetrics, spread, type CellMetrics, type MetricName, type Spread } from './metrics.ts';
import type { Climatology } from '../training/climatology.ts';

export interface SeriesEntry {
  /** stable id: 'lstm', 'conv-lstm', 'phys-conv-lstm', 'physics-only', 'climatology', 'noise-ceiling' */
  readonly id: string;
  readonly label: string;
  /** trained / physics models vs the reference lines */
  readonly role: 'model' | 'reference';
  /** simulated LAI at the selected observation rows, [row][cell] (m2 m-2) */
  readonly atObservations: Float32Array;
}

export interface LandCoverStats {
  readonly code: number;
  readonly name: string;
  readonly nse: Spread;
}

export interface EntryEvaluation {
  readonly id: string;
  readonly label: string;
  readonly role: 'model' | 'reference';
  readonly metrics: CellMetrics;
  /** spread of each metric over the common cells */
  readonly summary: Readonly<Record<MetricName, Spread>>;
  readonly byLandCover: readonly LandCoverStats[];
}

export interface Evaluation {
  readonly period: DayRange;
  /** observation rows (indices into dataset.observations) inside the period */
  readonly observationRows: readonly number[];
  /** 1 where every entry has a defined NSE: the cells all medians are taken over */
  readonly commonCells: Uint8Array;
  readonly commonCellCount: number;
  readonly entries: readonly EntryEvaluation[];
}

/** Observation rows whose day lies inside `period`. */
export function observationRowsIn(dataset: Dataset, period: DayRange): number[] {
  const rows: number[] = [];
  const d = dataset.observations.dayIndex;
  for (let k = 0; k < d.length; k++) if (d[k]! >= period.start && d[k]! < period.end) rows.push(k);
  return rows;
}

/** Picks the rows of a daily series [day - seriesStart][cell] at the given observation rows. */
export function sampleAtObservations(dataset: Dataset, daily: Float32Array, seriesStart: number, rows: readonly number[]): Float32Array {
  const C = dataset.mask.length;
  const out = new Float32Array(rows.length * C);
  rows.forEach((k, i) => {
    const t = dataset.observations.dayIndex[k]! - seriesStart;
    if (t < 0 || (t + 1) * C > daily.length) throw new Error(`series starting at day ${seriesStart} does not cover observation day ${t + seriesStart}`);
    out.set(daily.subarray(t * C, (t + 1) * C), i * C);
  });
  return out;
}

/** The observed values at the given rows, [row][cell]. */
export function observedAt(dataset: Dataset, rows: readonly number[]): Float32Array {
  const C = dataset.mask.length;
  const out = new Float32Array(rows.length * C);
  rows.forEach((k, i) => out.set(dataset.observations.values.subarray(k * C, (k + 1) * C), i * C));
  return out;
}

export function climatologyEntry(dataset: Dataset, clim: Climatology, rows: readonly number[]): SeriesEntry {
  const days = rows.map((k) => dataset.observations.dayIndex[k]!);
  return { id: 'climatology', label: 'Day-of-year climatology', role: 'reference', atObservations: clim.at(days) };
}

/** The noise ceiling, or undefined when the dataset has no noise-free truth (real data). */
export function noiseCeilingEntry(dataset: Dataset, rows: readonly number[]): SeriesEntry | undefined {
  if (!dataset.trueLai) return undefined;
  return { id: 'noise-ceiling', label: 'Noise ceiling (truth vs observations)', role: 'reference', atObservations: sampleAtObservations(dataset, dataset.trueLai, 0, rows) };
}

/**
 * @param cells optional restriction of the scored cells (e.g. the cells inside a clip polygon);
 *   default: the basin mask. Cells outside it get NaN metrics and are in no statistic.
 */
export function evaluateEntries(dataset: Dataset, period: DayRange, rows: readonly number[], entries: readonly SeriesEntry[], minPairs?: number, cells?: Uint8Array): Evaluation {
  const C = dataset.mask.length;
  if (cells && cells.length !== C) throw new Error(`evaluation cell mask has ${cells.length} cells, the dataset has ${C}`);
  const scored = cells ? Uint8Array.from(dataset.mask, (m, c) => (m && cells[c] ? 1 : 0)) : dataset.mask;
  const obs = observedAt(dataset, rows);
  const all = entries.map((e) => ({ e, metrics: perCellMetrics(e.atObservations, obs, C, scored, undefined, minPairs) }));
  const common = new Uint8Array(C);
  let commonCount = 0;
  for (let c = 0; c < C; c++) {
    if (scored[c] && all.every((a) => Number.isFinite(a.metrics.nse[c]!))) {
      common[c] = 1;
      commonCount++;
    }
  }
  const inCommon = (c: number) => common[c] === 1;
  const lc = dataset.staticLayers.landCover;
  const evaluated: EntryEvaluation[] = all.map(({ e, metrics }) => {
    const summary = Object.fromEntries(METRIC_NAMES.map((m) => [m, spread(metrics[m], inCommon)])) as Record<MetricName, Spread>;
    const byLandCover: LandCoverStats[] = [];
    for (const [code, name] of Object.entries(LAND_COVER_CLASSES)) {
      const k = Number(code);
      const s = spread(metrics.nse, (c) => common[c] === 1 && lc[c] === k);
      if (s.n > 0) byLandCover.push({ code: k, name, nse: s });
    }
    return { id: e.id, label: e.label, role: e.role, metrics, summary, byLandCover };
  });
  return { period, observationRows: rows, commonCells: common, commonCellCount: commonCount, entries: evaluated };
}

/**
 * Area-weighted mean series of each subbasin, [subbasin][day], by the one rule of data/aggregate.ts
 * (cell area x fraction x valid data; NaN when under half the subbasin's area has data).
 */
export function subbasinMeans(dataset: Dataset, daily: Float32Array): Float32Array[] {
  return dataset.subbasins.map((sb) => Float32Array.from(regionMeans(regionWeights(dataset.grid, sb.cellFractions, dataset.mask), daily)));
}

/** A compact JSON-ready summary (no per-cell arrays). */
export function evaluationSummary(ev: Evaluation) {
  return {
    period: ev.period,
    observationDates: ev.observationRows.length,
    commonCellCount: ev.commonCellCount,
    entries: ev.entries.map((e) => ({ id: e.id, label: e.label, role: e.role, summary: e.summary, byLandCover: e.byLandCover })),
  };
}
