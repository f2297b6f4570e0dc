/**
 * What a background job module sees of the job machinery (the host in job-host.ts runs each job in
 * a worker thread or child process). The registry of kinds lives in the application layer:
 * main/run/job-kinds.ts.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Training figures a job may attach to a progress report (shown in the UI's run monitor). */
export interface ProgressExtra {
  epoch?: number;
  batch?: number;
  loss?: number;
  valLoss?: number;
  etaSeconds?: number;
}

/** The events the job host emits (the API contract's job.* events carry exactly these payloads). */
export interface JobEventPayloads {
  'job.progress': { jobId: string; kind: string; fraction: number; message: string } & ProgressExtra;
  'job.log': { jobId: string; level: LogLevel; message: string };
  'job.finished': { jobId: string; kind: string; result: unknown };
  'job.failed': { jobId: string; kind: string; message: string };
  'job.cancelled': { jobId: string; kind: string };
  'job.queued': { jobId: string; kind: string; ahead: number };
  'job.started': { jobId: string; kind: string };
}

export type JobState = 'queued' | 'running' | 'finished' | 'failed' | 'cancelled';

/** One job as jobs.list reports it. */
export interface JobSummary {
  jobId: string;
  kind: string;
  state: JobState;
  fraction: number;
  message: string;
  startedAt: string;
  endedAt?: string;
  error?: string;
  result?: unknown;
}

/** A request the job host refuses (unknown kind, unknown job id); `field` names the bad field. */
export class JobRequestError extends Error {
  constructor(readonly field: 'kind' | 'jobId', message: string) {
    super(message);
    this.name = 'JobRequestError';
  }
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
