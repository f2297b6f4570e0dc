/**
 * Multi-threaded tfjs wasm in Node.
 *
 * tfjs-backend-wasm 4.22 ships a threaded SIMD build (XNNPACK with a pthreadpool), but in Node
 * it never uses it (tfjs#3830): WASM_HAS_MULTITHREAD_SUPPORT is hard-wired to false there, and
 * the Emscripten pthread workers would be started from a blob: URL, which Node's Worker cannot
 * load, and would then import the main script from a Blob. This module makes those steps work:
 * - the pthread worker script (the `wasmWorkerContents` string inside the package's Node
 *   bundle) is written to a temporary .cjs file, with a small prelude that defines the bundle
 *   scope names the worker's copy of the Emscripten factory refers to, and a message hook that
 *   reads the main-script Blob asynchronously before Emscripten's handler runs;
 * - `worker_threads.Worker` is wrapped so that blob: URLs start that file (other URLs untouched);
 * - the flag is set and the thread count chosen;
 * - the backend's initialisation is run with a core count that lets the pool have that many
 *   threads (whileWasmInitialises, below).
 * tfjs offers no option for any of these: setThreadsCount only lowers the pool size below its cap,
 * setWasmPaths only locates the .wasm binaries, and the worker script's URL is built inside the
 * bundle. So the Worker wrapper stays; it only redirects blob: URLs, which Node cannot load at all.
 * Call `enableWasmThreads` BEFORE the wasm backend initialises, and initialise it inside
 * `whileWasmInitialises`. If any step cannot be done (a different tfjs build), it returns
 * { ok: false, reason } and changes nothing, and the backend starts single-threaded as before.
 */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
let state: { ok: true; threads: number } | undefined;

const HOOK_FROM = 'parentPort.on("message",data=>onmessage({data:data}))';
const HOOK_TO = 'parentPort.on("message",data=>__vegdynOnMessage(data))';
const MAIN_SCRIPT_MARK = '__vegdyn_main_script__';

