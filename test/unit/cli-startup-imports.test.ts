/**
 * `vegdyn` must start without dev dependencies (playwright-core) and without loading the engine's
 * heavy modules for commands that do not need them. This follows main/cli.ts's static imports
 * (`import ... from`, not `await import()`) with esbuild's resolver and lists the packages reached.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as esbuild from 'esbuild';

/** npm packages reached from `entry` through static imports only */
async function staticPackages(entry: string): Promise<Map<string, string[]>> {
  const r = await esbuild.build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', metafile: true, write: false, outdir: 'unused', logLevel: 'silent', external: ['electron'] });
  const inputs = r.metafile.inputs;
  const chainTo = new Map<string, string[]>([[entry, [entry]]]);
  const queue = [entry];
  while (queue.length) {
    const file = queue.shift()!;
    for (const imp of inputs[file]?.imports ?? []) {
      if (imp.kind !== 'import-statement' && imp.kind !== 'require-call') continue;
      if (chainTo.has(imp.path)) continue;
      chainTo.set(imp.path, [...chainTo.get(file)!, imp.path]);
      queue.push(imp.path);
    }
  }
  const packages = new Map<string, string[]>();
  for (const [file, chain] of chainTo) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    if (m && !packages.has(m[1]!)) packages.set(m[1]!, chain.filter((f) => !f.includes('node_modules')));
  }
  return packages;
}

test('main/cli.ts statically imports only runtime dependencies, and none of the heavy ones', async () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  const packages = await staticPackages('main/cli.ts');
  assert.ok(packages.has('commander'), 'the walk reaches commander (sanity check of the import walk)');
  for (const [name, chain] of packages) {
    assert.ok(!(name in pkg.devDependencies), `dev dependency ${name} is imported at start-up through ${chain.join(' -> ')}`);
  }
  for (const heavy of ['@tensorflow/tfjs', '@tensorflow/tfjs-core', 'gdal3.js', 'h5wasm', 'playwright-core', 'geotiff', 'netcdfjs', 'ws']) {
    assert.ok(!packages.has(heavy), `${heavy} is imported at start-up through ${packages.get(heavy)?.join(' -> ')}; import it inside the command's action`);
  }
});
