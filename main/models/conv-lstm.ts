/**
 * ConvLSTM LAI model: one ConvLSTM layer (k x k kernel, "same" padding, `hidden` channels) ->
 * 1 x 1 convolution -> normalized LAI per cell.
 *
 * Speed design (this runs on wasm / cpu without libtensorflow):
 * - The input convolution does not depend on the state, so it is computed for a block of
 *   `inputBlock` days at once: one big matMul outside the recurrence.
 * - Inside the recurrence, the 4 gates' recurrent convolutions are one matMul per step
 *   (patches of h [N, k*k*hidden] x [k*k*hidden, 4*hidden]).
 * - Each step runs in its own tf.tidy and frees the previous state, so inference over decades
 *   keeps only O(1) steps of intermediates; under a gradient tape tfjs keeps what backprop needs.
 * - Gate order along the 4*hidden axis: input, forget, output (sigmoid), candidate (tanh), so
 *   one sigmoid and one tanh cover all gates.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { conv2dSame, defaultConvImpl, defaultInferenceConvImpl, patches, type ConvImpl } from './conv3x3.ts';
import { glorotUniform, makeVariable, subSeed } from './init.ts';
import { checkpointedScan } from '../tfjs/gradient-checkpointing.ts';
import {
  checkInputs, type ForwardOptions, type ForwardResult, type LaiModel, type ModelState, type NamedVariable,
} from './model.ts';

const positiveInt = z.number().int().positive();

export const convLstmConfigSchema = z.strictObject({
  kind: z.literal('conv-lstm'),
  rows: positiveInt,
  cols: positiveInt,
  inputChannels: positiveInt,
  seed: z.number().int().nonnegative().default(0),
  /** hidden channels of the ConvLSTM layer */
  hidden: positiveInt.default(64),
  /** odd kernel size of the input and recurrent convolutions */
  kernelSize: positiveInt.refine((k) => k % 2 === 1, 'kernelSize must be odd').default(3),
  /** 'auto' picks per backend (conv3x3.ts defaultConvImpl) when forward runs */
  convImpl: z.enum(['auto', 'native', 'patches', 'hybrid']).default('auto'),
  /** days whose input convolution is batched into one matMul (memory vs. speed) */
  inputBlock: positiveInt.default(32),
  /**
   * gradient checkpointing: when training, keep the state every this many days and recompute
   * the days between in the backward pass (memory ~ T/K + K steps instead of T, ~1/3 more
   * compute); 0 = off. Inference is unaffected.
   */
  checkpointEvery: z.number().int().nonnegative().default(0),
  /**
   * initial output-head kernel: 'zeros' makes the untrained model output exactly its bias (0 in
   * normalized units), so a model that learns departures from a baseline starts at that baseline
   */
  headInit: z.enum(['glorot', 'zeros']).default('glorot'),
});
export type ConvLstmConfig = z.infer<typeof convLstmConfigSchema>;
/** what callers may write: fields with defaults may be left out */
export type ConvLstmConfigInput = z.input<typeof convLstmConfigSchema>;

/**
 * tanh(z) = 2 sigmoid(2 z) - 1, exactly; in float32 the two differ by ~1e-7. wasm's Tanh kernel
 * is a scalar loop (~5 ms per [3402, 64] measured with tf.profile, 2 per day) while its
 * Sigmoid is XNNPACK's vectorized one, so the four cheap ops win; differentiable as they are.
 */
function tanhViaSigmoid(z: tf.Tensor): tf.Tensor {
  return tf.sub(tf.mul(tf.sigmoid(tf.mul(z, 2)), 2), 1);
}

/** [inputKernel, recurrentKernel, bias] */
type LayerWeights = [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];

/**
 * The ConvLSTM layer alone (no output head), reusable by other models (the physics-encoded
 * ConvLSTM feeds it climate + physics channels).
 */
export class ConvLstmLayer {
  readonly inputKernel: tf.Variable; // [k*k*inChannels, 4*hidden]
  readonly recurrentKernel: tf.Variable; // [k*k*hidden, 4*hidden]
  readonly bias: tf.Variable; // [4*hidden]

