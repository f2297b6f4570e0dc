/**
 * Layer sources of finished runs: each entry's daily LAI and its difference to the observations
 * (run outputs), the learned parameters per cell (the run's parameter-maps.nc; runs written
 * before it: the per-PFT values mapped to cells by land cover), and per-cell NSE.
 */
import type { DatasetSlices } from '../data/dataset-slices.ts';
import { LAND_COVER_TO_PFT } from '../physics/grid/pft-params.ts';
import { masked, missingGrid, observationAtOrBefore, percentileRange, type LayerSource } from './layer-source.ts';
import { listRuns, readMetrics, readParameterMapsOf, readPredictionDayOf, readSpreadDayOf, readSpreadMaps, runLabel, type RunListing } from './run-listing.ts';
import { parameterLabel } from '../util/unit-labels.ts';
import { scenarioSources, type ScenarioSource } from './scenario-sources.ts';
import { NO_LAI_RUN_REASONS } from './missing-layers.ts';

export type RunOutputSource = LayerSource<'run-output', { readonly runId: string; readonly entry: string; readonly output: 'lai' | 'diff' }>;
/** a learned parameter per cell ('value'), or its learned value minus its default ('diff') */
export type ParameterSource = LayerSource<'parameter', { readonly runId: string; readonly model: string; readonly parameter: string; readonly view: 'value' | 'diff' }>;
export type MetricSource = LayerSource<'metric', { readonly runId: string; readonly entry: string; readonly metric: 'nse' }>;
/** an ensemble's spread: over the test period (spread/test-period.nc, 'period') or on the chosen date (spread/<entry>.nc, 'date') */
export type SpreadSource = LayerSource<'spread', { readonly runId: string; readonly entry: string; readonly spread: string; readonly time: 'period' | 'date' }>;
export type RunLayerSource = RunOutputSource | ParameterSource | MetricSource | SpreadSource | ScenarioSource;

/** The ensemble spread maps of spread/test-period.nc (main/run/ensemble.ts), as map layers. */
const SPREAD_LAYERS: Readonly<Record<string, { label: string; units: string; what: string }>> = {
  lai_std: { label: 'ensemble spread of LAI (std)', units: 'm2 m-2', what: "standard deviation of the members' daily LAI, averaged over the test period" },
  lai_range_5_95: { label: 'ensemble 5-95 % range of LAI', units: 'm2 m-2', what: "5-95 % range of the members' daily LAI, averaged over the test period" },
  nse_std: { label: 'ensemble spread of NSE (std)', units: 'dimensionless', what: "standard deviation of the members' test-period NSE" },
  nse_range: { label: 'ensemble NSE range (max - min)', units: 'dimensionless', what: "range of the members' test-period NSE" },
};

/**
 * The spreads also shown per test date, from spread/<entry>.nc: read one date at a time when the
 * date slider asks (one hyperslab, as a prediction day), so nothing is computed or written for them.
 */
const DAILY_SPREAD_LAYERS: Readonly<Record<string, { label: string; what: string }>> = {
  // labels that do not contain the period layers' (a label search finds one layer)
  lai_std: { label: 'LAI spread on the date: ensemble std', what: "standard deviation of the members' LAI on the chosen date" },
  lai_range_5_95: { label: 'LAI spread on the date: ensemble 5-95 % range', what: "5-95 % range of the members' LAI on the chosen date" },
};

/** Daily prediction of a run entry on dataset day `d`, masked (NaN outside the predicted record); only that day is read. */
function predictionDay(slices: DatasetSlices, projectDir: string, runId: string, entry: string, d: number): Float32Array {
  const meta = slices.meta;
  const day = readPredictionDayOf(projectDir, runId, entry, d, meta.startDate);
  return day ? masked(meta, day) : missingGrid(meta);
}

