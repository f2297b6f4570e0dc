/**
 * Leaf-scale photosynthesis requests. Experiments (training) run as background jobs:
 * jobs.start { kind: 'leaf-experiment', params: LeafExperimentConfig }.
 * zod only: the renderer imports this module.
 */
import { z } from 'zod';
import { defineRequest } from '../define.ts';
import { backendNameSchema } from './system.ts';

export const LEAF_EXPERIMENTS = ['vcmax-only', 'vcmax-b', 'vdef-bdef', 'vdef-b', 'v-bdef', 'v-b'] as const;
export const leafBtranSourceSchema = z.enum(['one', 'synthetic-B', 'default-B']);

/** The typed configuration of a leaf experiment; unknown keys are rejected. */
export const leafExperimentConfigSchema = z.object({
  /** synthetic: 'vcmax-only', 'vcmax-b'; observed formulations: 'vdef-bdef', 'vdef-b', 'v-bdef', 'v-b' */
  experiment: z.enum(LEAF_EXPERIMENTS),
  /** leaf CSV in the example-dataset layout */
  input: z.string().min(1),
  /** observed net photosynthesis column (observed formulations only) */
  observedColumn: z.string().min(1).default('Photo'),
  /** dataset PFT label -> CLM4.5 PFT name */
  pftMapping: z.record(z.string(), z.string()).default({}),
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

const skippedSchema = z.object({ line: z.number().int(), column: z.string(), reason: z.string() });

export const leafRequests = {
  'leaf.forward': defineRequest({
    description: 'Run the leaf model (CLM4.5 Vcmax25) on every row of a leaf CSV: An, Ci, gs, limiting rate, btran.',
    request: z.object({
      input: z.string().min(1),
      /** default 'one' */
      btranFrom: leafBtranSourceSchema.optional(),
      pftMapping: z.record(z.string(), z.string()).optional(),
      /** also write the per-row CSV here (atomically) */
      outCsv: z.string().min(1).optional(),
      /** rows returned in the response, default 1000 (all are written to outCsv) */
      maxRows: z.number().int().min(0).max(100000).optional(),
    }).strict(),
    response: z.object({
      leaves: z.number().int(),
      iterations: z.number().int(),
      converged: z.boolean(),
      skipped: z.array(skippedSchema),
      rows: z.array(z.object({
        line: z.number().int(), pft: z.string(), btran: z.number(), vcmax25: z.number(), an: z.number(),
        ci: z.number(), gs: z.number(), limiting: z.string(), residual: z.number(),
      })),
    }),
  }),
  'leaf.pfts': defineRequest({
    description: 'The CLM4.5 plant functional types with their leaf parameters and the declared parameter ranges.',
    request: z.object({}).strict(),
    response: z.object({
      pfts: z.array(z.object({ clmIndex: z.number().int(), name: z.string(), pathway: z.enum(['C3', 'C4']), vcmax25: z.number(), medlynSlope: z.number(), psiOpenMm: z.number(), psiCloseMm: z.number() })),
      ranges: z.array(z.object({ name: z.string(), units: z.string(), min: z.number(), max: z.number(), description: z.string() })),
    }),
  }),
} as const;
