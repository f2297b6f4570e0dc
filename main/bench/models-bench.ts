/**
 * Bench suite 'models': for each model on each measured backend, training time per simulated
 * day (forward + backward through time, AdamW step), inference time per day and for the whole
 * 36-year record (13149 days), and peak memory (process RSS and tfjs tensor bytes); plus the
 * same ConvLSTM training step in PyTorch (/usr/bin/python3 with torch, 2 threads) in the same
 * run, and our / PyTorch throughput.
 *
 * Each (backend, model) runs in its own child process (scripts/bench/models-bench-child.ts):
 * tfjs's backend is process-global, and peak RSS is only meaningful per process.
 * Backends: VEGDYN_BENCH_BACKENDS=wasm,cpu (comma list); default the one VegDyn would pick (webgpu
 * on a real GPU adapter). A software WebGPU adapter (SwiftShader, llvmpipe) is not timed: it
 * computes on the CPU, so its speed says nothing about a GPU; the bench prints webgpu's agreement
 * with wasm instead (test/unit/tfjs/webgpu-agreement-child.ts, tiny sizes).
 * PyTorch: on the CPU with 2 threads, or on the GPU with VEGDYN_BENCH_TORCH_DEVICE=cuda
 * (scripts/gpu-check.sh), each ratio then against that.
 * Models: VEGDYN_BENCH_MODELS=lstm,conv-lstm (comma list of case names); default all.
 * wasm runs as the app runs it (main/compute/backend.ts): the threaded build with one thread per
 * core; VEGDYN_WASM_THREADS=1 runs it single.
 * The 36-year figure is extrapolated from `inferDays` measured days unless
 * VEGDYN_BENCH_FULL_RECORD=1, which runs all 13149 days.
 *
 * The model list is data: add a case to MODEL_BENCH_CASES to bench another model.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ModelConfigInput } from '../models/model-factory.ts';
import type { ModelContext } from '../models/model.ts';
import { median, type BenchReporter, type BenchSuite } from './bench-reporter.ts';
import type { PaperStepMemoryResult } from './paper-step-memory-child.ts';
import type { BackendReport } from '../compute/backend.ts';

/** the record the seed paper simulates: 1981-01-01 .. 2016-12-31 */
export const RECORD_DAYS = 13149;
/** the paper preset's training window and batch (main/training/run-config.ts) */
export const PAPER_WINDOW_DAYS = 730;
export const PAPER_BATCH = 4;

export interface BenchSize {
  rows: number;
  cols: number;
  inputChannels: number;
  hidden: number;
  /** days in the timed training window (batch 1) */
  trainDays: number;
  /** timed repetitions (median reported) */
  reps: number;
  /** days of the timed inference run */
  inferDays: number;
  /** days per inference chunk (state carried) */
  chunkDays: number;
}

export const PAPER_SIZE: BenchSize = { rows: 54, cols: 63, inputChannels: 8, hidden: 64, trainDays: 8, reps: 3, inferDays: 60, chunkDays: 30 };
export const QUICK_SIZE: BenchSize = { rows: 12, cols: 14, inputChannels: 8, hidden: 8, trainDays: 4, reps: 2, inferDays: 30, chunkDays: 15 };

export interface ModelBenchCase {
  /** shown in the report, and passed to the child process */
  readonly name: string;
  readonly config: (size: BenchSize) => ModelConfigInput;
  /** extra context (e.g. a dataset) the model needs; built in the child process */
  readonly context?: (size: BenchSize) => ModelContext | Promise<ModelContext>;
  /** true when the model needs `startDays` in forward (calendar-driven physics) */
  readonly needsStartDays?: boolean;
}

