/**
 * Which Dataset the map requests read for a project folder. The loader opens the project's stored
 * dataset; results are cached per folder so that dragging the date slider does not re-read files.
 */
import type { Dataset } from '../../data/dataset.ts';

export type DatasetLoader = (projectDir: string) => Promise<Dataset | null>;

let loader: DatasetLoader = async () => null;
const cache = new Map<string, Promise<Dataset | null>>();

/** Replace how datasets are opened (the dataset store wires itself here; tests may too). */
export function setMapDatasetLoader(next: DatasetLoader): void {
  loader = next;
  cache.clear();
}

/** Forget a cached dataset (after the project's data changed). */
export function forgetMapDataset(projectDir?: string): void {
  if (projectDir === undefined) cache.clear();
  else cache.delete(projectDir);
}

export function projectDataset(projectDir: string): Promise<Dataset | null> {
  let hit = cache.get(projectDir);
  if (!hit) {
    hit = loader(projectDir).catch((err: unknown) => {
      cache.delete(projectDir);
      throw err;
    });
    cache.set(projectDir, hit);
  }
  return hit;
}
