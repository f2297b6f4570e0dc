/**
 * project.json: the schema-versioned manifest at the root of every project folder.
 * Domains keep their own files under data/, runs/ and exports/; the manifest records only what
 * identifies the project. Unknown keys are refused so a hand edit with a typo is reported.
 */
import { z } from 'zod';

/** Bump when the manifest's shape changes; older versions are migrated on open, newer refused. */
export const PROJECT_SCHEMA_VERSION = 1;
export const PROJECT_FILE = 'project.json';

export const projectManifestSchema = z.object({
  schemaVersion: z.literal(PROJECT_SCHEMA_VERSION),
  app: z.literal('vegdyn'),
  name: z.string().min(1),
  description: z.string(),
  createdAt: z.iso.datetime(),
  modifiedAt: z.iso.datetime(),
}).strict();

export type ProjectManifest = z.infer<typeof projectManifestSchema>;
