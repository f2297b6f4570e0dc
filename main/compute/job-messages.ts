/** Messages between the job host (main thread) and a job's worker thread. */
import type { LogLevel, ProgressExtra } from './job-context.ts';

export interface JobWorkerData {
  jobId: string;
  kind: string;
  moduleHref: string;
  params: unknown;
}

export type HostToWorker = { type: 'cancel' };

export type WorkerToHost =
  | { type: 'progress'; fraction: number; message: string; extra?: ProgressExtra }
  | { type: 'log'; level: LogLevel; message: string }
  | { type: 'finished'; result: unknown }
  | { type: 'failed'; message: string }
  | { type: 'cancelled' };