function outputSources(slices: DatasetSlices, projectDir: string, run: RunListing, laiMax: number): RunOutputSource[] {
  const meta = slices.meta;
  const diff = Math.max(0.5, Number((laiMax / 3).toPrecision(2)));
  const group = `Run: ${runLabel(run)}`;
  const label = (id: string) => run.entries.find((e) => e.id === id)?.label ?? id;
  // a project without LAI observations has nothing to subtract: only the daily LAI layers
  const withDiff = meta.observations.dayIndex.length > 0;
  return run.predictions.flatMap((entry): RunOutputSource[] => ([
    {
      kind: 'run-output', props: { runId: run.id, entry, output: 'lai' },
      layer: { id: `run:${run.id}:lai:${entry}`, label: `${label(entry)} LAI`, group, units: 'm2 m-2', kind: 'sequential', time: 'daily', range: [0, laiMax], colormap: 'viridis', description: `Daily LAI simulated by ${label(entry)} in run ${run.id}` },
      grid: (d) => ({ values: predictionDay(slices, projectDir, run.id, entry, d), sourceDay: d }),
    },
    {
      kind: 'run-output', props: { runId: run.id, entry, output: 'diff' },
      layer: { id: `run:${run.id}:diff:${entry}`, label: `${label(entry)} minus observed`, group, units: 'm2 m-2', kind: 'diverging', time: 'observations', range: [-diff, diff], colormap: 'brbg', description: `${label(entry)} LAI minus the observed LAI on the latest observation date on or before the chosen day (green: model higher)` },
      grid(d) {
        const k = observationAtOrBefore(meta.observations.dayIndex, d);
        if (k < 0) return { values: missingGrid(meta), sourceDay: null };
        const od = meta.observations.dayIndex[k]!;
        const model = predictionDay(slices, projectDir, run.id, entry, od);
        const obs = slices.step('LAI', k);
        const out = new Float32Array(model.length);
        for (let c = 0; c < out.length; c++) out[c] = model[c]! - obs[c]!;
        return { values: masked(meta, out), sourceDay: od };
      },
    },
  ] satisfies RunOutputSource[]).slice(0, withDiff ? 2 : 1));
}

function parameterSources(slices: DatasetSlices, projectDir: string, run: RunListing): ParameterSource[] {
  const meta = slices.meta;
  const group = `Run: ${runLabel(run)}`;
  const label = (id: string) => run.entries.find((e) => e.id === id)?.label ?? id;
  // per cell: the value of the cell's PFT (land cover -> PFT), from `perPft`
  const byLandCover = (perPft: readonly number[]) => (): { values: Float32Array; sourceDay: null } => {
    const out = missingGrid(meta);
    for (let c = 0; c < out.length; c++) {
      const lc = meta.staticLayers.landCover[c]!;
      if (!meta.mask[c] || !lc) continue;
      const pft = (LAND_COVER_TO_PFT as Record<number, { pft: number } | undefined>)[lc]?.pft;
      if (pft !== undefined) out[c] = perPft[pft] ?? Number.NaN;
    }
    return { values: out, sourceDay: null };
  };
  // the saved per-cell map when the run has one (it varies per cell with the per-cell network)
  const perCell = (model: string, parameter: string) => readParameterMapsOf(projectDir, run.id, model)?.get(parameter);
  const minus = (a: Float32Array, b: Float32Array) => a.map((v, c) => v - b[c]!);
  return Object.entries(run.parameters).flatMap(([model, lp]) => Object.entries(lp.parameters).flatMap(([parameter, q]): ParameterSource[] => {
    const cellMap = perCell(model, parameter);
    const how = cellMap ? 'per cell' : 'per vegetation type, mapped to cells by land cover';
    // human name, symbol and units: from the physics declaration (run-listing.ts learnedOf), formatted once (unit-labels.ts)
    const name = parameterLabel(q);
    const min = Number.isFinite(q.min) ? q.min : 0;
    const max = Number.isFinite(q.max) ? q.max : 1;
    const facts = `range ${min}..${max} ${q.units}; defaults per vegetation type ${lp.pfts.map((p, k) => `${p} ${q.defaults[k]}`).join(', ')}`;
    const half = Number(((max - min) / 4).toPrecision(2));
    return [
      {
        kind: 'parameter', props: { runId: run.id, model, parameter, view: 'value' },
        layer: { id: `run:${run.id}:param:${model}/${parameter}`, label: `${label(model)}: ${name}${q.learned ? ' (learned)' : ' (default)'}`, group, units: q.units, kind: 'sequential', time: 'static', range: [min, max], colormap: 'cividis', description: `${q.description}; ${how}; ${facts}` },
        grid: cellMap ? () => ({ values: masked(meta, cellMap), sourceDay: null }) : byLandCover(q.values),
      },
      {
        kind: 'parameter', props: { runId: run.id, model, parameter, view: 'diff' },
        layer: { id: `run:${run.id}:param-diff:${model}/${parameter}`, label: `${label(model)}: ${name}, difference from default`, group, units: q.units, kind: 'diverging', time: 'static', range: [-half, half], colormap: 'rdbu', description: `${q.description}: learned value minus its default, ${how}; ${facts}` },
        grid: cellMap
          ? () => ({ values: masked(meta, minus(cellMap, byLandCover(q.defaults)().values)), sourceDay: null })
          : byLandCover(q.values.map((v, k) => v - (q.defaults[k] ?? Number.NaN))),
      },
    ];
  }));
}

