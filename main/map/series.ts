/**
 * LAI time series for the chart: at one cell, or the area-weighted mean (data/aggregate.ts) over a
 * subbasin or the active clip. Observations and the true LAI are read as slices of the dataset
 * (one cell's series, or the region's bounding box block by block); model series come from one
 * finished run's predictions (and its ensemble members'), read the same way (hyperslabs, bounded
 * cache: run-listing.ts) and aligned to the dataset's day axis.
 */
import { findSubbasin, regionWeights, type RegionWeights } from '../data/aggregate.ts';
import type { DatasetMeta, DatasetSlices, SeriesVariable } from '../data/dataset-slices.ts';
import { cellCount } from '../data/grid.ts';
import { daysBetween, type DayRange } from '../data/time-axis.ts';
import { activeClip } from './clip.ts';
import { splitsOf } from './summary.ts';
import { listRuns, membersPredicted, readPredictionCellOf, readPredictionRegionOf, runLabel, type PlaceSeries, type RunListing } from './run-listing.ts';
import { isProcessModelOnly } from '../models/model-kinds.ts';
import { memberSpread } from '../evaluation/ensemble-spread.ts';

export type SeriesWhere = { readonly cell: number } | { readonly subbasin: number } | { readonly clip: true };

export interface ChartSeries {
  readonly id: string;
  readonly label: string;
  /** 'spread': one edge of an ensemble's band around the mean series `band.of` */
  readonly kind: 'observed' | 'truth' | 'model' | 'physics' | 'spread';
  /** day indices of the values (observed); absent when the values cover every day from 0 */
  readonly days?: number[];
  readonly values: Float32Array;
  /** the band edge this series is: which series it surrounds, and which edge */
  readonly band?: { readonly of: string; readonly edge: 'lower' | 'upper' };
}

/** the ensemble band's edges: percentiles of the members' LAI per day */
const BAND_EDGES = [{ edge: 'lower', q: 'p05', name: '5 %' }, { edge: 'upper', q: 'p95', name: '95 %' }] as const;

export interface MapSeries {
  readonly title: string;
  readonly series: ChartSeries[];
  /** the periods to shade: the charted run's own (its resolved config), else the dataset's */
  readonly splits: { train: DayRange; validate: DayRange; test: DayRange };
  /** whose periods `splits` are: the charted run's label; absent for the dataset's */
  readonly splitsOf?: string;
}

/** A run's resolved periods (inclusive ISO dates, config.json) as day ranges on the dataset's axis. */
export function runSplits(meta: DatasetMeta, periods: Readonly<Record<string, { from: string; to: string }>>): MapSeries['splits'] {
  const range = (name: 'train' | 'validate' | 'test'): DayRange => {
    const p = periods[name];
    if (!p) return { ...meta.splits[name] };
    return { start: daysBetween(meta.startDate, p.from), end: daysBetween(meta.startDate, p.to) + 1 };
  };
  return { train: range('train'), validate: range('validate'), test: range('test') };
}

interface Pick {
  readonly title: string;
  dataset(variable: SeriesVariable): Float32Array;
  /** the same reduction of a run entry's prediction (of ensemble member `member`), read as hyperslabs (a cell's column, a region's box) */
  prediction(projectDir: string, runId: string, entry: string, member?: string): PlaceSeries;
}

function cellPick(slices: DatasetSlices, cell: number): Pick {
  const { grid } = slices.meta;
  const n = cellCount(grid);
  if (!(Number.isInteger(cell) && cell >= 0 && cell < n)) throw new Error(`cell ${cell} is outside the ${grid.ncols}x${grid.nrows} grid`);
  const row = Math.floor(cell / grid.ncols);
  const col = cell % grid.ncols;
  const lon = grid.lon0 + col * grid.cellSize;
  const lat = grid.latTop - row * grid.cellSize;
  return {
    title: `Cell row ${row}, column ${col} (${lat.toFixed(4)}° N, ${(-lon).toFixed(4)}° W)`,
    dataset: (v) => slices.cellSeries(v, cell),
    prediction: (dir, runId, entry, member) => readPredictionCellOf(dir, runId, entry, cell, member),
  };
}

