// The tfjs patches are applied only to the tfjs release they are written for: asked about any
// other version, installTfjsPatches leaves tfjs's own kernels and gradient in place and says why.
// Runs in its own process (node:test runs each file separately), before anything installs them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import {
  installTfjsPatches, PATCHED_TFJS_VERSION, patchMismatch, runningTfjsVersions,
} from '../../../main/tfjs/tfjs-patches.ts';

const PATCHED_KERNELS = ['Slice', 'SplitV', 'Unpack', 'Concat', 'Identity'];
const kernelFuncs = () => PATCHED_KERNELS.map((k) => tf.getKernel(k, 'wasm')?.kernelFunc);
const matMulGradient = () => tf.getGradient('BatchMatMul')?.gradFunc;

test('the running tfjs is the pinned release', () => {
  assert.deepEqual(runningTfjsVersions(), { core: PATCHED_TFJS_VERSION, wasm: PATCHED_TFJS_VERSION });
  assert.equal(patchMismatch(runningTfjsVersions()), undefined);
});

test('another tfjs version keeps the stock kernels and says so; the pinned one gets the patches', () => {
  const stockKernels = kernelFuncs();
  const stockGradient = matMulGradient();
  stockKernels.forEach((k, i) => assert.ok(k, `tfjs-backend-wasm registers ${PATCHED_KERNELS[i]}`));
  for (const versions of [{ core: '4.21.0', wasm: '4.22.0' }, { core: '4.22.0', wasm: '4.23.0' }, { core: '4.22.0', wasm: undefined }]) {
    const status = installTfjsPatches(versions);
    assert.equal(status.applied, false);
    assert.match(status.summary, /stock tfjs kernels, one wasm thread/);
    assert.match(status.summary, versions.wasm === undefined ? /tfjs-backend-wasm is not loadable/ : /4\.2[13]\.0/);
    assert.deepEqual(kernelFuncs(), stockKernels, `${JSON.stringify(versions)}: kernels untouched`);
    assert.equal(matMulGradient(), stockGradient, `${JSON.stringify(versions)}: BatchMatMul gradient untouched`);
  }
  const status = installTfjsPatches();
  assert.equal(status.applied, true, status.summary);
  kernelFuncs().forEach((k, i) => assert.notEqual(k, stockKernels[i], `${PATCHED_KERNELS[i]} replaced`));
  assert.notEqual(matMulGradient(), stockGradient, 'BatchMatMul gradient replaced');
});

test('package.json pins every tfjs package to exactly the patched release', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Record<string, Record<string, string> | undefined>;
  const specs = { ...pkg.dependencies, ...pkg.optionalDependencies, ...pkg.devDependencies };
  const tfjs = Object.entries(specs).filter(([name]) => name.startsWith('@tensorflow/'));
  assert.deepEqual(tfjs.map(([name]) => name).sort(), ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']);
  for (const [name, spec] of tfjs) assert.equal(spec, PATCHED_TFJS_VERSION, `${name} is pinned to '${spec}'`);
});