export const MODEL_BENCH_CASES: ModelBenchCase[] = [
  {
    name: 'lstm',
    config: (s) => ({ kind: 'lstm', rows: s.rows, cols: s.cols, inputChannels: s.inputChannels, hidden: s.hidden, seed: 1 }),
  },
  {
    name: 'conv-lstm',
    config: (s) => ({ kind: 'conv-lstm', rows: s.rows, cols: s.cols, inputChannels: s.inputChannels, hidden: s.hidden, seed: 1 }),
  },
  {
    // the same ConvLSTM trained with gradient checkpointing: the memory / time trade-off
    name: 'conv-lstm-checkpointed',
    config: (s) => ({
      kind: 'conv-lstm', rows: s.rows, cols: s.cols, inputChannels: s.inputChannels, hidden: s.hidden, seed: 1, checkpointEvery: 2,
    }),
  },
  {
    name: 'phys-conv-lstm',
    config: (s) => ({ kind: 'phys-conv-lstm', rows: s.rows, cols: s.cols, inputChannels: s.inputChannels, hidden: s.hidden, seed: 1, spinUpYears: 1 }),
    context: physicsBenchContext,
    needsStartDays: true,
  },
  {
    name: 'physics-only',
    config: (s) => ({ kind: 'physics-only', rows: s.rows, cols: s.cols, inputChannels: s.inputChannels, seed: 1, spinUpYears: 1 }),
    context: physicsBenchContext,
    needsStartDays: true,
  },
];

/** The physics models need a dataset (static layers, normalization): one virtual-basin year, cut to the bench grid. */
async function physicsBenchContext(s: BenchSize): Promise<ModelContext> {
  const { generateVirtualBasin } = await import('../data/virtual-basin/generate.ts');
  const { cropDataset } = await import('../physics/grid/dataset-window.ts');
  const full = generateVirtualBasin({ seed: 42, startDate: '1981-01-01', endDate: '1981-12-31' });
  const r0 = Math.max(0, Math.floor((full.grid.nrows - s.rows) / 2));
  const c0 = Math.max(0, Math.floor((full.grid.ncols - s.cols) / 2));
  return { dataset: s.rows === full.grid.nrows && s.cols === full.grid.ncols ? full : cropDataset(full, r0, c0, s.rows, s.cols) };
}

/** What a child process reports for one (backend, model). */
export interface ModelBenchResult {
  model: string;
  backend: string;
  backendDetail: string;
  /** the backend's threads, started as the app starts it (main/compute/backend.ts) */
  threads: number;
  convImpl?: string;
  trainMsPerDay: number[];
  trainCpuMsPerDay: number[];
  inferMsPerDay: number;
  inferDays: number;
  inferTotalMs: number;
  /** one-time set-up before inference (the physics spin-up), not in inferMsPerDay */
  inferSetupMs: number;
  /** conv-lstm only: GFLOP/s of one day's gate GEMM ([cells, 9 (in + hidden)] x [9 (in + hidden), 4 hidden]) */
  gemmGflops?: number;
  trainPeakTensorBytes: number;
  /** growth of the training peak per extra window day (measured at trainDays and 2 x trainDays) */
  trainPeakTensorBytesPerDay: number;
  maxRssBytes: number;
  numTensorsGrowth: number;
}

export interface TorchResult {
  skipped?: string;
  torch?: string;
  device?: 'cpu' | 'cuda';
  gpu?: string;
  threads?: number;
  ms_per_day_train?: number;
  ms_per_day_infer?: number;
}

const CHILD = path.join('scripts', 'bench', 'models-bench-child.ts');
const TORCH_SCRIPT = path.join('scripts', 'bench', 'torch_convlstm_step.py');
const PYTHON = '/usr/bin/python3';

function runChild(backend: string, caseName: string, quick: boolean): ModelBenchResult {
  const args = ['--import', 'tsx', CHILD, '--backend', backend, '--model', caseName, ...(quick ? ['--quick'] : [])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (r.status !== 0 || !line) {
    const why = (r.stderr || r.stdout || '').trim().split('\n').slice(-3).join(' | ');
    throw new Error(`exit ${r.status}: ${why}`);
  }
  return JSON.parse(line) as ModelBenchResult;
}

/** Times the same ConvLSTM step in PyTorch; `skipped` says why when it cannot. */
/** where PyTorch runs: VEGDYN_BENCH_TORCH_DEVICE=cuda for the GPU comparison, else the CPU */
export function torchDevice(): 'cpu' | 'cuda' {
  const d = process.env.VEGDYN_BENCH_TORCH_DEVICE ?? 'cpu';
  if (d !== 'cpu' && d !== 'cuda') throw new Error(`VEGDYN_BENCH_TORCH_DEVICE: expected cpu or cuda, got '${d}'`);
  return d;
}

export function runTorch(size: BenchSize): TorchResult {
  const python = process.env.VEGDYN_BENCH_PYTHON ?? PYTHON;
  if (!existsSync(python)) return { skipped: `${python} not found` };
  const r = spawnSync(python, [
    TORCH_SCRIPT, '--rows', String(size.rows), '--cols', String(size.cols), '--channels', String(size.inputChannels),
    '--hidden', String(size.hidden), '--days', String(size.trainDays), '--reps', String(size.reps), '--threads', '2', '--device', torchDevice(),
  ], { encoding: 'utf8' });
  if (r.error) return { skipped: `python3 failed to start: ${r.error.message}` };
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as TorchResult;
  } catch {
    return { skipped: `python3 exited ${r.status}: ${(r.stderr || '').trim().split('\n').pop() ?? ''}` };
  }
}

