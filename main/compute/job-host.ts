/**
 * Runs jobs in worker threads so the process that serves the UI never blocks on heavy work.
 * One worker per job; its messages become job.* events. At most `maxConcurrent` jobs run at once
 * (2 unless config.json's maxConcurrentJobs says otherwise): the rest wait, in the order they were
 * started, in state 'queued', and may be cancelled there. Cancelling a running job aborts its
 * AbortSignal; a job that ignores it is terminated after a grace period and still reported as
 * cancelled.
 */
import { Worker } from 'node:worker_threads';
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { JobRequestError, type JobEventPayloads, type JobSummary, type ProgressExtra } from './job-context.ts';
import { readAppConfig } from '../config/vegdyn-home.ts';
import type { HostToWorker, JobWorkerData, WorkerToHost } from './job-messages.ts';

export type { JobSummary };
type Emit = <E extends keyof JobEventPayloads>(event: E, payload: JobEventPayloads[E]) => void;

/** What the host needs of a job runner, a worker thread or a child process. */
interface Runner {
  postMessage(msg: HostToWorker): void;
  terminate(): Promise<unknown>;
  on(event: 'message', fn: (msg: WorkerToHost) => void): void;
  on(event: 'error', fn: (err: Error) => void): void;
  on(event: 'exit', fn: (code: number | null) => void): void;
}

export type JobIsolation = 'thread' | 'process';

const require = createRequire(import.meta.url);

function nativeTfjsInstalled(): boolean {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      require.resolve(`${pkg}/package.json`);
      return true;
    } catch { /* not installed */ }
  }
  return false;
}

/**
 * Worker threads start fastest and share nothing with the UI loop. tfjs-node's native addon,
 * though, has failed to load in a second worker thread of one process (tfjs#8388), so where a
 * native backend is installed each job gets its own child process instead.
 * VEGDYN_JOB_ISOLATION=thread|process overrides the choice.
 */
export function defaultJobIsolation(): JobIsolation {
  const forced = process.env.VEGDYN_JOB_ISOLATION;
  if (forced === 'thread' || forced === 'process') return forced;
  if (forced) throw new Error(`VEGDYN_JOB_ISOLATION: '${forced}' is not 'thread' or 'process'`);
  return nativeTfjsInstalled() ? 'process' : 'thread';
}

function startRunner(isolation: JobIsolation, data: JobWorkerData): Runner {
  if (isolation === 'thread') return new Worker(WORKER_URL, { workerData: data, name: `vegdyn-job-${data.kind}` }) as unknown as Runner;
  const child: ChildProcess = fork(fileURLToPath(WORKER_URL), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
  child.send({ type: 'start', data });
  return {
    postMessage: (msg) => { if (child.connected) child.send(msg); },
    terminate: () => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined);
      child.once('exit', resolve);
      child.kill('SIGKILL');
    }),
    on: (event: string, fn: (...args: unknown[]) => void) => { child.on(event, fn); },
  } as Runner;
}

interface JobRecord {
  summary: JobSummary;
  data: JobWorkerData;
  /** absent while the job is queued */
  worker?: Runner;
  cancelRequested: boolean;
  killTimer?: NodeJS.Timeout;
  done: Promise<JobSummary>;
  settle(summary: JobSummary): void;
}

/** How many jobs may run at once when neither the caller nor config.json says. */
export const DEFAULT_MAX_CONCURRENT_JOBS = 2;

/**
 * Keeps only the figures JSON can carry: a NaN or infinite loss (a diverging run) is left out of
 * the numbers, and the job's message is where it says so.
 */
function finiteExtras(extra: ProgressExtra | undefined): ProgressExtra {
  const out: ProgressExtra = {};
  if (!extra) return out;
  for (const key of ['epoch', 'batch'] as const) {
    const v = extra[key];
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) out[key] = v;
  }
  for (const key of ['loss', 'valLoss'] as const) {
    const v = extra[key];
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = v;
  }
  if (typeof extra.etaSeconds === 'number' && Number.isFinite(extra.etaSeconds) && extra.etaSeconds >= 0) out.etaSeconds = extra.etaSeconds;
  return out;
}

const WORKER_URL = new URL('./job-worker.mjs', import.meta.url);

