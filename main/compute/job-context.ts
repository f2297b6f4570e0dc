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

/** What a job's run() gets besides its params. */
export interface JobContext {
  /** aborted when the user cancels: check it between steps (signal.throwIfAborted()) */
  readonly signal: AbortSignal;
  /** fraction in 0..1 (clamped); reports without `extra` are rate-limited to one per 50 ms */
  progress(fraction: number, message: string, extra?: ProgressExtra): void;
  log(level: LogLevel, message: string): void;
}

export type JobRun<P = unknown, R = unknown> = (params: P, ctx: JobContext) => Promise<R>;
