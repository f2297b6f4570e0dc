/**
 * The body of a job runner: loads the kind's module, runs it, reports back. It runs either in a
 * worker thread (parentPort, workerData) or in a child process (process.send; the job arrives as
 * the first message), see job-host.ts for when each is used.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { z } from 'zod';
import { describeIssues } from '../util/zod-issues.ts';
import type { JobContext, JobRun } from './job-context.ts';
import type { HostToWorker, JobWorkerData, WorkerToHost } from './job-messages.ts';

interface Channel {
  send(msg: WorkerToHost): void;
  onMessage(fn: (msg: HostToWorker) => void): void;
  close(): void;
}

async function openChannel(): Promise<{ channel: Channel; data: JobWorkerData }> {
  if (parentPort) {
    const port = parentPort;
    return {
      data: workerData as JobWorkerData,
      channel: { send: (m) => port.postMessage(m), onMessage: (fn) => port.on('message', fn), close: () => port.close() },
    };
  }
  if (!process.send) throw new Error('job-worker-main must run in a worker thread or a forked child process');
  const data = await new Promise<JobWorkerData>((resolve) => {
    process.once('message', (m: { type: 'start'; data: JobWorkerData }) => resolve(m.data));
  });
  let lastSend: Promise<void> = Promise.resolve();
  return {
    data,
    channel: {
      send: (m) => { lastSend = new Promise((resolve) => { process.send!(m, undefined, {}, () => resolve()); }); },
      onMessage: (fn) => { process.on('message', fn); },
      // exit once the last message has been handed to the IPC channel
      close: () => { void lastSend.then(() => process.exit(0)); },
    },
  };
}

const { channel, data } = await openChannel();
const controller = new AbortController();

channel.onMessage((msg) => {
  if (msg.type === 'cancel') controller.abort(new Error('cancelled by request'));
});

const PROGRESS_INTERVAL_MS = 50;
let lastProgressAt = 0;

const ctx: JobContext = {
  signal: controller.signal,
  progress(fraction, message, extra) {
    const now = performance.now();
    const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
    if (!extra && f < 1 && now - lastProgressAt < PROGRESS_INTERVAL_MS) return;
    lastProgressAt = now;
    channel.send(extra ? { type: 'progress', fraction: f, message, extra } : { type: 'progress', fraction: f, message });
  },
  log(level, message) {
    channel.send({ type: 'log', level, message });
  },
};

try {
  const mod = (await import(data.moduleHref)) as { run?: JobRun; paramsSchema?: z.ZodType };
  if (typeof mod.run !== 'function') throw new Error(`job module for '${data.kind}' does not export run(params, ctx)`);
  let params: unknown = data.params ?? {};
  if (mod.paramsSchema) {
    const parsed = mod.paramsSchema.safeParse(params);
    if (!parsed.success) throw new Error(`invalid params for job ${data.kind}: ${describeIssues(parsed.error).text}`);
    params = parsed.data;
  }
  const result = await mod.run(params, ctx);
  if (controller.signal.aborted) channel.send({ type: 'cancelled' });
  else channel.send({ type: 'finished', result });
} catch (err) {
  if (controller.signal.aborted) channel.send({ type: 'cancelled' });
  else channel.send({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
}
// End the runner even if the job left timers or handles behind.
channel.close();