  constructor(
    readonly inChannels: number,
    readonly hidden: number,
    readonly kernelSize: number,
    seed: number,
    private readonly prefix: string,
  ) {
    if (!Number.isInteger(inChannels) || inChannels < 1) throw new Error(`ConvLstmLayer: inChannels must be a positive integer, got ${inChannels}`);
    if (!Number.isInteger(hidden) || hidden < 1) throw new Error(`ConvLstmLayer: hidden must be a positive integer, got ${hidden}`);
    if (!Number.isInteger(kernelSize) || kernelSize < 1 || kernelSize % 2 === 0) throw new Error(`ConvLstmLayer: kernelSize must be odd, got ${kernelSize}`);
    const k2 = kernelSize * kernelSize;
    const h4 = 4 * hidden;
    this.inputKernel = makeVariable('', glorotUniform([k2 * inChannels, h4], k2 * inChannels, h4, subSeed(seed, 0))).variable;
    this.recurrentKernel = makeVariable('', glorotUniform([k2 * hidden, h4], k2 * hidden, h4, subSeed(seed, 1))).variable;
    // forget-gate bias 1 (Jozefowicz et al. 2015): remember by default early in training
    const b = new Float32Array(h4);
    b.fill(1, hidden, 2 * hidden);
    this.bias = tf.variable(tf.tensor1d(b), true);
  }

  namedVariables(): NamedVariable[] {
    return [
      { name: `${this.prefix}/input_kernel`, variable: this.inputKernel },
      { name: `${this.prefix}/recurrent_kernel`, variable: this.recurrentKernel },
      { name: `${this.prefix}/bias`, variable: this.bias },
    ];
  }

  /**
   * Runs the layer over time and hands each step's hidden state to `head`.
   * @param inputs [batch, time, rows, cols, inChannels]
   * @param state [h, c], each [batch, rows, cols, hidden]; zeros when absent (not freed here)
   * @param head maps h [batch * rows * cols, hidden] and `headParams` to a per-step output of
   *   shape [batch, rows, cols, outChannels]; called inside the step's tidy, its result is kept.
   *   It must use only `headParams` (not captured variables), and take the batch size from h:
   *   checkpointing recomputes it, one batch element at a time.
   * @param options.recordGradients true when the caller takes a gradient of this run (inside
   *   tf.grads or an optimizer step): the taped paths; otherwise the inference path
   * @param options.checkpointEvery when > 0 and gradients are recorded, backprop through time
   *   keeps only the state every `checkpointEvery` days and recomputes the days between them
   *   in the backward pass (gradient checkpointing, main/tfjs/gradient-checkpointing.ts):
   *   memory O(T / K + K) steps instead of O(T), for one extra forward pass. Same gradients.
   * @param options.inferenceImpl the convolution used when no gradient is recorded (runInference)
   * @returns per-step outputs and the final [h, c] (each [batch, rows, cols, hidden])
   */
  run(
    inputs: tf.Tensor5D,
    state: ModelState | undefined,
    impl: ConvImpl,
    inputBlock: number,
    head: (h: tf.Tensor2D, params: readonly tf.Tensor[]) => tf.Tensor,
    headParams: readonly tf.Tensor[] = [],
    options: { recordGradients: boolean; checkpointEvery?: number; inferenceImpl?: ConvImpl },
  ): { outputs: tf.Tensor[]; state: ModelState } {
    const { recordGradients, checkpointEvery = 0, inferenceImpl = impl } = options;
    const [b, t, rows, cols, ch] = inputs.shape;
    if (ch !== this.inChannels) throw new Error(`ConvLstmLayer: inputs have ${ch} channels, layer expects ${this.inChannels}`);
    const hid = this.hidden;
    const n = b * rows * cols;
    let h: tf.Tensor2D;
    let c: tf.Tensor2D;
    if (state) {
      const [h0, c0] = state.tensors;
      if (!h0 || !c0 || h0.shape.join() !== [b, rows, cols, hid].join() || c0.shape.join() !== h0.shape.join()) {
        throw new Error(`ConvLstmLayer: state must be [h, c] of shape [${[b, rows, cols, hid]}]`);
      }
      h = h0.reshape([n, hid]);
      c = c0.reshape([n, hid]);
    } else {
      h = tf.zeros([n, hid]);
      c = tf.zeros([n, hid]);
    }
    const weights: LayerWeights = [this.inputKernel as tf.Tensor2D, this.recurrentKernel as tf.Tensor2D, this.bias as tf.Tensor1D];
    let result: { outputs: tf.Tensor[]; h: tf.Tensor2D; c: tf.Tensor2D };
    if (!recordGradients) {
      result = this.runInference(inputs, h, c, weights, inferenceImpl, head, headParams);
    } else if (checkpointEvery > 0 && t > checkpointEvery) {
      result = this.runCheckpointed(inputs, h, c, weights, impl, inputBlock, head, headParams, checkpointEvery);
    } else {
      result = this.runSteps(inputs, h, c, weights, impl, inputBlock, head, headParams);
    }
    const finalState = tf.tidy(() => ({ tensors: [result.h.reshape([b, rows, cols, hid]), result.c.reshape([b, rows, cols, hid])] }));
    result.h.dispose();
    result.c.dispose();
    return { outputs: result.outputs, state: finalState };
  }

