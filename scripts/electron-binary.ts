/**
 * Finds Electron's binary without running electron's own loader (which throws, and in some
 * versions downloads, when the binary is missing). Used by `npm start` and the Electron test.
 */
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

export type ElectronBinary = { ok: true; path: string; version: string } | { ok: false; reason: string };

const require = createRequire(import.meta.url);

export function findElectronBinary(): ElectronBinary {
  let pkgDir: string;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { ok: false, reason: 'the electron package is not installed (npm install installs it as a dev dependency)' };
  }
  const version = (JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  const pathFile = path.join(pkgDir, 'path.txt');
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!existsSync(pathFile) && !override) {
    return {
      ok: false,
      reason: `Electron ${version} binary not present: it is downloaded by electron's install script, which did not run or could not download it (offline); run \`node node_modules/electron/install.js\` where the network allows`,
    };
  }
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron';
  const bin = override ? path.join(override, rel) : path.join(pkgDir, 'dist', rel);
  if (!existsSync(bin)) return { ok: false, reason: `Electron binary expected at ${bin} is missing` };
  return { ok: true, path: bin, version };
}

/** Whether this machine can show an Electron window at all (a display on Linux). */
export function displayProblem(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'no display: neither DISPLAY nor WAYLAND_DISPLAY is set';
  return undefined;
}

/** Runs `electron --version` with a time limit: proves the binary starts (shared libraries present). */
export function electronStarts(bin: string, timeoutMs = 15_000): { ok: true } | { ok: false; reason: string } {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  if (r.error) return { ok: false, reason: `Electron binary did not start: ${r.error.message}` };
  if (r.status !== 0) return { ok: false, reason: `Electron binary exited with ${r.status}: ${(r.stderr || r.stdout).trim().split('\n')[0] ?? ''}` };
  return { ok: true };
}
