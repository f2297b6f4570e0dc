/**
 * project.json: the schema-versioned manifest at the root of every project folder.
 * Domains keep their own files under data/, runs/ and exports/; the manifest records only what
 * identifies the project. Unknown keys are refused so a hand edit with a typo is reported.
 */
import { z } from 'zod';
import { clusterSettingsSchema } from './cluster-settings.ts';

/** Bump when the manifest's shape changes; older versions are migrated on open, newer refused. */
export const PROJECT_SCHEMA_VERSION = 1;
export const PROJECT_FILE = 'project.json';

/**
 * The project's grid: regular latitude/longitude (EPSG:4326), cell centres lon0 + cellSize * col
 * east, latTop - cellSize * row north (row 0 northernmost). The same fields as data/grid.ts's
 * GridSpec; kept here because the manifest (a lower layer) stores it. Absent in projects created
 * without a grid: their first forcing import sets it from the forcing file.
 */
export const projectGridSchema = z.object({
  ncols: z.number().int().positive(),
  nrows: z.number().int().positive(),
  lon0: z.number().min(-180).max(180),
  latTop: z.number().min(-90).max(90),
  cellSize: z.number().positive().max(10),
  /** how the grid was defined, for people reading the file (e.g. '--bbox -90,40,-88,42') */
  definedBy: z.string().optional(),
}).strict();

export type ProjectGrid = z.infer<typeof projectGridSchema>;

export const projectManifestSchema = z.object({
  schemaVersion: z.literal(PROJECT_SCHEMA_VERSION),
  app: z.literal('vegdyn'),
  name: z.string().min(1),
  description: z.string(),
  createdAt: z.iso.datetime(),
  modifiedAt: z.iso.datetime(),
  grid: projectGridSchema.optional(),
  /** the Slurm cluster the app's Training panel submits to (cluster-settings.ts) */
  cluster: clusterSettingsSchema.optional(),
}).strict();

export type ProjectManifest = z.infer<typeof projectManifestSchema>;
