/**
 * The virtual basin's changed-climate truth in the project: data/changed-climate.nc, CF NetCDF4
 * with the true daily LAI from the change's first day to the end of the data, under the changed
 * climate (LAI_true_changed) and the baseline (LAI_true_baseline), so the true change is known
 * outside VegDyn too; the change itself is in the global attributes. `vegdyn demo-data --change`
 * writes it; regenerating without a change removes it, so it never describes another dataset.
 */
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { addDays } from '../data/time-axis.ts';
import { describeClimateChange } from '../data/virtual-basin/changed-climate.ts';
import type { VirtualBasinDataset } from '../data/virtual-basin/generate.ts';
import { writeNetcdfSeries } from '../export/netcdf.ts';

export const CHANGED_CLIMATE_FILE = path.join('data', 'changed-climate.nc');

/** Writes (or, for a dataset without a changed climate, removes) the project's changed-climate truth; returns the file written. */
export async function recordChangedClimateTruth(projectDir: string, dataset: VirtualBasinDataset): Promise<string | undefined> {
  const file = path.join(projectDir, CHANGED_CLIMATE_FILE);
  const truth = dataset.changedClimate;
  if (!truth || !dataset.trueLai) {
    if (existsSync(file)) rmSync(file);
    return undefined;
  }
  const n = dataset.mask.length;
  const days = dataset.dayCount - truth.fromDay;
  const dates = Array.from({ length: days }, (_, t) => addDays(dataset.startDate, truth.fromDay + t));
  const s = truth.change.scenario;
  await writeNetcdfSeries(file, {
    grid: dataset.grid, dates, mask: dataset.mask,
    variables: [
      { name: 'LAI_true_changed', units: '1', standardName: 'leaf_area_index', longName: `true leaf area index under the changed climate (${describeClimateChange(truth.change)})`, cellMethods: 'time: mean', data: truth.trueLai.subarray(truth.fromDay * n) },
      { name: 'LAI_true_baseline', units: '1', standardName: 'leaf_area_index', longName: 'true leaf area index of the baseline (historic) climate', cellMethods: 'time: mean', data: dataset.trueLai.subarray(truth.fromDay * n) },
    ],
    attributes: {
      title: 'VegDyn virtual basin: true LAI under a changed climate and the baseline',
      source: dataset.source,
      vegdyn_change: describeClimateChange(truth.change),
      vegdyn_change_from: truth.change.from,
      vegdyn_change_definition: JSON.stringify({ changes: s.changes, co2Ppm: s.co2Ppm ?? null, humidity: s.humidity }),
    },
  });
  return file;
}
