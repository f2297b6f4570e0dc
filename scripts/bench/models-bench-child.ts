/**
 * One (backend, model) measurement of the 'models' bench (main/bench/models-bench.ts), in its
 * own process. Prints one JSON line (ModelBenchResult).
 * Usage: node --import tsx scripts/bench/models-bench-child.ts --backend wasm --model conv-lstm [--quick]
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { initComputeBackend, type BackendName } from '../../main/compute/backend.ts';
import {
  MODEL_BENCH_CASES, PAPER_SIZE, QUICK_SIZE, RECORD_DAYS, type ModelBenchResult,
} from '../../main/bench/models-bench.ts';
import { createModel } from '../../main/models/model-factory.ts';
import { disposeState, type ModelState } from '../../main/models/model.ts';
import { ConvLstmModel } from '../../main/models/conv-lstm.ts';
import { AdamW } from '../../main/training/adamw.ts';

/**
 * waits for y's kernel without copying it out (reading all of y would add a copy of the whole
 * product). data(), not dataSync(): webgpu has no synchronous read-back in Node.
 */
async function backendSync(y: tf.Tensor): Promise<void> {
  const one = y.slice([0, 0], [1, 1]);
  await one.data();
  one.dispose();
}

const { values } = parseArgs({ options: { backend: { type: 'string' }, model: { type: 'string' }, quick: { type: 'boolean' } } });
const size = values.quick ? QUICK_SIZE : PAPER_SIZE;
const benchCase = MODEL_BENCH_CASES.find((c) => c.name === values.model);
if (!benchCase) throw new Error(`no bench case '${values.model}'`);
// the backend as the app starts it: on wasm the threaded build, one thread per core unless
// VEGDYN_WASM_THREADS says otherwise (main/compute/backend.ts)
const backend = await initComputeBackend({ prefer: values.backend as BackendName });

const model = createModel(benchCase.config(size), benchCase.context ? await benchCase.context(size) : {});
const { rows, cols, inputChannels, trainDays } = size;
const x = tf.randomNormal([1, trainDays, rows, cols, inputChannels], 0, 1, 'float32', 1) as tf.Tensor5D;
const target = tf.randomNormal([1, trainDays, rows, cols, 1], 0, 1, 'float32', 2) as tf.Tensor5D;
const startDays = benchCase.needsStartDays ? [180] : undefined;
const opt = new AdamW({ learningRate: 1e-3 });
const trainStep = async () => {
  const loss = opt.minimize(() => {
    const r = model.forward(x, { startDays, training: true, recordGradients: true });
    disposeState(r.state);
    return tf.mean(tf.square(tf.sub(r.lai, target))) as tf.Scalar;
  }, true, model.trainableVariables());
  await loss!.data();
  loss!.dispose();
};

await trainStep(); // warm-up: kernels, optimizer slots
const tensorsBefore = tf.memory().numTensors;
const trainMsPerDay: number[] = [];
const trainCpuMsPerDay: number[] = [];
for (let i = 0; i < size.reps; i++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await trainStep();
  trainMsPerDay.push((performance.now() - t0) / trainDays);
  const c = process.cpuUsage(c0);
  trainCpuMsPerDay.push((c.user + c.system) / 1000 / trainDays);
}
const numTensorsGrowth = tf.memory().numTensors - tensorsBefore;
// (tf.profile reuses one result object: copy the figure out before profiling again)
const peak1 = (await tf.profile(async () => { await trainStep(); })).peakBytes;
tf.dispose([x, target]);
// the same at twice the window: the slope is the memory each extra window day costs
const x2 = tf.randomNormal([1, 2 * trainDays, rows, cols, inputChannels], 0, 1, 'float32', 4) as tf.Tensor5D;
const target2 = tf.randomNormal([1, 2 * trainDays, rows, cols, 1], 0, 1, 'float32', 5) as tf.Tensor5D;
const peak2 = (await tf.profile(() => {
  const loss = opt.minimize(() => {
    const r = model.forward(x2, { startDays, training: true, recordGradients: true });
    disposeState(r.state);
    return tf.mean(tf.square(tf.sub(r.lai, target2))) as tf.Scalar;
  }, true, model.trainableVariables());
  loss!.dispose();
})).peakBytes;
tf.dispose([x2, target2]);
opt.dispose();

