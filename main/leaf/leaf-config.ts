/** The typed configuration of a leaf experiment (schema in the API contract); unknown keys are rejected. */
import type { z } from 'zod';
import { leafExperimentConfigSchema } from '../api/requests/leaf.ts';
import { formatIssues } from '../util/zod-issues.ts';

export { LEAF_EXPERIMENTS, leafExperimentConfigSchema } from '../api/requests/leaf.ts';

export type LeafExperimentConfig = z.infer<typeof leafExperimentConfigSchema>;

/** Parses a config object; errors name the offending key. */
export function parseLeafExperimentConfig(raw: unknown): LeafExperimentConfig {
  const r = leafExperimentConfigSchema.safeParse(raw);
  if (!r.success) {
    throw new Error(`leaf experiment config: ${formatIssues(r.error.issues).join('; ')}`);
  }
  if (r.data.vcmaxMin >= r.data.vcmaxMax) throw new Error('leaf experiment config: vcmaxMin must be below vcmaxMax');
  return r.data;
}
