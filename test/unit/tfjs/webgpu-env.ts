/**
 * Where the webgpu tests run. This machine has no GPU; Chromium's SwiftShader Vulkan driver gives
 * Dawn a software adapter (~0.5 GFLOP/s: correctness, not speed), and Chromium ships the Vulkan
 * loader (libvulkan.so.1) it needs beside it. Both only reach Dawn through the environment of a
 * process at its start, so the webgpu side of every test runs in a child process with this env.
 * VEGDYN_TEST_WEBGPU_ENV=system uses the machine's own Vulkan (a real GPU) instead.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const LOADER_DIR = '/usr/lib/chromium';

const require = createRequire(import.meta.url);
/** whether an (optional) npm package resolves from here */
export function installed(pkg: string): boolean {
  try {
    require.resolve(`${pkg}/package.json`);
    return true;
  } catch {
    return false;
  }
}

function whySkip(): string | false {
  if (!installed('webgpu') || !installed('@tensorflow/tfjs-backend-webgpu')) return 'the optional packages webgpu / @tensorflow/tfjs-backend-webgpu are not installed';
  if (process.env.VEGDYN_TEST_WEBGPU_ENV === 'system') return false;
  if (!existsSync(ICD)) return `neither a GPU (VEGDYN_TEST_WEBGPU_ENV=system) nor Chromium's SwiftShader Vulkan ICD (${ICD}) is present`;
  return false;
}

export const swiftshaderEnv: { skip: string | false; env: Record<string, string> } = {
  skip: whySkip(),
  env: process.env.VEGDYN_TEST_WEBGPU_ENV === 'system' ? {} : {
    VK_ICD_FILENAMES: ICD,
    LD_LIBRARY_PATH: [LOADER_DIR, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
  },
};

/**
 * Runs a child script (path from the repository root) with the webgpu environment, a fresh
 * VEGDYN_HOME and one wasm thread, and returns the JSON object on its last stdout line.
 */
export async function runWebgpuChild<T>(script: string): Promise<T> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-webgpu-'));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...swiftshaderEnv.env, VEGDYN_HOME: home, VEGDYN_BACKEND: undefined, VEGDYN_WASM_THREADS: '1' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, `${script} failed: ${err.slice(-2000)}`);
    return JSON.parse(out.trim().split('\n').at(-1)!) as T;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
