/**
 * The shape of the compute backend report (which tfjs backend runs, with how many threads, and why
 * the faster ones were not used). Defined here, where the report is made (backend.ts); the API
 * contract (main/api/requests/system.ts) reuses it. zod only: the renderer bundles it.
 */
import { z } from 'zod';

export const backendNameSchema = z.enum(['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu']);

/** the WebGPU adapter Dawn offered (main/tfjs/webgpu-start.ts), whether or not it was used */
export const webgpuAdapterSchema = z.object({
  vendor: z.string(),
  architecture: z.string(),
  device: z.string(),
  description: z.string(),
  isFallbackAdapter: z.boolean(),
  /** why it is a software adapter (skipped by the automatic choice); absent for a real GPU */
  software: z.string().optional(),
  limits: z.object({
    maxBufferSize: z.number(),
    maxStorageBufferBindingSize: z.number(),
    maxComputeInvocationsPerWorkgroup: z.number(),
    maxComputeWorkgroupStorageSize: z.number(),
  }),
});

export const backendReportSchema = z.object({
  chosen: backendNameSchema,
  /** the tfjs backend name as tf.getBackend() reports it ('tensorflow', 'webgpu', 'wasm', 'cpu') */
  tfBackend: z.string(),
  version: z.string(),
  threads: z.number().int().positive(),
  forcedBy: z.string().optional(),
  /** wasm only: whether VegDyn's tfjs patches (main/tfjs/) run, and why not */
  tfjsPatches: z.string().optional(),
  /** the WebGPU adapter, whenever one was found (also when it was skipped as a software adapter) */
  webgpuAdapter: webgpuAdapterSchema.optional(),
  attempts: z.array(z.object({ name: backendNameSchema, ok: z.boolean(), reason: z.string() })),
});
