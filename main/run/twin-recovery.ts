/**
 * How well the identical twin recovered each parameter (issue #12 §4): over the basin cells,
 * Pearson r between recovered and true values, the median relative error |rec - true| / true,
 * the map of recovered minus true, and, for equifinality, the correlation across cells between
 * the relative errors of two parameters (a compensating pair errs in step: r far from 0).
 */
import type { LearnedParameterName } from '../physics/grid/pft-params.ts';
import { median, pearsonR } from '../evaluation/metrics.ts';

/** Pearson r over cells where both are finite (at least 3) */
const pearson = (a: ArrayLike<number>, b: ArrayLike<number>): number => pearsonR(a, b, 3);

/** issue #12's targets for the parameters LAI can identify, with the per-cell network */
export const TWIN_TARGETS = Object.freeze({ minPearson: 0.8, maxMedianRelativeError: 0.1 });

export interface ParameterRecovery {
  readonly pearson: number;
  readonly medianRelativeError: number;
  /**
   * Pearson r of the departures from the PFT defaults (recovered / default vs true / default):
   * whether the pattern inside the PFTs is recovered, not just the PFT table, which already
   * correlates with the truth across cells (defaultsPearson)
   */
  readonly withinPftPearson: number;
  /** the same two figures for the PFT defaults (what recovery starts from) */
  readonly defaultsPearson: number;
  readonly defaultsMedianRelativeError: number;
  readonly meetsTargets: boolean;
}

/** (recovered - true) / true per cell, NaN where either is missing */
export function relativeErrors(recovered: Float32Array, truth: Float32Array): Float32Array {
  return Float32Array.from(truth, (t, c) => (Number.isFinite(t) && Number.isFinite(recovered[c]!) && t !== 0 ? (recovered[c]! - t) / t : NaN));
}

export function medianAbsRelativeError(recovered: Float32Array, truth: Float32Array): number {
  return median(Array.from(relativeErrors(recovered, truth), Math.abs));
}

export function differenceMap(recovered: Float32Array, truth: Float32Array): Float32Array {
  return Float32Array.from(truth, (t, c) => recovered[c]! - t);
}

export function parameterRecovery(recovered: Float32Array, truth: Float32Array, defaults: Float32Array): ParameterRecovery {
  const r = pearson(recovered, truth);
  const e = medianAbsRelativeError(recovered, truth);
  return {
    pearson: r,
    medianRelativeError: e,
    withinPftPearson: pearson(Float32Array.from(recovered, (v, c) => v / defaults[c]!), Float32Array.from(truth, (v, c) => v / defaults[c]!)),
    defaultsPearson: pearson(defaults, truth),
    defaultsMedianRelativeError: medianAbsRelativeError(defaults, truth),
    meetsTargets: r >= TWIN_TARGETS.minPearson && e <= TWIN_TARGETS.maxMedianRelativeError,
  };
}

/**
 * Correlation across cells of the relative errors of every pair of parameters: a pair whose errors
 * move together (|r| large) trades one parameter for the other at equal LAI (equifinality).
 */
export function errorCorrelations(
  recovered: Readonly<Partial<Record<LearnedParameterName, Float32Array>>>, truth: Readonly<Partial<Record<LearnedParameterName, Float32Array>>>, names: readonly LearnedParameterName[],
): { a: LearnedParameterName; b: LearnedParameterName; r: number }[] {
  const err = new Map(names.map((n) => [n, relativeErrors(recovered[n]!, truth[n]!)]));
  const out: { a: LearnedParameterName; b: LearnedParameterName; r: number }[] = [];
  for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) out.push({ a: names[i]!, b: names[j]!, r: pearson(err.get(names[i]!)!, err.get(names[j]!)!) });
  return out;
}
