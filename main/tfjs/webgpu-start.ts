/**
 * The WebGPU backend in Node: Dawn's `dawn.node` (npm package `webgpu`, prebuilt for Linux, macOS
 * and Windows inside the package) provides `navigator.gpu`, and @tensorflow/tfjs-backend-webgpu
 * computes on it. Both packages are optional dependencies.
 *
 * Node has no `navigator.gpu`, so it is installed here on the global object, together with the
 * GPU* constants (GPUBufferUsage, GPUMapMode, ...) that tfjs's webgpu backend reads as globals.
 * That is an environment change of the process, which is why it lives in main/tfjs/ with the
 * other changes VegDyn makes around tfjs. It works the same in a worker thread (each thread has
 * its own globals and loads dawn.node into its own context).
 *
 * The adapter is probed before tfjs's backend is imported: importing it registers 'webgpu' with a
 * higher priority than wasm, and a software adapter must be refused before that (see
 * softwareAdapterReason).
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';

export interface WebgpuAdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** WebGPU's own flag for a software (CPU) implementation */
  isFallbackAdapter: boolean;
  /** why the adapter is a software one, or undefined for a real GPU */
  software?: string;
  /** the limits that bound the largest tensor tfjs can put in one buffer */
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number; maxComputeInvocationsPerWorkgroup: number; maxComputeWorkgroupStorageSize: number };
}

/** adapter names of CPU implementations of Vulkan / D3D / Metal that Dawn can sit on */
const SOFTWARE_NAMES = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|warp\b|software/i;

/**
 * Why an adapter is a software rasterizer (undefined for a real GPU). These run WebGPU on the
 * CPU at ~0.5 GFLOP/s (SwiftShader on the development machines), far slower than the wasm
 * backend, so the automatic backend choice skips them; tests force them for correctness.
 */
export function softwareAdapterReason(a: Pick<WebgpuAdapterSummary, 'vendor' | 'architecture' | 'device' | 'description' | 'isFallbackAdapter'>): string | undefined {
  if (a.isFallbackAdapter) return 'WebGPU reports it as a fallback (software) adapter';
  const named = [a.vendor, a.architecture, a.device, a.description].find((s) => SOFTWARE_NAMES.test(s));
  if (named !== undefined) return `'${named}' is a software rasterizer`;
  return undefined;
}

export function describeAdapter(a: WebgpuAdapterSummary): string {
  const name = [a.vendor, a.architecture, a.description || a.device].filter((s) => s !== '').join(' / ') || 'unnamed adapter';
  const mib = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;
  return `${name}; max buffer ${mib(a.limits.maxBufferSize)}, max storage binding ${mib(a.limits.maxStorageBufferBindingSize)}`;
}

const require = createRequire(import.meta.url);

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}

/**
 * On Linux Dawn reaches the GPU through the Vulkan loader, libvulkan.so.1, which it dlopens at
 * adapter request; without it Dawn prints a warning to stderr on every start. The loader is looked
 * for here first (LD_LIBRARY_PATH, then the ld cache) so a machine without Vulkan gets one clear
 * reason and a quiet start.
 */
function missingVulkanLoader(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  const lib = 'libvulkan.so.1';
  for (const dir of (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean)) {
    if (fs.existsSync(path.join(dir, lib))) return undefined;
  }
  try {
    if (fs.readFileSync('/etc/ld.so.cache').includes(lib)) return undefined;
  } catch { /* no cache: look in the usual folders */ }
  for (const dir of ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib']) {
    if (fs.existsSync(path.join(dir, lib))) return undefined;
  }
  return `the Vulkan loader ${lib} is not installed (Debian/Ubuntu: apt-get install libvulkan1, plus the GPU's Vulkan driver)`;
}

// the few WebGPU types used here, declared locally: the optional packages may be absent at typecheck
interface GpuAdapterLike {
  info: { vendor: string; architecture: string; device: string; description: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
  limits: WebgpuAdapterSummary['limits'];
}
interface GpuLike { requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapterLike | null> }
interface GpuGlobals { create: (flags: string[]) => GpuLike; globals: Record<string, unknown> }
interface Probed { adapter: GpuAdapterLike; summary: WebgpuAdapterSummary }

let probed: Promise<Probed> | undefined;

/**
 * Loads dawn.node, installs navigator.gpu and asks for the high-performance adapter (the one
 * tfjs's backend asks for too), once per thread. Throws with a one-line reason when the package
 * is missing, Vulkan is absent or no adapter is found.
 */
export function probeWebgpuAdapter(): Promise<Probed> {
  probed ??= probe();
  probed.catch(() => { probed = undefined; });
  return probed;
}

async function probe(): Promise<Probed> {
  const noVulkan = missingVulkanLoader();
  if (noVulkan) throw new Error(noVulkan);
  let gpu: GpuGlobals;
  try {
    const pkg = 'webgpu';
    gpu = (await import(pkg)) as GpuGlobals;
  } catch (err) {
    const e = err as { code?: string };
    if (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') throw new Error('package webgpu (Dawn for Node) is not installed');
    throw new Error(`package webgpu failed to load dawn.node: ${firstLine(err)}`);
  }
  const g = globalThis as unknown as Record<string, unknown> & { navigator?: Record<string, unknown> };
  for (const [k, v] of Object.entries(gpu.globals)) if (!(k in g)) g[k] = v;
  const navigatorGpu = gpu.create([]);
  if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: navigatorGpu, configurable: true });
  else g.navigator = { gpu: navigatorGpu };
  const adapter = await navigatorGpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('Dawn found no WebGPU adapter (no Vulkan, Metal or D3D12 driver for a GPU)');
  const info = adapter.info;
  const base = {
    vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description,
    isFallbackAdapter: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter),
    limits: {
      maxBufferSize: adapter.limits.maxBufferSize,
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
    },
  };
  const software = softwareAdapterReason(base);
  return { adapter, summary: software ? { ...base, software } : base };
}

/**
 * Starts tfjs's webgpu backend on the probed adapter (tf.setBackend('webgpu')). Call after
 * probeWebgpuAdapter accepted the adapter. Throws when the package is missing or the backend
 * does not initialise.
 */
export async function startWebgpu(): Promise<{ version: string }> {
  const pkg = '@tensorflow/tfjs-backend-webgpu';
  try {
    await import(pkg);
  } catch (err) {
    const e = err as { code?: string };
    if (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') throw new Error(`package ${pkg} is not installed`);
    throw new Error(`${pkg} failed to load: ${firstLine(err)}`);
  }
  if (!(await tf.setBackend('webgpu'))) throw new Error(`${pkg} loaded but its 'webgpu' backend did not initialise on the adapter`);
  await tf.ready();
  const version = (require(`${pkg}/package.json`) as { version: string }).version;
  return { version: `${pkg}@${version}` };
}
