/**
 * The grid process model's run with gradient checkpointing (main/tfjs/gradient-checkpointing.ts,
 * the implementation the ConvLSTM uses too).
 *
 * Why: under a gradient tape tfjs keeps every day's intermediates of the daily loop, ~7 MiB per
 * day per batch element on the 63 x 54 grid (measured with the physics-encoded ConvLSTM: its
 * wasm heap grew 28 MiB per counted day at batch 4), so the paper preset's 365 trained days x
 * batch 4 would need ~10 GiB, past wasm32's 4 GiB heap. Checkpointed, the memory is one state
 * per segment plus one segment's activations, for one extra forward; gradients are the plain
 * run's (tested).
 *
 * Differentiable inputs: the parameters (per PFT or per cell) and the initial state. The forcing is data.
 */
import * as tf from '@tensorflow/tfjs';
import { checkpointedScan } from '../../tfjs/gradient-checkpointing.ts';
import { isPerCell, parameterList, parametersFromList, type ProcessParameters } from './learned-parameters.ts';
import { STATE_NAMES, type GridProcessModel, type ProcessState, type RawForcing, type RunResult } from './process-model.ts';

const FORCING_KEYS = ['Rainf', 'Tair', 'PSurf', 'Qair', 'LWdown', 'SWdown'] as const satisfies readonly (keyof RawForcing)[];

/**
 * process.run(...), checkpointed every `every` days when the caller records a gradient
 * (`recordGradients`) and the chunk is longer than one segment; otherwise the plain run. Returns
 * LAI and the final state (no fluxes or state series).
 */
export function runProcess(
  process: GridProcessModel,
  forcing: RawForcing,
  startDate: string,
  startDays: readonly number[],
  params: ProcessParameters,
  state0: ProcessState,
  every: number,
  recordGradients: boolean,
): Pick<RunResult, 'lai' | 'state'> {
  const time = forcing.Tair.shape[1];
  if (every <= 0 || time <= every || !recordGradients) return process.run(forcing, startDate, startDays, params, state0);
  const r = checkpointedScan({
    steps: time,
    every,
    sequences: FORCING_KEYS.map((k) => forcing[k]),
    sequenceGradients: false,
    state: STATE_NAMES.map((n) => state0[n]),
    params: parameterList(params),
    backwardPerElement: false,
    segment: (t0, seqs, st, ps) => {
      const seg = Object.fromEntries(FORCING_KEYS.map((k, i) => [k, seqs[i]!])) as unknown as RawForcing;
      const values = parametersFromList(ps, isPerCell(params));
      const stateIn = Object.fromEntries(STATE_NAMES.map((n, i) => [n, st[i]!])) as ProcessState;
      const out = process.run(seg, startDate, startDays.map((d) => d + t0), values, stateIn);
      // day-major, as the scan wants its outputs
      const lai = out.lai.transpose([1, 0, 2]);
      out.lai.dispose();
      return { state: STATE_NAMES.map((n) => out.state[n]), outputs: lai };
    },
  });
  const lai = r.outputs.transpose([1, 0, 2]) as tf.Tensor3D;
  r.outputs.dispose();
  const state = Object.fromEntries(STATE_NAMES.map((n, i) => [n, r.state[i]!])) as ProcessState;
  return { lai, state };
}
