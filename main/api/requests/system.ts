import { z } from 'zod';
import { defineRequest } from '../define.ts';

import { backendReportSchema } from '../../compute/backend-report.ts';

export { backendNameSchema, backendReportSchema } from '../../compute/backend-report.ts';

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
