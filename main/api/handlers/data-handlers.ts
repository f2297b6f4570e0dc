/**
 * Handlers of the data requests (main/api/requests/data.ts): aggregation of the open project's
 * dataset over the basin, a subbasin or a polygon, through main/data/aggregate.ts.
 */
import type { HandlersFor } from '../define.ts';
import type { dataRequests } from '../requests/data.ts';
import { FORCING_UNITS } from '../../data/dataset.ts';
import { findSubbasin, regionWeights } from '../../data/aggregate.ts';
import { isSeriesVariable } from '../../data/dataset-slices.ts';
import { polygonCellFractions } from '../../data/polygon-fractions.ts';
import { projectDataset } from '../../map/project-dataset.ts';
import { toNullable } from '../binary-wire.ts';
import { sessionOf } from '../session.ts';
import { ensureFirstRun } from '../first-run-starter.ts';

export const dataHandlers: HandlersFor<typeof dataRequests> = {
  'data.generateDemo': async (req, ctx) => {
    const projectDir = ctx.projectDir();
    // the job writes data/dataset.nc atomically; readers (main/map/project-dataset.ts) key their cache on its mtime
    return { jobId: ctx.startJob('demo-data', { projectDir, force: true, ...req }) };
  },
  'data.firstRun': async (req, ctx) => ensureFirstRun(sessionOf(ctx), req.start),
  'data.aggregate': async (req, ctx) => {
    const dir = ctx.projectDir();
    const ds = await projectDataset(dir);
    if (!ds) throw new Error(`${dir}: the project has no dataset yet (run 'vegdyn demo-data' or import data)`);
    const meta = ds.meta;
    let fractions: ArrayLike<number>;
    let region: string;
    if ('basin' in req.region) {
      fractions = meta.mask;
      region = 'basin';
    } else if ('subbasin' in req.region) {
      const s = findSubbasin(meta, req.region.subbasin);
      fractions = s.cellFractions;
      region = s.name;
    } else {
      fractions = polygonCellFractions(meta.grid, req.region.polygon as GeoJSON.Polygon | GeoJSON.MultiPolygon);
      region = 'polygon';
    }
    const weights = regionWeights(meta.grid, fractions, meta.mask);
    const used = weights.cells.length;
    let covered = 0;
    for (const c of weights.cells) covered += fractions[c]!;
    if (used === 0) throw new Error(`${region} does not overlap any basin cell of dataset ${meta.id}`);
    const start = req.start ?? 0;
    const end = req.end ?? meta.dayCount;
    if (start >= end || end > meta.dayCount) throw new Error(`day range [${start}, ${end}) is outside [0, ${meta.dayCount})`);
    const variable = req.variable;
    if (!isSeriesVariable(variable)) throw new Error(`unknown variable ${variable}`);
    // the whole record's means, read block by block (data/store/netcdf-slices.ts), then the range
    const means = ds.regionSeries(variable, weights);
    let values: Float32Array;
    let days: number[];
    if (variable === 'LAI') {
      const keep: number[] = [];
      meta.observations.dayIndex.forEach((d, k) => {
        if (d >= start && d < end) keep.push(k);
      });
      values = Float32Array.from(keep, (k) => means[k]!);
      days = keep.map((k) => meta.observations.dayIndex[k]!);
    } else {
      values = means.subarray(start, end);
      days = Array.from({ length: end - start }, (_, i) => start + i);
    }
    const units = variable === 'LAI' || variable === 'LAI_true' ? '1' : FORCING_UNITS[variable];
    return { variable, units, region, startDate: meta.startDate, days, values: toNullable(values), cells: used, coveredCells: covered };
  },
};
