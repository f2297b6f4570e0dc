/**
 * Physics-only LAI model: the daily grid process model (main/physics/grid) alone, no network.
 * Its only weights are the per-PFT key parameters (raw, sigmoid-mapped into their declared
 * ranges). Two kinds share this class (model-kinds.ts): 'physics-only' is never trained and runs
 * with the CLM4.5-style defaults (the uncalibrated reference every run evaluates), and
 * 'physics-calibrated' is a trainable kind: the trainer calibrates the parameters by gradient
 * descent on the same loss, splits, early stopping and checkpoints as the networks.
 *
 * Inputs: the normalized feature tensor of main/training/features.ts, [batch, time, rows, cols,
 * channels]; channels 0..6 must be the 7 NLDAS forcings (de-normalized inside). Requires
 * `startDays` (calendar) and a ModelContext with the dataset (static layers, normalization).
 * Output: normalized LAI [batch, time, rows, cols, 1]. State: the 6 process state grids
 * (process-model.ts STATE_NAMES), each [batch, cells].
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { DEFAULT_CELL_NETWORK_HIDDEN, GridPhysicsRunner, type GridPhysicsOptions } from '../physics/grid/grid-physics-runner.ts';
import { runProcess } from '../physics/grid/checkpointed-run.ts';
import { PARAMETERIZATIONS, type LearnedParameterReport } from '../physics/grid/learned-parameters.ts';
import type { LearnedParameterName } from '../physics/grid/pft-params.ts';
import { checkInputs, type ForwardOptions, type ForwardResult, type LaiModel, type ModelContext, type NamedVariable } from './model.ts';

const positiveInt = z.number().int().positive();

/** fields shared with phys-conv-lstm */
export const physicsConfigFields = {
  /** stomatal conductance scheme of the process model */
  conductance: z.enum(['jarvis', 'medlyn']).default('jarvis'),
  /** whether the optimizer calibrates the per-PFT key parameters */
  learnParameters: z.boolean().default(true),
  /** climatological years run before tabulating the initial state */
  spinUpYears: positiveInt.max(50).default(3),
  /** while training, re-spin-up at most every this many forward calls once the parameters moved */
  spinUpRefreshSteps: positiveInt.default(50),
  /**
   * how the process parameters vary in space: 'per-pft' (one value per plant functional type) or
   * 'per-cell-network' (a small network of each cell's static attributes gives every cell its own
   * values, physics/grid/cell-parameter-network.ts)
   */
  parameterization: z.enum(PARAMETERIZATIONS).default('per-pft'),
  /** hidden units of the per-cell network's two layers */
  cellNetworkHidden: positiveInt.max(256).default(DEFAULT_CELL_NETWORK_HIDDEN),
};

/** the process-model runner's options from a physics model's config */
export function physicsRunnerOptions(c: {
  conductance: GridPhysicsOptions['conductance']; learnParameters: boolean; spinUpYears: number; spinUpRefreshSteps: number;
  parameterization: GridPhysicsOptions['parameterization']; cellNetworkHidden: number; seed: number;
}): GridPhysicsOptions {
  return {
    conductance: c.conductance, learnParameters: c.learnParameters, spinUpYears: c.spinUpYears, refreshSteps: c.spinUpRefreshSteps,
    parameterization: c.parameterization, cellNetworkHidden: c.cellNetworkHidden, seed: c.seed,
  };
}