function metricSources(slices: DatasetSlices, projectDir: string, run: RunListing): MetricSource[] {
  // nothing is scored without LAI observations: missing-layers.ts lists these with the reason
  if (slices.meta.observations.dayIndex.length === 0) return [];
  return run.entries.map((e): MetricSource => ({
    kind: 'metric', props: { runId: run.id, entry: e.id, metric: 'nse' },
    layer: { id: `run:${run.id}:nse:${e.id}`, label: `${e.label} NSE`, group: `Run: ${runLabel(run)}`, units: 'dimensionless', kind: 'diverging', time: 'static', range: [-1, 1], colormap: 'rdbu', description: `Per-cell Nash-Sutcliffe efficiency of ${e.label} on the test period (run ${run.id}); 1 is perfect, 0 is no better than the cell mean` },
    grid() {
      const grid = readMetrics(projectDir, run.id).get(`${e.id}/nse`);
      if (!grid) throw new Error(`run ${run.id} has no NSE map of '${e.id}'`);
      return { values: masked(slices.meta, grid), sourceDay: null };
    },
  }));
}

function spreadSources(slices: DatasetSlices, projectDir: string, run: RunListing): SpreadSource[] {
  const maps = readSpreadMaps(projectDir, run.id);
  if (!maps) return [];
  const label = (id: string) => run.entries.find((e) => e.id === id)?.label ?? id;
  return [...maps.entries()].flatMap(([key, values]): SpreadSource[] => {
    const [entry, spread] = key.split('/') as [string, string];
    const spec = SPREAD_LAYERS[spread];
    if (!spec) return [];
    const shown = masked(slices.meta, values);
    const top = Math.max(1e-3, percentileRange(shown, 2, 98)[1]);
    const group = `Run: ${runLabel(run)}`;
    const test = run.periods?.['test'];
    const daily = DAILY_SPREAD_LAYERS[spread];
    const perDate: SpreadSource[] = daily ? [{
      kind: 'spread', props: { runId: run.id, entry, spread, time: 'date' },
      layer: {
        // a single date spreads wider than the period's mean: twice its upper range
        id: `run:${run.id}:spread-date:${entry}:${spread}`, label: `${label(entry)} ${daily.label}`, group, units: spec.units,
        kind: 'sequential', time: 'daily', range: [0, Number((2 * top).toPrecision(3))], colormap: 'cividis',
        description: `${daily.what} (${label(entry)}, ensemble run ${run.id}); test period only${test ? ` (${test.from} to ${test.to})` : ''}, missing on other dates`,
      },
      grid(d) {
        const day = readSpreadDayOf(projectDir, run.id, entry, spread, d, slices.meta.startDate);
        return { values: day ? masked(slices.meta, day) : missingGrid(slices.meta), sourceDay: day ? d : null };
      },
    }] : [];
    return [{
      kind: 'spread', props: { runId: run.id, entry, spread, time: 'period' },
      layer: {
        id: `run:${run.id}:spread:${entry}:${spread}`, label: `${label(entry)} ${spec.label}`, group, units: spec.units,
        kind: 'sequential', time: 'static', range: [0, top], colormap: 'cividis',
        description: `${spec.what} (${label(entry)}, ensemble run ${run.id})`,
      },
      grid: () => ({ values: shown, sourceDay: null }),
    }, ...perDate];
  });
}

/** Layer sources of every finished run, newest run first; `laiMax` is the observed LAI layer's upper range. */
export function runSources(slices: DatasetSlices, projectDir: string, laiMax: number): RunLayerSource[] {
  return listRuns(projectDir).filter((r) => r.status === 'finished').flatMap((run) => [
    ...outputSources(slices, projectDir, run, laiMax), ...parameterSources(slices, projectDir, run), ...metricSources(slices, projectDir, run),
    ...spreadSources(slices, projectDir, run),
    ...scenarioSources(slices, projectDir, run),
  ]);
}

/**
 * Why a run layer that is not in the catalogue is missing, when the id names one of a run's
 * outputs (e.g. a run made before its predictions were written as NetCDF, or a 'minus observed' or
 * NSE layer of a project without LAI observations); null otherwise.
 */
export function whyRunLayerMissing(projectDir: string, id: string, hasLai = true): string | null {
  const m = /^run:([^:]+):(lai|diff|nse):(.+)$/.exec(id);
  if (!m) return null;
  const run = listRuns(projectDir).find((r) => r.id === m[1]);
  if (!run) return `no run '${m[1]}' in this project`;
  if (!run.predictions.includes(m[3]!) && !run.entries.some((e) => e.id === m[3])) return `run ${run.id} has no predictions of '${m[3]}'`;
  if (!hasLai && (m[2] === 'diff' || m[2] === 'nse')) return `${id}: ${NO_LAI_RUN_REASONS[m[2]]}`;
  if (!run.predictions.includes(m[3]!)) return `run ${run.id} has no predictions of '${m[3]}'`;
  return null;
}
