#!/usr/bin/env node
// `npm start`: opens the Electron app when its binary can run here; otherwise says why and starts
// web mode on the default demo project, printing the URL to open in a browser.
// Arguments after `npm start --` go to web mode (`--port N`, `--project DIR`).
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { register } from 'tsx/esm/api';

register();
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { findElectronBinary, displayProblem, electronStarts } = await import('../scripts/electron-binary.ts');
const extraArgs = process.argv.slice(2);

function build(target) {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), target], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) {
    console.error(`start: building the ${target} failed`);
    process.exit(1);
  }
}

function electronUnavailable() {
  if (process.env.VEGDYN_WEB === '1') return 'VEGDYN_WEB=1 asks for web mode';
  const bin = findElectronBinary();
  if (!bin.ok) return bin.reason;
  const noDisplay = displayProblem();
  if (noDisplay) return noDisplay;
  const starts = electronStarts(bin.path);
  if (!starts.ok) return starts.reason;
  return undefined;
}

function startWeb(reason) {
  console.error(`VegDyn: not opening the desktop app (${reason}); starting web mode instead.`);
  build('renderer');
  const child = spawn(process.execPath, [join(root, 'bin', 'vegdyn.mjs'), 'serve', ...extraArgs], { cwd: root, stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

const reason = electronUnavailable();
if (reason) {
  startWeb(reason);
} else {
  build('all');
  const bin = findElectronBinary();
  const startedAt = Date.now();
  const child = spawn(bin.path, [root], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => {
    // a crash right at start (GPU, sandbox, missing library) falls back to web mode
    if (code !== 0 && Date.now() - startedAt < 10_000) startWeb(`Electron exited with code ${code} while starting`);
    else process.exit(code ?? 0);
  });
}
