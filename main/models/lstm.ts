/**
 * LSTM baseline: each day's forcing grid, flattened with cells outside the basin mask zeroed,
 * -> one LSTM layer (`hidden` units) -> dense -> the normalized LAI grid.
 *
 * The input projection (rows * cols * channels -> 4 * hidden, the bulk of the work) does not
 * depend on the state, so it is one matMul over all days of the chunk; the recurrence is a
 * [batch, hidden] x [hidden, 4 * hidden] matMul per day. The dense output is applied to all
 * days' hidden states at once. Gate order: input, forget, output (sigmoid), candidate (tanh).
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { glorotUniform, makeVariable, subSeed } from './init.ts';
import {
  checkInputs, type ForwardOptions, type ForwardResult, type LaiModel, type ModelContext, type NamedVariable,
} from './model.ts';

const positiveInt = z.number().int().positive();

export const lstmConfigSchema = z.strictObject({
  kind: z.literal('lstm'),
  rows: positiveInt,
  cols: positiveInt,
  inputChannels: positiveInt,
  seed: z.number().int().nonnegative().default(0),
  hidden: positiveInt.default(64),
  /**
   * initial output-head kernel: 'zeros' makes the untrained model output exactly its bias (0 in
   * normalized units), so a model that learns departures from a baseline starts at that baseline
   */
  headInit: z.enum(['glorot', 'zeros']).default('glorot'),
});
export type LstmConfig = z.infer<typeof lstmConfigSchema>;
/** what callers may write: fields with defaults may be left out */
export type LstmConfigInput = z.input<typeof lstmConfigSchema>;

export class LstmModel implements LaiModel<LstmConfig> {
  readonly kind = 'lstm' as const;
  readonly config: LstmConfig;
  private readonly vars: NamedVariable[];
  private readonly inputKernel: tf.Variable; // [rows*cols*channels, 4*hidden]
  private readonly recurrentKernel: tf.Variable; // [hidden, 4*hidden]
  private readonly bias: tf.Variable; // [4*hidden]
  private readonly outKernel: tf.Variable; // [hidden, rows*cols]
  private readonly outBias: tf.Variable; // [rows*cols]
  /** 1 inside the basin, 0 outside, per cell: [1, 1, rows, cols, 1]; saved with the weights */
  private readonly mask: tf.Variable;

  /**
   * @param context.dataset.mask the basin mask (cells outside are zeroed before flattening);
   *   all cells count when absent. A reload restores the mask from the saved weights.
   */
  constructor(config: LstmConfigInput, context: ModelContext = {}) {
    this.config = lstmConfigSchema.parse(config);
    const { rows, cols, inputChannels, hidden, seed } = this.config;
    const d = rows * cols * inputChannels;
    const cells = rows * cols;
    const h4 = 4 * hidden;
    const maskValues = new Float32Array(cells).fill(1);
    const dsMask = context.dataset?.mask;
    if (dsMask) {
      if (dsMask.length !== cells) throw new Error(`LstmModel: dataset mask has ${dsMask.length} cells, model grid has ${cells}`);
      for (let i = 0; i < cells; i++) maskValues[i] = dsMask[i] ? 1 : 0;
    }
    const bias = new Float32Array(h4);
    bias.fill(1, hidden, 2 * hidden); // forget-gate bias 1
    this.vars = [
      makeVariable('lstm/input_kernel', glorotUniform([d, h4], d, h4, subSeed(seed, 0))),
      makeVariable('lstm/recurrent_kernel', glorotUniform([hidden, h4], hidden, h4, subSeed(seed, 1))),
      makeVariable('lstm/bias', tf.tensor1d(bias)),
      makeVariable('head/kernel', this.config.headInit === 'zeros' ? tf.zeros([hidden, cells]) : glorotUniform([hidden, cells], hidden, cells, subSeed(seed, 2))),
      makeVariable('head/bias', tf.zeros([cells])),
      makeVariable('mask', tf.tensor(maskValues, [1, 1, rows, cols, 1]), false),
    ];
    [this.inputKernel, this.recurrentKernel, this.bias, this.outKernel, this.outBias, this.mask] = this.vars.map((v) => v.variable) as [
      tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable,
    ];
  }

  namedVariables(): readonly NamedVariable[] {
    return this.vars;
  }

  trainableVariables(): tf.Variable[] {
    return this.vars.map((v) => v.variable).filter((v) => v.trainable);
  }

  /**
   * @param inputs normalized forcing [batch, time, rows, cols, inputChannels]
   * @returns normalized LAI [batch, time, rows, cols, 1]; state [h, c], each [batch, hidden]
   */
  forward(inputs: tf.Tensor5D, options: ForwardOptions = {}): ForwardResult {
    checkInputs(this.config, inputs);
    const [b, t, rows, cols, ch] = inputs.shape;
    if (t === 0) throw new Error('LstmModel: inputs have no time steps');
    const hid = this.config.hidden;
    let h: tf.Tensor2D;
    let c: tf.Tensor2D;
    if (options.state) {
      const [h0, c0] = options.state.tensors;
      if (!h0 || !c0 || h0.shape.join() !== [b, hid].join() || c0.shape.join() !== [b, hid].join()) {
        throw new Error(`LstmModel: state must be [h, c] of shape [${b}, ${hid}]`);
      }
      h = h0.clone() as tf.Tensor2D;
      c = c0.clone() as tf.Tensor2D;
    } else {
      h = tf.zeros([b, hid]);
      c = tf.zeros([b, hid]);
    }
    // input part of the gates for every day: [time] x [batch, 4 * hidden]
    const xg = tf.tidy(() => {
      const x = tf.mul(inputs, this.mask).reshape([b * t, rows * cols * ch]);
      const g = tf.add(tf.matMul(x, this.inputKernel as tf.Tensor2D), this.bias).reshape([b, t, 4 * hid]);
      // (tfjs's Unpack gradient breaks for a single output, so t = 1 is a reshape)
      return t === 1 ? [g.reshape([b, 4 * hid]) as tf.Tensor2D] : (tf.unstack(g, 1) as tf.Tensor2D[]);
    });
    const hInit = h;
    const hs: tf.Tensor2D[] = [];
    for (let i = 0; i < t; i++) {
      const prevC = c;
      const step = tf.tidy(() => {
        const gates = tf.add(xg[i]!, tf.matMul(h, this.recurrentKernel as tf.Tensor2D));
        const [ifo, cand] = tf.split(gates, [3 * hid, hid], 1) as [tf.Tensor2D, tf.Tensor2D];
        const [ig, fg, og] = tf.split(tf.sigmoid(ifo), 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const cNew = tf.add(tf.mul(fg, prevC), tf.mul(ig, tf.tanh(cand))) as tf.Tensor2D;
        return { h: tf.mul(og, tf.tanh(cNew)) as tf.Tensor2D, c: cNew };
      });
      xg[i]!.dispose();
      prevC.dispose();
      // h is kept: the output head reads every day's h at once below
      h = step.h;
      c = step.c;
      hs.push(h);
    }
    hInit.dispose();
    const lai = tf.tidy(() => {
      const hAll = tf.stack(hs, 1).reshape([b * t, hid]);
      return tf.add(tf.matMul(hAll, this.outKernel as tf.Tensor2D), this.outBias).reshape([b, t, rows, cols, 1]) as tf.Tensor5D;
    });
    const state = { tensors: [h.clone(), c.clone()] };
    for (const x of hs) x.dispose();
    c.dispose();
    return { lai, state };
  }

  dispose(): void {
    for (const v of this.vars) v.variable.dispose();
  }
}
