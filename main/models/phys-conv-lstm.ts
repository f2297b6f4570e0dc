/**
 * Physics-encoded ConvLSTM: the daily grid process model (main/physics/grid) runs alongside the
 * network; its LAI, normalized with the dataset's LAI statistics, joins the input channels of a
 * ConvLSTM layer (the models' ConvLstmLayer), and a 1 x 1 head adds a learned correction:
 *
 *   z_phys = (LAI_phys - mean) / std                       [batch, time, rows, cols, 1]
 *   h      = ConvLSTM([inputs, z_phys])                    [batch, time, rows, cols, hidden]
 *   output = z_phys + head(h)                              normalized LAI
 *
 * Why a residual (bias correction) rather than letting the network map z_phys freely: the
 * process model supplies the seasonal cycle, the phenology and the water limitation; the network
 * only has to learn where and when they are wrong. The head starts at zero, so the untrained
 * model IS the process model, and the gradient of the loss reaches the physics parameters both
 * through the residual sum and through the network's physics channel. One optimizer updates the
 * ConvLSTM, the head and the per-PFT key parameters (raw variables mapped into their declared
 * ranges by a sigmoid) together: trainableVariables() returns all of them.
 *
 * Inputs as physics-only.ts (channels 0..6 = normalized NLDAS forcings, de-normalized inside for
 * the physics); startDays and a ModelContext with the dataset are required.
 * State: [h, c] of the ConvLSTM (each [batch, rows, cols, hidden]) then the 6 process state grids.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { ConvLstmLayer } from './conv-lstm.ts';
import { defaultConvImpl, defaultInferenceConvImpl, type ConvImpl } from './conv3x3.ts';
import { subSeed } from './init.ts';
import { checkInputs, type ForwardOptions, type ForwardResult, type LaiModel, type ModelContext, type NamedVariable } from './model.ts';
import { physicsConfigFields, physicsRunnerOptions, requireDataset, requireStartDays } from './physics-only.ts';
import { GridPhysicsRunner } from '../physics/grid/grid-physics-runner.ts';
import { runProcess } from '../physics/grid/checkpointed-run.ts';
import type { LearnedParameterReport } from '../physics/grid/learned-parameters.ts';
import type { LearnedParameterName } from '../physics/grid/pft-params.ts';

const positiveInt = z.number().int().positive();

export const physConvLstmConfigSchema = z.strictObject({
  kind: z.literal('phys-conv-lstm'),
  rows: positiveInt,
  cols: positiveInt,
  /** channels of the feature tensor (the physics channel is added inside) */
  inputChannels: positiveInt,
  seed: z.number().int().nonnegative().default(0),
  hidden: positiveInt.default(64),
  kernelSize: positiveInt.refine((k) => k % 2 === 1, 'kernelSize must be odd').default(3),
  convImpl: z.enum(['auto', 'native', 'patches', 'hybrid']).default('auto'),
  inputBlock: positiveInt.default(32),
  /**
   * gradient checkpointing every this many days of both recurrences, the ConvLSTM layer (as
   * conv-lstm.ts's option) and the process model; 0 = off
   */
  checkpointEvery: z.number().int().nonnegative().default(0),
  /**
   * true: output = normalized physics LAI + head(h) (the network corrects the process model).
   * false: output = head(h) alone, read by the caller as the departure from the day-of-year
   * climatology (run target 'anomaly'); the physics LAI is then an input channel only, and the
   * untrained model is the climatology rather than a possibly biased process model.
   */
  residual: z.boolean().default(true),
  /**
   * weight of an added training-loss term on the process-model LAI alone (MSE against observed
   * LAI): gives the physics parameters a direct gradient when `residual` is false, where they
   * otherwise learn only through the network's input channel (docs/physics-grid-model.md §9)
   */
  physicsLoss: z.number().min(0).default(0),
  ...physicsConfigFields,
});
export type PhysConvLstmConfig = z.infer<typeof physConvLstmConfigSchema>;

export class PhysConvLstmModel implements LaiModel<PhysConvLstmConfig> {
  readonly kind = 'phys-conv-lstm' as const;
  readonly config: PhysConvLstmConfig;
  readonly physics: GridPhysicsRunner;
  private readonly layer: ConvLstmLayer;
  private readonly outKernel: tf.Variable; // [hidden, 1]
  private readonly outBias: tf.Variable; // [1]
  private readonly mask: tf.Tensor; // [1, 1, rows, cols, 1]
  private readonly laiMean: number;
  private readonly laiStd: number;
  readonly physicsLossWeight: number;

