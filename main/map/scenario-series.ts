/**
 * Baseline and scenario LAI of a run's scenario results for the chart, per entry: at one cell
 * (that cell's column of each daily/<entry>.nc, read alone as a hyperslab) or a subbasin (its rows
 * of series.csv, the area-weighted means the scenario run wrote). Values are placed on the
 * dataset's day axis by day index (`days`), so the chart shows them where the period lies.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { findSubbasin } from '../data/aggregate.ts';
import type { DatasetMeta } from '../data/dataset-slices.ts';
import { cellCount } from '../data/grid.ts';
import { daysBetween } from '../data/time-axis.ts';
import { readPredictionAxis, readPredictionCell } from '../run/run-files.ts';
import { SCENARIO_DAILY_DIR, SCENARIO_SERIES_FILE, runDir, scenarioRunDir } from '../run/run-folder.ts';
import { isProcessModelOnly } from '../models/model-kinds.ts';
import { readScenarioResult, runLabel, listRuns } from './run-listing.ts';
import { runSplits, type ChartSeries, type MapSeries } from './series.ts';
import { splitsOf } from './summary.ts';

export type ScenarioSeriesWhere = { readonly cell: number } | { readonly subbasin: number };

/** One line of series.csv: date,entry,region,baseline,scenario (the region quoted when it holds a comma). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      const end = line.indexOf('"', i + 1);
      out.push(line.slice(i + 1, end));
      i = end + 2;
    } else {
      const end = line.indexOf(',', i);
      out.push(line.slice(i, end < 0 ? line.length : end));
      i = end < 0 ? line.length + 1 : end + 1;
    }
  }
  return out;
}

export function scenarioSeries(meta: DatasetMeta, projectDir: string, runId: string, scenario: string, where: ScenarioSeriesWhere): MapSeries {
  const summary = readScenarioResult(projectDir, runId, scenario);
  if (!summary) throw new Error(`run ${runId} has no (readable) results of scenario '${scenario}': run the scenario on it first`);
  const run = listRuns(projectDir).find((r) => r.id === runId);
  const dir = scenarioRunDir(runDir(projectDir, runId), scenario);
  const series: ChartSeries[] = [];
  const add = (id: string, label: string, offset: number, baseline: Float32Array, changed: Float32Array): void => {
    const days = Array.from({ length: baseline.length }, (_, k) => offset + k);
    const kind = isProcessModelOnly(id) ? 'physics' : 'model';
    series.push({ id: `baseline:${id}`, label: `${label}, baseline`, kind, days, values: baseline });
    series.push({ id: `scenario:${id}`, label: `${label}, scenario '${scenario}'`, kind, days, values: changed });
  };
  let title: string;
  if ('cell' in where) {
    const n = cellCount(meta.grid);
    if (!(Number.isInteger(where.cell) && where.cell >= 0 && where.cell < n)) throw new Error(`cell ${where.cell} is outside the ${meta.grid.ncols}x${meta.grid.nrows} grid`);
    const row = Math.floor(where.cell / meta.grid.ncols);
    const col = where.cell % meta.grid.ncols;
    title = `Cell row ${row}, column ${col}`;
    for (const e of summary.entries) {
      const file = path.join(dir, SCENARIO_DAILY_DIR, `${e.id}.nc`);
      const offset = daysBetween(meta.startDate, readPredictionAxis(file).startDate);
      add(e.id, e.label, offset, readPredictionCell(file, where.cell, 'lai_baseline'), readPredictionCell(file, where.cell, 'lai'));
    }
  } else {
    const sb = findSubbasin(meta, where.subbasin);
    title = `Subbasin ${sb.name} (area-weighted mean)`;
    const file = path.join(dir, SCENARIO_SERIES_FILE);
    const rows = readFileSync(file, 'utf8').split('\n').slice(1).filter((l) => l !== '').map(csvFields).filter((f) => f[2] === sb.name);
    if (rows.length === 0) throw new Error(`${file}: no rows of subbasin '${sb.name}'`);
    for (const e of summary.entries) {
      const mine = rows.filter((f) => f[1] === e.id);
      if (mine.length === 0) continue;
      add(e.id, e.label, daysBetween(meta.startDate, mine[0]![0]!), Float32Array.from(mine, (f) => Number(f[3])), Float32Array.from(mine, (f) => Number(f[4])));
    }
  }
  const period = `${summary.period.from}..${summary.period.to}`;
  return {
    title: `${title}: baseline and scenario '${scenario}', ${period}${run ? ` · ${runLabel(run)}` : ''}`,
    series,
    ...(run?.periods ? { splits: runSplits(meta, run.periods), splitsOf: runLabel(run) } : { splits: splitsOf(meta) }),
  };
}
