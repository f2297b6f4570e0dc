/**
 * Child process of webgpu-leaf.test.ts (Dawn reads the Vulkan driver from the environment at
 * process start, so the parent passes it). A tiny leaf experiment (vcmax-b: NN_V and NN_B through
 * the Newton solve, every 10th leaf of the example dataset, 3 epochs) runs on wasm, then on webgpu
 * with the same seed; `leaf forward` likewise. Prints one JSON object of relative
 * differences and tensor counts; the parent asserts.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initComputeBackend } from '../../../main/compute/backend.ts';
import { runLeafExperiment, type LeafExperimentResult } from '../../../main/leaf/leaf-experiment.ts';
import { leafForward } from '../../../main/leaf/leaf-forward.ts';
import { parseLeafCsv } from '../../../main/leaf/leaf-dataset.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-webgpu-leaf-'));
const lines = readFileSync(new URL('../../fixtures/leaf/example_dataset.csv', import.meta.url), 'utf8').trim().split(/\r?\n/);
const input = path.join(dir, 'leaves.csv');
writeFileSync(input, `${[lines[0], ...lines.slice(1).filter((_, i) => i % 10 === 0)].join('\n')}\n`);

/** largest |a - b| over the largest |b| (relative to the values' scale) */
function rel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/** the learned B of each training leaf, from the run folder's predictions.csv */
function learnedB(runDir: string): number[] {
  const [head, ...rows] = readFileSync(path.join(runDir, 'predictions.csv'), 'utf8').trim().split('\n');
  const set = head!.split(',').indexOf('set');
  const b = head!.split(',').indexOf('b');
  return rows.map((r) => r.split(',')).filter((c) => c[set] === 'train').map((c) => Number(c[b]));
}

/** the tensor count and the bytes held (on the GPU where there is one) */
function memory(): [number, number] {
  const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
  return [m.numTensors, m.numBytesInGPU ?? m.numBytes];
}

async function experiment(backend: 'wasm' | 'webgpu'): Promise<{ r: LeafExperimentResult; b: number[]; memory: [number, number][] }> {
  const runDir = path.join(dir, backend);
  await initComputeBackend({ prefer: backend });
  const before = memory();
  const r = await runLeafExperiment({ experiment: 'vcmax-b', input, epochs: 3, seed: 7, backend, runDir });
  return { r, b: learnedB(runDir), memory: [before, memory()] };
}

async function forward(backend: 'wasm' | 'webgpu') {
  await initComputeBackend({ prefer: backend });
  return leafForward(parseLeafCsv(readFileSync(input, 'utf8')), 'synthetic-B');
}

try {
  const wasm = await experiment('wasm');
  const wasmForward = await forward('wasm');
  const gpu = await experiment('webgpu');
  const gpuForward = await forward('webgpu');
  const w = wasm.r.folds[0]!;
  const g = gpu.r.folds[0]!;
  process.stdout.write(`${JSON.stringify({
    backends: [wasm.r.backend, gpu.r.backend],
    leaves: wasmForward.rows.length,
    epochs: [w.trainLoss.length, g.trainLoss.length],
    loss: rel(g.trainLoss, w.trainLoss),
    vcmax: rel(g.vcmax.map((v) => v.learned), w.vcmax.map((v) => v.learned)),
    b: rel(gpu.b, wasm.b),
    bCount: wasm.b.length,
    // how far the loss moved in 3 epochs (the comparison means something only if training moved the networks)
    lossChange: Math.abs(w.trainLoss.at(-1)! - w.trainLoss[0]!) / w.trainLoss[0]!,
    memory: { wasm: wasm.memory, webgpu: gpu.memory },
    forward: { an: rel(gpuForward.rows.map((r) => r.an), wasmForward.rows.map((r) => r.an)), converged: [wasmForward.converged, gpuForward.converged], iterations: [wasmForward.iterations, gpuForward.iterations] },
    seconds: { wasm: wasm.r.seconds, webgpu: gpu.r.seconds },
  })}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
