/** Test helper: starts a typed job through the API client and waits for its end, collecting its progress events. */
import type { ApiClient } from '../../main/api/client.ts';
import type { JobFinishedEvent, JobProgressEvent, JobStartRequest } from '../../main/api/job-map.ts';

export async function runJob(api: ApiClient, start: JobStartRequest): Promise<{ end: JobFinishedEvent; progress: JobProgressEvent[] }> {
  let jobId = '';
  const progress: JobProgressEvent[] = [];
  api.on('job.progress', (p) => { if (p.jobId === jobId) progress.push(p); });
  const finished = new Promise<JobFinishedEvent>((resolve, reject) => {
    api.on('job.finished', (p) => { if (p.jobId === jobId) resolve(p); });
    api.on('job.failed', (p) => { if (p.jobId === jobId) reject(new Error(p.message)); });
  });
  jobId = (await api.request('jobs.start', start)).jobId;
  return { end: await finished, progress };
}