  /**
   * The recurrence with explicit weights (so checkpointing can recompute it).
   * h0, c0: [batch * rows * cols, hidden]; freed here (callers pass handles they own).
   */
  private runSteps(
    inputs: tf.Tensor5D,
    h0: tf.Tensor2D,
    c0: tf.Tensor2D,
    [inputKernel, recurrentKernel, bias]: LayerWeights,
    impl: ConvImpl,
    inputBlock: number,
    head: (h: tf.Tensor2D, params: readonly tf.Tensor[]) => tf.Tensor,
    headParams: readonly tf.Tensor[],
  ): { outputs: tf.Tensor[]; h: tf.Tensor2D; c: tf.Tensor2D } {
    const [b, t, rows, cols, ch] = inputs.shape;
    const k = this.kernelSize;
    const hid = this.hidden;
    const n = b * rows * cols;
    let h = h0;
    let c = c0;
    const outputs: tf.Tensor[] = [];
    for (let t0 = 0; t0 < t; t0 += inputBlock) {
      const kb = Math.min(inputBlock, t - t0);
      // input part of all 4 gates for kb days: [kb] x [batch * rows * cols, 4 * hidden]
      const xg = tf.tidy(() => {
        const x = tf.slice(inputs, [0, t0, 0, 0, 0], [b, kb, rows, cols, ch]).reshape([b * kb, rows, cols, ch]) as tf.Tensor4D;
        const g = tf.add(conv2dSame(x, inputKernel, k, impl), bias);
        // unstack (gradient: one stack) rather than per-day slices (gradient: one pad per day)
        // (tfjs's Unpack gradient breaks for a single output, so kb = 1 is a reshape)
        return kb === 1 ? [g] : tf.unstack(g.reshape([b, kb, rows * cols, 4 * hid]), 1);
      });
      for (let i = 0; i < kb; i++) {
        const prevH = h;
        const prevC = c;
        const xt = xg[i]!;
        const step = tf.tidy(() => {
          const hGrid = prevH.reshape([b, rows, cols, hid]) as tf.Tensor4D;
          const gates = tf.add(xt.reshape([n, 4 * hid]), conv2dSame(hGrid, recurrentKernel, k, impl));
          const [ifo, cand] = tf.split(gates, [3 * hid, hid], 1) as [tf.Tensor2D, tf.Tensor2D];
          const [ig, fg, og] = tf.split(tf.sigmoid(ifo), 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
          const cNew = tf.add(tf.mul(fg, prevC), tf.mul(ig, tanhViaSigmoid(cand))) as tf.Tensor2D;
          const hNew = tf.mul(og, tanhViaSigmoid(cNew)) as tf.Tensor2D;
          return { h: hNew, c: cNew, y: head(hNew, headParams) };
        });
        // intermediates are freed at once; under a gradient tape tfjs keeps its own
        // references to what backprop needs
        prevH.dispose();
        prevC.dispose();
        xt.dispose();
        h = step.h;
        c = step.c;
        outputs.push(step.y);
      }
    }
    return { outputs, h, c };
  }

  /**
   * The forward pass when no gradient is recorded (evaluation, prediction, the trainer's
   * warm-up days). Same function as runSteps, arranged for speed instead of for backprop
   * (measured per kernel with tf.profile on wasm at 63 x 54, hidden 64):
   * - `impl` is chosen for the forward alone (inferenceConvImpl): on wasm the native conv2d
   *   (XNNPACK reads the 3 x 3 neighbourhood in place; patches first writes a 9x larger copy);
   * - as in PyTorch's formulation, [x_t, h] is one input of one convolution over both kernels,
   *   with the bias and the sigmoid fused into it: no separate gate add, bias add or activation;
   * - tanh is computed as 2 sigmoid(2 z) - 1 (the candidate's kernel columns and bias are
   *   pre-scaled by 2): wasm's Tanh is a scalar loop (~7 ms per [3402, 64]) while its Sigmoid
   *   is XNNPACK's vectorized one. The identity is exact; float32 rounding differs by ~1e-7;
   * - each step's intermediates are freed as soon as it ends.
   * h0, c0: [batch * rows * cols, hidden]; freed here.
   */
  private runInference(
    inputs: tf.Tensor5D,
    h0: tf.Tensor2D,
    c0: tf.Tensor2D,
    [inputKernel, recurrentKernel, bias]: LayerWeights,
    impl: ConvImpl,
    head: (h: tf.Tensor2D, params: readonly tf.Tensor[]) => tf.Tensor,
    headParams: readonly tf.Tensor[],
  ): { outputs: tf.Tensor[]; h: tf.Tensor2D; c: tf.Tensor2D } {
    const [b, t, rows, cols, ch] = inputs.shape;
    const k = this.kernelSize;
    const hid = this.hidden;
    const n = b * rows * cols;
    // 'hybrid' is native in the forward
    if (impl === 'hybrid') impl = 'native';
    // combined kernel over [x, h] channels, candidate columns x 2 (see above)
    const { kernel, scaledBias } = tf.tidy(() => {
      const scale = tf.concat([tf.ones([3 * hid]), tf.fill([hid], 2)]);
      const w = tf.concat([inputKernel.reshape([k, k, ch, 4 * hid]), recurrentKernel.reshape([k, k, hid, 4 * hid])], 2);
      const w4 = tf.mul(w, scale) as tf.Tensor4D;
      return { kernel: impl === 'native' ? w4 : w4.reshape([k * k * (ch + hid), 4 * hid]), scaledBias: tf.mul(bias, scale) };
    });
    let h = h0;
    let c = c0;
    const outputs: tf.Tensor[] = [];
    try {
      for (let i = 0; i < t; i++) {
        const prevH = h;
        const prevC = c;
        const step = tf.tidy(() => {
          const xt = tf.slice(inputs, [0, i, 0, 0, 0], [b, 1, rows, cols, ch]).reshape([b, rows, cols, ch]);
          const xh = tf.concat([xt, prevH.reshape([b, rows, cols, hid])], 3) as tf.Tensor4D;
          const s = impl === 'native'
            ? tf.fused.conv2d({ x: xh, filter: kernel as tf.Tensor4D, strides: 1, pad: 'same', bias: scaledBias, activation: 'sigmoid' }).reshape([n, 4 * hid])
            : tf.fused.matMul({ a: patches(xh, k), b: kernel as tf.Tensor2D, bias: scaledBias, activation: 'sigmoid' });
          const [ig, fg, og, gg] = tf.split(s, 4, 1) as tf.Tensor2D[];
          const cand = tf.sub(tf.mul(gg!, 2), 1); // tanh of the candidate
          const cNew = tf.add(tf.mul(fg!, prevC), tf.mul(ig!, cand)) as tf.Tensor2D;
          const hNew = tf.mul(og!, tanhViaSigmoid(cNew)) as tf.Tensor2D;
          return { h: hNew, c: cNew, y: head(hNew, headParams) };
        });
        prevH.dispose();
        prevC.dispose();
        h = step.h;
        c = step.c;
        outputs.push(step.y);
      }
    } finally {
      tf.dispose([kernel, scaledBias]);
    }
    return { outputs, h, c };
  }

  /**
   * Gradient checkpointing (main/tfjs/gradient-checkpointing.ts, shared with the process model):
   * (h, c) kept at the start of every segment of `every` days, each segment re-run in the
   * backward pass, one batch element at a time (the elements are independent, so only one
   * element's segment activations exist at once; the weight gradients are summed). The inputs
   * get gradients too (the physics-encoded model's physics channel depends on parameters).
   * h0, c0: [batch * rows * cols, hidden]; freed here.
   */
  private runCheckpointed(
    inputs: tf.Tensor5D,
    h0: tf.Tensor2D,
    c0: tf.Tensor2D,
    weights: LayerWeights,
    impl: ConvImpl,
    inputBlock: number,
    head: (h: tf.Tensor2D, params: readonly tf.Tensor[]) => tf.Tensor,
    headParams: readonly tf.Tensor[],
    every: number,
  ): { outputs: tf.Tensor[]; h: tf.Tensor2D; c: tf.Tensor2D } {
    const [b, t, rows, cols] = inputs.shape;
    const hid = this.hidden;
    const rc = rows * cols;
    // the scan's state and sequences carry the batch on axis 0
    const state0 = [h0.reshape([b, rc, hid]), c0.reshape([b, rc, hid])];
    h0.dispose();
    c0.dispose();
    const r = checkpointedScan({
      steps: t,
      every,
      sequences: [inputs],
      sequenceGradients: true,
      state: state0,
      params: [...weights, ...headParams],
      backwardPerElement: true,
      segment: (_t0, [x], [h, c], [wi, wr, bi, ...hp]) => {
        const n = x!.shape[0]!;
        const seg = this.runSteps(x as tf.Tensor5D, h!.reshape([n * rc, hid]), c!.reshape([n * rc, hid]),
          [wi as tf.Tensor2D, wr as tf.Tensor2D, bi as tf.Tensor1D], impl, inputBlock, head, hp);
        const outputs = tf.stack(seg.outputs);
        const state = [seg.h.reshape([n, rc, hid]), seg.c.reshape([n, rc, hid])];
        tf.dispose([...seg.outputs, seg.h, seg.c]);
        return { state, outputs };
      },
    });
    tf.dispose(state0);
    const outputs = tf.unstack(r.outputs);
    r.outputs.dispose();
    const h = r.state[0]!.reshape([b * rc, hid]) as tf.Tensor2D;
    const c = r.state[1]!.reshape([b * rc, hid]) as tf.Tensor2D;
    tf.dispose(r.state);
    return { outputs, h, c };
  }

  dispose(): void {
    this.inputKernel.dispose();
    this.recurrentKernel.dispose();
    this.bias.dispose();
  }
}

/** The ConvLSTM model: ConvLstmLayer -> 1x1 convolution -> normalized LAI. */
export class ConvLstmModel implements LaiModel<ConvLstmConfig> {
  readonly kind = 'conv-lstm' as const;
  readonly config: ConvLstmConfig;
  private readonly layer: ConvLstmLayer;
  private readonly outKernel: tf.Variable; // [hidden, 1]
  private readonly outBias: tf.Variable; // [1]

