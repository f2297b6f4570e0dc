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
import { conv2dSame, defaultConvImpl, type ConvImpl } from './conv3x3.ts';
import { installWasmSpeedups } from './wasm-speedups.ts';
import { glorotUniform, makeVariable, subSeed } from './init.ts';
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
  convImpl: z.enum(['auto', 'native', 'patches']).default('auto'),
  /** days whose input convolution is batched into one matMul (memory vs. speed) */
  inputBlock: positiveInt.default(32),
});
export type ConvLstmConfig = z.infer<typeof convLstmConfigSchema>;

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
   * @param head maps h [batch * rows * cols, hidden] to a per-step output (any shape); called
   *   inside the step's tidy, its result is kept
   * @returns per-step outputs and the final [h, c] (each [batch, rows, cols, hidden])
   */
  run(
    inputs: tf.Tensor5D,
    state: ModelState | undefined,
    impl: ConvImpl,
    inputBlock: number,
    head: (h: tf.Tensor2D) => tf.Tensor,
  ): { outputs: tf.Tensor[]; state: ModelState } {
    const [b, t, rows, cols, ch] = inputs.shape;
    if (ch !== this.inChannels) throw new Error(`ConvLstmLayer: inputs have ${ch} channels, layer expects ${this.inChannels}`);
    const k = this.kernelSize;
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
    const outputs: tf.Tensor[] = [];
    for (let t0 = 0; t0 < t; t0 += inputBlock) {
      const kb = Math.min(inputBlock, t - t0);
      // input part of all 4 gates for kb days: [kb] x [batch * rows * cols, 4 * hidden]
      const xg = tf.tidy(() => {
        const x = tf.slice(inputs, [0, t0, 0, 0, 0], [b, kb, rows, cols, ch]).reshape([b * kb, rows, cols, ch]) as tf.Tensor4D;
        const g = tf.add(conv2dSame(x, this.inputKernel as tf.Tensor2D, k, impl), this.bias);
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
          const gates = tf.add(xt.reshape([n, 4 * hid]), conv2dSame(hGrid, this.recurrentKernel as tf.Tensor2D, k, impl));
          const [ifo, cand] = tf.split(gates, [3 * hid, hid], 1) as [tf.Tensor2D, tf.Tensor2D];
          const [ig, fg, og] = tf.split(tf.sigmoid(ifo), 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
          const cNew = tf.add(tf.mul(fg, prevC), tf.mul(ig, tf.tanh(cand))) as tf.Tensor2D;
          const hNew = tf.mul(og, tf.tanh(cNew)) as tf.Tensor2D;
          return { h: hNew, c: cNew, y: head(hNew) };
        });
        // our intermediates are freed at once (the caller's initial state was only reshaped,
        // a new handle); under a gradient tape tfjs keeps its own references for backprop
        prevH.dispose();
        prevC.dispose();
        xt.dispose();
        h = step.h;
        c = step.c;
        outputs.push(step.y);
      }
    }
    const finalState = tf.tidy(() => ({ tensors: [h.reshape([b, rows, cols, hid]), c.reshape([b, rows, cols, hid])] }));
    h.dispose();
    c.dispose();
    return { outputs, state: finalState };
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

  constructor(config: ConvLstmConfig) {
    this.config = convLstmConfigSchema.parse(config);
    const { inputChannels, hidden, kernelSize, seed } = this.config;
    this.layer = new ConvLstmLayer(inputChannels, hidden, kernelSize, seed, 'conv_lstm');
    this.outKernel = makeVariable('', glorotUniform([hidden, 1], hidden, 1, subSeed(seed, 2))).variable;
    this.outBias = tf.variable(tf.zeros([1]), true);
  }

  /** the convolution implementation forward uses on the active backend */
  convImpl(): ConvImpl {
    return this.config.convImpl === 'auto' ? defaultConvImpl() : this.config.convImpl;
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
    installWasmSpeedups();
    const [b, t, rows, cols] = inputs.shape;
    if (t === 0) throw new Error('ConvLstmModel: inputs have no time steps');
    const head = (h: tf.Tensor2D) => tf.add(tf.matMul(h, this.outKernel as tf.Tensor2D), this.outBias).reshape([b, rows, cols, 1]);
    const { outputs, state } = this.layer.run(inputs, options.state, this.convImpl(), this.config.inputBlock, head);
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
