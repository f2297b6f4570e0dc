/**
 * Chunked inference: runs a model over a long day range in chunks of `chunkDays`, carrying the
 * recurrent state from chunk to chunk (decades do not fit in one graph), and returns LAI
 * [day][cell]. Each chunk runs in its own tf.tidy; only the carried state survives it.
 */
import * as tf from '@tensorflow/tfjs';
import type { LaiModel, ModelState } from '../models/model.ts';
import { disposeState } from '../models/model.ts';
import type { FeatureBuilder } from './features.ts';
import type { DayRange } from '../data/time-axis.ts';

export interface PredictOptions {
  readonly chunkDays: number;
  /** false: return normalized LAI (as the model outputs); true (default): LAI in m2 m-2 */
  readonly denormalize?: boolean;
  readonly signal?: AbortSignal;
  /** called after each chunk with the number of days done */
  readonly onChunk?: (daysDone: number, daysTotal: number) => void;
}

/**
 * @returns Float32Array [range.end - range.start][cell]; NaN outside the basin mask
 */
export async function predictRange(model: LaiModel, features: FeatureBuilder, range: DayRange, opts: PredictOptions): Promise<Float32Array> {
  const { grid, mask } = features.dataset;
  const C = features.cells;
  const ch = features.channelCount;
  const total = range.end - range.start;
  const out = new Float32Array(total * C);
  const denorm = opts.denormalize ?? true;
  let state: ModelState | undefined;
  try {
    for (let s = range.start; s < range.end; s += opts.chunkDays) {
      opts.signal?.throwIfAborted();
      const len = Math.min(opts.chunkDays, range.end - s);
      const inputs = features.inputs(s, len);
      const prev = state;
      const { lai, next } = tf.tidy(() => {
        const x = tf.tensor5d(inputs, [1, len, grid.nrows, grid.ncols, ch]);
        const r = model.forward(x, { state: prev, startDays: [s], training: false });
        return { lai: r.lai, next: [...r.state.tensors] };
      });
      disposeState(prev);
      state = { tensors: next };
      const values = (await lai.data()) as Float32Array;
      lai.dispose();
      const base = (s - range.start) * C;
      const lai2 = denorm ? features.toLai(values.slice(), s) : values;
      for (let t = 0; t < len; t++) {
        for (let c = 0; c < C; c++) out[base + t * C + c] = mask[c] ? lai2[t * C + c]! : NaN;
      }
      opts.onChunk?.(s + len - range.start, total);
      // let cancel messages and progress events through between chunks
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    disposeState(state);
  }
  return out;
}
