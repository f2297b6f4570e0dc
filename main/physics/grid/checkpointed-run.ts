/**
 * The grid process model's run with gradient checkpointing.
 *
 * Why: under a gradient tape tfjs keeps every day's intermediates of the daily loop, ~7 MiB per
 * day per batch element on the 63 x 54 grid (measured with the physics-encoded ConvLSTM: its
 * wasm heap grew 28 MiB per counted day at batch 4), so the paper preset's 365 trained days x
 * batch 4 would need ~10 GiB, past wasm32's 4 GiB heap.
 *
 * How (the same scheme as ConvLstmLayer.runCheckpointed): the whole run is ONE custom-gradient
 * op. Its forward runs the days segment by segment without a tape and keeps only the state at the
 * start of each segment; its backward walks the segments from last to first, re-runs each one
 * under a nested tape from its saved state, backpropagates that segment's LAI gradient and the
 * state gradient carried from the segment after it, and frees everything of the segment before
 * the next. Memory: one state per segment plus one segment's activations. Compute: one extra
 * forward. Gradients are the plain run's (tested).
 *
 * Differentiable inputs: the per-PFT parameters and the initial state. The forcing is data.
 */
import * as tf from '@tensorflow/tfjs';
import { LEARNED_PARAMETER_NAMES } from './pft-params.ts';
import type { PftParameterTensors } from './learned-parameters.ts';
import { STATE_NAMES, type GridProcessModel, type ProcessState, type RawForcing, type RunResult } from './process-model.ts';

const FORCING_KEYS = ['Rainf', 'Tair', 'PSurf', 'Qair', 'LWdown', 'SWdown'] as const satisfies readonly (keyof RawForcing)[];

/** true while tfjs records operations for a gradient */
function recording(): boolean {
  return (tf.engine() as unknown as { state: { gradientDepth: number } }).state.gradientDepth > 0;
}

/**
 * process.run(...), checkpointed every `every` days when a gradient is being recorded and the
 * chunk is longer than one segment; otherwise the plain run. Returns LAI and the final state
 * (no fluxes or state series).
 */
