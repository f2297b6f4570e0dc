/**
 * Scores a run's daily predictions on its test period and writes the evaluation outputs of the run
 * folder: evaluation/metrics.nc (per-cell metrics), evaluation/summary.json (medians, spread, NSE
 * by land cover, what was scored) and, when asked, predictions/<entry>.nc. Shared by a training run
 * (main/run/experiment.ts) and `vegdyn evaluate` (evaluate-run.ts), so both write the same files.
 */
import path from 'node:path';
import type { Dataset } from '../data/dataset.ts';
import type { DayRange } from '../data/time-axis.ts';
import { addDays } from '../data/time-axis.ts';
import type { Climatology } from '../training/climatology.ts';
import {
  climatologyEntry, evaluateEntries, evaluationSummary, noiseCeilingEntry, observationRowsIn, sampleAtObservations,
  type Evaluation, type SeriesEntry,
} from '../evaluation/evaluate.ts';
import type { ClipCells } from './clip-file.ts';
import { scoringNotes } from '../evaluation/scoring-notes.ts';
import { writeMetrics, writePrediction } from './run-files.ts';
import { writeRunSummary, type RunSummaryHead } from './run-folder.ts';

export interface RunEvaluationInput {
  /** the dataset with its real observations (a clipped run's training copy hides some) */
  readonly dataset: Dataset;
  readonly runDir: string;
  /** daily LAI [day - seriesStart][cell] per entry id (models and physics-only) */
  readonly predictions: ReadonlyMap<string, Float32Array>;
  readonly seriesStart: number;
  readonly test: DayRange;
  readonly climatology: Climatology;
  /** restricts every statistic to the clip's cells; null = the whole basin */
  readonly clip: ClipCells | null;
  readonly labels: Readonly<Record<string, string>>;
  /** fields written at the top of summary.json (run id, preset, periods, training ...) */
  readonly summary: RunSummaryHead;
  /** also (re)write predictions/<entry>.nc */
  readonly writePredictions: boolean;
  /** global attributes of each prediction file (preset ...) */
  readonly predictionAttributes?: Readonly<Record<string, string | number>>;
  readonly onStep?: (message: string) => void;
  /** what the evaluation could not compute (evaluation/scoring-notes.ts), a line each; also in summary.json's notScored */
  readonly onNote?: (line: string) => void;
}

export interface RunEvaluationResult {
  readonly evaluation: Evaluation;
  readonly metricsBytes: number;
  /** per written prediction: bytes and seconds */
  readonly predictionFiles: Readonly<Record<string, { bytes: number; seconds: number }>>;
}

export async function evaluateAndWriteRun(input: RunEvaluationInput): Promise<RunEvaluationResult> {
  const { dataset, runDir, test, clip } = input;
  const runId = path.basename(runDir);
  const rows = observationRowsIn(dataset, test);
  const entries: SeriesEntry[] = [];
  for (const [id, daily] of input.predictions) {
    entries.push({ id, label: input.labels[id] ?? id, role: 'model', atObservations: sampleAtObservations(dataset, daily, input.seriesStart, rows) });
  }
  entries.push(climatologyEntry(dataset, input.climatology, rows));
  const ceiling = noiseCeilingEntry(dataset, rows);
  if (ceiling) entries.push(ceiling);
  const evaluation = evaluateEntries(dataset, test, rows, entries, undefined, clip?.cells);
  const notes = scoringNotes(dataset, input.climatology, evaluation, clip?.cells);
  for (const line of notes) input.onNote?.(line);
  const period = { from: addDays(dataset.startDate, test.start), to: addDays(dataset.startDate, test.end - 1) };

  input.onStep?.('writing per-cell metrics');
  const metrics = await writeMetrics(runDir, {
    grid: dataset.grid, runId, period, clip: clip ? { name: clip.name, source: clip.source } : null,
    entries: evaluation.entries.map((e) => ({ id: e.id, label: e.label, metrics: e.metrics })),
  });
  await writeRunSummary(runDir, {
    ...input.summary,
    evaluated: {
      at: new Date().toISOString(),
      period,
      clip: clip ? { name: clip.name, source: clip.source, cells: clip.cellCount } : null,
    },
    ...evaluationSummary(evaluation),
    ...(notes.length > 0 ? { notScored: notes } : {}),
  });

  const predictionFiles: Record<string, { bytes: number; seconds: number }> = {};
  if (input.writePredictions) {
    for (const [id, daily] of input.predictions) {
      input.onStep?.(`writing daily LAI of ${input.labels[id] ?? id}`);
      const t0 = performance.now();
      const { bytes } = await writePrediction(runDir, {
        grid: dataset.grid, startDate: addDays(dataset.startDate, input.seriesStart), daily, runId, entry: id, label: input.labels[id] ?? id,
        ...(input.predictionAttributes ? { attributes: input.predictionAttributes } : {}),
      });
      predictionFiles[id] = { bytes, seconds: (performance.now() - t0) / 1000 };
    }
  }
  return { evaluation, metricsBytes: metrics.bytes, predictionFiles };
}