export interface JobHostOptions {
  /** how long a cancelled job may take to notice its signal before its thread is terminated */
  cancelGraceMs?: number;
  /** worker thread or child process per job (default: defaultJobIsolation()) */
  isolation?: JobIsolation;
  /** kind -> job module URL: the application layer's registry (main/run/job-kinds.ts), handed in by the API session; default none */
  kinds?: Readonly<Record<string, URL>>;
  /** jobs running at once; more wait queued (default: config.json maxConcurrentJobs, else 2) */
  maxConcurrent?: number;
}

export class JobHost {
  private readonly jobs = new Map<string, JobRecord>();
  /** queued jobs, first to run first */
  private readonly queue: JobRecord[] = [];
  private running = 0;
  private readonly cancelGraceMs: number;
  readonly isolation: JobIsolation;
  readonly maxConcurrent: number;

  private readonly emit: Emit;
  /** kind -> job module URL; the application layer's registry (main/run/job-kinds.ts) */
  private readonly registry: Readonly<Record<string, URL>>;

  constructor(emit: Emit, options: JobHostOptions = {}) {
    this.registry = options.kinds ?? {};
    this.cancelGraceMs = options.cancelGraceMs ?? 10_000;
    this.isolation = options.isolation ?? defaultJobIsolation();
    this.maxConcurrent = options.maxConcurrent ?? readAppConfig().maxConcurrentJobs ?? DEFAULT_MAX_CONCURRENT_JOBS;
    if (!Number.isInteger(this.maxConcurrent) || this.maxConcurrent < 1) throw new Error(`maxConcurrent: ${this.maxConcurrent} is not a whole number of at least 1`);
    // A job's message that breaks an event schema must not take the engine down with it
    // (these run in worker 'message' listeners, where a throw would be uncaught).
    this.emit = (event, payload) => {
      try {
        emit(event, payload);
      } catch (err) {
        process.stderr.write(`vegdyn: dropped ${event} event: ${err instanceof Error ? err.message : String(err)}\n`);
      }
    };
  }

  kinds(): string[] {
    return Object.keys(this.registry);
  }

  /** Starts the job now, or queues it when maxConcurrent jobs are running; returns its id at once. */
  start(kind: string, params: unknown): string {
    const moduleUrl = Object.prototype.hasOwnProperty.call(this.registry, kind) ? this.registry[kind] : undefined;
    if (!moduleUrl) {
      throw new JobRequestError('kind', `unknown job kind '${kind}' (known: ${this.kinds().join(', ')})`);
    }
    const jobId = randomUUID();
    const data: JobWorkerData = { jobId, kind, moduleHref: moduleUrl.href, params };
    let settle!: (s: JobSummary) => void;
    const done = new Promise<JobSummary>((resolve) => { settle = resolve; });
    const summary: JobSummary = { jobId, kind, state: 'queued', fraction: 0, message: 'queued', startedAt: new Date().toISOString() };
    const record: JobRecord = { summary, data, cancelRequested: false, done, settle };
    this.jobs.set(jobId, record);
    if (this.running < this.maxConcurrent) {
      this.launch(record, false);
    } else {
      this.queue.push(record);
      summary.message = `queued: ${this.queue.length - 1} ahead, ${this.maxConcurrent} running`;
      this.emit('job.queued', { jobId, kind, ahead: this.queue.length - 1 });
    }
    return jobId;
  }

  /** Starts the next queued jobs while there is room. */
  private pump(): void {
    while (this.running < this.maxConcurrent && this.queue.length > 0) this.launch(this.queue.shift()!, true);
  }

