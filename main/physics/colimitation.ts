/**
 * Roots of a x^2 + b x + c = 0 in the cancellation-free form (q = -(b + sign(b) sqrt(disc)) / 2,
 * roots q / a and c / q), and the smooth co-limitation of two rates built on it.
 * Negative discriminants are clamped to zero so that values and gradients stay finite.
 */
import * as tf from '@tensorflow/tfjs';
import { QUADRATIC_EPS } from './constants.ts';

type T = tf.Tensor;

function roots(a: T | number, b: T, c: T): { r1: T; r2: T } {
  const disc = tf.relu(tf.sub(tf.square(b), tf.mul(tf.mul(4, a), c)));
  const sq = tf.sqrt(tf.add(disc, QUADRATIC_EPS));
  const q = tf.mul(-0.5, tf.where(tf.greaterEqual(b, 0), tf.add(b, sq), tf.sub(b, sq)));
  const r1 = tf.div(q, a);
  // comparisons on differentiable values use greaterEqual only: it is the one comparison kernel with a (zero) gradient in tfjs
  const qNonZero = tf.greaterEqual(tf.abs(q), 1e-30);
  const r2 = tf.where(qNonZero, tf.div(c, tf.add(q, QUADRATIC_EPS)), tf.fill(q.shape, 1e36));
  return { r1, r2 };
}

/** The smaller root of a x^2 + b x + c = 0 (elementwise). */
export function quadraticMinRoot(a: T | number, b: T, c: T): T {
  return tf.tidy(() => {
    const { r1, r2 } = roots(a, b, c);
    return tf.minimum(r1, r2);
  });
}

/** The larger root of a x^2 + b x + c = 0 (elementwise). */
export function quadraticMaxRoot(a: T | number, b: T, c: T): T {
  return tf.tidy(() => {
    const { r1, r2 } = roots(a, b, c);
    return tf.maximum(r1, r2);
  });
}

/**
 * Smooth minimum of two rates: the smaller root of theta A^2 - (r1 + r2) A + r1 r2 = 0.
 * theta -> 1 gives min(r1, r2); smaller theta rounds the corner. Rates in any units, same shape.
 */
export function colimit(theta: number, rate1: T, rate2: T): T {
  return tf.tidy(() => quadraticMinRoot(theta, tf.neg(tf.add(rate1, rate2)), tf.mul(rate1, rate2)));
}

/**
 * Derivative of the co-limited rate A = colimit(theta, r1, r2) given the derivatives of r1 and r2
 * (implicit differentiation of the quadratic): dA = (dr1 (A - r2) + dr2 (A - r1)) / (2 theta A - r1 - r2).
 */
export function colimitDerivative(theta: number, colimited: T, rate1: T, rate2: T, dRate1: T, dRate2: T): T {
  return tf.tidy(() => {
    const num = tf.add(tf.mul(dRate1, tf.sub(colimited, rate2)), tf.mul(dRate2, tf.sub(colimited, rate1)));
    const den = tf.sub(tf.mul(2 * theta, colimited), tf.add(rate1, rate2));
    // den = -sqrt(discriminant) <= 0; keep it away from 0 so the derivative stays finite
    return tf.div(num, tf.minimum(den, -QUADRATIC_EPS));
  });
}
