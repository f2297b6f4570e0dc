/**
 * The catalogue of map layers of the open project: the dataset's sources (built once per opened
 * dataset) and the finished runs' sources (rebuilt per request: runs finish while the app is open;
 * their files are cached by run-listing.ts). Layer ids are looked up here, never parsed (except to
 * explain why a run's layer is missing).
 */
import type { DatasetSlices } from '../data/dataset-slices.ts';
import { datasetSources } from './dataset-sources.ts';
import type { LayerGrid, LayerSource, MapLayerInfo } from './layer-source.ts';
import { runSources, whyRunLayerMissing } from './run-sources.ts';

/** the runs' LAI colour range top (m2 m-2) in a project without LAI observations */
const NO_OBSERVATIONS_LAI_MAX = 8;

const datasetCache = new WeakMap<DatasetSlices, readonly LayerSource[]>();

function ofDataset(slices: DatasetSlices): readonly LayerSource[] {
  let hit = datasetCache.get(slices);
  if (!hit) datasetCache.set(slices, (hit = datasetSources(slices)));
  return hit;
}

/** Every source: the dataset's, then (given the project folder) the finished runs'. */
export function layerSources(slices: DatasetSlices, projectDir?: string): LayerSource[] {
  const own = ofDataset(slices);
  if (projectDir === undefined) return [...own];
  // the runs' LAI layers share the observed LAI's colour range; a project without LAI observations
  // has none, so a range that holds the leaf area of dense forest (the process model's LAI rarely
  // passes it) instead of 0..1, which showed a physics-only run as one saturated colour
  const observed = slices.meta.observations.dayIndex.length > 0 ? own.find((s) => s.layer.id === 'lai.observed')?.layer.range[1] : undefined;
  const laiMax = observed ?? NO_OBSERVATIONS_LAI_MAX;
  return [...own, ...runSources(slices, projectDir, laiMax)];
}

/** The layer list: what the map offers. */
export function layerCatalogue(slices: DatasetSlices, projectDir?: string): MapLayerInfo[] {
  return layerSources(slices, projectDir).filter((s) => !s.hidden).map((s) => s.layer);
}

/** The source of layer `id`; run layers need the project folder. */
export function findLayerSource(slices: DatasetSlices, id: string, projectDir?: string): LayerSource {
  const own = ofDataset(slices).find((s) => s.layer.id === id);
  if (own) return own;
  if (id.startsWith('run:') && projectDir === undefined) throw new Error('run layers need the project folder');
  const source = projectDir === undefined ? undefined : layerSources(slices, projectDir).find((s) => s.layer.id === id);
  if (!source) throw new Error((projectDir !== undefined && whyRunLayerMissing(projectDir, id, slices.meta.observations.dayIndex.length > 0)) || `unknown map layer '${id}'`);
  return source;
}

/** Dataset day `day` clamped to the record (the first day when none is given). */
export function clampDay(slices: DatasetSlices, day: number | undefined): number {
  return Math.max(0, Math.min(slices.meta.dayCount - 1, day ?? 0));
}

/** The values of one layer on one day (NaN = missing); throws for an unknown layer. */
export function layerGrid(slices: DatasetSlices, id: string, day: number | undefined, projectDir?: string): LayerGrid {
  return findLayerSource(slices, id, projectDir).grid(clampDay(slices, day));
}
