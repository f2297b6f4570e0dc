import { z } from 'zod';
import { defineRequest } from '../define.ts';
import { jobStartRequestSchema } from '../job-map.ts';

/** 'queued': waiting for one of the running jobs to end (at most maxConcurrentJobs run at once). */
export const jobStateSchema = z.enum(['queued', 'running', 'finished', 'failed', 'cancelled']);

export const jobSummarySchema = z.object({
  jobId: z.string(),
  kind: z.string(),
  state: jobStateSchema,
  fraction: z.number().min(0).max(1),
  message: z.string(),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  error: z.string().optional(),
  result: z.unknown().optional(),
});

export const jobsRequests = {
  'jobs.start': defineRequest({
    description: 'Start a background job of a registered kind in a worker thread, or queue it (job.queued) while the cap of running jobs is reached.',
    /** typed per kind (main/api/job-map.ts): params are checked against the kind's schema here */
    request: jobStartRequestSchema,
    /** state: 'running', or 'queued' when it waits for a running job to end */
    response: z.object({ jobId: z.string(), state: jobStateSchema }),
  }),
  'jobs.cancel': defineRequest({
    description: 'Ask a running or queued job to stop; it ends with a job.cancelled event (a queued one at once).',
    request: z.object({ jobId: z.string().min(1) }).strict(),
    response: z.object({ cancelled: z.boolean() }),
  }),
  'jobs.list': defineRequest({
    description: 'Jobs started in this session, newest first.',
    request: z.object({}).strict(),
    response: z.object({ jobs: z.array(jobSummarySchema), kinds: z.array(z.string()) }),
  }),
} as const;
