/**
 * Gradient checkpointing for a recurrence over days: the one implementation behind the ConvLSTM
 * (main/models/conv-lstm.ts) and the grid process model (main/physics/grid/checkpointed-run.ts).
 *
 * Why: under a gradient tape tfjs keeps every step's intermediates until the backward pass, so
 * memory grows with the window (the ConvLSTM ~6 MiB per day at batch 1, the process model ~7 MiB
 * per day per batch element on the 63 x 54 grid); at the paper preset that passes wasm32's 4 GiB.
 *
 * How: the whole recurrence is ONE custom-gradient op. Its forward runs the days segment by
 * segment without a tape and keeps only the state at the start of each segment; its backward
 * walks the segments from last to first, re-runs each one under a nested tape from its saved
 * state, backpropagates that segment's output gradients plus the state gradient carried from
 * the segment after it, and frees everything of the segment before the next. (One op per segment
 * would leave memory O(T): tfjs keeps every intermediate gradient until the whole pass ends.)
 * Memory: one state per segment plus one segment's activations; compute: one extra forward.
 * The gradients are the plain run's (tested by both users).
 */
import * as tf from '@tensorflow/tfjs';
import { nestedGradients } from './engine-tape.ts';

export interface CheckpointedScan {
  /** days in the recurrence */
  steps: number;
  /** days per segment (> 0) */
  every: number;
  /** per-day inputs, each [batch, steps, ...]; sliced per segment on axis 1 */
  sequences: readonly tf.Tensor[];
  /** whether gradients flow to `sequences` (false: they are data, like the forcing) */
  sequenceGradients: boolean;
  /** the carried state at day 0, each [batch, ...] */
  state: readonly tf.Tensor[];
  /** differentiable inputs that every day uses (weights, parameters) */
  params: readonly tf.Tensor[];
  /**
   * recompute and backpropagate one batch element at a time in the backward pass (the elements
   * must be independent): one element's activations at a time instead of the batch's
   */
  backwardPerElement: boolean;
  /**
   * Runs the days [t0, t0 + days) where days is the sequences' axis 1: returns the state after
   * them and the segment's outputs day-major, [days, batch, ...]. It must compute from its
   * arguments only (re-runs pass other tensors) and must not free them; any batch size.
   */
  segment(t0: number, sequences: tf.Tensor[], state: tf.Tensor[], params: tf.Tensor[]): { state: tf.Tensor[]; outputs: tf.Tensor };
}

/**
 * Runs `scan` checkpointed; call it only while a gradient is recorded (without one, run the
 * segment function straight through). Returns the final state (shapes as given) and the outputs
 * of all days, day-major [steps, batch, ...]. Frees nothing it was given.
 */
