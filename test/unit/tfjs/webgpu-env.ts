/**
 * Where the webgpu tests run. This machine has no GPU; Chromium's SwiftShader Vulkan driver gives
 * Dawn a software adapter (~0.5 GFLOP/s: correctness, not speed), and Chromium ships the Vulkan
 * loader (libvulkan.so.1) it needs beside it. Both only reach Dawn through the environment of a
 * process at its start, so the webgpu side of every test runs in a child process with this env.
 * VEGDYN_TEST_WEBGPU_ENV=system uses the machine's own Vulkan (a real GPU) instead.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

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
