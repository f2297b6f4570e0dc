/**
 * Chooses the tfjs backend the engine computes on, in order of speed:
 *   tensorflow-gpu (@tensorflow/tfjs-node-gpu, needs CUDA 11.2 / cuDNN 8.1),
 *   webgpu         (@tensorflow/tfjs-backend-webgpu on Dawn's dawn.node from the `webgpu` package:
 *                   any vendor's GPU through Vulkan, Metal or D3D12; a software adapter such as
 *                   SwiftShader or llvmpipe is skipped unless forced, see main/tfjs/webgpu-start.ts),
 *   tensorflow     (@tensorflow/tfjs-node, native libtensorflow),
 *   wasm           (@tensorflow/tfjs-backend-wasm, its threaded SIMD build, one thread per core),
 *   cpu            (plain JavaScript, always available).
 * Both native packages download libtensorflow at install time; offline they are skipped by npm,
 * so they are optional, as are the two webgpu packages, and the report says why each one was not used.
 * A backend forced through `prefer`, VEGDYN_BACKEND or config.json's `backend` must load or the
 * call fails: a silent fallback would make timings and results lie about where they came from.
 */
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { z } from 'zod';
import * as tf from '@tensorflow/tfjs';
import { backendNameSchema, type backendReportSchema } from './backend-report.ts';
import { readAppConfig } from '../config/vegdyn-home.ts';
import { startPatchedWasm } from '../tfjs/tfjs-patches.ts';
import { describeAdapter, probeWebgpuAdapter, startWebgpu, type WebgpuAdapterSummary } from '../tfjs/webgpu-start.ts';

export type BackendName = z.infer<typeof backendNameSchema>;
export type BackendReport = z.infer<typeof backendReportSchema>;
export interface BackendAttempt { name: BackendName; ok: boolean; reason: string }

export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'];

const require = createRequire(import.meta.url);

