/**
 * Which dataset the map and data requests read for a project folder: slices of the project's
 * dataset store (data/dataset.nc) read on demand (data/store/netcdf-slices.ts), opened once and
 * kept per folder so that dragging the date slider does not reopen files. Keyed by the file's
 * modification time, so regenerated or re-imported data is picked up on the next request.
 */
import { statSync } from 'node:fs';
import type { DatasetSlices } from '../data/dataset-slices.ts';
import { datasetPath, hasDataset } from '../data/store/netcdf-store.ts';
import { openDatasetSlices } from '../data/store/netcdf-slices.ts';

export type DatasetLoader = (projectDir: string) => Promise<DatasetSlices | null>;

const openIfPresent: DatasetLoader = async (dir) => (hasDataset(dir) ? openDatasetSlices(dir) : null);
/** A replaced reader is closed this long after: requests still holding it finish first. */
const CLOSE_REPLACED_AFTER_MS = 60_000;

let loader: DatasetLoader = openIfPresent;
const cache = new Map<string, { stamp: string; dataset: Promise<DatasetSlices | null> }>();

function retire(entry: { dataset: Promise<DatasetSlices | null> } | undefined): void {
  if (!entry) return;
  void entry.dataset.then((s) => setTimeout(() => s?.close(), CLOSE_REPLACED_AFTER_MS).unref(), () => undefined);
}

/** Replace how datasets are opened (tests and benches that hold a dataset in memory: slicesOfDataset). */
export function setMapDatasetLoader(next: DatasetLoader | null): void {
  loader = next ?? openIfPresent;
  for (const entry of cache.values()) retire(entry);
  cache.clear();
}

function stampOf(projectDir: string): string {
  try {
    const st = statSync(datasetPath(projectDir));
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return 'none';
  }
}

export function projectDataset(projectDir: string): Promise<DatasetSlices | null> {
  const stamp = stampOf(projectDir);
  const hit = cache.get(projectDir);
  if (hit && hit.stamp === stamp) return hit.dataset;
  retire(hit);
  const dataset = loader(projectDir).catch((err: unknown) => {
    cache.delete(projectDir);
    throw err;
  });
  cache.set(projectDir, { stamp, dataset });
  return dataset;
}

/** The project's dataset, or an error saying how to make one. */
export async function requireProjectDataset(projectDir: string): Promise<DatasetSlices> {
  const ds = await projectDataset(projectDir);
  if (!ds) throw new Error('the open project has no dataset yet: create the demo dataset or import data first');
  return ds;
}