const physicsOnlyFields = {
  rows: positiveInt,
  cols: positiveInt,
  inputChannels: positiveInt,
  seed: z.number().int().nonnegative().default(0),
  /** gradient checkpointing of the process model every this many days when trained; 0 = off */
  checkpointEvery: z.number().int().nonnegative().default(0),
  ...physicsConfigFields,
};
/** the process model with its PFT default parameters (never trained: the uncalibrated reference) */
export const physicsOnlyConfigSchema = z.strictObject({ kind: z.literal('physics-only'), ...physicsOnlyFields }).refine((c) => c.parameterization === 'per-pft', {
  path: ['parameterization'],
  message: "'physics-only' runs with the PFT defaults and learns nothing, so only 'per-pft' applies; a per-cell network is learned by 'physics-calibrated' or 'phys-conv-lstm'",
});
/** the same model as a trainable kind: the trainer calibrates its parameters like any network's weights */
export const physicsCalibratedConfigSchema = z.strictObject({ kind: z.literal('physics-calibrated'), ...physicsOnlyFields });
export type PhysicsOnlyConfig = z.infer<typeof physicsOnlyConfigSchema> | z.infer<typeof physicsCalibratedConfigSchema>;
const physicsOnlyOrCalibrated = z.discriminatedUnion('kind', [physicsOnlyConfigSchema, physicsCalibratedConfigSchema]);

export function requireDataset(kind: string, ctx: ModelContext, rows: number, cols: number) {
  const ds = ctx.dataset;
  if (!ds) throw new Error(`${kind}: the model needs the dataset (static layers, normalization) in its ModelContext`);
  if (ds.grid.nrows !== rows || ds.grid.ncols !== cols) throw new Error(`${kind}: config is ${rows}x${cols}, dataset grid is ${ds.grid.nrows}x${ds.grid.ncols}`);
  return ds;
}

export function requireStartDays(kind: string, options: ForwardOptions, batch: number): readonly number[] {
  const s = options.startDays;
  if (!s || s.length !== batch) throw new Error(`${kind}: forward needs options.startDays (one day index per batch element, ${batch})`);
  return s;
}

export class PhysicsOnlyModel implements LaiModel<PhysicsOnlyConfig> {
  readonly kind: PhysicsOnlyConfig['kind'];
  readonly config: PhysicsOnlyConfig;
  readonly physics: GridPhysicsRunner;
  private readonly laiMean: number;
  private readonly laiStd: number;

  constructor(config: PhysicsOnlyConfig, ctx: ModelContext) {
    this.config = physicsOnlyOrCalibrated.parse(config);
    this.kind = this.config.kind;
    const ds = requireDataset(this.kind, ctx, this.config.rows, this.config.cols);
    this.physics = new GridPhysicsRunner(ds, physicsRunnerOptions(this.config));
    this.laiMean = ds.normalization.lai.mean;
    this.laiStd = ds.normalization.lai.std > 0 ? ds.normalization.lai.std : 1;
  }

  namedVariables(): readonly NamedVariable[] {
    return this.physics.params.named('physics');
  }

  trainableVariables(): tf.Variable[] {
    return this.physics.params.trainable();
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
   * @returns normalized LAI [batch, time, rows, cols, 1] and the process state for the next chunk
   */
  forward(inputs: tf.Tensor5D, options: ForwardOptions = {}): ForwardResult {
    checkInputs(this.config, inputs);
    const [b, t, rows, cols] = inputs.shape;
    const startDays = requireStartDays(this.kind, options, b);
    const ph = this.physics;
    const own = options.state ? undefined : ph.initialState(startDays, options.training ?? false);
    const state0 = options.state ? ph.fromModelState(options.state, b) : own!;
    const res = tf.tidy(() => {
      const forcing = ph.rawForcing(inputs);
      const r = runProcess(ph.process, forcing, ph.dataset.startDate, startDays, ph.params.values(), state0, this.config.checkpointEvery, options.recordGradients ?? false);
      const lai = tf.div(tf.sub(r.lai, this.laiMean), this.laiStd).reshape([b, t, rows, cols, 1]) as tf.Tensor5D;
      return { lai, state: GridPhysicsRunner.toModelState(r.state) } as unknown as tf.TensorContainer;
    }) as unknown as ForwardResult;
    if (own) tf.dispose(Object.values(own));
    return res;
  }

  dispose(): void {
    this.physics.dispose();
  }
}