  constructor(config: PhysConvLstmConfig, ctx: ModelContext) {
    this.config = physConvLstmConfigSchema.parse(config);
    const c = this.config;
    this.physicsLossWeight = c.physicsLoss;
    const ds = requireDataset('phys-conv-lstm', ctx, c.rows, c.cols);
    this.physics = new GridPhysicsRunner(ds, physicsRunnerOptions(c));
    this.layer = new ConvLstmLayer(c.inputChannels + 1, c.hidden, c.kernelSize, subSeed(c.seed, 10), 'conv_lstm');
    // zero head: the untrained model reproduces the process model exactly
    this.outKernel = tf.variable(tf.zeros([c.hidden, 1]), true);
    this.outBias = tf.variable(tf.zeros([1]), true);
    this.mask = tf.keep(tf.tensor(Float32Array.from(ds.mask), [1, 1, c.rows, c.cols, 1]));
    this.laiMean = ds.normalization.lai.mean;
    this.laiStd = ds.normalization.lai.std > 0 ? ds.normalization.lai.std : 1;
  }

  convImpl(): ConvImpl {
    return this.config.convImpl === 'auto' ? defaultConvImpl() : this.config.convImpl;
  }

  namedVariables(): readonly NamedVariable[] {
    return [
      ...this.layer.namedVariables(),
      { name: 'head/kernel', variable: this.outKernel },
      { name: 'head/bias', variable: this.outBias },
      ...this.physics.params.named('physics'),
    ];
  }

  /** network weights and the learned physics parameters: one optimizer trains them jointly */
  trainableVariables(): tf.Variable[] {
    return [
      ...this.layer.namedVariables().map((v) => v.variable),
      this.outKernel,
      this.outBias,
      ...this.physics.params.trainable(),
    ];
  }

  /** learned parameters per PFT in physical units, with ranges, defaults and sources */
  learnedParameters(): LearnedParameterReport {
    return this.physics.report();
  }

  /** the learned parameters on the grid (per cell, or each cell's PFT value; NaN outside the mask) */
  learnedParameterMaps(): Record<LearnedParameterName, Float32Array> {
    return this.physics.parameterMaps();
  }

  /**
   * @param inputs normalized features [batch, time, rows, cols, inputChannels]
   * @returns normalized LAI [batch, time, rows, cols, 1]; state [h, c, ...process state]
   */
  forward(inputs: tf.Tensor5D, options: ForwardOptions = {}): ForwardResult {
    checkInputs(this.config, inputs);
    const [b, t, rows, cols, ch] = inputs.shape;
    if (t === 0) throw new Error('phys-conv-lstm: inputs have no time steps');
    const startDays = requireStartDays('phys-conv-lstm', options, b);
    const ph = this.physics;
    const training = options.training ?? false;
    const recordGradients = options.recordGradients ?? false;
    const netState = options.state ? { tensors: options.state.tensors.slice(0, 2) } : undefined;
    const own = options.state ? undefined : ph.initialState(startDays, training);
    const state0 = options.state ? ph.fromModelState({ tensors: options.state.tensors.slice(2) }, b) : own!;

    const phys = tf.tidy(() => {
      // checkpointEvery also bounds the process model's tape (main/physics/grid/checkpointed-run.ts)
      const r = runProcess(ph.process, ph.rawForcing(inputs), ph.dataset.startDate, startDays, ph.params.values(), state0, this.config.checkpointEvery, recordGradients);
      // normalized physics LAI, 0 outside the basin like every other channel
      const z = tf.mul(tf.div(tf.sub(r.lai, this.laiMean), this.laiStd).reshape([b, t, rows, cols, 1]), this.mask) as tf.Tensor5D;
      return { z, state: GridPhysicsRunner.toModelState(r.state) } as unknown as tf.TensorContainer;
    }) as unknown as { z: tf.Tensor5D; state: { tensors: tf.Tensor[] } };
    if (own) tf.dispose(Object.values(own));

    const x = tf.concat([inputs, phys.z], 4) as tf.Tensor5D; // [b, t, rows, cols, ch + 1]
    if (x.shape[4] !== ch + 1) throw new Error('phys-conv-lstm: channel concat failed');
    // the head takes its weights as parameters: checkpointing recomputes it inside a custom gradient
    const head = (h: tf.Tensor2D, [kernel, bias]: readonly tf.Tensor[]) =>
      tf.add(tf.matMul(h, kernel as tf.Tensor2D), bias!).reshape([-1, rows, cols, 1]);
    const { outputs, state } = this.layer.run(
      x, netState, this.convImpl(), this.config.inputBlock, head, [this.outKernel, this.outBias], {
        recordGradients, checkpointEvery: this.config.checkpointEvery,
        inferenceImpl: this.config.convImpl === 'auto' ? defaultInferenceConvImpl() : this.config.convImpl,
      },
    );
    x.dispose();
    const lai = tf.tidy(() => (this.config.residual ? tf.add(phys.z, tf.stack(outputs, 1)) : tf.stack(outputs, 1))) as tf.Tensor5D;
    for (const o of outputs) o.dispose();
    const withPhysics = recordGradients && this.physicsLossWeight > 0;
    if (!withPhysics) phys.z.dispose();
    return { lai, state: { tensors: [...state.tensors, ...phys.state.tensors] }, ...(withPhysics ? { physicsLai: phys.z } : {}) };
  }

  dispose(): void {
    this.layer.dispose();
    this.outKernel.dispose();
    this.outBias.dispose();
    this.mask.dispose();
    this.physics.dispose();
  }
}
