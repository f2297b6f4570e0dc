/**
 * Peak memory of ONE paper-size training step, measured in its own process (the 'models'
 * bench runs it as a child; main/bench/models-bench.ts).
 *
 * The step is the trainer's (main/training/trainer.ts): the window's warm-up days run forward
 * only (no tape) to spin up the state, then the counted days run forward and backward through
 * time on a gradient tape, and AdamW applies the gradients. The model is built with the paper
 * preset's options for its kind (PAPER_PRESET.modelOptions: gradient checkpointing), hidden 64,
 * on the 63 x 54 grid. Inputs are random normal (memory does not depend on the values).
 *
 * Reported (one JSON line): the process's resident-set high-water mark (VmHWM from
 * /proc/self/status, and process.resourceUsage().maxRSS), the wasm heap size after the step
 * (wasm memory only grows, so this is its high-water mark; its hard limit is 4 GiB, wasm32),
 * and the wall time.
 * Usage: node --import tsx main/bench/paper-step-memory-child.ts --model conv-lstm
 *   [--window 730] [--warmup 365] [--batch 4] [--channels 8] [--checkpoint-every K]
 *   [--rows 54] [--cols 63] [--hidden 64]  (other grid sizes: the grid-size limit in grid-capacity.ts)
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initComputeBackend } from '../compute/backend.ts';
import { createModel, type ModelConfigInput } from '../models/model-factory.ts';
import { disposeState } from '../models/model.ts';
import { AdamW } from '../training/adamw.ts';
import { PAPER_PRESET } from '../training/run-config.ts';
import { MODEL_BENCH_CASES, PAPER_SIZE } from './models-bench.ts';

export interface PaperStepMemoryResult {
  model: string;
  backend: string;
  windowDays: number;
  warmupDays: number;
  batch: number;
  checkpointEvery: number;
  vmHwmBytes: number;
  maxRssBytes: number;
  wasmHeapBytes: number | null;
  stepMs: number;
  loss: number;
}

function vmHwmBytes(): number {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** byte length of the wasm backend's linear memory, or null on another backend */
function wasmHeapBytes(): number | null {
  const be = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return be.wasm?.HEAPU8 ? be.wasm.HEAPU8.buffer.byteLength : null;
}

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'conv-lstm' },
    window: { type: 'string', default: String(PAPER_PRESET.windowDays) },
    warmup: { type: 'string', default: String(PAPER_PRESET.warmupDays) },
    batch: { type: 'string', default: String(PAPER_PRESET.batchSize) },
    channels: { type: 'string', default: String(PAPER_SIZE.inputChannels) },
    'checkpoint-every': { type: 'string' },
    rows: { type: 'string', default: String(PAPER_SIZE.rows) },
    cols: { type: 'string', default: String(PAPER_SIZE.cols) },
    hidden: { type: 'string', default: String(PAPER_SIZE.hidden) },
  },
});
const benchCase = MODEL_BENCH_CASES.find((c) => c.name === values.model);
if (!benchCase) throw new Error(`paper-step-memory: no bench case '${values.model}'`);
const window = Number(values.window);
const warmup = Number(values.warmup);
const B = Number(values.batch);
if (!(window > warmup && warmup >= 0 && B >= 1)) throw new Error(`paper-step-memory: need window > warmup >= 0 and batch >= 1, got ${window}, ${warmup}, ${B}`);
const size = { ...PAPER_SIZE, inputChannels: Number(values.channels), rows: Number(values.rows), cols: Number(values.cols), hidden: Number(values.hidden) };
const backend = await initComputeBackend({ prefer: 'wasm' });

const presetOptions = (PAPER_PRESET.modelOptions[benchCase.name] ?? {}) as Record<string, unknown>;
const override = values['checkpoint-every'] === undefined ? {} : { checkpointEvery: Number(values['checkpoint-every']) };
const config = { ...benchCase.config(size), ...presetOptions, ...override } as ModelConfigInput;
const model = createModel(config, benchCase.context ? await benchCase.context(size) : {});
const { rows, cols, inputChannels } = size;
const L = window - warmup;
const starts = Array.from({ length: B }, (_, i) => 180 + i * 7);
const opt = new AdamW({ learningRate: 1e-3 });

const t0 = performance.now();
const warmState = warmup > 0 ? tf.tidy(() => {
  const xw = tf.randomNormal([B, warmup, rows, cols, inputChannels], 0, 1, 'float32', 1) as tf.Tensor5D;
  const r = model.forward(xw, { startDays: benchCase.needsStartDays ? starts : undefined, training: true });
  return [...r.state.tensors];
}) : undefined;
const loss = tf.tidy(() => {
  const x = tf.randomNormal([B, L, rows, cols, inputChannels], 0, 1, 'float32', 2) as tf.Tensor5D;
  const y = tf.randomNormal([B, L, rows, cols, 1], 0, 1, 'float32', 3);
  const { value, grads } = tf.variableGrads(() => {
    const r = model.forward(x, {
      startDays: benchCase.needsStartDays ? starts.map((s) => s + warmup) : undefined,
      training: true,
      recordGradients: true,
      ...(warmState ? { state: { tensors: warmState } } : {}),
    });
    disposeState(r.state);
    return tf.mean(tf.square(tf.sub(r.lai, y))) as tf.Scalar;
  }, model.trainableVariables());
  opt.applyGradients(grads);
  return value.dataSync()[0]!;
});
const stepMs = performance.now() - t0;
if (warmState) tf.dispose(warmState);

const result: PaperStepMemoryResult = {
  model: benchCase.name,
  backend: `${backend.tfBackend} ${backend.version}, ${backend.threads} thread(s)`,
  windowDays: window,
  warmupDays: warmup,
  batch: B,
  checkpointEvery: Number((config as { checkpointEvery?: number }).checkpointEvery ?? 0),
  vmHwmBytes: vmHwmBytes(),
  maxRssBytes: process.resourceUsage().maxRSS * 1024,
  wasmHeapBytes: wasmHeapBytes(),
  stepMs,
  loss,
};
opt.dispose();
model.dispose();
process.stdout.write(`${JSON.stringify(result)}\n`);