  constructor(config: ConvLstmConfigInput) {
    this.config = convLstmConfigSchema.parse(config);
    const { inputChannels, hidden, kernelSize, seed } = this.config;
    this.layer = new ConvLstmLayer(inputChannels, hidden, kernelSize, seed, 'conv_lstm');
    this.outKernel = makeVariable('', this.config.headInit === 'zeros' ? tf.zeros([hidden, 1]) : glorotUniform([hidden, 1], hidden, 1, subSeed(seed, 2))).variable;
    this.outBias = tf.variable(tf.zeros([1]), true);
  }

  /** the convolution implementation forward uses on the active backend */
  convImpl(): ConvImpl {
    return this.config.convImpl === 'auto' ? defaultConvImpl() : this.config.convImpl;
  }

  /** the convolution implementation forward uses when no gradient is recorded */
  inferenceConvImpl(): ConvImpl {
    return this.config.convImpl === 'auto' ? defaultInferenceConvImpl() : this.config.convImpl;
  }

  namedVariables(): readonly NamedVariable[] {
    return [
      ...this.layer.namedVariables(),
      { name: 'head/kernel', variable: this.outKernel },
      { name: 'head/bias', variable: this.outBias },
    ];
  }

  trainableVariables(): tf.Variable[] {
    return this.namedVariables().map((v) => v.variable).filter((v) => v.trainable);
  }

