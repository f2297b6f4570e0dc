/**
 * Child process of webgpu-agreement.test.ts (the parent passes the Vulkan environment, which
 * Dawn reads only at process start). One process runs both backends, switching with the
 * engine's own backend start: every model is built and run on wasm, its weights copied, then
 * rebuilt from those weights and run on webgpu; the leaf solve likewise. Prints one JSON object.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initComputeBackend } from '../../../main/compute/backend.ts';
import { createModel, type ModelConfigInput } from '../../../main/models/model-factory.ts';
import { disposeState, getWeights, setWeights, type LaiModel } from '../../../main/models/model.ts';
import { FeatureBuilder } from '../../../main/training/features.ts';
import { parseLeafCsv, leafEnvironmentOf, defaultTraitsOf } from '../../../main/leaf/leaf-dataset.ts';
import { btranFor } from '../../../main/leaf/leaf-btran.ts';
import { solveLeaves } from '../../../main/physics/leaf-model.ts';
import { mixedWindow, virtualBasin } from '../physics-grid/small-basin.ts';
import { AdamW } from '../../../main/training/adamw.ts';
import { resolveRunConfig } from '../../../main/training/run-config.ts';
import { trainModel } from '../../../main/training/trainer.ts';
import { modelFolderStore, saveWeightsFile } from '../../../main/run/model-folder-store.ts';
import { makeTinyDataset } from '../training/tiny-dataset.ts';

const ds = mixedWindow(virtualBasin('1981-01-01', '1981-12-31'), 6, 5);
const { nrows: rows, ncols: cols } = ds.grid;
const features = new FeatureBuilder(ds, { dayOfYear: true, staticLayers: false });
const ch = features.channelCount;
const days = 4;
const startDay = 150;
const common = { rows, cols, inputChannels: ch, seed: 5 };
const CONFIGS: ModelConfigInput[] = [
  { ...common, kind: 'lstm', hidden: 4 },
  { ...common, kind: 'conv-lstm', hidden: 4 },
  { ...common, kind: 'phys-conv-lstm', hidden: 4, spinUpYears: 1 },
  { ...common, kind: 'physics-only', spinUpYears: 1 },
];

interface Outputs { lai: Float32Array; inference: Float32Array; loss: number; grads: Map<string, Float32Array> }

/** the training forward with its gradients (the trainer's path) and the inference forward */
async function runModel(model: LaiModel): Promise<Outputs> {
  const x = tf.tensor5d(features.inputs(startDay, days), [1, days, rows, cols, ch]);
  const target = tf.fill([1, days, rows, cols, 1], 0.5);
  const vars = model.trainableVariables();
  let laiT: tf.Tensor | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const r = model.forward(x, { startDays: [startDay], training: true, recordGradients: true });
    disposeState(r.state);
    laiT = tf.keep(r.lai.clone());
    return tf.mean(tf.square(tf.sub(r.lai, target))) as tf.Scalar;
  }, vars);
  // keyed by the model's weight names (tfjs's variable names get a per-instance suffix)
  const label = new Map(model.namedVariables().map((n) => [n.variable, n.name]));
  const out = new Map<string, Float32Array>();
  // data(), not dataSync(): webgpu has no synchronous read-back in Node (tfjs reads through an OffscreenCanvas)
  for (const v of vars) out.set(label.get(v) ?? v.name, (await grads[v.name]!.data()) as Float32Array);
  const inf = model.forward(x, { startDays: [startDay] });
  const inference = (await inf.lai.data()) as Float32Array;
  const loss = (await value.data())[0]!;
  const lai = (await laiT!.data()) as Float32Array;
  disposeState(inf.state);
  tf.dispose([x, target, value, inf.lai, laiT!, ...Object.values(grads)]);
  return { lai, inference, loss, grads: out };
}

/** max |a - b| / max |b|: the error relative to the tensor's scale */
function rel(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`size mismatch ${a.length} vs ${b.length}`);
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return diff / Math.max(scale, 1e-30);
}

/** training steps on the active backend: tensor count and GPU bytes after each */
async function memoryAcrossSteps(model: LaiModel, steps: number): Promise<{ numTensors: number[]; bytes: number[] }> {
  const opt = tf.train.sgd(1e-3);
  const numTensors: number[] = [];
  const bytes: number[] = [];
  const x = tf.tensor5d(features.inputs(startDay, days), [1, days, rows, cols, ch]);
  const target = tf.fill([1, days, rows, cols, 1], 0.5);
  for (let s = 0; s < steps; s++) {
    const loss = opt.minimize(() => {
      const r = model.forward(x, { startDays: [startDay], training: true, recordGradients: true });
      disposeState(r.state);
      return tf.mean(tf.square(tf.sub(r.lai, target))) as tf.Scalar;
    }, true, model.trainableVariables());
    await loss?.data();
    loss?.dispose();
    const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
    numTensors.push(m.numTensors);
    bytes.push(m.numBytesInGPU ?? m.numBytes);
  }
  tf.dispose([x, target]);
  opt.dispose();
  return { numTensors, bytes };
}

