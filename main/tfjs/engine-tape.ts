/**
 * The two places VegDyn touches the tfjs engine's gradient tape, which tfjs offers no public
 * option for. Both are used by models and physics through this folder only (main/tfjs/), never by
 * reading or writing the engine's state themselves; tests cover both (test/unit/tfjs/,
 * test/unit/physics-grid/checkpointed-run*.test.ts).
 *
 * tfjs 4.22's engine keeps `state.gradientDepth` (> 0 while a tape records) and one
 * `state.activeTape` (the recorded nodes, each holding the tensors its gradient needs).
 */
import * as tf from '@tensorflow/tfjs';

interface TapeState { gradientDepth: number; activeTape: unknown }

function tapeState(): TapeState {
  return (tf.engine() as unknown as { state: TapeState }).state;
}

/**
 * Runs `f` with the tape paused: nothing `f` computes is recorded for a gradient, nor kept for
 * one. For work under a taped forward that must not be differentiated and would otherwise hold
 * every intermediate until the backward pass (the process model's multi-year spin-up).
 */
export function withoutTape<T>(f: () => T): T {
  const state = tapeState();
  const depth = state.gradientDepth;
  state.gradientDepth = 0;
  try {
    return f();
  } finally {
    state.gradientDepth = depth;
  }
}

/**
 * The gradient of `f` at `xs` times `dy`, computed while another backward pass is running (a
 * checkpointed op recomputes a segment inside its own gradient). A nested tf.grads replaces the
 * engine's one active tape and then clears it, but the outer pass still needs it to free its
 * saved tensors, so it is put back. Inputs `f` does not use get zeros. `f`'s value is freed.
 */
export function nestedGradients(f: () => tf.Tensor, xs: readonly tf.Tensor[], dy: tf.Tensor): tf.Tensor[] {
  const state = tapeState();
  const outer = state.activeTape;
  try {
    const { value, grads } = tf.engine().gradients(f, [...xs], dy, true);
    value.dispose();
    return grads.map((g, i) => g ?? tf.zerosLike(xs[i]!));
  } finally {
    state.activeTape = outer;
  }
}
