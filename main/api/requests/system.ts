import { z } from 'zod';
import { defineRequest } from '../define.ts';

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

export const systemRequests = {
  'system.info': defineRequest({
    description: 'Versions, the compute backend report and machine facts.',
    request: z.object({}).strict(),
    response: z.object({
      app: z.object({ name: z.string(), version: z.string() }),
      node: z.string(),
      platform: z.string(),
      arch: z.string(),
      cpus: z.number().int(),
      totalMemoryBytes: z.number(),
      backend: backendReportSchema,
    }),
  }),
} as const;