  private launch(record: JobRecord, fromQueue: boolean): void {
    const { summary, data } = record;
    const { jobId, kind } = data;
    let worker: Runner;
    try {
      worker = startRunner(this.isolation, data);
    } catch (err) {
      Object.assign(summary, { state: 'failed', error: `job runner could not start: ${err instanceof Error ? err.message : String(err)}`, message: 'could not start', endedAt: new Date().toISOString() });
      this.announceEnd(record);
      return;
    }
    record.worker = worker;
    this.running++;
    Object.assign(summary, { state: 'running', message: 'starting', startedAt: new Date().toISOString() });
    if (fromQueue) this.emit('job.started', { jobId, kind });

    const end = (state: JobSummary['state'], fields: Partial<JobSummary>): void => {
      if (summary.state !== 'running') return;
      this.running--;
      Object.assign(summary, fields, { state, endedAt: new Date().toISOString() });
      if (record.killTimer) clearTimeout(record.killTimer);
      this.announceEnd(record);
      // the outcome is in: end the runner even if the job left timers or sockets open
      void worker.terminate();
      this.pump();
    };
    worker.on('message', (msg: WorkerToHost) => {
      switch (msg.type) {
        case 'progress':
          summary.fraction = msg.fraction;
          summary.message = msg.message;
          this.emit('job.progress', { jobId, kind, fraction: msg.fraction, message: msg.message, ...finiteExtras(msg.extra) });
          break;
        case 'log':
          this.emit('job.log', { jobId, level: msg.level, message: msg.message });
          break;
        case 'finished':
          end('finished', { result: msg.result, fraction: 1, message: 'finished' });
          break;
        case 'failed':
          end('failed', { error: msg.message, message: msg.message });
          break;
        case 'cancelled':
          end('cancelled', { message: 'cancelled' });
          break;
      }
    });
    worker.on('error', (err: Error) => {
      if (record.cancelRequested) end('cancelled', { message: 'cancelled' });
      else end('failed', { error: `job worker crashed: ${err.message}`, message: err.message });
    });
    worker.on('exit', (code: number | null) => {
      if (record.cancelRequested) end('cancelled', { message: 'cancelled' });
      else end('failed', { error: `job worker exited with code ${code} before reporting a result`, message: 'worker exited' });
    });
  }

  /** The job.* event of a job's end, and its waiters. */
  private announceEnd(record: JobRecord): void {
    const { summary } = record;
    const { jobId, kind } = summary;
    if (summary.state === 'finished') this.emit('job.finished', { jobId, kind, result: summary.result });
    else if (summary.state === 'failed') this.emit('job.failed', { jobId, kind, message: summary.error ?? 'failed' });
    else if (summary.state === 'cancelled') this.emit('job.cancelled', { jobId, kind });
    record.settle({ ...summary });
  }

  cancel(jobId: string): boolean {
    const record = this.jobs.get(jobId);
    if (!record) throw new JobRequestError('jobId', `no job with id '${jobId}'`);
    if (record.summary.state === 'queued') {
      this.dequeue(record);
      return true;
    }
    const worker = record.worker;
    if (record.summary.state !== 'running' || record.cancelRequested || !worker) return false;
    record.cancelRequested = true;
    worker.postMessage({ type: 'cancel' } satisfies HostToWorker);
    record.killTimer = setTimeout(() => { void worker.terminate(); }, this.cancelGraceMs);
    record.killTimer.unref();
    return true;
  }

  stateOf(jobId: string): JobSummary['state'] {
    const record = this.jobs.get(jobId);
    if (!record) throw new JobRequestError('jobId', `no job with id '${jobId}'`);
    return record.summary.state;
  }

  list(): JobSummary[] {
    return [...this.jobs.values()].map((r) => ({ ...r.summary })).reverse();
  }

  /** Resolves with the job's final summary (for the CLI and tests). */
  wait(jobId: string): Promise<JobSummary> {
    const record = this.jobs.get(jobId);
    if (!record) return Promise.reject(new Error(`no job with id '${jobId}'`));
    return record.done;
  }

  /** A queued job leaves the queue cancelled, without ever starting. */
  private dequeue(record: JobRecord): void {
    this.queue.splice(this.queue.indexOf(record), 1);
    Object.assign(record.summary, { state: 'cancelled', message: 'cancelled while queued', endedAt: new Date().toISOString() });
    this.announceEnd(record);
  }

  /** Drops the queue and ends every running job's thread (on shutdown). */
  async closeAll(): Promise<void> {
    for (const record of [...this.queue]) this.dequeue(record);
    await Promise.all([...this.jobs.values()].filter((r) => r.summary.state === 'running').map(async (r) => {
      r.cancelRequested = true;
      await r.worker?.terminate();
    }));
  }
}
