/**
 * A corrupt HDF5 file can make the HDF5 library loop forever (seen with a damaged dimension-scale
 * reference list), and a loop inside h5wasm's wasm module cannot be interrupted from the same
 * thread. So before the importer opens a NetCDF4 file, a worker thread performs the same reads
 * (every object, every attribute, every dataset's values) under a time limit; only a file that
 * passed is then read on the calling thread. The reads are deterministic, so what finished in the
 * worker finishes again.
 *
 * The price is reading the file twice, so it is kept low: a file that passed is remembered (by
 * path, size and modification time) and not probed again when it is reopened, as an import does
 * (once for its metadata, once for its values); and one worker, with h5wasm loaded once, probes
 * file after file (starting a worker and loading h5wasm cost about as much CPU as reading a month
 * of hourly forcing). A worker that failed a file or ran out of time is ended, so a possibly
 * damaged library state never judges the next file; an idle one ends after a few seconds.
 */
import { Worker } from 'node:worker_threads';
import { promises as fs } from 'node:fs';
import { ImportError } from './errors.ts';

// plain JavaScript, so the worker needs no TypeScript loader (also inside bundles)
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const ready = import(workerData.h5url).then(async (m) => { await m.default.ready; return m.default; });
parentPort.on('message', async ({ path }) => {
  try {
    const h5 = await ready;
    const f = new h5.File(path, 'r');
    try {
      for (const [, a] of Object.entries(f.attrs)) void a.value;
      for (const key of f.keys()) {
        const o = f.get(key);
        if (!(o instanceof h5.Dataset)) continue;
        for (const [an, a] of Object.entries(o.attrs)) if (an !== 'DIMENSION_LIST' && an !== 'REFERENCE_LIST' && an !== 'CLASS') void a.value;
        void o.shape;
        void o.value;
      }
    } finally {
      f.close();
    }
    parentPort.postMessage({ ok: true });
  } catch (e) {
    parentPort.postMessage({ ok: false, message: String((e && e.message) || e) });
  }
});
`;

/** Files that passed: path -> size and modification time when they did (bounded, oldest dropped). */
const passed = new Map<string, string>();
const PASSED_MAX = 512;
/** how long an idle reader waits for the next file before it ends */
const IDLE_MS = 5_000;

interface ProbeResult { readonly ok: boolean; readonly message?: string }

let reader: Worker | undefined;
let idleTimer: NodeJS.Timeout | undefined;
/** probes run one at a time on the one reader */
let queue: Promise<unknown> = Promise.resolve();

function retire(worker: Worker): void {
  if (reader === worker) reader = undefined;
  void worker.terminate();
}

function startReader(): Worker {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { h5url: import.meta.resolve('h5wasm/node') }, stdout: true, stderr: true });
  // the HDF5 library prints its own error stack; the ImportError says what matters
  worker.stdout.resume();
  worker.stderr.resume();
  // an idle reader must not keep the process alive; a pending probe's timer does while it waits
  worker.unref();
  return worker;
}

async function askReader(path: string, limitMs: number): Promise<ProbeResult> {
  clearTimeout(idleTimer);
  const worker = (reader ??= startReader());
  try {
    const result = await new Promise<ProbeResult>((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (m: ProbeResult): void => { finish(); resolve(m); };
      const onError = (e: Error): void => { finish(); reject(e); };
      const onExit = (code: number): void => { finish(); resolve({ ok: false, message: `reader stopped (exit ${code})` }); };
      const timer = setTimeout(() => { finish(); resolve({ ok: false, message: `no answer within ${Math.round(limitMs / 1000)} s (a loop in corrupt HDF5 metadata?)` }); }, limitMs);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ path });
    });
    if (!result.ok) retire(worker);
    return result;
  } catch (err) {
    retire(worker);
    throw err;
  } finally {
    if (reader === worker) idleTimer = setTimeout(() => retire(worker), IDLE_MS).unref();
  }
}

/** Throws an ImportError when the file cannot be fully read within the time limit. */
export async function probeHdf5(path: string): Promise<void> {
  const stat = await fs.stat(path);
  const stamp = `${stat.size}:${stat.mtimeMs}`;
  if (passed.get(path) === stamp) return;
  // generous: ~10 s plus 1 s per 20 MB, so a loaded machine does not fail a good file
  const limitMs = 10_000 + Math.ceil(stat.size / 20e6) * 1000;
  const turn = queue.then(() => askReader(path, limitMs));
  queue = turn.catch(() => undefined);
  let result: ProbeResult;
  try {
    result = await turn;
  } catch (err) {
    throw new ImportError(path, `is not a readable NetCDF4/HDF5 file (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!result.ok) throw new ImportError(path, `is not a readable NetCDF4/HDF5 file, it looks truncated or corrupt (${result.message ?? 'unknown reason'})`);
  passed.delete(path);
  passed.set(path, stamp);
  if (passed.size > PASSED_MAX) passed.delete(passed.keys().next().value!);
}
