/**
 * Handlers of the data requests (main/api/requests/data.ts): aggregation of the open project's
 * dataset over the basin, a subbasin or a polygon, through main/data/aggregate.ts.
 */
import type { HandlersFor } from '../define.ts';
import type { dataRequests } from '../requests/data.ts';
import { FORCING_NAMES, FORCING_UNITS, type ForcingName } from '../../data/dataset.ts';
import { areaWeightedMean, findSubbasin } from '../../data/aggregate.ts';
import { polygonCellFractions } from '../../data/polygon-fractions.ts';
import { projectDataset } from './map-dataset.ts';
import { toNullable } from './map-handlers.ts';
import { sessionOf } from '../session.ts';
import { ensureFirstRun } from '../first-run-starter.ts';

export const dataHandlers: HandlersFor<typeof dataRequests> = {
  'data.generateDemo': async (req, ctx) => {
    const projectDir = ctx.projectDir();
    // the job writes data/dataset.nc atomically; readers (map-dataset.ts) key their cache on its mtime
    return { jobId: ctx.startJob('demo-data', { projectDir, force: true, ...req }) };
  },
  'data.firstRun': async (req, ctx) => ensureFirstRun(sessionOf(ctx), req.start),
  'data.aggregate': async (req, ctx) => {
    const dir = ctx.projectDir();
    const ds = await projectDataset(dir);
    if (!ds) throw new Error(`${dir}: the project has no dataset yet (run 'vegdyn demo-data' or import data)`);
    const cells = ds.grid.ncols * ds.grid.nrows;
    let fractions: Float32Array;
    let region: string;
    if ('basin' in req.region) {
      fractions = Float32Array.from(ds.mask);
      region = 'basin';
    } else if ('subbasin' in req.region) {
      const s = findSubbasin(ds, req.region.subbasin);
      fractions = s.cellFractions;
      region = s.name;
    } else {
      fractions = polygonCellFractions(ds.grid, req.region.polygon as GeoJSON.Polygon | GeoJSON.MultiPolygon);
      region = 'polygon';
    }
    let used = 0;
    let covered = 0;
    for (let c = 0; c < cells; c++) {
      if (fractions[c]! > 0 && ds.mask[c]) {
        used++;
        covered += fractions[c]!;
      }
    }
    if (used === 0) throw new Error(`${region} does not overlap any basin cell of dataset ${ds.id}`);
    const start = req.start ?? 0;
    const end = req.end ?? ds.dayCount;
    if (start >= end || end > ds.dayCount) throw new Error(`day range [${start}, ${end}) is outside [0, ${ds.dayCount})`);
    let series: Float32Array;
    let days: number[];
    let units: string;
    if (req.variable === 'LAI') {
      const keep: number[] = [];
      ds.observations.dayIndex.forEach((d, k) => {
        if (d >= start && d < end) keep.push(k);
      });
      series = new Float32Array(keep.length * cells);
      keep.forEach((k, i) => series.set(ds.observations.values.subarray(k * cells, (k + 1) * cells), i * cells));
      days = keep.map((k) => ds.observations.dayIndex[k]!);
      units = '1';
    } else if (req.variable === 'LAI_true') {
      if (!ds.trueLai) throw new Error(`dataset ${ds.id} has no noise-free LAI (only the virtual basin has)`);
      series = ds.trueLai.subarray(start * cells, end * cells);
      days = Array.from({ length: end - start }, (_, i) => start + i);
      units = '1';
    } else {
      const name = req.variable as ForcingName;
      if (!FORCING_NAMES.includes(name)) throw new Error(`unknown variable ${req.variable}`);
      series = ds.forcing(name, { start, end });
      days = Array.from({ length: end - start }, (_, i) => start + i);
      units = FORCING_UNITS[name];
    }
    const values = areaWeightedMean(ds.grid, series, fractions, { mask: ds.mask });
    return { variable: req.variable, units, region, startDate: ds.startDate, days, values: toNullable(values), cells: used, coveredCells: covered };
  },
};
