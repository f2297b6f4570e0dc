import { z } from 'zod';
import { defineEvent } from '../define.ts';
import type { JobFinishedEvent, JobProgressEvent } from '../job-map.ts';

/** The lifecycle of a background job (training, synthetic leaf runs, demo data, ...). */
export const jobEvents = {
  'job.queued': defineEvent({
    description: 'A job was accepted but waits: as many jobs as allowed at once are running. `ahead` jobs are queued before it.',
    payload: z.object({ jobId: z.string(), kind: z.string(), ahead: z.number().int().nonnegative() }),
  }),
  'job.started': defineEvent({
    description: 'A queued job left the queue and is running now (a job that did not wait starts without this event).',
    payload: z.object({ jobId: z.string(), kind: z.string() }),
  }),
  'job.progress': defineEvent({
    description: 'A job advanced: fraction done in 0..1, a human message and, for training, epoch figures.',
    payload: z.object({
      jobId: z.string(),
      kind: z.string(),
      fraction: z.number().min(0).max(1),
      message: z.string(),
      epoch: z.number().int().nonnegative().optional(),
      batch: z.number().int().nonnegative().optional(),
      loss: z.number().optional(),
      valLoss: z.number().optional(),
      etaSeconds: z.number().nonnegative().optional(),
    }) as unknown as z.ZodType<JobProgressEvent>, // checked in this shape; typed by kind (job-map.ts)
  }),
  'job.log': defineEvent({
    description: 'A log line written by a job.',
    payload: z.object({
      jobId: z.string(),
      level: z.enum(['debug', 'info', 'warn', 'error']),
      message: z.string(),
    }),
  }),
  'job.finished': defineEvent({
    description: 'A job ended normally; result is whatever its kind returns.',
    // results are what the kind's run() returns, typed by kind (job-map.ts); the engine made them
    payload: z.object({ jobId: z.string(), kind: z.string(), result: z.unknown() }) as unknown as z.ZodType<JobFinishedEvent>,
  }),
  'job.failed': defineEvent({
    description: 'A job ended with an error.',
    payload: z.object({ jobId: z.string(), kind: z.string(), message: z.string() }),
  }),
  'job.cancelled': defineEvent({
    description: 'A job stopped because it was cancelled.',
    payload: z.object({ jobId: z.string(), kind: z.string() }),
  }),
} as const;