const MEMORY_CHILD = path.join('main', 'bench', 'paper-step-memory-child.ts');
/** wasm32's linear memory cannot grow past 4 GiB: the hard limit of the tfjs heap on wasm */
const WASM_HEAP_LIMIT = 4 * 1024 ** 3;

function runMemoryChild(model: string, window: number, warmup: number): PaperStepMemoryResult {
  const args = ['--import', 'tsx', MEMORY_CHILD, '--model', model, '--window', String(window), '--warmup', String(warmup), '--batch', String(PAPER_BATCH)];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (r.status !== 0 || !line) {
    const why = (r.stderr || r.stdout || '').trim().split('\n').slice(-3).join(' | ');
    throw new Error(`exit ${r.status ?? r.signal}: ${why}`);
  }
  return JSON.parse(line) as PaperStepMemoryResult;
}

/**
 * Peak memory of one training step with the paper preset's model options (gradient
 * checkpointing), batch 4, hidden 64, 63 x 54, measured in a child process (VmHWM, wasm heap).
 * VEGDYN_BENCH_PAPER_STEP=full runs the paper's 730-day window (365 warm-up + 365 counted days:
 * 549 s measured, peak RSS 2.50 GiB, wasm heap 2.30 GiB, load ~2 on 2 cores); by default two shorter windows are measured and the peak is
 * extrapolated linearly in the counted days (with checkpointing the memory is a constant, one
 * segment's activations, plus a per-day part, the checkpoints), and reported as such.
 * VEGDYN_BENCH_PAPER_STEP=off skips it.
 */
function paperStepMemory(report: BenchReporter): void {
  const mode = process.env.VEGDYN_BENCH_PAPER_STEP ?? 'short';
  if (mode === 'off') return;
  const counted = PAPER_WINDOW_DAYS / 2;
  const runs: [number, number][] = mode === 'full' ? [[PAPER_WINDOW_DAYS, counted]] : [[40, 10], [70, 10]];
  for (const model of ['conv-lstm', 'phys-conv-lstm']) {
    const results: PaperStepMemoryResult[] = [];
    for (const [window, warmup] of runs) {
      try {
        report.note(`${model} paper-size step, window ${window}: load average ${loadavgText()} before`);
        results.push(runMemoryChild(model, window, warmup));
      } catch (err) {
        report.note(`${model} paper-size step (window ${window}, warm-up ${warmup}, batch ${PAPER_BATCH}) failed: ${(err as Error).message}`);
        return;
      }
    }
    for (const r of results) {
      const what = `${model} one training step, window ${r.windowDays} (${r.windowDays - r.warmupDays} counted), batch ${r.batch}, checkpointEvery ${r.checkpointEvery}`;
      report.figure(`${what}: peak RSS`, r.vmHwmBytes / 1024 ** 3, 'GiB', `measured: VmHWM of the child process; ${(r.stepMs / 1000).toFixed(0)} s for the step`);
      if (r.wasmHeapBytes !== null) report.figure(`${what}: wasm heap`, r.wasmHeapBytes / 1024 ** 3, 'GiB', 'measured: linear-memory size after the step (it only grows); wasm32 limit 4 GiB');
    }
    if (results.length === 2) {
      const [a, b] = results as [PaperStepMemoryResult, PaperStepMemoryResult];
      const da = a.windowDays - a.warmupDays;
      const db = b.windowDays - b.warmupDays;
      const at = (va: number, vb: number) => va + ((vb - va) / (db - da)) * (counted - da);
      report.figure(`${model} paper step (${counted} counted days, batch ${PAPER_BATCH}): peak RSS`, at(a.vmHwmBytes, b.vmHwmBytes) / 1024 ** 3, 'GiB',
        `EXTRAPOLATED linearly from the two measured windows above (VEGDYN_BENCH_PAPER_STEP=full measures it); target < 8 GiB`);
      if (a.wasmHeapBytes !== null && b.wasmHeapBytes !== null) {
        const heap = at(a.wasmHeapBytes, b.wasmHeapBytes);
        report.figure(`${model} paper step (${counted} counted days, batch ${PAPER_BATCH}): wasm heap`, heap / 1024 ** 3, 'GiB',
          `EXTRAPOLATED likewise; ${heap < WASM_HEAP_LIMIT ? 'within' : 'PAST'} wasm32's 4 GiB limit`);
      }
    }
  }
}