export function checkpointedScan(scan: CheckpointedScan): { state: tf.Tensor[]; outputs: tf.Tensor } {
  const { steps, every, sequences, state, params } = scan;
  if (!(every > 0) || !Number.isInteger(every)) throw new Error(`checkpointedScan: every must be a positive integer, got ${every}`);
  if (state.length === 0) throw new Error('checkpointedScan: no state to carry');
  const batch = state[0]!.shape[0]!;
  const starts: number[] = [];
  for (let t0 = 0; t0 < steps; t0 += every) starts.push(t0);
  const days = (s: number) => Math.min(every, steps - starts[s]!);
  // sizes per batch element
  const stateSizes = state.map((t) => t.size / batch);
  const stateTotal = stateSizes.reduce((a, v) => a + v, 0);
  let outRest: number[] | undefined; // one output day of one element: set by the first segment run
  const outSize = () => outRest!.reduce((a, v) => a * v, 1);
  const nSeq = scan.sequenceGradients ? sequences.length : 0;
  const nState = state.length;

  /** `n` elements from `e` of sequence q over segment s's days */
  const seqSlice = (q: tf.Tensor, s: number, e: number, n: number) =>
    tf.slice(q, [e, starts[s]!, ...q.shape.slice(2).map(() => 0)], [n, days(s), ...q.shape.slice(2)]);
  /** one segment packed flat as [state..., outputs] */
  const runPacked = (s: number, seqs: tf.Tensor[], st: tf.Tensor[], ps: tf.Tensor[]): tf.Tensor1D => {
    const r = scan.segment(starts[s]!, seqs, st, ps);
    outRest ??= r.outputs.shape.slice(2);
    const packed = tf.concat([...r.state.map((t) => t.reshape([-1])), r.outputs.reshape([-1])]) as tf.Tensor1D;
    const given = new Set<tf.Tensor>([...seqs, ...st, ...ps]);
    tf.dispose([...r.state, r.outputs].filter((t) => !given.has(t)));
    return packed;
  };
  /** packed -> state tensors of `n` elements, and the flat outputs */
  const unpack = (packed: tf.Tensor1D, n: number): { st: tf.Tensor[]; out: tf.Tensor1D } => {
    const parts = tf.split(packed, [...stateSizes.map((z) => z * n), packed.size - stateTotal * n]);
    const st = parts.slice(0, nState).map((p, i) => p.reshape([n, ...state[i]!.shape.slice(1)]));
    tf.dispose(parts.slice(0, nState));
    return { st, out: parts[nState] as tf.Tensor1D };
  };

  const op = tf.customGrad((...args: (tf.Tensor | ((ts: tf.Tensor[]) => void))[]) => {
    const save = args.pop() as (ts: tf.Tensor[]) => void;
    const inputs = args as tf.Tensor[];
    const seqIn = scan.sequenceGradients ? inputs.slice(0, nSeq) : [...sequences];
    const stIn = inputs.slice(nSeq, nSeq + nState);
    const ps = inputs.slice(nSeq + nState);
    // forward: untaped (tfjs records nothing inside a custom op's forward)
    const checkpoints: tf.Tensor[] = [];
    const outs: tf.Tensor[] = [];
    let st = stIn;
    for (let s = 0; s < starts.length; s++) {
      checkpoints.push(...st);
      const seqs = seqIn.map((q) => seqSlice(q, s, 0, batch));
      const packed = runPacked(s, seqs, st, ps);
      tf.dispose(seqs);
      const u = unpack(packed, batch);
      packed.dispose();
      st = u.st;
      outs.push(u.out);
    }
    // everything the backward re-runs from (saved copies: the originals are freed here)
    save([...seqIn, ...ps, ...checkpoints]);
    tf.dispose(checkpoints.slice(nState));
    const value = tf.concat([...st.map((t) => t.reshape([-1])), ...outs]) as tf.Tensor1D;
    tf.dispose([...st, ...outs]);
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const seqSaved = saved.slice(0, seqIn.length);
        const psSaved = saved.slice(seqIn.length, seqIn.length + ps.length);
        const cps = saved.slice(seqIn.length + ps.length);
        const g = unpack(dy as tf.Tensor1D, batch);
        let dState = g.st;
        const dOut = g.out.reshape([steps, batch, outSize()]);
        g.out.dispose();
        let dParams: tf.Tensor[] | undefined;
        const dSeqs: tf.Tensor[][] = new Array<tf.Tensor[]>(starts.length);
        const chunks = scan.backwardPerElement ? Array.from({ length: batch }, (_, e) => [e, 1] as const) : [[0, batch] as const];
        for (let s = starts.length - 1; s >= 0; s--) {
          const parts: tf.Tensor[][] = [];
          for (const [e, n] of chunks) {
            const grads = tf.tidy(() => {
              const whole = n === batch;
              const seqs = seqSaved.map((q) => seqSlice(q, s, e, n));
              const stE = cps.slice(s * nState, (s + 1) * nState).map((t) => (whole ? t : tf.slice(t, e, n)));
              const dSeg = tf.concat([
                ...dState.map((d) => (whole ? d : tf.slice(d, e, n)).reshape([-1])),
                tf.slice(dOut, [starts[s]!, e, 0], [days(s), n, -1]).reshape([-1]),
              ]);
              const xs = [...(scan.sequenceGradients ? seqs : []), ...stE, ...psSaved];
              return nestedGradients(() => runPacked(s, seqs, stE, psSaved), xs, dSeg);
            });
            parts.push(grads);
            const dp = grads.slice(nSeq + nState);
            if (!dParams) dParams = dp;
            else {
              const sum = dParams.map((d, i) => tf.add(d, dp[i]!));
              tf.dispose([...dParams, ...dp]);
              dParams = sum;
            }
          }
          tf.dispose(dState);
          const joined = (i: number) => (parts.length === 1 ? parts[0]![i]! : tf.concat(parts.map((p) => p[i]!), 0));
          dSeqs[s] = Array.from({ length: nSeq }, (_, i) => joined(i));
          dState = Array.from({ length: nState }, (_, i) => joined(nSeq + i));
          if (parts.length > 1) tf.dispose(parts.flatMap((p) => p.slice(0, nSeq + nState)));
        }
        dOut.dispose();
        const dSeq = Array.from({ length: nSeq }, (_, i) => {
          if (starts.length === 1) return dSeqs[0]![i]!;
          const bySegment = dSeqs.map((d) => d[i]!);
          const whole = tf.concat(bySegment, 1);
          tf.dispose(bySegment);
          return whole;
        });
        return [...dSeq, ...dState, ...dParams!];
      },
    };
  });

  const packed = op(...(scan.sequenceGradients ? sequences : []), ...state, ...params) as tf.Tensor1D;
  const u = unpack(packed, batch);
  packed.dispose();
  const outputs = u.out.reshape([steps, batch, ...outRest!]);
  u.out.dispose();
  return { state: u.st, outputs };
}
