/**
 * Batched Newton iteration for N independent scalar equations F_i(x_i; params) = 0, with the
 * gradient of the root taken by implicit differentiation (tf.customGrad):
 *   d(root)/d(theta) = -(dF/d theta) / (dF/dx)   at the converged root,
 * so backpropagation costs one residual evaluation and memory does not grow with iterations.
 * The residual must return dF/dx itself (analytically): inside customGrad's forward pass the
 * tape is off, which is exactly what keeps the iterations out of the gradient graph.
 */
import * as tf from '@tensorflow/tfjs';
import { hasSyncReadback } from '../tfjs/readback.ts';

type T = tf.Tensor;

/**
 * F and dF/dx, both with x's shape. `params` are differentiated; `consts` are not. Every tensor
 * the residual reads must come through these two lists, never a closure: tfjs hands the backward
 * pass clones of what was saved, and closure tensors may be disposed by then.
 */
export type ScalarResidual = (x: T, params: readonly T[], consts: readonly T[]) => { f: T; dfdx: T };

export interface NewtonOptions {
  /** iteration cap */
  readonly maxIterations: number;
  /** converged when every |step| <= relTolerance * (|x| + 1) */
  readonly relTolerance: number;
}

export const DEFAULT_NEWTON: NewtonOptions = Object.freeze({ maxIterations: 30, relTolerance: 1e-6 });

export type NewtonStats = {
  iterations: number;
  converged: boolean;
  /** largest |step| of the last iteration, in x's units */
  lastMaxStep: number;
};

/**
 * The convergence test: max(|step| - relTolerance * (|x| + 1)), a scalar tensor that is <= 0 when
 * every element converged. Callers without synchronous read-back apply it after the solve.
 */
export function stepExcess(step: T, x: T, relTolerance: number): T {
  return tf.tidy(() => tf.max(tf.sub(tf.abs(step), tf.mul(relTolerance, tf.add(tf.abs(x), 1)))));
}

/** Runs Newton from x0 without recording a tape; returns x* (caller owns it). */
export function newtonIterate(residual: ScalarResidual, x0: T, params: readonly T[], consts: readonly T[], options: NewtonOptions = DEFAULT_NEWTON, stats?: NewtonStats): T {
  let x = tf.clone(x0);
  let iterations = 0;
  let lastMaxStep = Number.POSITIVE_INFINITY;
  let converged = false;
  const syncCheck = hasSyncReadback();
  while (iterations < options.maxIterations) {
    const [next, worst] = tf.tidy(() => {
      const { f, dfdx } = residual(x, params, consts);
      const raw = tf.div(f, dfdx);
      // a leaf whose derivative vanished or overflowed keeps its value instead of poisoning the batch
      const step = tf.where(tf.isFinite(raw), raw, tf.zerosLike(raw));
      return [tf.sub(x, step), tf.stack([tf.max(tf.abs(step)), stepExcess(step, x, options.relTolerance)])];
    });
    x.dispose();
    x = next;
    iterations++;
    if (!syncCheck) {
      // no synchronous read-back (webgpu, main/tfjs/readback.ts): every iteration runs, the
      // convergence test is left to the caller (stepExcess after the solve; lastMaxStep stays unknown)
      worst.dispose();
      continue;
    }
    const w = worst.dataSync();
    worst.dispose();
    lastMaxStep = w[0]!;
    if (w[1]! <= 0) {
      converged = true;
      break;
    }
  }
  if (stats) Object.assign(stats, { iterations, converged, lastMaxStep });
  return x;
}

/**
 * The root x* of F(x; params) = 0 (shape of x0), differentiable with respect to every tensor in
 * params by the implicit function theorem. x0 is the starting point and is not differentiated.
 *
 * How: the iterations run inside a customGrad whose gradient is zero (tape off, so nothing of
 * them is kept), then one Newton step x* - F(x*, theta) / F'(x*, theta) is taken with the tape
 * on. Its value is x* (refined by one more step); its gradient is -(dF/dtheta) / (dF/dx) plus a
 * term proportional to F(x*) = 0: exactly the implicit gradient, for the memory of one residual.
 * (A gradFunc that itself called tf.grads would be simpler to read, but tfjs 4 clears the outer
 * tape when a nested tf.grads finishes during backprop.)
 */
export function solveImplicit(residual: ScalarResidual, x0: T, params: readonly T[], consts: readonly T[], options: NewtonOptions = DEFAULT_NEWTON, stats?: NewtonStats): T {
  const shapes = params.map((p) => p.shape);
  const rootWithoutGradient = tf.customGrad((...args: (T | tf.GradSaveFunc)[]) => {
    const p = args.slice(0, -1) as T[];
    return {
      value: newtonIterate(residual, x0, p, consts, options, stats),
      gradFunc: () => shapes.map((s) => tf.zeros(s)),
    };
  });
  return tf.tidy(() => {
    const root = rootWithoutGradient(...params);
    const { f, dfdx } = residual(root, params, consts);
    return tf.sub(root, tf.div(f, dfdx));
  });
}

/**
 * Newton with the tape on through every iteration (reference for tests: its gradient is plain
 * backpropagation through the unrolled iterations, and memory grows with the iteration count).
 */
export function solveUnrolled(residual: ScalarResidual, x0: T, params: readonly T[], consts: readonly T[], iterations: number): T {
  let x: T = x0;
  for (let i = 0; i < iterations; i++) {
    const { f, dfdx } = residual(x, params, consts);
    x = tf.sub(x, tf.div(f, dfdx));
  }
  return x;
}
