/**
 * How large a grid the backend in use can train the ConvLSTM on. Backprop through time keeps the
 * activations of every counted day of every window in a step on the tape, so memory grows with
 * cells x hidden x counted days x batch. The wasm backend is wasm32: its heap cannot pass 4 GiB,
 * and a step that needs more aborts the process. So a grid over the limit is refused before
 * training starts, with the limit and the ways out.
 *
 * The figure per cell is MEASURED (main/bench/paper-step-memory-child.ts, one ConvLSTM training
 * step, wasm, no gradient checkpointing, 20 input channels): see WASM_BYTES_PER_CELL_HIDDEN_DAY.
 */
import { cellCount, type GridSpec } from '../data/grid.ts';
import type { RunConfig } from './run-config.ts';

/** wasm32's hard heap limit */
export const WASM_HEAP_LIMIT_BYTES = 4 * 1024 ** 3;
/** heap kept free for the weights, the optimizer state, the dataset's features and the tfjs pool */
const WASM_HEADROOM = 0.85;

/**
 * Tape bytes per cell, per hidden unit, per counted day of one batch element (ConvLSTM, no
 * gradient checkpointing), from the wasm heap after one step at two grid sizes (docs/own-basin.md,
 * "How large a grid").
 */
export const WASM_BYTES_PER_CELL_HIDDEN_DAY = 650;

export interface GridCapacity {
  readonly cells: number;
  readonly maxCells: number;
  readonly estimateBytes: number;
  readonly fits: boolean;
}

/**
 * Tape bytes per cell of one training step: every counted day of every window in the batch keeps
 * its activations; with gradient checkpointing (every K days) only the state (h and c, float32)
 * every K days is kept plus one segment of K days recomputed with its activations.
 */
function tapeBytesPerCell(config: RunConfig, kind: string): number {
  const per = (config.perModel as Record<string, { batchSize?: number } | undefined>)[kind];
  const batch = per?.batchSize ?? config.batchSize;
  const counted = config.windowDays - config.warmupDays;
  const every = Number((config.modelOptions as Record<string, Record<string, unknown> | undefined>)[kind]?.['checkpointEvery'] ?? 0);
  const day = WASM_BYTES_PER_CELL_HIDDEN_DAY * config.hiddenSize;
  const perWindow = every > 0 ? Math.ceil(counted / every) * 2 * config.hiddenSize * 4 + every * day : counted * day;
  return batch * perWindow;
}

/** The ConvLSTM's training memory on `grid` with `config`, against the wasm heap. */
export function wasmGridCapacity(grid: GridSpec, config: RunConfig, kind = 'conv-lstm'): GridCapacity {
  const perCell = tapeBytesPerCell(config, kind);
  const maxCells = Math.floor((WASM_HEAP_LIMIT_BYTES * WASM_HEADROOM) / perCell);
  const cells = cellCount(grid);
  return { cells, maxCells, estimateBytes: cells * perCell, fits: cells <= maxCells };
}

/** The refusal text: the limit, what was asked, and the ways out. */
export function describeCapacityRefusal(c: GridCapacity, config: RunConfig, backend: string): string {
  const gib = (b: number) => (b / 1024 ** 3).toFixed(1);
  return `the grid has ${c.cells} cells; training the ConvLSTM on the ${backend} backend at hidden ${config.hiddenSize}, ` +
    `${config.batchSize} window(s) of ${config.windowDays - config.warmupDays} counted days per step needs about ${gib(c.estimateBytes)} GiB ` +
    `of its ${gib(WASM_HEAP_LIMIT_BYTES)} GiB heap, so at most ${c.maxCells} cells fit. Use a smaller extent, a coarser resolution ` +
    '(vegdyn project create --bbox W,S,E,N --resolution DEG), shorter windows or a smaller hidden size, or a faster backend ' +
    '(@tensorflow/tfjs-node or -node-gpu, VEGDYN_BACKEND=tensorflow)';
}

/**
 * Prediction (no tape) on `grid` against the wasm heap: an ESTIMATE from the tensor sizes, not a
 * measurement. predictRange holds one chunk of inputs [chunk days][cell][channel] and outputs, and
 * a ConvLSTM step's im2col patches (9 x (channels + hidden)), gates (4 x hidden) and state (2 x
 * hidden) per cell, all float32, with tfjs keeping up to about twice that alive at once.
 */
export function wasmInferenceCapacity(grid: GridSpec, config: RunConfig, channels: number): GridCapacity {
  const hid = config.hiddenSize;
  const perCell = 4 * (config.inferenceChunkDays * (channels + 1) + 2 * (9 * (channels + hid) + 4 * hid + 2 * hid));
  const maxCells = Math.floor((WASM_HEAP_LIMIT_BYTES * WASM_HEADROOM) / perCell);
  const cells = cellCount(grid);
  return { cells, maxCells, estimateBytes: cells * perCell, fits: cells <= maxCells };
}

/** The refusal text of a prediction over the heap: the estimate, the limit, and the ways out. */
export function describeInferenceRefusal(c: GridCapacity, config: RunConfig, backend: string): string {
  const gib = (b: number) => (b / 1024 ** 3).toFixed(1);
  return `the grid has ${c.cells} cells; predicting ${config.inferenceChunkDays} days at once (inferenceChunkDays) at hidden ${config.hiddenSize} on the ${backend} backend ` +
    `needs about ${gib(c.estimateBytes)} GiB (estimated) of its ${gib(WASM_HEAP_LIMIT_BYTES)} GiB heap, so at most ${c.maxCells} cells fit. Use a project of a smaller extent ` +
    'or a coarser resolution, or a faster backend (@tensorflow/tfjs-node or -node-gpu, VEGDYN_BACKEND=tensorflow)';
}
