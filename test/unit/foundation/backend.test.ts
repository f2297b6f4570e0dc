/**
 * Backend selection, checked through `vegdyn info --json` in real child processes (tfjs's backend
 * is process-global, so each choice gets a fresh process).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BackendReport } from '../../../main/compute/backend.ts';
// Chromium's SwiftShader Vulkan driver and the Vulkan loader Chromium ships beside it: a software
// WebGPU adapter on a machine without a GPU
import { installed, swiftshaderEnv } from '../tfjs/webgpu-env.ts';

const home = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-backend-'));
test.after(() => rmSync(home, { recursive: true, force: true }));

function info(env: Record<string, string | undefined> = {}, args: string[] = []) {
  const r = spawnSync(process.execPath, ['bin/vegdyn.mjs', 'info', '--json', ...args], {
    encoding: 'utf8',
    env: { ...process.env, VEGDYN_HOME: home, VEGDYN_BACKEND: undefined, ...env },
  });
  return { status: r.status, stderr: r.stderr, report: r.status === 0 ? (JSON.parse(r.stdout) as { backend: BackendReport }).backend : undefined };
}

test('the report names the chosen backend and, for every other one, why it was not used', () => {
  const { status, stderr, report } = info();
  assert.equal(status, 0, stderr);
  assert.ok(report);
  assert.deepEqual(report.attempts.map((a) => a.name), ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu']);
  const chosen = report.attempts.filter((a) => a.ok);
  assert.equal(chosen.length, 1);
  assert.equal(chosen[0]!.name, report.chosen);
  for (const a of report.attempts) assert.ok(a.reason.length > 10, `${a.name} has no real reason: '${a.reason}'`);
  assert.ok(report.threads >= 1);
  assert.match(report.version, /@\d+\.\d+\.\d+$/);
  // on a machine without the native packages the report says exactly that
  for (const [name, pkg] of [['tensorflow-gpu', '@tensorflow/tfjs-node-gpu'], ['tensorflow', '@tensorflow/tfjs-node']] as const) {
    if (!installed(pkg)) {
      const attempt: BackendReport['attempts'][number] = report.attempts.find((a) => a.name === name)!;
      assert.equal(attempt.ok, false);
      assert.match(attempt.reason, new RegExp(`package ${pkg.replace('/', '\\/')} is not installed`));
    }
  }
});

test('VEGDYN_BACKEND forces a backend and the report says so', () => {
  const { status, stderr, report } = info({ VEGDYN_BACKEND: 'cpu' });
  assert.equal(status, 0, stderr);
  assert.equal(report?.chosen, 'cpu');
  assert.equal(report?.tfBackend, 'cpu');
  assert.equal(report?.forcedBy, 'VEGDYN_BACKEND');
});

test('config.json\'s backend key forces a backend; a typo in config.json is reported with the file', () => {
  const cfgHome = path.join(home, 'cfg');
  mkdirSync(cfgHome, { recursive: true });
  writeFileSync(path.join(cfgHome, 'config.json'), JSON.stringify({ backend: 'wasm' }));
  const forced = info({ VEGDYN_HOME: cfgHome });
  assert.equal(forced.report?.chosen, 'wasm');
  assert.equal(forced.report?.forcedBy, 'config.json backend');
  writeFileSync(path.join(cfgHome, 'config.json'), JSON.stringify({ backnd: 'wasm' }));
  const typo = info({ VEGDYN_HOME: cfgHome });
  assert.notEqual(typo.status, 0);
  assert.match(typo.stderr, /config\.json: .*backnd/);
});

test('a forced backend that cannot load is an error, not a silent fallback', { skip: installed('@tensorflow/tfjs-node') ? 'tfjs-node is installed here' : false }, () => {
  const { status, stderr } = info({ VEGDYN_BACKEND: 'tensorflow' });
  assert.notEqual(status, 0);
  assert.match(stderr, /backend tensorflow was forced by VEGDYN_BACKEND but failed: package @tensorflow\/tfjs-node is not installed/);
  assert.equal(stderr.trim().split('\n').length, 1, 'one-line reason');
});

test('an unknown backend name is refused with the valid names', () => {
  const { status, stderr } = info({ VEGDYN_BACKEND: 'cuda' });
  assert.notEqual(status, 0);
  assert.match(stderr, /VEGDYN_BACKEND: unknown backend 'cuda' \(expected one of tensorflow-gpu, webgpu, tensorflow, wasm, cpu\)/);
});

test('the human-readable info names the backend and the reasons', () => {
  const r = spawnSync(process.execPath, ['bin/vegdyn.mjs', 'info'], { encoding: 'utf8', env: { ...process.env, VEGDYN_HOME: home, VEGDYN_BACKEND: undefined } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^backend: (tensorflow-gpu|webgpu|tensorflow|wasm|cpu) \(/m);
  assert.match(r.stdout, /tensorflow-gpu: /);
});

test('wasm runs the threaded build with one thread per core, patched, and says so; VEGDYN_WASM_THREADS sets the count', () => {
  const { status, stderr, report } = info({ VEGDYN_BACKEND: 'wasm' });
  assert.equal(status, 0, stderr);
  assert.equal(report?.threads, os.availableParallelism());
  assert.match(report?.tfjsPatches ?? '', new RegExp(`^tfjs 4\\.22\\.0: wasm kernel and gradient patches applied; ${os.availableParallelism()} wasm threads?$`));
  const single = info({ VEGDYN_BACKEND: 'wasm', VEGDYN_WASM_THREADS: '1' });
  assert.equal(single.status, 0, single.stderr);
  assert.equal(single.report?.threads, 1);
  const r = spawnSync(process.execPath, ['bin/vegdyn.mjs', 'info'], { encoding: 'utf8', env: { ...process.env, VEGDYN_HOME: home, VEGDYN_BACKEND: 'wasm' } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^backend: wasm \\(@tensorflow/tfjs-backend-wasm@4\\.22\\.0, ${os.availableParallelism()} threads?\\)`, 'm'));
  const bad = info({ VEGDYN_WASM_THREADS: 'two' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /VEGDYN_WASM_THREADS: expected a positive integer, got 'two'/);
});


test('the automatic choice skips a software WebGPU adapter and says why; the adapter is named', { skip: swiftshaderEnv.skip }, () => {
  const { status, stderr, report } = info(swiftshaderEnv.env);
  assert.equal(status, 0, stderr);
  assert.notEqual(report?.chosen, 'webgpu');
  const webgpu = report?.attempts.find((a) => a.name === 'webgpu');
  assert.equal(webgpu?.ok, false);
  assert.match(webgpu?.reason ?? '', /^software adapter skipped in the automatic choice \(WebGPU reports it as a fallback \(software\) adapter\).*VEGDYN_BACKEND=webgpu forces it$/);
  assert.equal(report?.webgpuAdapter?.architecture, 'swiftshader');
  assert.ok((report?.webgpuAdapter?.limits.maxBufferSize ?? 0) > 0);
  const r = spawnSync(process.execPath, ['bin/vegdyn.mjs', 'info'], { encoding: 'utf8', env: { ...process.env, VEGDYN_HOME: home, VEGDYN_BACKEND: undefined, ...swiftshaderEnv.env } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^ {2}webgpu adapter: google \/ swiftshader \/ SwiftShader driver [\d.]+; max buffer \d+ MiB, max storage binding \d+ MiB \(software\)$/m);
});

test('VEGDYN_BACKEND=webgpu forces the software adapter', { skip: swiftshaderEnv.skip }, () => {
  const { status, stderr, report } = info({ ...swiftshaderEnv.env, VEGDYN_BACKEND: 'webgpu' });
  assert.equal(status, 0, stderr);
  assert.equal(report?.chosen, 'webgpu');
  assert.equal(report?.tfBackend, 'webgpu');
  assert.match(report?.version ?? '', /^@tensorflow\/tfjs-backend-webgpu@4\.22\.0$/);
  assert.match(report?.webgpuAdapter?.software ?? '', /fallback/);
});

test('without a Vulkan loader the webgpu attempt says what to install, and a forced webgpu fails with that reason', { skip: process.platform === 'linux' ? false : 'the Vulkan loader check is Linux only' }, () => {
  // an empty LD_LIBRARY_PATH and no system libvulkan: the state of the development machines
  const { status, stderr, report } = info({ LD_LIBRARY_PATH: '' });
  assert.equal(status, 0, stderr);
  const webgpu = report?.attempts.find((a) => a.name === 'webgpu');
  if (webgpu?.reason.includes('libvulkan.so.1')) {
    assert.match(webgpu.reason, /the Vulkan loader libvulkan\.so\.1 is not installed \(Debian\/Ubuntu: apt-get install libvulkan1/);
    const forced = info({ LD_LIBRARY_PATH: '', VEGDYN_BACKEND: 'webgpu' });
    assert.notEqual(forced.status, 0);
    assert.match(forced.stderr, /backend webgpu was forced by VEGDYN_BACKEND but failed: the Vulkan loader libvulkan\.so\.1 is not installed/);
  } else {
    // a machine with a system Vulkan loader: the attempt then names the adapter or why there is none
    assert.ok((webgpu?.reason.length ?? 0) > 10);
  }
});

test('vegdyn leaf forward runs on a forced webgpu (the leaf model reads back asynchronously) and reports the Newton solve converged', { skip: swiftshaderEnv.skip }, () => {
  const out = path.join(home, 'leaf.csv');
  const r = spawnSync(process.execPath, ['bin/vegdyn.mjs', 'leaf', 'forward', '--input', 'test/fixtures/leaf/example_dataset.csv', '--out', out], {
    encoding: 'utf8', env: { ...process.env, ...swiftshaderEnv.env, VEGDYN_HOME: home, VEGDYN_BACKEND: 'webgpu' },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /446 leaves solved on webgpu in [\d.]+ s \(Newton: 30 iterations, converged\)/);
});
