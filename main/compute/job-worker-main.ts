/** The body of a job's worker thread: loads the kind's module, runs it, reports back. */
import { parentPort, workerData } from 'node:worker_threads';
import type { z } from 'zod';
import { describeIssues } from '../api/api-error.ts';
import type { JobContext, JobRun } from './job-kinds.ts';
import type { HostToWorker, JobWorkerData, WorkerToHost } from './job-messages.ts';

const port = parentPort;
if (!port) throw new Error('job-worker-main must run in a worker thread');
const data = workerData as JobWorkerData;
const controller = new AbortController();

function send(msg: WorkerToHost): void {
  port!.postMessage(msg);
}

port.on('message', (msg: HostToWorker) => {
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
    send(extra ? { type: 'progress', fraction: f, message, extra } : { type: 'progress', fraction: f, message });
  },
  log(level, message) {
    send({ type: 'log', level, message });
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
  if (controller.signal.aborted) send({ type: 'cancelled' });
  else send({ type: 'finished', result });
} catch (err) {
  if (controller.signal.aborted) send({ type: 'cancelled' });
  else send({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
}
// Let the port flush, then end this thread even if the job left timers or handles behind.
port.close();
