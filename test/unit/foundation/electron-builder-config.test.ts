import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import yaml from 'js-yaml';
import { Ajv } from 'ajv';

const config = yaml.load(readFileSync('electron-builder.yml', 'utf8')) as Record<string, unknown>;
const schema = JSON.parse(readFileSync('node_modules/app-builder-lib/scheme.json', 'utf8')) as object;

test('electron-builder.yml conforms to electron-builder\'s own JSON schema', () => {
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  const validate = ajv.compile(schema);
  const ok = validate(config);
  assert.equal(ok, true, `schema errors: ${JSON.stringify(validate.errors, null, 2)}`);
});

test('the schema check catches a misspelt key (the check is not vacuous)', () => {
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  const validate = ajv.compile(schema);
  assert.equal(validate({ ...config, asarUnpak: ['**/*.node'] }), false);
});

test('installers for Linux, Windows and macOS are configured', () => {
  const targets = (platform: string): string[] => {
    const t = (config[platform] as { target: (string | { target: string })[] }).target;
    return t.map((x) => (typeof x === 'string' ? x : x.target));
  };
  assert.deepEqual(targets('linux').sort(), ['AppImage', 'deb']);
  assert.deepEqual(targets('win'), ['nsis']);
  assert.deepEqual(targets('mac'), ['dmg']);
});

test('native tfjs files, Dawn\'s dawn.node and wasm modules are kept outside the asar archive', () => {
  const unpack = config.asarUnpack as string[];
  for (const needed of ['**/*.node', '**/*.wasm', 'node_modules/@tensorflow/tfjs-node/**', 'node_modules/@tensorflow/tfjs-node-gpu/**', 'node_modules/webgpu/dist/**']) {
    assert.ok(unpack.includes(needed), `asarUnpack lacks ${needed}`);
  }
});

test('dawn.node of the three platforms lies under the unpacked webgpu/dist folder', { skip: existsSync('node_modules/webgpu/package.json') ? false : 'the optional webgpu package is not installed here' }, () => {
  for (const platform of ['linux-x64', 'darwin-universal', 'win32-x64']) {
    assert.ok(existsSync(`node_modules/webgpu/dist/${platform}/dawn.node`), `webgpu ships no dist/${platform}/dawn.node`);
  }
  assert.ok((config.asarUnpack as string[]).includes('node_modules/webgpu/dist/**'));
});

test('the packaged entry point is the bundled Electron main', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { main: string };
  assert.equal(pkg.main, 'dist/electron/main.cjs');
  assert.ok((config.files as string[]).includes('dist/electron/**'));
});

test('the engine\'s utility-process entry is built beside the Electron main and packaged with it', () => {
  const built = spawnSync(process.execPath, ['scripts/build.mjs', 'electron'], { encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  // electron/main.ts forks this file from its own folder (dist/electron), which `files` packages
  assert.match(readFileSync('electron/main.ts', 'utf8'), /utilityProcess\.fork\(path\.join\(__dirname, 'engine-process\.cjs'\)/);
  for (const entry of ['main.cjs', 'preload.cjs', 'engine-process.cjs']) assert.ok(existsSync(`dist/electron/${entry}`), `build made no dist/electron/${entry}`);
  assert.ok((config.files as string[]).includes('dist/electron/**'));
});
