import { z } from 'zod';
import { defineRequest } from '../define.ts';

/** GeoJSON polygon or multipolygon in EPSG:4326 (lon, lat), checked for shape only. */
const position = z.array(z.number().finite()).min(2);
const ring = z.array(position).min(4);
export const polygonGeometrySchema = z.union([
  z.object({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ring).min(1)).min(1) }),
]);

export const aggregateVariables = ['Rainf', 'Tair', 'PSurf', 'Qair', 'LWdown', 'SWdown', 'Wind', 'LAI', 'LAI_true'] as const;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

export const dataRequests = {
  'data.generateDemo': defineRequest({
    description:
      'Generate the virtual Upper Colorado basin into the open project (replacing its dataset) as a background job; progress and the outcome arrive as job.* events.',
    request: z.object({
      seed: z.number().int().optional(),
      startDate: isoDate.optional(),
      endDate: isoDate.optional(),
    }).strict(),
    response: z.object({ jobId: z.string() }),
  }),
  'data.firstRun': defineRequest({
    description:
      'The first run of a project: generate the virtual basin when there is no dataset and install the pretrained demo run with its predictions and scores, as a background job (kind first-run). start: auto (default) starts it only in the default demo project, yes in any project, no only reports. Returns the running job, if any.',
    request: z.object({ start: z.enum(['auto', 'yes', 'no']).default('auto') }).strict(),
    response: z.object({
      jobId: z.string().nullable(),
      demoProject: z.boolean(),
      needs: z.object({ data: z.boolean(), run: z.boolean() }),
    }),
  }),
  'data.aggregate': defineRequest({
    description:
      'Area-weighted mean (cell fraction x cell area, valid basin cells only) of one variable over the basin, a subbasin or a polygon, per day (forcing, LAI_true) or per observation (LAI), optionally for a day range [start, end).',
    request: z.object({
      variable: z.enum(aggregateVariables),
      region: z.union([
        z.object({ basin: z.literal(true) }).strict(),
        z.object({ subbasin: z.number().int() }).strict(),
        z.object({ polygon: polygonGeometrySchema }).strict(),
      ]),
      start: z.number().int().nonnegative().optional(),
      end: z.number().int().nonnegative().optional(),
    }).strict(),
    response: z.object({
      variable: z.string(),
      units: z.string(),
      region: z.string(),
      startDate: z.string(),
      /** day index (on the dataset's daily axis) of each value */
      days: z.array(z.number().int()),
      /** null where no valid cell */
      values: z.array(z.number().nullable()),
      /** cells that overlap the region and lie in the basin, and the summed overlap in cell units */
      cells: z.number().int(),
      coveredCells: z.number(),
    }),
  }),
} as const;
