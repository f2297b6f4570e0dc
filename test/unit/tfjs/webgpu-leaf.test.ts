/**
 * The leaf model (NN_V / NN_B trained through the Newton solve, and `leaf forward`) on webgpu
 * against wasm: same seed and data give the same epoch losses, learned Vcmax25 and B within 1e-4
 * relative and the same An within 1e-5, the Newton solve is reported converged on both, and a
 * whole experiment leaves the tensor count and the GPU bytes where they were.
 * Runs on Chromium's SwiftShader Vulkan driver (a software adapter: a tiny experiment, 45 leaves,
 * 3 epochs); in a child process because Dawn takes the Vulkan driver from the environment at start.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { runWebgpuChild, swiftshaderEnv } from './webgpu-env.ts';

interface ChildResult {
  backends: string[]; leaves: number; epochs: number[]; bCount: number;
  loss: number; vcmax: number; b: number; lossChange: number;
  memory: { wasm: [number, number][]; webgpu: [number, number][] };
  forward: { an: number; converged: boolean[]; iterations: number[] };
}

const skip = swiftshaderEnv.skip;
let result: ChildResult | undefined;

before(async () => {
  if (!skip) result = await runWebgpuChild<ChildResult>('test/unit/tfjs/webgpu-leaf-child.ts');
});

test('a leaf experiment (vcmax-b) trains on webgpu as on wasm: epoch losses, learned Vcmax25 and B within 1e-4; no tensor or GPU memory left behind', { skip }, () => {
  const r = result!;
  assert.deepEqual(r.backends, ['wasm', 'webgpu']);
  assert.deepEqual(r.epochs, [3, 3]);
  assert.ok(r.lossChange > 1e-3, `training barely moved the loss (${r.lossChange}): nothing to compare`);
  assert.ok(r.loss < 1e-4, `epoch losses differ by ${r.loss}`);
  assert.ok(r.vcmax < 1e-4, `learned Vcmax25 differs by ${r.vcmax}`);
  assert.ok(r.bCount > 10, `only ${r.bCount} learned B values`);
  assert.ok(r.b < 1e-4, `learned B differs by ${r.b}`);
  for (const [name, [before, after]] of Object.entries(r.memory)) {
    assert.deepEqual(after, before, `${name}: [tensors, bytes] before the experiment ${before!.join(', ')}, after ${after!.join(', ')}`);
  }
});

test('leaf forward on webgpu gives wasm\'s An within 1e-5 and reports the Newton solve converged (tested after its fixed iterations)', { skip }, () => {
  const f = result!.forward;
  assert.equal(result!.leaves, 45);
  assert.ok(f.an < 1e-5, `An differs by ${f.an}`);
  assert.deepEqual(f.converged, [true, true]);
  // wasm stops at convergence; webgpu cannot read back inside the solve and runs the cap
  assert.ok(f.iterations[0]! < f.iterations[1]!, `iterations ${f.iterations.join(' vs ')}`);
});
