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
 */
export const JOB_KINDS = {
  'self-test': new URL('./jobs/self-test-job.ts', import.meta.url),
  'backend-check': new URL('./jobs/backend-check-job.ts', import.meta.url),
  'leaf-experiment': new URL('../leaf/leaf-experiment-job.ts', import.meta.url),
  'demo-data': new URL('../data/store/demo-data-job.ts', import.meta.url),
  train: new URL('../training/train-job.ts', import.meta.url),
  evaluate: new URL('../evaluation/evaluate-job.ts', import.meta.url),
  import: new URL('../data/importers/import-job.ts', import.meta.url),
  'first-run': new URL('../evaluation/first-run-job.ts', import.meta.url),
} as const satisfies Record<string, URL>;

export type JobKind = keyof typeof JOB_KINDS;

export function isJobKind(kind: string): kind is JobKind {
  return Object.prototype.hasOwnProperty.call(JOB_KINDS, kind);
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Training figures a job may attach to a progress report (shown in the UI's run monitor). */
export interface ProgressExtra {
  epoch?: number;
  batch?: number;
  loss?: number;
  valLoss?: number;
  etaSeconds?: number;
}

/** What a job's run() gets besides its params. */
export interface JobContext {
  /** aborted when the user cancels: check it between steps (signal.throwIfAborted()) */
  readonly signal: AbortSignal;
  /** fraction in 0..1 (clamped); reports without `extra` are rate-limited to one per 50 ms */
  progress(fraction: number, message: string, extra?: ProgressExtra): void;
  log(level: LogLevel, message: string): void;
}

export type JobRun<P = unknown, R = unknown> = (params: P, ctx: JobContext) => Promise<R>;
