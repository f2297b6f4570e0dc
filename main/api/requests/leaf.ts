/**
 * Leaf-scale photosynthesis requests. Experiments (training) run as background jobs:
 * jobs.start { kind: 'leaf-experiment', params: LeafExperimentConfig }.
 * zod only: the renderer imports this module.
 */
import { z } from 'zod';
import { defineRequest } from '../define.ts';
import { leafCsvReadSchema } from '../../leaf/leaf-config.ts';

export const leafBtranSourceSchema = z.enum(['one', 'synthetic-B', 'default-B']);
// the experiment config and the leaf-CSV read options are defined with the experiments (main/leaf/leaf-config.ts)
export { LEAF_EXPERIMENTS, LEAF_DATE_FORMATS, leafCsvReadSchema, leafExperimentConfigSchema } from '../../leaf/leaf-config.ts';

const skippedSchema = z.object({ line: z.number().int(), column: z.string(), reason: z.string() });
/** skipped rows counted by reason and column */
export const skipCountSchema = z.object({ column: z.string(), reason: z.string(), rows: z.number().int(), firstLine: z.number().int() });

export const leafRequests = {
  'leaf.forward': defineRequest({
    description: 'Run the leaf model (CLM4.5 Vcmax25) on every row of a leaf CSV: An, Ci, gs, limiting rate, btran.',
    request: z.object({
      input: z.string().min(1),
      /** default 'one' */
      btranFrom: leafBtranSourceSchema.optional(),
      pftMapping: z.record(z.string(), z.string()).optional(),
      ...leafCsvReadSchema.shape,
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
      skippedByReason: z.array(skipCountSchema),
      /** role -> where its values came from (column, constant, derived) */
      inputs: z.record(z.string(), z.string()),
      /** how dates were read, e.g. 'DMY (inferred from line 2: 21/09/2010)' */
      dateFormat: z.string().optional(),
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