/**
 * The least time a ConvLSTM day can take when the gate GEMMs run at `gflops` and everything else
 * is free: forward 2 N 9 (C + H) 4H FLOPs; training adds the weight gradient (the same again)
 * and the gradient into the previous state (the recurrent part, 2 N 9 H 4H; the inputs need none).
 */
export function convLstmFloors(size: BenchSize, gflops: number): { trainMsPerDay: number; inferMsPerDay: number } {
  const n = size.rows * size.cols;
  const forward = 2 * n * 9 * (size.inputChannels + size.hidden) * 4 * size.hidden;
  const stateGrad = 2 * n * 9 * size.hidden * 4 * size.hidden;
  return { trainMsPerDay: (2 * forward + stateGrad) / (gflops * 1e6), inferMsPerDay: forward / (gflops * 1e6) };
}

async function defaultBackend(): Promise<BackendReport> {
  const { initComputeBackend } = await import('../compute/backend.ts');
  return initComputeBackend();
}

const WEBGPU_AGREEMENT_CHILD = path.join('test', 'unit', 'tfjs', 'webgpu-agreement-child.ts');

/**
 * webgpu on a software adapter: no speed figures (they would time the CPU), but the agreement
 * with wasm per model, from the same child process the unit test runs.
 */
function webgpuCorrectness(report: BenchReporter, backend: BackendReport): void {
  const a = backend.webgpuAdapter;
  const attempt = backend.attempts.find((t) => t.name === 'webgpu');
  if (!a) {
    report.note(`webgpu not benched: ${attempt?.reason ?? 'not tried'}`);
    return;
  }
  if (!a.software) return;
  report.note(`webgpu speed skipped: the adapter (${a.vendor} ${a.architecture} ${a.description}) is a software one (${a.software}); it computes on the CPU, so its timings say nothing about a GPU. Agreement with wasm instead (6 x 5 grid, hidden 4, 4 days):`);
  if (!existsSync(WEBGPU_AGREEMENT_CHILD)) {
    report.note(`webgpu agreement skipped: ${WEBGPU_AGREEMENT_CHILD} is not in this tree`);
    return;
  }
  const r = spawnSync(process.execPath, ['--import', 'tsx', WEBGPU_AGREEMENT_CHILD], {
    encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, env: { ...process.env, VEGDYN_BACKEND: undefined, VEGDYN_WASM_THREADS: '1' },
  });
  const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (r.status !== 0 || !line) {
    report.note(`webgpu agreement failed: exit ${r.status ?? r.signal}: ${(r.stderr || '').trim().split('\n').slice(-2).join(' | ')}`);
    return;
  }
  const res = JSON.parse(line) as {
    models: Record<string, { lai: number; inference: number; grads: Record<string, { rel: number }>; memory: { numTensors: number[] } }>;
    leaf: { an: number; dAnDVcmax25: number; dAnDBtran: number };
  };
  for (const [kind, m] of Object.entries(res.models)) {
    const grad = Math.max(...Object.values(m.grads).map((g) => g.rel));
    report.figure(`${kind} [webgpu vs wasm] outputs`, Math.max(m.lai, m.inference), 'max rel diff', 'training and inference forward; target < 1e-4');
    report.figure(`${kind} [webgpu vs wasm] gradients`, grad, 'max rel diff', `every weight; tensors after 3 steps: ${m.memory.numTensors.join(', ')}`);
  }
  report.figure('leaf solve [webgpu vs wasm] An', res.leaf.an, 'max rel diff', `dAn/dVcmax25 ${res.leaf.dAnDVcmax25.toExponential(1)}, dAn/dbtran ${res.leaf.dAnDBtran.toExponential(1)}; target < 1e-5`);
}