  /**
   * @param inputs normalized forcing [batch, time, rows, cols, inputChannels]
   * @returns normalized LAI [batch, time, rows, cols, 1] and the state [h, c] for the next chunk
   */
  forward(inputs: tf.Tensor5D, options: ForwardOptions = {}): ForwardResult {
    checkInputs(this.config, inputs);
    const [, t, rows, cols] = inputs.shape;
    if (t === 0) throw new Error('ConvLstmModel: inputs have no time steps');
    // (-1, not b: checkpointing recomputes one batch element at a time)
    const head = (h: tf.Tensor2D, [kernel, bias]: readonly tf.Tensor[]) =>
      tf.add(tf.matMul(h, kernel as tf.Tensor2D), bias!).reshape([-1, rows, cols, 1]);
    const { outputs, state } = this.layer.run(
      inputs, options.state, this.convImpl(), this.config.inputBlock, head, [this.outKernel, this.outBias],
      { recordGradients: options.recordGradients ?? false, checkpointEvery: this.config.checkpointEvery, inferenceImpl: this.inferenceConvImpl() },
    );
    const lai = tf.stack(outputs, 1) as tf.Tensor5D; // [b, t, rows, cols, 1]
    for (const o of outputs) o.dispose();
    return { lai, state };
  }

  dispose(): void {
    this.layer.dispose();
    this.outKernel.dispose();
    this.outBias.dispose();
  }
}
