/**
 * Seeded weight initializers. Each variable gets its own seed derived from the model seed and a
 * per-variable index, so adding a variable never changes the others' initial values.
 */
import * as tf from '@tensorflow/tfjs';

/** Glorot (Xavier) uniform: U(-l, l), l = sqrt(6 / (fanIn + fanOut)). */
export function glorotUniform(shape: number[], fanIn: number, fanOut: number, seed: number): tf.Tensor {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return tf.randomUniform(shape, -limit, limit, 'float32', seed);
}

/** A per-variable seed: stable, distinct for distinct (modelSeed, index). */
export function subSeed(modelSeed: number, index: number): number {
  return (Math.imul(modelSeed + 1, 2654435761) ^ Math.imul(index + 1, 40503)) >>> 0;
}

/**
 * A variable initialised from `init` (the initial tensor is freed). Its model-level name lives in
 * NamedVariable, not in tfjs: tfjs variable names are global, and two models of one kind (the
 * trainer's current and best, a test's original and reload) must coexist.
 */
export function makeVariable(name: string, init: tf.Tensor, trainable = true): { name: string; variable: tf.Variable } {
  const variable = tf.variable(init, trainable);
  init.dispose();
  return { name, variable };
}