/** 1-, 5- and 15-minute load averages */
function loadavgText(): string {
  return os.loadavg().map((v) => v.toFixed(2)).join(' / ');
}

function mb(bytes: number): number {
  return bytes / (1024 * 1024);
}

export const modelsBench: BenchSuite = {
  name: 'models',
  description: 'LAI models: training ms/day (fwd+bwd), 36-year inference, peak memory, vs PyTorch',
  async run(report: BenchReporter, { quick }) {
    const size = quick ? QUICK_SIZE : PAPER_SIZE;
    const backends = (process.env.VEGDYN_BENCH_BACKENDS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (backends.length === 0) {
      const chosen = await defaultBackend();
      backends.push(chosen.chosen);
      webgpuCorrectness(report, chosen);
    }
    report.note(
      `size ${size.rows}x${size.cols}, ${size.inputChannels} input channels, hidden ${size.hidden}; training window ${size.trainDays} days, batch 1; ` +
      `${size.reps} repetitions, medians${quick ? ' (--quick: reduced size)' : ''}`,
    );
    const convResults: ModelBenchResult[] = [];
    for (const backend of backends) {
      const only = (process.env.VEGDYN_BENCH_MODELS ?? '').split(',').map((m) => m.trim()).filter(Boolean);
      for (const c of MODEL_BENCH_CASES.filter((m) => only.length === 0 || only.includes(m.name))) {
        let r: ModelBenchResult;
        const loadBefore = loadavgText();
        try {
          r = runChild(backend, c.name, quick);
        } catch (err) {
          report.note(`${c.name} on ${backend} failed: ${(err as Error).message}`);
          continue;
        }
        const label = `${c.name} [${r.backend}${r.convImpl ? `, ${r.convImpl}` : ''}]`;
        // the machine is shared: the load says how much of it these figures had
        report.note(`${label}: load average ${loadBefore} before, ${loadavgText()} after`);
        report.figure(`${label} backend threads`, r.threads, 'threads', `as the app runs it: ${r.backendDetail}`);
        report.figure(`${label} train fwd+bwd`, median(r.trainMsPerDay), 'ms/day', `cpu ${median(r.trainCpuMsPerDay).toFixed(1)} ms/day; samples ${r.trainMsPerDay.map((v) => v.toFixed(1)).join(', ')}`);
        report.figure(`${label} inference`, r.inferMsPerDay, 'ms/day', `${r.inferDays} days in chunks of ${size.chunkDays}`);
        const full = r.inferDays >= RECORD_DAYS;
        if (r.inferSetupMs >= 1) report.figure(`${label} inference set-up (spin-up)`, r.inferSetupMs / 1000, 's', 'once per run, before the first day; included in the 36-year figure');
        report.figure(`${label} inference, 36 years`, (r.inferSetupMs + (full ? r.inferTotalMs : r.inferMsPerDay * RECORD_DAYS)) / 1000, 's',
          `${full ? `all ${RECORD_DAYS} days run` : `extrapolated from ${r.inferDays} days (VEGDYN_BENCH_FULL_RECORD=1 runs all ${RECORD_DAYS})`}${r.backend === 'webgpu' ? '; target on a GPU < 30 s' : ''}`);
        report.figure(`${label} peak RSS`, mb(r.maxRssBytes), 'MiB', 'whole child process: training + inference');
        report.figure(`${label} peak tensor memory, training`, mb(r.trainPeakTensorBytes), 'MiB', `window ${size.trainDays} days, batch 1`);
        const paperBytes = (r.trainPeakTensorBytes + r.trainPeakTensorBytesPerDay * (PAPER_WINDOW_DAYS - size.trainDays)) * PAPER_BATCH;
        report.figure(`${label} training memory, paper window, as benched`, mb(paperBytes) / 1024, 'GiB',
          `estimated for this case's config (the paper preset's checkpointing is measured below): peak at ${size.trainDays} days + ${mb(r.trainPeakTensorBytesPerDay).toFixed(2)} MiB per extra day (measured at ${size.trainDays} and ${2 * size.trainDays}), ` +
          `to ${PAPER_WINDOW_DAYS} days, x batch ${PAPER_BATCH}; target < 8 GiB`);
        if (c.name.includes('conv-lstm')) {
          // multiply-adds of the gate convolution over [x, h] (the head's are < 1 %)
          const flopsPerDay = 2 * size.rows * size.cols * 9 * (size.inputChannels + (c.name === 'phys-conv-lstm' ? 1 : 0) + size.hidden) * 4 * size.hidden;
          report.figure(`${label} inference, achieved`, flopsPerDay / (r.inferMsPerDay * 1e6), 'GFLOP/s',
            `${(flopsPerDay / 1e9).toFixed(2)} GFLOP per day in the gate convolution; 36 years in 2 min would need ${(flopsPerDay * RECORD_DAYS / 120e9).toFixed(0)} GFLOP/s`);
        }
        if (r.gemmGflops !== undefined) {
          const floor = convLstmFloors(size, r.gemmGflops);
          report.figure(`${label} backend matMul rate`, r.gemmGflops, 'GFLOP/s',
            `measured on one day's gate GEMM [${size.rows * size.cols}, ${9 * (size.inputChannels + size.hidden)}] x [${9 * (size.inputChannels + size.hidden)}, ${4 * size.hidden}]: the rate the ConvLSTM figures are bounded by`);
          report.figure(`${label} training floor at that rate`, floor.trainMsPerDay, 'ms/day', 'forward GEMM + weight gradient + state gradient (recurrent part), nothing else');
          report.figure(`${label} 36-year inference floor at that rate`, floor.inferMsPerDay * RECORD_DAYS / 1000, 's', 'the forward GEMM alone, every day of the record');
        }
        if (r.numTensorsGrowth !== 0) report.note(`${label}: tf.memory().numTensors grew by ${r.numTensorsGrowth} across steps`);
        if (c.name.startsWith('conv-lstm')) convResults.push(r);
      }
    }
    if (!quick) paperStepMemory(report);
    const torchLoad = loadavgText();
    const torch = runTorch(size);
    if (torch.skipped || torch.ms_per_day_train === undefined) {
      report.note(`PyTorch comparison skipped: ${torch.skipped ?? 'no result'}`);
      return;
    }
    const where = torch.device === 'cuda' ? `CUDA, ${torch.gpu ?? 'GPU'}` : `${torch.threads} threads`;
    report.figure(`PyTorch ${torch.torch} ConvLSTM train fwd+bwd (${where})`, torch.ms_per_day_train, 'ms/day', `same model, window, batch; same run; load average ${torchLoad} before`);
    if (torch.ms_per_day_infer !== undefined) report.figure(`PyTorch ConvLSTM inference (${where})`, torch.ms_per_day_infer, 'ms/day');
    for (const r of convResults) {
      const ours = median(r.trainMsPerDay);
      // the issue's targets: 0.3x PyTorch on the same CPU cores; 1.0x PyTorch CUDA for webgpu on the same GPU
      const target = torch.device === 'cuda' ? 1.0 : 0.3;
      report.figure(`${r.model} [${r.backend}] / PyTorch${torch.device === 'cuda' ? ' CUDA' : ''} training throughput`, torch.ms_per_day_train / ours, 'x', `${r.backendDetail}; target >= ${target}`);
      if (r.gemmGflops !== undefined) {
        const floor = convLstmFloors(size, r.gemmGflops);
        report.figure(`${r.model} [${r.backend}] / PyTorch training throughput, at best`, torch.ms_per_day_train / floor.trainMsPerDay, 'x',
          `if the step were nothing but its GEMMs at the measured ${r.gemmGflops.toFixed(1)} GFLOP/s (${floor.trainMsPerDay.toFixed(1)} ms/day)`);
      }
    }
  },
};
