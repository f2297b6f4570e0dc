import { z } from 'zod';
import { defineRequest } from '../define.ts';
import { importParamsSchema } from '../../data/importers/import-params.ts';

export const importRequests = {
  'import.start': defineRequest({
    description:
      'Import real-format data (NetCDF forcing, LAI GeoTIFF/NetCDF, land cover and soil GeoTIFF, GeoJSON or zipped-shapefile basins) into the open project as a background job; progress and the outcome (or the importer\'s message naming file, variable, expected and found) arrive as job.* events. With dryRun the input is checked and nothing is written.',
    request: z.object({ params: importParamsSchema, dryRun: z.boolean().optional() }).strict(),
    response: z.object({ jobId: z.string() }),
  }),
  'import.upload': defineRequest({
    description:
      'Store a file uploaded from the browser (web mode, where the page cannot name a path) in the open project\'s imports/ folder under its base name, for import.start to read; returns its path. At most 24 MiB.',
    request: z.object({ name: z.string().min(1).max(200), base64: z.string().min(1) }).strict(),
    response: z.object({ path: z.string(), bytes: z.number().int() }),
  }),
} as const;