function packageVersion(pkg: string): string {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function isMissingPackage(err: unknown, pkg: string): boolean {
  const e = err as { code?: string; message?: string };
  return (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') && String(e.message).includes(pkg);
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}

interface Loaded { tfBackend: string; version: string; threads: number; tfjsPatches?: string; webgpuAdapter?: WebgpuAdapterSummary }

/** what a loader learned before it failed, kept for the report (the adapter of a skipped webgpu) */
class BackendSkipped extends Error {
  constructor(message: string, readonly webgpuAdapter?: WebgpuAdapterSummary) { super(message); }
}

async function loadNative(pkg: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node'): Promise<Loaded> {
  try {
    await import(pkg);
  } catch (err) {
    if (isMissingPackage(err, pkg)) {
      throw new Error(`package ${pkg} is not installed (its install-time libtensorflow download fails offline)`);
    }
    // dlopen failures name the missing library, e.g. libcudart.so.11.0 for the GPU build
    throw new Error(`${pkg} failed to load: ${firstLine(err)}`);
  }
  if (!(await tf.setBackend('tensorflow'))) throw new Error(`${pkg} loaded but its 'tensorflow' backend did not initialise`);
  await tf.ready();
  return { tfBackend: 'tensorflow', version: `${pkg}@${packageVersion(pkg)}`, threads: os.cpus().length };
}

async function loadWasm(): Promise<Loaded> {
  const pkg = '@tensorflow/tfjs-backend-wasm';
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    wasm = await import(pkg);
  } catch (err) {
    if (isMissingPackage(err, pkg)) throw new Error(`package ${pkg} is not installed`);
    throw new Error(`${pkg} failed to load: ${firstLine(err)}`);
  }
  // In Node the .wasm files are read from the package's dist folder, not fetched from a CDN.
  const distDir = path.dirname(require.resolve(pkg));
  wasm.setWasmPaths(distDir + path.sep);
  let started: Awaited<ReturnType<typeof startPatchedWasm>>;
  try {
    started = await startPatchedWasm(wasmThreadCount());
  } catch (err) {
    throw new Error(`${pkg} failed to initialise: ${firstLine(err)}`);
  }
  // said once per process (the backend is chosen once): a run on stock kernels is much slower
  if (!started.patches.applied) console.warn(`vegdyn: ${started.patches.summary}`);
  return { tfBackend: 'wasm', version: `${pkg}@${packageVersion(pkg)}`, threads: started.threads, tfjsPatches: started.patches.summary };
}

/**
 * Threads for the wasm backend: one per core (os.availableParallelism()), the same in training,
 * inference and the bench; VEGDYN_WASM_THREADS sets another count (1 runs it unthreaded).
 */
export function wasmThreadCount(): number {
  const env = process.env.VEGDYN_WASM_THREADS;
  if (env === undefined || env.trim() === '') return os.availableParallelism();
  const n = Number(env.trim());
  if (!Number.isInteger(n) || n < 1) throw new Error(`VEGDYN_WASM_THREADS: expected a positive integer, got '${env}'`);
  return n;
}

/**
 * webgpu: only on a real GPU unless forced. A software adapter computes on the CPU at ~0.5
 * GFLOP/s (SwiftShader), hundreds of times slower than wasm, so the automatic choice passes it
 * by and says so; VEGDYN_BACKEND=webgpu runs on it anyway (the correctness tests do).
 */
async function loadWebgpu(forced: boolean): Promise<Loaded> {
  const { summary } = await probeWebgpuAdapter();
  if (summary.software && !forced) {
    throw new BackendSkipped(`software adapter skipped in the automatic choice (${summary.software}): it computes on the CPU, slower than wasm; VEGDYN_BACKEND=webgpu forces it`, summary);
  }
  try {
    const { version } = await startWebgpu();
    return { tfBackend: 'webgpu', version, threads: 1, webgpuAdapter: summary };
  } catch (err) {
    throw new BackendSkipped(firstLine(err), summary);
  }
}

async function loadCpu(): Promise<Loaded> {
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialise');
  await tf.ready();
  return { tfBackend: 'cpu', version: `@tensorflow/tfjs-backend-cpu@${packageVersion('@tensorflow/tfjs-backend-cpu')}`, threads: 1 };
}

const LOADERS: Record<BackendName, (forced: boolean) => Promise<Loaded>> = {
  'tensorflow-gpu': () => loadNative('@tensorflow/tfjs-node-gpu'),
  webgpu: loadWebgpu,
  tensorflow: () => loadNative('@tensorflow/tfjs-node'),
  wasm: loadWasm,
  cpu: loadCpu,
};

export interface InitBackendOptions {
  /** force one backend (overrides VEGDYN_BACKEND and config.json) */
  prefer?: BackendName;
}

function parseBackendName(value: string, source: string): BackendName {
  const parsed = backendNameSchema.safeParse(value);
  if (!parsed.success) throw new Error(`${source}: unknown backend '${value}' (expected one of ${BACKEND_ORDER.join(', ')})`);
  return parsed.data;
}

function resolveForced(options: InitBackendOptions): { name: BackendName; by: string } | undefined {
  if (options.prefer) return { name: parseBackendName(options.prefer, 'requested backend'), by: 'option' };
  const env = process.env.VEGDYN_BACKEND;
  if (env && env.trim() !== '') return { name: parseBackendName(env.trim(), 'VEGDYN_BACKEND'), by: 'VEGDYN_BACKEND' };
  const config = readAppConfig();
  if (config.backend) return { name: config.backend, by: 'config.json backend' };
  return undefined;
}

let cached: { key: string; report: Promise<BackendReport> } | undefined;

/**
 * Picks and initialises the backend once per process (tfjs's backend is global); later calls
 * with the same choice return the same report.
 */
export function initComputeBackend(options: InitBackendOptions = {}): Promise<BackendReport> {
  const forced = resolveForced(options);
  wasmThreadCount(); // a bad VEGDYN_WASM_THREADS is an error, not a silent fall back to another backend
  const key = forced ? forced.name : 'auto';
  if (cached && cached.key === key) return cached.report;
  const report = chooseBackend(forced);
  cached = { key, report };
  report.catch(() => { if (cached?.report === report) cached = undefined; });
  return report;
}

async function chooseBackend(forced: { name: BackendName; by: string } | undefined): Promise<BackendReport> {
  const attempts: BackendAttempt[] = [];
  let webgpuAdapter: WebgpuAdapterSummary | undefined;
  const candidates = forced ? [forced.name] : BACKEND_ORDER;
  for (const name of candidates) {
    try {
      const loaded = await LOADERS[name](forced !== undefined);
      webgpuAdapter ??= loaded.webgpuAdapter;
      attempts.push({ name, ok: true, reason: forced ? `forced by ${forced.by}` : 'first backend in order that loaded' });
      for (const rest of BACKEND_ORDER.slice(BACKEND_ORDER.indexOf(name) + 1)) {
        if (!forced) attempts.push({ name: rest, ok: false, reason: `not tried: ${name} loaded first` });
      }
      return {
        chosen: name, tfBackend: loaded.tfBackend, version: loaded.version, threads: loaded.threads, attempts,
        ...(forced ? { forcedBy: forced.by } : {}), ...(loaded.tfjsPatches ? { tfjsPatches: loaded.tfjsPatches } : {}),
        ...(webgpuAdapter ? { webgpuAdapter } : {}),
      };
    } catch (err) {
      if (err instanceof BackendSkipped) webgpuAdapter ??= err.webgpuAdapter;
      const reason = firstLine(err);
      attempts.push({ name, ok: false, reason });
      if (forced) throw new Error(`backend ${name} was forced by ${forced.by} but failed: ${reason}`);
    }
  }
  throw new Error(`no compute backend could be initialised: ${attempts.map((a) => `${a.name}: ${a.reason}`).join('; ')}`);
}

/** Human-readable lines for `vegdyn info`. */
export function formatBackendReport(report: BackendReport): string {
  const where = report.chosen === 'webgpu' ? `on the ${report.webgpuAdapter?.software ? 'software adapter' : 'GPU'}` : `${report.threads} thread${report.threads === 1 ? '' : 's'}`;
  const lines = [`backend: ${report.chosen} (${report.version}, ${where})${report.forcedBy ? ` forced by ${report.forcedBy}` : ''}`];
  if (report.tfjsPatches) lines.push(`  ${report.tfjsPatches}`);
  const a = report.webgpuAdapter;
  if (a) {
    lines.push(`  webgpu adapter: ${describeAdapter(a)}${a.software ? ' (software)' : ''}`);
    lines.push(`    vendor ${a.vendor || '?'}, architecture ${a.architecture || '?'}, device ${a.device || '?'}, max invocations per workgroup ${a.limits.maxComputeInvocationsPerWorkgroup}, workgroup storage ${a.limits.maxComputeWorkgroupStorageSize} B`);
  }
  for (const a of report.attempts) lines.push(`  ${a.ok ? '+' : '-'} ${a.name}: ${a.reason}`);
  return lines.join('\n');
}
