/**
 * The typed configuration of a leaf experiment; unknown keys are rejected. The API contract
 * (main/api/requests/leaf.ts) reuses this schema: zod only, the renderer bundles it.
 */
import { z } from 'zod';
import { backendNameSchema } from '../compute/backend-report.ts';
import { formatIssues } from '../util/zod-issues.ts';

export const LEAF_EXPERIMENTS = ['vcmax-only', 'vcmax-b', 'vdef-bdef', 'vdef-b', 'v-bdef', 'v-b'] as const;

/** how numeric dates are read: ISO YYYY-MM-DD, day/month/year or month/day/year */
export const LEAF_DATE_FORMATS = ['ISO', 'DMY', 'MDY'] as const;

/**
 * How to read a leaf CSV from another lab (main/leaf/leaf-columns.ts): a role -> file column
 * mapping (roles: PFT, Date, Tleaf, CO2S, PARin, RH, VPD, Patm, elevation, BLCond, An, soil_clay_0, ...),
 * constants per role (also used where a row's value is missing; BLCond may be 'default'), and the
 * date format (default: settled by the file's own dates, else refused).
 */
export const leafCsvReadSchema = z.object({
  columns: z.record(z.string(), z.string().min(1)).optional(),
  fill: z.record(z.string(), z.union([z.number(), z.string().min(1)])).optional(),
  dateFormat: z.enum(LEAF_DATE_FORMATS).optional(),
});

export const leafExperimentConfigSchema = z.object({
  /** synthetic: 'vcmax-only', 'vcmax-b'; observed formulations: 'vdef-bdef', 'vdef-b', 'v-bdef', 'v-b' */
  experiment: z.enum(LEAF_EXPERIMENTS),
  /** leaf CSV in the example-dataset layout, or another lab's read through columns / fill / dateFormat */
  input: z.string().min(1),
  /** observed net photosynthesis column (observed formulations only) */
  observedColumn: z.string().min(1).default('Photo'),
  /** dataset PFT label -> CLM4.5 PFT name */
  pftMapping: z.record(z.string(), z.string()).default({}),
  ...leafCsvReadSchema.shape,
  /** btran of the default-btran formulations (vdef-bdef, v-bdef): CLM4.5 from soil ('default-B'), or 1 for data without soil */
  defaultBtran: z.enum(['default-B', 'one']).default('default-B'),
  split: z.enum(['temporal', 'kfold']).default('temporal'),
  /** temporal holdout: share of each (location, PFT)'s oldest dates used for training */
  trainFraction: z.number().gt(0).lt(1).default(0.8),
  folds: z.number().int().min(2).max(20).default(5),
  seed: z.number().int().default(42),
  /** default: 100 (vcmax-only), 600 (vcmax-b), 300 (observed formulations) */
  epochs: z.number().int().min(1).max(100000).optional(),
  learningRate: z.number().positive().default(0.045),
  /** synthetic experiments: white noise sd as a fraction of mean An */
  noiseFraction: z.number().min(0).max(1).default(0.05),
  vcmaxMin: z.number().positive().default(20),
  vcmaxMax: z.number().positive().default(150),
  /** soil layers NN_B predicts B for (btran = sum of root-weighted layer factors); 1 = top layer, r = 1, as the seed */
  soilLayers: z.number().int().min(1).max(20).default(1),
  /** PFT embedding size of NN_B (0: PFT left out, as in the synthetic Vcmax-B experiment) */
  bEmbedding: z.number().int().min(0).max(16).optional(),
  /** force a compute backend; default: the engine's choice (VEGDYN_BACKEND, config.json, fastest that loads) */
  backend: backendNameSchema.optional(),
  /** where to write the run folder; omitted: results are only returned */
  runDir: z.string().min(1).optional(),
}).strict();


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
