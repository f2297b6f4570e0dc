/**
 * Test fixture: a real virtual-basin dataset (main/data/virtual-basin), generated for a short
 * period and cropped to a small window inside the basin so model tests stay fast on 2 cores.
 * The crop keeps the generator's forcing, static layers, normalization and observations.
 */
import { generateVirtualBasin } from '../../../main/data/virtual-basin/generate.ts';
import type { Dataset } from '../../../main/data/dataset.ts';
import { cropDataset, mixedWindowOrigin } from '../../../main/physics/grid/dataset-window.ts';

const cache = new Map<string, Dataset>();

export function virtualBasin(startDate: string, endDate: string): Dataset {
  const key = `${startDate}/${endDate}`;
  let ds = cache.get(key);
  if (!ds) {
    ds = generateVirtualBasin({ seed: 42, startDate, endDate });
    cache.set(key, ds);
  }
  return ds;
}

/** A window of the basin that holds every land-cover class the basin has (searched, not assumed). */
export function mixedWindow(ds: Dataset, rows: number, cols: number): Dataset {
  const { row0, col0 } = mixedWindowOrigin(ds, rows, cols);
  return cropDataset(ds, row0, col0, rows, cols);
}
