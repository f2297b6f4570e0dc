/**
 * A corrupt HDF5 file can make the HDF5 library loop forever (seen with a damaged dimension-scale
 * reference list), and a loop inside h5wasm's wasm module cannot be interrupted from the same
 * thread. So before the importer opens a NetCDF4 file, a worker thread performs the same reads
 * (every object, every attribute, every dataset's values) under a time limit; only a file that
 * passed is then read on the calling thread. The reads are deterministic, so what finished in the
 * worker finishes again. The price is reading the file twice; a file that passed is remembered
 * (by path, size and modification time) so that opening it again, as an import does (once for its
 * metadata, once for its values), does not probe it again.
 */
import { Worker } from 'node:worker_threads';
import { promises as fs } from 'node:fs';
import { ImportError } from './errors.ts';

// plain JavaScript, so the worker needs no TypeScript loader (also inside bundles)
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
(async () => {
  const h5 = (await import(workerData.h5url)).default;
  await h5.ready;
  const f = new h5.File(workerData.path, 'r');
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
})().catch((e) => parentPort.postMessage({ ok: false, message: String((e && e.message) || e) }));
`;

/** Files that passed: path -> size and modification time when they did (bounded, oldest dropped). */
const passed = new Map<string, string>();
const PASSED_MAX = 512;

/** Throws an ImportError when the file cannot be fully read within the time limit. */
export async function probeHdf5(path: string): Promise<void> {
  const stat = await fs.stat(path);
  const size = stat.size;
  const stamp = `${size}:${stat.mtimeMs}`;
  if (passed.get(path) === stamp) return;
  // generous: ~10 s plus 1 s per 20 MB, so a loaded machine does not fail a good file
  const limitMs = 10_000 + Math.ceil(size / 20e6) * 1000;
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, h5url: import.meta.resolve('h5wasm/node') }, stdout: true, stderr: true });
  // the HDF5 library prints its own error stack; the ImportError says what matters
  worker.stdout.resume();
  worker.stderr.resume();
  try {
    const result = await new Promise<{ ok: boolean; message?: string }>((resolve, reject) => {
      const timer = setTimeout(() => resolve({ ok: false, message: `no answer within ${Math.round(limitMs / 1000)} s (a loop in corrupt HDF5 metadata?)` }), limitMs);
      worker.once('message', (m: { ok: boolean; message?: string }) => { clearTimeout(timer); resolve(m); });
      worker.once('error', (e) => { clearTimeout(timer); reject(e); });
      worker.once('exit', (code) => { clearTimeout(timer); resolve({ ok: false, message: `reader stopped (exit ${code})` }); });
    });
    if (!result.ok) throw new ImportError(path, `is not a readable NetCDF4/HDF5 file, it looks truncated or corrupt (${result.message ?? 'unknown reason'})`);
    passed.delete(path);
    passed.set(path, stamp);
    if (passed.size > PASSED_MAX) passed.delete(passed.keys().next().value!);
  } catch (err) {
    if (err instanceof ImportError) throw err;
    throw new ImportError(path, `is not a readable NetCDF4/HDF5 file (${err instanceof Error ? err.message : String(err)})`);
  } finally {
    await worker.terminate();
  }
}
