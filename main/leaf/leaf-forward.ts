/** `vegdyn leaf forward`: the leaf model on every row of a leaf CSV with default (CLM4.5) Vcmax25. */
import * as tf from '@tensorflow/tfjs';
import { solveLeaves } from '../physics/leaf-model.ts';
import { DEFAULT_NEWTON, stepExcess } from '../physics/newton-solver.ts';
import { readAndDispose } from '../tfjs/readback.ts';
import { LIMITING_NAMES } from '../physics/leaf-residual.ts';
import { countSkipped, defaultTraitsOf, leafEnvironmentOf, parseLeafCsv, type LeafCsvOptions, type LeafDataset, type SkipCount, type SkippedRow } from './leaf-dataset.ts';
import { describeDateFormat } from './leaf-dates.ts';
import { btranFor, type BtranSource } from './leaf-btran.ts';
import { formatCsv } from './csv.ts';

export interface LeafForwardRow {
  readonly line: number;
  readonly pft: string;
  readonly btran: number;
  readonly vcmax25: number;
  /** umol CO2 m-2 s-1 */
  readonly an: number;
  /** Pa */
  readonly ci: number;
  /** mol H2O m-2 s-1 */
  readonly gs: number;
  readonly limiting: string;
  readonly residual: number;
}

export interface LeafForwardResult {
  readonly rows: LeafForwardRow[];
  readonly skipped: SkippedRow[];
  /** skipped rows counted by reason and column */
  readonly skippedByReason: SkipCount[];
  /** role -> where its values came from: a column, a constant, or how it was derived */
  readonly inputs: Readonly<Record<string, string>>;
  readonly dateFormat?: string;
  readonly iterations: number;
  readonly converged: boolean;
}

export async function leafForward(ds: LeafDataset, btranSource: BtranSource, source = 'leaf CSV'): Promise<LeafForwardResult> {
  const recs = ds.records;
  const { tensors, stats, excess } = tf.tidy(() => {
    const btran = btranFor(ds, recs, btranSource, source);
    const traits = defaultTraitsOf(recs, btran);
    const s = solveLeaves(leafEnvironmentOf(recs), traits);
    // without synchronous read-back the Newton loop ran to its cap; its convergence is tested here
    const excess = s.nextStep ? stepExcess(s.nextStep, s.ci, DEFAULT_NEWTON.relTolerance) : undefined;
    return { tensors: [s.anet, s.ci, s.gs, tf.cast(s.limiting, 'float32'), s.residual, btran, traits.vcmax25], stats: { ...s.stats }, excess };
  });
  // data(), not dataSync(): webgpu has no synchronous read-back in Node (main/tfjs/readback.ts)
  const [an, ci, gs, lim, res, bt, vc, ex] = await readAndDispose([...tensors, ...(excess ? [excess] : [])]);
  const converged = ex ? ex[0]! <= 0 : stats.converged;
  const rows = recs.map((r, i) => ({
      line: r.line, pft: r.pftLabel, btran: bt![i]!, vcmax25: vc![i]!, an: an![i]!, ci: ci![i]!, gs: gs![i]! * 1e-6,
      limiting: LIMITING_NAMES[lim![i]!] ?? 'unknown', residual: res![i]!,
  }));
  return {
    rows, skipped: ds.skipped, skippedByReason: countSkipped(ds.skipped), inputs: ds.report?.inputs ?? {},
    ...(ds.report?.dateFormat ? { dateFormat: describeDateFormat(ds.report.dateFormat) } : {}),
    iterations: stats.iterations, converged,
  };
}

export async function leafForwardCsv(text: string, btranSource: BtranSource, options: LeafCsvOptions = {}): Promise<{ csv: string; result: LeafForwardResult }> {
  const ds = parseLeafCsv(text, options);
  const result = await leafForward(ds, btranSource, options.source);
  const csv = formatCsv(
    ['line', 'pft', 'btran', 'vcmax25_umol_m2_s', 'an_umol_m2_s', 'ci_pa', 'gs_mol_m2_s', 'limiting', 'newton_residual_pa'],
    result.rows.map((r) => [r.line, r.pft, r.btran, r.vcmax25, r.an, r.ci, r.gs, r.limiting, r.residual]),
  );
  return { csv, result };
}
