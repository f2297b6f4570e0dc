/**
 * One lazily started gdal3.js (GDAL compiled to WebAssembly) per process, shared by importers and
 * exporters. Starting it loads ~41 MB of wasm and data (~0.6 s here), so it happens once and only
 * when a GDAL-backed operation is first needed.
 *
 * gdal3.js runs every tool on one wasm heap, so calls are serialized through `withGdal`.
 * Output files land in a per-process scratch folder (`scratchDir`), because gdal3.js fixes its
 * output folder at start-up; callers move what they need out of it and remove the rest.
 */
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The parts of the gdal3.js API VegDyn uses (its bundled typings are not module-resolvable). */
export interface GdalDataset {
  readonly pointer: number;
  readonly path: string;
  readonly type: string;
}
export interface GdalOutputPath {
  readonly local: string;
  /** where the file is on the real filesystem (inside scratchDir) */
  readonly real: string;
  /** every file the tool wrote (sidecars such as .hdr and .aux.xml included) */
  readonly all?: readonly { readonly local: string; readonly real: string }[];
}
export interface GdalApi {
  open(files: string | string[], options?: string[]): Promise<{ datasets: GdalDataset[]; errors: string[] }>;
  close(ds: GdalDataset): Promise<void>;
  gdalinfo(ds: GdalDataset, options?: string[]): Promise<unknown>;
  ogrinfo(ds: GdalDataset, options?: string[]): Promise<unknown>;
  gdal_translate(ds: GdalDataset, options?: string[], outputName?: string): Promise<GdalOutputPath>;
  gdalwarp(ds: GdalDataset, options?: string[], outputName?: string): Promise<GdalOutputPath>;
  ogr2ogr(ds: GdalDataset, options?: string[], outputName?: string): Promise<GdalOutputPath>;
  gdal_rasterize(ds: GdalDataset, options?: string[], outputName?: string): Promise<GdalOutputPath>;
  readonly drivers: { raster: Record<string, unknown>; vector: Record<string, unknown> };
}

interface GdalRuntime {
  readonly gdal: GdalApi;
  readonly scratchDir: string;
  /** messages GDAL reported during the current call (errors and warnings) */
  readonly messages: string[];
}

let runtime: Promise<GdalRuntime> | undefined;
let queue: Promise<unknown> = Promise.resolve();
let outputCounter = 0;

async function start(): Promise<GdalRuntime> {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('gdal3.js/node');
  const packageDir = path.join(path.dirname(entry), 'dist', 'package');
  const scratchDir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-gdal-'));
  process.once('exit', () => rmSync(scratchDir, { recursive: true, force: true }));
  const messages: string[] = [];
  const init = require('gdal3.js/node') as (config: object) => Promise<GdalApi>;
  const gdal = await init({
    // gdal3.js's Node loader reads './' + path, i.e. relative to the working directory
    path: path.relative(process.cwd(), packageDir) || '.',
    dest: scratchDir,
    logHandler: () => undefined,
    errorHandler: (message: string, type: string) => {
      messages.push(`${type}: ${message}`);
    },
  });
  return { gdal, scratchDir, messages };
}

/**
 * Runs `fn` with exclusive use of the GDAL runtime. GDAL's messages from this call are passed in
 * so that errors can name what GDAL said.
 */
export async function withGdal<T>(fn: (gdal: GdalApi, ctx: { scratchDir: string; messages: readonly string[]; outputName: (stem: string) => string }) => Promise<T>): Promise<T> {
  runtime ??= start().catch((err: unknown) => {
    runtime = undefined;
    throw new Error(`could not start GDAL (gdal3.js): ${err instanceof Error ? err.message : String(err)}`);
  });
  const rt = await runtime;
  const run = queue.then(async () => {
    rt.messages.length = 0;
    return fn(rt.gdal, {
      scratchDir: rt.scratchDir,
      messages: rt.messages,
      outputName: (stem) => `${stem}-${process.pid}-${++outputCounter}`,
    });
  });
  queue = run.catch(() => undefined);
  return run;
}

/** Removes a file that a GDAL tool wrote into the scratch folder. */
export function removeScratchOutput(out: GdalOutputPath | undefined): void {
  if (!out) return;
  rmSync(out.real, { force: true });
  for (const f of out.all ?? []) rmSync(f.real, { force: true });
}

/** gdal3.js rejects with plain objects or strings as well as Errors: make a readable reason. */
export function gdalReason(err: unknown, messages: readonly string[]): string {
  if (err instanceof Error && err.message) return err.message;
  if (typeof err === 'string' && err) return err;
  if (err && typeof err === 'object') {
    const m = (err as { message?: unknown }).message;
    if (typeof m === 'string' && m) return m;
  }
  return lastGdalMessage(messages);
}

/** The last GDAL error message of the current call, for error texts. */
export function lastGdalMessage(messages: readonly string[]): string {
  const errors = messages.filter((m) => !/^warning/i.test(m));
  return (errors.at(-1) ?? messages.at(-1) ?? 'no message from GDAL').trim();
}