export function runProcess(
  process: GridProcessModel,
  forcing: RawForcing,
  startDate: string,
  startDays: readonly number[],
  params: PftParameterTensors,
  state0: ProcessState,
  every: number,
): Pick<RunResult, 'lai' | 'state'> {
  const [batch, time, cells] = forcing.Tair.shape;
  if (every <= 0 || time <= every || !recording()) return process.run(forcing, startDate, startDays, params, state0);

  const starts: number[] = [];
  for (let t0 = 0; t0 < time; t0 += every) starts.push(t0);
  const days = (s: number) => Math.min(every, time - starts[s]!);
  const stateSize = batch * cells;
  const nParams = LEARNED_PARAMETER_NAMES.length;

  // one segment from the given state; packed flat as [final state x 6, LAI of its days]
  const segment = (s: number, p: readonly tf.Tensor[], st: readonly tf.Tensor[], f: readonly tf.Tensor[]): tf.Tensor1D => {
    const seg = {} as Record<(typeof FORCING_KEYS)[number], tf.Tensor3D>;
    FORCING_KEYS.forEach((k, i) => {
      seg[k] = tf.slice(f[i]!, [0, starts[s]!, 0], [batch, days(s), cells]) as tf.Tensor3D;
    });
    const values = Object.fromEntries(LEARNED_PARAMETER_NAMES.map((n, i) => [n, p[i]!])) as PftParameterTensors;
    const stateIn = Object.fromEntries(STATE_NAMES.map((n, i) => [n, st[i]!])) as ProcessState;
    const r = process.run(seg, startDate, startDays.map((d) => d + starts[s]!), values, stateIn);
    const packed = tf.concat([...STATE_NAMES.map((n) => r.state[n].reshape([-1])), r.lai.reshape([-1])]) as tf.Tensor1D;
    tf.dispose([...Object.values(seg), r.lai, ...Object.values(r.state)]);
    return packed;
  };
  const unpackState = (packed: tf.Tensor1D): tf.Tensor[] =>
    tf.split(packed.slice(0, STATE_NAMES.length * stateSize), STATE_NAMES.length).map((t) => t.reshape([batch, cells]));

  const op = tf.customGrad((...args: (tf.Tensor | ((ts: tf.Tensor[]) => void))[]) => {
    const save = args.pop() as (ts: tf.Tensor[]) => void;
    const p = args.slice(0, nParams) as tf.Tensor[];
    let st = args.slice(nParams) as tf.Tensor[];
    // forward: untaped (tfjs records nothing inside a custom op's forward)
    const drivers = FORCING_KEYS.map((k) => forcing[k]);
    const checkpoints: tf.Tensor[] = [];
    const laiParts: tf.Tensor[] = [];
    for (let s = 0; s < starts.length; s++) {
      checkpoints.push(...st);
      const packed = segment(s, p, st, drivers);
      st = unpackState(packed);
      laiParts.push(packed.slice(STATE_NAMES.length * stateSize));
      packed.dispose();
    }
    // everything the backward re-runs from: the caller frees its own copies when its forward ends
    save([...p, ...drivers, ...checkpoints]);
    // LAI day-major ([time, batch, cells]), so that each segment's days are one slice of it
    const value = tf.concat([
      ...st.map((t) => t.reshape([-1])),
      ...laiParts.map((l, s) => l.reshape([batch, days(s), cells]).transpose([1, 0, 2]).reshape([-1])),
    ]) as tf.Tensor1D;
    tf.dispose([...st, ...laiParts]);
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const g = dy as tf.Tensor1D;
        const pSaved = saved.slice(0, nParams);
        const fSaved = saved.slice(nParams, nParams + FORCING_KEYS.length);
        const cps = saved.slice(nParams + FORCING_KEYS.length);
        let dState = unpackState(g);
        const laiGrad = g.slice(STATE_NAMES.length * stateSize).reshape([time, batch, cells]);
        let dParams: tf.Tensor[] | undefined;
        const engineState = (tf.engine() as unknown as { state: { activeTape: unknown } }).state;
        for (let s = starts.length - 1; s >= 0; s--) {
          const stIn = cps.slice(s * STATE_NAMES.length, (s + 1) * STATE_NAMES.length);
          const grads = tf.tidy(() => {
            const dLai = laiGrad.slice([starts[s]!, 0, 0], [days(s), batch, cells]).transpose([1, 0, 2]).reshape([-1]);
            const dSeg = tf.concat([...dState.map((d) => d.reshape([-1])), dLai]);
            // a nested tf.grads replaces and then clears the engine's one active tape, which the
            // outer backward pass still needs: put it back
            const outerTape = engineState.activeTape;
            try {
              // allowNoGradients: an input a segment does not use (g1 under Jarvis) gets zeros
              const xs = [...pSaved, ...stIn];
              const { grads: gs } = tf.engine().gradients(() => segment(s, pSaved, stIn, fSaved), xs, dSeg as tf.Tensor1D, true);
              return gs.map((d, i) => d ?? tf.zerosLike(xs[i]!));
            } finally {
              engineState.activeTape = outerTape;
            }
          });
          tf.dispose(dState);
          dState = grads.slice(nParams);
          const dp = grads.slice(0, nParams);
          if (!dParams) dParams = dp;
          else {
            const sum = dParams.map((d, i) => tf.add(d, dp[i]!));
            tf.dispose([...dParams, ...dp]);
            dParams = sum;
          }
        }
        laiGrad.dispose();
        return [...dParams!, ...dState];
      },
    };
  });

  const paramList = LEARNED_PARAMETER_NAMES.map((n) => params[n]);
  const packed = op(...paramList, ...STATE_NAMES.map((n) => state0[n])) as tf.Tensor1D;
  return tf.tidy(() => {
    const st = unpackState(packed);
    const lai = packed.slice(STATE_NAMES.length * stateSize).reshape([time, batch, cells]).transpose([1, 0, 2]) as tf.Tensor3D;
    const state = Object.fromEntries(STATE_NAMES.map((n, i) => [n, st[i]!])) as ProcessState;
    packed.dispose();
    return { lai, state } as unknown as tf.TensorContainer;
  }) as unknown as Pick<RunResult, 'lai' | 'state'>;
}