export function enableWasmThreads(threads: number): { ok: boolean; threads: number; reason: string } {
  if (state) return { ok: true, threads: state.threads, reason: 'already enabled' };
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`enableWasmThreads: threads must be a positive integer, got ${threads}`);
  if (threads === 1) return { ok: false, threads: 1, reason: 'one thread requested' };
  let bundlePath: string;
  let wasmPkg: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    bundlePath = require.resolve('@tensorflow/tfjs-backend-wasm');
    wasmPkg = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  } catch (err) {
    return { ok: false, threads: 1, reason: `tfjs-backend-wasm not loadable: ${(err as Error).message}` };
  }
  // (not tf.getBackend(): that would itself initialise the best backend, wasm, unthreaded)
  if ((tf.engine() as unknown as { registry: Record<string, unknown> }).registry['wasm']) {
    return { ok: false, threads: 1, reason: 'the wasm backend is already initialised' };
  }
  const bundle = readFileSync(bundlePath, 'utf8');
  const m = /var wasmWorkerContents = ("(?:[^"\\]|\\.)*");/.exec(bundle);
  if (!m) return { ok: false, threads: 1, reason: 'pthread worker script not found in the tfjs-backend-wasm bundle' };
  let contents: string;
  try {
    // tfjs escapes newlines the same way before it makes its Blob: the string's real newlines
    // stand inside JS string literals of the worker code
    contents = (JSON.parse(m[1]!) as string).replace(/\n/g, '\\n');
  } catch {
    return { ok: false, threads: 1, reason: 'pthread worker script could not be decoded' };
  }
  if (!contents.includes(HOOK_FROM)) return { ok: false, threads: 1, reason: 'pthread worker script has an unexpected shape' };
  const dist = path.dirname(bundlePath);
  const prelude = [
    '"use strict";',
    // names from the bundle's module scope that the factory's source text refers to
    `globalThis.require$$0 = require("fs"); globalThis.require$$1 = require("path");`,
    `globalThis.require$$3 = require("perf_hooks"); globalThis.require$$4 = require("os");`,
    `globalThis.commonjsGlobal = globalThis; globalThis._scriptDir = ${JSON.stringify(bundlePath)};`,
    `globalThis.__filename = ${JSON.stringify(bundlePath)}; globalThis.__dirname = ${JSON.stringify(dist)};`,
    'let __vegdynChain = Promise.resolve(); let __vegdynMain = "";',
    'function __vegdynOnMessage(data) {',
    '  __vegdynChain = __vegdynChain.then(async () => {',
    `    if (data && data.cmd === "load" && data.urlOrBlob && typeof data.urlOrBlob !== "string") { __vegdynMain = await data.urlOrBlob.text(); data.urlOrBlob = ${JSON.stringify(MAIN_SCRIPT_MARK)}; }`,
    '    onmessage({ data });',
    '  }).catch((e) => setImmediate(() => { throw e; }));',
    '}',
  ].join('\n');
  const epilogue = [
    'const __vegdynImport = global.importScripts;',
    `global.importScripts = (f) => f === ${JSON.stringify(MAIN_SCRIPT_MARK)} ? (0, eval)(__vegdynMain) : __vegdynImport(f);`,
  ].join('\n');
  // one file per distinct script (named by its hash), reused by later processes, so runs do
  // not pile up temporary files; written under a temporary name and renamed into place
  const script = `${prelude}\n${contents.replace(HOOK_FROM, HOOK_TO)}\n${epilogue}\n`;
  const hash = createHash('sha256').update(script).digest('hex').slice(0, 16);
  const workerFile = path.join(os.tmpdir(), `vegdyn-tfjs-wasm-pthread-${hash}.cjs`);
  if (!existsSync(workerFile)) {
    const tmp = `${workerFile}.${process.pid}.tmp`;
    writeFileSync(tmp, script);
    renameSync(tmp, workerFile);
  }

  const wt = require('node:worker_threads') as typeof import('node:worker_threads');
  const Original = wt.Worker;
  class BlobAwareWorker extends Original {
    constructor(url: string | URL, options?: import('node:worker_threads').WorkerOptions) {
      const s = String(url);
      // execArgv []: the worker is plain CommonJS; loaders such as tsx must not parse it
      super(s.startsWith('blob:') ? workerFile : url, s.startsWith('blob:') ? { ...options, execArgv: [] } : options);
      // pthreads must not keep the process alive once the program is done (Emscripten refs a
      // worker while its thread runs, and XNNPACK's pool threads run for good)
      this.isPthread = s.startsWith('blob:');
      if (this.isPthread) this.unref();
    }

    private readonly isPthread: boolean;

    override ref(): void {
      if (!this.isPthread) super.ref();
    }
  }
  (wt as { Worker: typeof Original }).Worker = BlobAwareWorker;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasmPkg.setThreadsCount(threads);
  state = { ok: true, threads };
  return { ok: true, threads, reason: `threaded SIMD build, ${threads} threads` };
}

/**
 * Runs the wasm backend's initialisation (tf.setBackend('wasm') and tf.ready()) so that its
 * thread pool can have the threads enableWasmThreads asked for.
 *
 * Why: the backend caps its pool at emscripten_num_logical_cores() / 2 (it assumes two hardware
 * threads per core), which is os.cpus().length / 2 in Node: 1 on a 2-core machine. The wasm
 * module reads that count once, in a static initialiser that runs while the backend initialises,
 * so os.cpus reports 2 x threads entries for exactly that time and is put back afterwards. Code
 * that calls os.cpus concurrently during those milliseconds sees the longer list too; nothing in
 * VegDyn depends on that count for correctness. Without enabled threads it just runs `init`.
 */
export async function whileWasmInitialises<T>(init: () => Promise<T>): Promise<T> {
  if (!state) return init();
  const osMod = require('node:os') as typeof import('node:os');
  const realCpus = osMod.cpus;
  const threads = state.threads;
  osMod.cpus = function cpus(this: unknown) {
    const list = realCpus.call(osMod);
    if (list.length === 0) return list;
    return Array.from({ length: Math.max(list.length, 2 * threads) }, (_, i) => list[i % list.length]!);
  };
  try {
    return await init();
  } finally {
    osMod.cpus = realCpus;
  }
}
