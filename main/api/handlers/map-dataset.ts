/**
 * Which Dataset the map requests read for a project folder: the project's dataset store
 * (data/dataset.nc), opened once and cached per folder so that dragging the date slider does not
 * re-read files. The cache is keyed by the file's modification time, so regenerated or re-imported
 * data is picked up on the next request.
 */
import { statSync } from 'node:fs';
import type { Dataset } from '../../data/dataset.ts';
import { datasetPath } from '../../data/store/netcdf-store.ts';
import { openDatasetIfPresent } from '../../data/virtual-basin/demo-dataset.ts';

export type DatasetLoader = (projectDir: string) => Promise<Dataset | null>;

let loader: DatasetLoader = openDatasetIfPresent;
const cache = new Map<string, { stamp: string; dataset: Promise<Dataset | null> }>();

/** Replace how datasets are opened (tests and benches that hold a dataset in memory). */
export function setMapDatasetLoader(next: DatasetLoader | null): void {
  loader = next ?? openDatasetIfPresent;
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

export function projectDataset(projectDir: string): Promise<Dataset | null> {
  const stamp = stampOf(projectDir);
  const hit = cache.get(projectDir);
  if (hit && hit.stamp === stamp) return hit.dataset;
  const dataset = loader(projectDir).catch((err: unknown) => {
    cache.delete(projectDir);
    throw err;
  });
  cache.set(projectDir, { stamp, dataset });
  return dataset;
}
