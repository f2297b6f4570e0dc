/**
 * The kinds of map layer a project does not have yet, each with the reason and what makes it: a
 * project built from the user's own files often has no LAI, land cover, soil or trained run for a
 * while, and the layer list says so instead of leaving the user to guess why a layer is absent.
 */
import type { DatasetMeta } from '../data/dataset-slices.ts';
import { runLabel, type RunListing } from './run-listing.ts';

export interface MissingLayer {
  /** the layer id it would have, or a kind ('runs') where a run would add several */
  readonly id: string;
  readonly label: string;
  readonly group: string;
  readonly reason: string;
}

const IMPORT_HINT = 'Import data';

/** Why a run's layers that need LAI observations are missing in a project without any (also run-sources.ts' whyRunLayerMissing). */
export const NO_LAI_RUN_REASONS = {
  diff: `no LAI observations in this project: there is nothing to subtract (${IMPORT_HINT}: LAI observations)`,
  nse: `no LAI observations in this project: the run could not be scored (${IMPORT_HINT}: LAI observations, then re-evaluate the run)`,
} as const;

type ListedRun = Pick<RunListing, 'status' | 'id' | 'preset' | 'createdAt' | 'predictions' | 'entries'>;

/** A finished run's 'minus observed' and NSE layers, which a project without LAI cannot have. */
function withoutLaiRunLayers(run: ListedRun): MissingLayer[] {
  const group = `Run: ${runLabel(run)}`;
  const label = (id: string) => run.entries.find((e) => e.id === id)?.label ?? id;
  const scored = [...new Set([...run.predictions, ...run.entries.map((e) => e.id)])];
  return [
    ...run.predictions.map((entry) => ({ id: `run:${run.id}:diff:${entry}`, label: `${label(entry)} minus observed`, group, reason: NO_LAI_RUN_REASONS.diff })),
    ...scored.map((entry) => ({ id: `run:${run.id}:nse:${entry}`, label: `${label(entry)} NSE`, group, reason: NO_LAI_RUN_REASONS.nse })),
  ];
}

/** What a project without a dataset lacks: everything, because forcing makes the dataset. */
function withoutDataset(): MissingLayer[] {
  const why = 'no dataset yet: import forcing first (it makes the daily time axis and the basin mask)';
  return [
    { id: 'forcing', label: 'Forcing (precipitation, temperature, radiation, ...)', group: 'Forcing', reason: `no forcing imported (${IMPORT_HINT}: forcing)` },
    { id: 'lai.observed', label: 'Observed LAI', group: 'Observations', reason: why },
    { id: 'static.landCover', label: 'Land cover', group: 'Static', reason: why },
    { id: 'runs', label: 'Model LAI and NSE maps', group: 'Runs', reason: 'no trained run: a run needs a dataset' },
  ];
}

const STATIC_FIELDS = [
  { field: 'elevation', id: 'static.elevation', label: 'Elevation', how: 'vegdyn import elevation' },
  { field: 'sandPercent', id: 'static.sand', label: 'Sand (top soil)', how: 'vegdyn import soil' },
  { field: 'clayPercent', id: 'static.clay', label: 'Clay (top soil)', how: 'vegdyn import soil' },
  { field: 'organicFraction', id: 'static.organic', label: 'Organic matter (top soil)', how: 'vegdyn import soil' },
] as const;

/** True when no basin cell holds a value (NaN, or 0 for class codes, is "no value"). */
function emptyOverBasin(meta: DatasetMeta, values: ArrayLike<number>, zeroIsEmpty: boolean): boolean {
  for (let c = 0; c < meta.mask.length; c++) {
    if (!meta.mask[c]) continue;
    const v = values[c]!;
    if (!Number.isNaN(v) && !(zeroIsEmpty && v === 0)) return false;
  }
  return true;
}

/**
 * The missing layer kinds of a project: `meta` is its dataset (null when it has none), `runs` its
 * run folders. A layer listed here is one the catalogue would offer empty, or not at all.
 */
export function missingLayers(meta: DatasetMeta | null, runs: readonly ListedRun[]): MissingLayer[] {
  if (!meta) return withoutDataset();
  const out: MissingLayer[] = [];
  if (meta.observations.dayIndex.length === 0) {
    out.push({ id: 'lai.observed', label: 'Observed LAI', group: 'Observations', reason: `no LAI imported (${IMPORT_HINT}: LAI observations); without it only the physics-only model can run, and nothing can be scored` });
  }
  if (emptyOverBasin(meta, meta.staticLayers.landCover, true)) {
    out.push({ id: 'static.landCover', label: 'Land cover', group: 'Static', reason: `no land cover imported (${IMPORT_HINT}: land cover)` });
  }
  for (const s of STATIC_FIELDS) {
    if (emptyOverBasin(meta, meta.staticLayers[s.field], false)) out.push({ id: s.id, label: s.label, group: 'Static', reason: `not imported (${s.how})` });
  }
  // each finished run's layers that compare with or are scored on observations
  if (meta.observations.dayIndex.length === 0) for (const run of runs.filter((r) => r.status === 'finished')) out.push(...withoutLaiRunLayers(run));
  if (!runs.some((r) => r.status === 'finished')) {
    const failed = runs.filter((r) => r.status === 'failed').length;
    out.push({
      id: 'runs', label: 'Model LAI and NSE maps', group: 'Runs',
      reason: `no trained run${failed ? ` (${failed} failed)` : ''}: train one in the Training panel${meta.observations.dayIndex.length === 0 ? ' (physics-only without LAI)' : ''}`,
    });
  }
  return out;
}