async function leafSolve(): Promise<{ an: Float32Array; gV: Float32Array; gB: Float32Array }> {
  const leaf = parseLeafCsv(readFileSync(new URL('../../fixtures/leaf/example_dataset.csv', import.meta.url), 'utf8'));
  const [an, gV, gB] = tf.tidy(() => {
    const env = leafEnvironmentOf(leaf.records);
    const base = defaultTraitsOf(leaf.records, btranFor(leaf, leaf.records, 'synthetic-B'));
    const anet = solveLeaves(env, base).anet;
    const [gv, gb] = tf.grads((v: tf.Tensor, b: tf.Tensor) => tf.sum(solveLeaves(env, { ...base, vcmax25: v, btran: b }).anet))([base.vcmax25, base.btran]);
    return [anet, gv!, gb!];
  });
  const out = { an: (await an.data()) as Float32Array, gV: (await gV.data()) as Float32Array, gB: (await gB.data()) as Float32Array };
  tf.dispose([an, gV, gB]);
  return out;
}

const wasm = await initComputeBackend({ prefer: 'wasm' });
const onWasm = new Map<string, { weights: Map<string, { shape: number[]; values: Float32Array }>; out: Outputs }>();
for (const cfg of CONFIGS) {
  const model = createModel(cfg, { dataset: ds });
  const w = getWeights(model);
  // a non-zero output head (the physics-encoded one starts at zero), so the network's weights get gradient too
  const head = w.get('head/kernel');
  if (head) { w.set('head/kernel', tf.fill(head.shape, 0.3)); head.dispose(); setWeights(model, w); }
  const weights = new Map([...w].map(([k, t]) => [k, { shape: t.shape, values: t.dataSync() as Float32Array }])); // on wasm
  tf.dispose([...w.values()]);
  onWasm.set(cfg.kind, { weights, out: await runModel(model) });
  model.dispose();
}
const leafWasm = await leafSolve();

const webgpu = await initComputeBackend({ prefer: 'webgpu' });
if (tf.getBackend() !== 'webgpu') throw new Error(`webgpu did not become the active backend: ${tf.getBackend()}`);
const models: Record<string, unknown> = {};
for (const cfg of CONFIGS) {
  const t0 = performance.now();
  const ref = onWasm.get(cfg.kind)!;
  const model = createModel(cfg, { dataset: ds });
  const w = new Map([...ref.weights].map(([k, v]) => [k, tf.tensor(v.values, v.shape)]));
  setWeights(model, w);
  tf.dispose([...w.values()]);
  const out = await runModel(model);
  // per weight: the relative difference and the gradient's own scale (max |g| on wasm)
  const grads: Record<string, { rel: number; scale: number }> = {};
  for (const [name, g] of ref.out.grads) grads[name] = { rel: rel(out.grads.get(name)!, g), scale: g.reduce((m, v) => Math.max(m, Math.abs(v)), 0) };
  const memory = await memoryAcrossSteps(model, 3);
  model.dispose();
  models[cfg.kind] = {
    lai: rel(out.lai, ref.out.lai), inference: rel(out.inference, ref.out.inference),
    loss: Math.abs(out.loss - ref.out.loss) / Math.abs(ref.out.loss), grads,
    memory, seconds: (performance.now() - t0) / 1000,
  };
}
const leafGpu = await leafSolve();
const leaf = { an: rel(leafGpu.an, leafWasm.an), dAnDVcmax25: rel(leafGpu.gV, leafWasm.gV), dAnDBtran: rel(leafGpu.gB, leafWasm.gB), leaves: leafWasm.an.length };

/** the trainer's own loop on webgpu: AdamW, gradient clipping, validation, checkpoint and weights files */
async function trainOnWebgpu() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-webgpu-train-'));
  try {
    const dataset = makeTinyDataset();
    const config = resolveRunConfig({
      hiddenSize: 4, windowDays: 12, warmupDays: 4, batchSize: 2, windowsPerEpoch: 2, epochs: 2, patience: 100, gradClipNorm: 1e-3,
      learningRate: 0.01, inferenceChunkDays: 128, features: { dayOfYear: true, staticLayers: true, climatology: false, antecedent: false },
      periods: { record: { from: '2000-01-01', to: '2003-12-31' }, train: { from: '2000-01-01', to: '2001-12-31' }, validate: { from: '2002-01-01', to: '2002-12-31' }, test: { from: '2003-01-01', to: '2003-12-31' } },
    });
    const feats = new FeatureBuilder(dataset, config.features);
    const model = createModel({ kind: 'conv-lstm', rows: dataset.grid.nrows, cols: dataset.grid.ncols, inputChannels: feats.channelCount, seed: 1, hidden: 4 });
    const before = getWeights(model);
    const result = await trainModel({
      model, optimizer: new AdamW({ learningRate: config.learningRate, weightDecay: config.weightDecay }), features: feats, config,
      store: modelFolderStore(dir), train: dataset.splits.train, validate: dataset.splits.validate, log: () => {},
    });
    await saveWeightsFile(model, path.join(dir, 'final.vdtb'), {});
    const after = getWeights(model);
    let moved = 0; // largest change of a weight
    for (const [k, t] of before) {
      const a = (await after.get(k)!.data()) as Float32Array;
      const b = (await t.data()) as Float32Array;
      for (let i = 0; i < a.length; i++) moved = Math.max(moved, Math.abs(a[i]! - b[i]!));
    }
    tf.dispose([...before.values(), ...after.values()]);
    model.dispose();
    return {
      epochs: result.history.length, losses: result.history.map((h) => h.trainLoss), valLoss: result.bestValLoss, moved,
      checkpoint: existsSync(path.join(dir, 'checkpoint.vdtb')), final: existsSync(path.join(dir, 'final.vdtb')),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const training = await trainOnWebgpu();

process.stdout.write(`${JSON.stringify({ wasm: wasm.chosen, webgpu: webgpu.chosen, adapter: webgpu.webgpuAdapter, models, leaf, training })}\n`);
process.exit(0);
