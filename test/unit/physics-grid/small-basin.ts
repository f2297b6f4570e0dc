/**
 * Test fixture: a real virtual-basin dataset (main/data/virtual-basin), generated for a short
 * period and cropped to a small window inside the basin so model tests stay fast on 2 cores.
 * The crop keeps the generator's forcing, static layers, normalization and observations.
 */
import { generateVirtualBasin } from '../../../main/data/virtual-basin/generate.ts';
import type { Dataset } from '../../../main/data/dataset.ts';
import { cropDataset } from '../../../main/physics/grid/dataset-window.ts';

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
  const g = ds.grid;
  let best = { r: 0, c: 0, score: -1 };
  for (let r0 = 0; r0 + rows <= g.nrows; r0 += 2) {
    for (let c0 = 0; c0 + cols <= g.ncols; c0 += 2) {
      const classes = new Set<number>();
      let inside = 0;
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
        const k = (r0 + r) * g.ncols + c0 + c;
        if (ds.mask[k]) { inside++; classes.add(ds.staticLayers.landCover[k]!); }
      }
      const score = classes.size * 1000 + inside;
      if (score > best.score) best = { r: r0, c: c0, score };
    }
  }
  return cropDataset(ds, best.r, best.c, rows, cols);
}
