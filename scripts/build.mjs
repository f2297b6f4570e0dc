#!/usr/bin/env node
// Builds the parts that cannot run from TypeScript sources directly:
//   renderer  renderer/src/main.ts -> renderer/build/app.js (+ index.html, css, MapLibre's worker)
//   electron  electron/main.ts, preload.ts, engine-process.ts -> dist/electron/*.cjs (Electron loads CommonJS)
//   all       both (the default)
// The engine (main/) is not bundled: it runs through tsx in the CLI, the server and job workers.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = process.argv[2] ?? 'all';
const production = process.env.NODE_ENV === 'production';

async function buildRenderer() {
  const out = join(root, 'renderer', 'build');
  // files are overwritten in place (no rm first): a server or test of another process may be reading them
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [join(root, 'renderer', 'src', 'main.ts')],
    outfile: join(out, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome120'],
    sourcemap: true,
    minify: production,
    loader: { '.json': 'json' },
    logLevel: 'warning',
  });
  copyFileSync(join(root, 'renderer', 'index.html'), join(out, 'index.html'));
  for (const name of readdirSync(join(root, 'renderer', 'src'))) {
    if (name.endsWith('.css')) copyFileSync(join(root, 'renderer', 'src', name), join(out, name));
  }
  const mapDist = join(root, 'node_modules', 'maplibre-gl', 'dist');
  copyFileSync(join(mapDist, 'maplibre-gl.css'), join(out, 'maplibre-gl.css'));
  // MapLibre runs its tile work in a module worker loaded from this file (see renderer map view)
  copyFileSync(join(mapDist, 'maplibre-gl-worker.mjs'), join(out, 'maplibre-gl-worker.mjs'));
  const uplotCss = join(root, 'node_modules', 'uplot', 'dist', 'uPlot.min.css');
  if (existsSync(uplotCss)) copyFileSync(uplotCss, join(out, 'uPlot.min.css'));
  console.log(`build: renderer -> ${out}`);
}

async function buildElectron() {
  const out = join(root, 'dist', 'electron');
  mkdirSync(out, { recursive: true });
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: ['node20'],
    sourcemap: true,
    external: ['electron'],
    logLevel: 'warning',
  };
  // The preload runs sandboxed: it may require only 'electron', so everything else is bundled in.
  await build({ ...common, entryPoints: [join(root, 'electron', 'preload.ts')], outfile: join(out, 'preload.cjs') });
  // The main side only makes windows, menus, dialogs and the engine's process; the contract and
  // the port client it uses are plain modules, bundled in.
  await build({ ...common, entryPoints: [join(root, 'electron', 'main.ts')], outfile: join(out, 'main.cjs') });
  // The engine's utility process loads the engine through tsx at run time (job workers need the
  // .ts sources), so only its entry is bundled here; main/ stays external.
  await build({
    ...common,
    entryPoints: [join(root, 'electron', 'engine-process.ts')],
    outfile: join(out, 'engine-process.cjs'),
    external: ['electron', 'tsx', 'tsx/*'],
  });
  console.log(`build: electron -> ${out}`);
}

const targets = { renderer: buildRenderer, electron: buildElectron };
const chosen = target === 'all' ? Object.keys(targets) : [target];
for (const name of chosen) {
  const fn = targets[name];
  if (!fn) {
    console.error(`build: unknown target '${name}' (expected renderer, electron or all)`);
    process.exit(1);
  }
  await fn();
}