function regionPick(slices: DatasetSlices, title: string, region: RegionWeights): Pick {
  return { title, dataset: (v) => slices.regionSeries(v, region), prediction: (dir, runId, entry, member) => readPredictionRegionOf(dir, runId, entry, region, member) };
}

function pickOf(slices: DatasetSlices, projectDir: string, where: SeriesWhere): Pick {
  const meta = slices.meta;
  if ('cell' in where) return cellPick(slices, where.cell);
  if ('clip' in where) {
    const clip = activeClip(projectDir, meta);
    if (!clip) throw new Error('no clip is set: draw a polygon, import one or pick a subbasin first');
    return regionPick(slices, `Clip ${clip.props.clip.name} (area-weighted mean)`, clip.region);
  }
  const sb = findSubbasin(meta, where.subbasin);
  return regionPick(slices, `Subbasin ${sb.name} (area-weighted mean)`, regionWeights(meta.grid, sb.cellFractions, meta.mask));
}

/**
 * The band around an ensemble's mean series `of` (entry `entry` of run `run`): per day, the 5th and
 * 95th percentiles over the collected members of the members' own series at the place, so an
 * area's band is the spread of the members' area means, not a mean of per-cell spreads. None for
 * a run that is no ensemble, an entry the members did not all predict (physics-only: member 0's),
 * or members whose folders are not there.
 */
function ensembleBand(projectDir: string, run: RunListing, entry: string, of: string, label: string, memberSeries: (member: string) => Float32Array): ChartSeries[] {
  const members = run.ensemble?.collected ?? [];
  if (members.length < 2 || !(entry in (run.ensemble?.nse ?? {}))) return [];
  // a copy of the run without its members/ folders (docs/cluster.md) charts the mean alone
  if (!membersPredicted(projectDir, run.id, members, entry)) return [];
  const spread = memberSpread(members.map(memberSeries));
  return BAND_EDGES.map(({ edge, q, name }) => ({
    id: `${of}:${q}`, label: `${label} ${name} of ${members.length} members`, kind: 'spread' as const, values: spread[q], band: { of, edge },
  }));
}

/** The chart's series at `where`: observations, the truth where known, and run `runId`'s models (default: the newest finished run with predictions). */
export function mapSeries(slices: DatasetSlices, projectDir: string, where: SeriesWhere, runId?: string): MapSeries {
  const meta = slices.meta;
  const pick = pickOf(slices, projectDir, where);
  const series: ChartSeries[] = [
    { id: 'observed', label: 'Observed LAI', kind: 'observed', days: Array.from(meta.observations.dayIndex), values: pick.dataset('LAI') },
  ];
  if (meta.hasTrueLai) series.push({ id: 'truth', label: 'True LAI (virtual basin)', kind: 'truth', values: pick.dataset('LAI_true') });
  const runs = listRuns(projectDir).filter((r) => r.status === 'finished' && r.predictions.length > 0);
  const run = runId === undefined ? runs[0] : runs.find((r) => r.id === runId);
  if (runId !== undefined && !run) throw new Error(`no finished run '${runId}' with predictions`);
  // one entry's series at `where`, aligned to the dataset's days (of ensemble member `member`: 'm01')
  const picked = (r: RunListing, entry: string, member?: string): Float32Array => {
    // a cell reads its own column of the file, an area its bounding box: never the whole file
    const p = pick.prediction(projectDir, r.id, entry, member);
    const offset = daysBetween(meta.startDate, p.startDate);
    const values = p.values;
    const aligned = new Float32Array(meta.dayCount).fill(Number.NaN);
    for (let k = 0; k < p.days; k++) if (k + offset >= 0 && k + offset < meta.dayCount) aligned[k + offset] = values[k]!;
    return aligned;
  };
  for (const entry of run?.predictions ?? []) {
    const label = run!.entries.find((e) => e.id === entry)?.label ?? entry;
    const id = `${run!.id}:${entry}`;
    series.push({ id, label: `${label} · ${runLabel(run!)}`, kind: isProcessModelOnly(entry) ? 'physics' : 'model', values: picked(run!, entry) });
    series.push(...ensembleBand(projectDir, run!, entry, id, label, (member) => picked(run!, entry, member)));
  }
  return { title: pick.title, series, ...(run?.periods ? { splits: runSplits(meta, run.periods), splitsOf: runLabel(run) } : { splits: splitsOf(meta) }) };
}
