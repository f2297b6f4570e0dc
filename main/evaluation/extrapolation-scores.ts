/**
 * Scores of one model in the extrapolation test (docs/extrapolation.md): how well its daily LAI
 * under a changed climate matches the virtual basin's truth in that climate, and how well it gets
 * the change itself (changed minus baseline climate) against the true change. Pure.
 *
 * Series are [day][cell] over the scored days only. Basin means weigh every basin cell equally.
 */
import { DEFAULT_MIN_PAIRS, nseFromStats, pairStats, quantileSorted } from './metrics.ts';

export interface ExtrapolationSeries {
  readonly mask: Uint8Array;
  /** the model's LAI in the baseline and in the changed climate */
  readonly predictedBaseline: Float32Array;
  readonly predictedChanged: Float32Array;
  /** the generator's true LAI in the baseline and in the changed climate */
  readonly trueBaseline: Float32Array;
  readonly trueChanged: Float32Array;
}

export interface ExtrapolationScores {
  /** median over basin cells of the daily NSE against the truth, changed climate */
  readonly nseChanged: number;
  /** the same in the baseline climate (what the model does on climate like its training) */
  readonly nseBaseline: number;
  /** basin mean of predicted minus true LAI, changed climate, m2 m-2 */
  readonly biasChanged: number;
  /** basin mean LAI change (changed minus baseline climate): the model's and the truth's, m2 m-2 */
  readonly predictedChange: number;
  readonly trueChange: number;
  /** predictedChange - trueChange */
  readonly changeError: number;
  /** median over basin cells of the cell's change error (predicted minus true mean change), and of its absolute value */
  readonly cellChangeErrorMedian: number;
  readonly cellChangeAbsErrorMedian: number;
  /** basin cells scored */
  readonly cells: number;
}

function median(values: number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  return v.length ? quantileSorted(v, 0.5) : NaN;
}

export function extrapolationScores(s: ExtrapolationSeries): ExtrapolationScores {
  const C = s.mask.length;
  const days = s.trueChanged.length / C;
  for (const [name, a] of Object.entries(s)) {
    if (name !== 'mask' && (a as Float32Array).length !== days * C) throw new Error(`extrapolation scores: ${name} has ${(a as Float32Array).length} values, expected ${days} days x ${C} cells`);
  }
  if (!Number.isInteger(days) || days < DEFAULT_MIN_PAIRS) throw new Error(`extrapolation scores: ${days} scored days; at least ${DEFAULT_MIN_PAIRS} are needed`);
  const nseC: number[] = [];
  const nseB: number[] = [];
  const cellError: number[] = [];
  let bias = 0;
  let predicted = 0;
  let truth = 0;
  let cells = 0;
  const idx = new Int32Array(days);
  for (let c = 0; c < C; c++) {
    if (!s.mask[c]) continue;
    for (let t = 0; t < days; t++) idx[t] = t * C + c;
    const changed = pairStats(s.predictedChanged, s.trueChanged, idx);
    const baseline = pairStats(s.predictedBaseline, s.trueBaseline, idx);
    if (changed.n === 0 || baseline.n === 0) continue;
    cells++;
    nseC.push(nseFromStats(changed));
    nseB.push(nseFromStats(baseline));
    bias += changed.meanSim - changed.meanObs;
    const p = changed.meanSim - baseline.meanSim;
    const o = changed.meanObs - baseline.meanObs;
    predicted += p;
    truth += o;
    cellError.push(p - o);
  }
  if (cells === 0) throw new Error('extrapolation scores: no basin cell has both predictions and truth');
  return {
    nseChanged: median(nseC),
    nseBaseline: median(nseB),
    biasChanged: bias / cells,
    predictedChange: predicted / cells,
    trueChange: truth / cells,
    changeError: (predicted - truth) / cells,
    cellChangeErrorMedian: median(cellError),
    cellChangeAbsErrorMedian: median(cellError.map(Math.abs)),
    cells,
  };
}