// inference over the record in chunks, state carried, as the evaluation does it
const inferDays = process.env.VEGDYN_BENCH_FULL_RECORD === '1' ? RECORD_DAYS : size.inferDays;
const chunk = tf.randomNormal([1, size.chunkDays, rows, cols, inputChannels], 0, 1, 'float32', 3) as tf.Tensor5D;
let state: ModelState | undefined;
// one-time set-up before the record (the physics models' spin-up to a climatological state):
// timed apart, so the per-day figure is not inflated by it when extrapolated to 36 years
const physics = (model as { physics?: { ensureSpinUp(training: boolean): void } }).physics;
const setup0 = performance.now();
physics?.ensureSpinUp(false);
const inferSetupMs = performance.now() - setup0;
const t0 = performance.now();
for (let d = 0; d < inferDays; d += size.chunkDays) {
  const n = Math.min(size.chunkDays, inferDays - d);
  const xs = n === size.chunkDays ? chunk : (chunk.slice([0, 0, 0, 0, 0], [1, n, rows, cols, inputChannels]) as tf.Tensor5D);
  const r = model.forward(xs, { state, startDays: startDays ? [d] : undefined });
  await r.lai.data(); // predictions leave the engine, as when they are written out
  r.lai.dispose();
  if (xs !== chunk) xs.dispose();
  disposeState(state);
  state = r.state;
}
const inferTotalMs = performance.now() - t0;
disposeState(state);
chunk.dispose();

// the backend's matMul rate on the ConvLSTM's own GEMM (one day's im2col over [x, h] times the
// gate kernel): the FLOP rate the ConvLSTM's figures are bounded by
let gemmGflops: number | undefined;
if (benchCase.name === 'conv-lstm') {
  const k = 9 * (inputChannels + size.hidden);
  const a = tf.randomNormal([rows * cols, k], 0, 1, 'float32', 6);
  const w = tf.randomNormal([k, 4 * size.hidden], 0, 1, 'float32', 7);
  const times: number[] = [];
  for (let i = 0; i < 3 + 2 * size.reps; i++) {
    const g0 = performance.now();
    const y = tf.matMul(a, w);
    await backendSync(y);
    if (i >= 3) times.push(performance.now() - g0);
    y.dispose();
  }
  tf.dispose([a, w]);
  times.sort((p, q) => p - q);
  gemmGflops = (2 * rows * cols * k * 4 * size.hidden) / (times[Math.floor(times.length / 2)]! * 1e6);
}

const result: ModelBenchResult = {
  model: benchCase.name,
  backend: backend.chosen,
  backendDetail: backend.webgpuAdapter && backend.chosen === 'webgpu'
    ? `${backend.tfBackend} ${backend.version} on ${backend.webgpuAdapter.vendor} ${backend.webgpuAdapter.architecture} ${backend.webgpuAdapter.description}`
    : `${backend.tfBackend} ${backend.version}, ${backend.threads} thread(s)${backend.tfjsPatches ? ` (${backend.tfjsPatches})` : ''}`,
  threads: backend.threads,
  ...(model instanceof ConvLstmModel ? { convImpl: model.convImpl() } : {}),
  trainMsPerDay,
  trainCpuMsPerDay,
  inferMsPerDay: inferTotalMs / inferDays,
  inferDays,
  inferTotalMs,
  inferSetupMs,
  ...(gemmGflops !== undefined ? { gemmGflops } : {}),
  trainPeakTensorBytes: peak1,
  trainPeakTensorBytesPerDay: Math.max(0, peak2 - peak1) / trainDays,
  maxRssBytes: process.resourceUsage().maxRSS * 1024,
  numTensorsGrowth,
};
model.dispose();
process.stdout.write(`${JSON.stringify(result)}\n`);
