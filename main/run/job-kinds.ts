/**
 * The registry of background job kinds: kind -> the module that runs it in a worker thread.
 * A job module exports
 *   run(params: unknown, ctx: JobContext): Promise<result>   (result must be structured-cloneable)
 * and may export `paramsSchema` (a zod schema) which the worker applies before calling run, so
 * bad params end the job with a message naming the field.
 * Add a kind with one line below; paths are resolved relative to this file.
 * A job that computes with tfjs calls `await initComputeBackend()` (main/compute/backend.ts) at the
 * start of run(): the worker is a fresh thread whose tfjs has no backend chosen yet.
 * Send progress at least every few seconds and check ctx.signal between steps; a job that does
 * not stop within the grace period (10 s) after a cancel is terminated (its thread is ended, so
 * write files atomically: main/project/atomic-write.ts).
 * The job host (main/compute/job-host.ts) is handed this registry by the API session; it never
 * imports the application layer itself.
 */
export const JOB_KINDS = {
  'self-test': new URL('../compute/jobs/self-test-job.ts', import.meta.url),
  'backend-check': new URL('../compute/jobs/backend-check-job.ts', import.meta.url),
  'leaf-experiment': new URL('./leaf-experiment-job.ts', import.meta.url),
  'demo-data': new URL('./demo-data-job.ts', import.meta.url),
  train: new URL('./train-job.ts', import.meta.url),
  evaluate: new URL('./evaluate-job.ts', import.meta.url),
  predict: new URL('./predict-job.ts', import.meta.url),
  'scenario-run': new URL('./scenario-run-job.ts', import.meta.url),
  'extrapolation-test': new URL('./extrapolation-test-job.ts', import.meta.url),
  import: new URL('./import-job.ts', import.meta.url),
  'first-run': new URL('./first-run-job.ts', import.meta.url),
  twin: new URL('./twin-job.ts', import.meta.url),
} as const satisfies Record<string, URL>;

export type JobKind = keyof typeof JOB_KINDS;

export function isJobKind(kind: string): kind is JobKind {
  return Object.prototype.hasOwnProperty.call(JOB_KINDS, kind);
}
