/**
 * The shape of the compute backend report (which tfjs backend runs, with how many threads, and why
 * the faster ones were not used). Defined here, where the report is made (backend.ts); the API
 * contract (main/api/requests/system.ts) reuses it. zod only: the renderer bundles it.
 */
import { z } from 'zod';

export const backendNameSchema = z.enum(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);

export const backendReportSchema = z.object({
  chosen: backendNameSchema,
  /** the tfjs backend name as tf.getBackend() reports it ('tensorflow', 'wasm', 'cpu') */
  tfBackend: z.string(),
  version: z.string(),
  threads: z.number().int().positive(),
  forcedBy: z.string().optional(),
  /** wasm only: whether VegDyn's tfjs patches (main/tfjs/) run, and why not */
  tfjsPatches: z.string().optional(),
  attempts: z.array(z.object({ name: backendNameSchema, ok: z.boolean(), reason: z.string() })),
});
