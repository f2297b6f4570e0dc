/**
 * The params of the compute layer's own job kinds, apart from their modules so the API contract
 * (main/api/job-map.ts, bundled into the renderer) can check them at the boundary: zod only.
 */
import { z } from 'zod';
import { backendNameSchema } from '../backend-report.ts';

export const selfTestParamsSchema = z.object({
  steps: z.number().int().min(1).max(10_000).default(20),
  /** milliseconds of busy CPU work per step */
  stepMs: z.number().min(0).max(60_000).default(50),
}).strict();

export const backendCheckParamsSchema = z.object({
  backend: backendNameSchema.optional(),
  size: z.number().int().min(1).max(4096).default(256),
}).strict();
