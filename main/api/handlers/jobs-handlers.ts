import type { HandlersFor } from '../define.ts';
import type { JobKind, JobParams } from '../job-map.ts';
import type { jobsRequests } from '../requests/jobs.ts';
import { sessionOf } from '../session.ts';

export const jobsHandlers: HandlersFor<typeof jobsRequests> = {
  'jobs.start': async (req, ctx) => {
    // the request schema has checked params against this kind's schema
    const jobId = ctx.startJob(req.kind, (req.params ?? {}) as JobParams<JobKind>);
    return { jobId, state: sessionOf(ctx).jobs.stateOf(jobId) };
  },
  'jobs.cancel': async (req, ctx) => ({ cancelled: sessionOf(ctx).jobs.cancel(req.jobId) }),
  'jobs.list': async (_req, ctx) => {
    const jobs = sessionOf(ctx).jobs;
    return { jobs: jobs.list(), kinds: jobs.kinds() };
  },
};
