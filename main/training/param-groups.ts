/**
 * AdamW with per-weight learning-rate scales ("parameter groups"): one AdamW per distinct scale.
 *
 * Why: Adam moves every weight by about the learning rate per step whatever its gradient scale,
 * so a weight that multiplies tens of thousands of inputs at once (the LSTM baseline's input
 * kernel reads the whole flattened grid, 63 x 54 x channels values) shifts its pre-activations by
 * lr x sum|x| per step and saturates the gates, while the output head needs a normal step size.
 * A run config's `learningRateScale` maps weight names to factors of the base learning rate.
 */
import * as tf from '@tensorflow/tfjs';
import type { LaiModel } from '../models/model.ts';
import { AdamW } from './adamw.ts';

export interface ParamGroup {
  readonly scale: number;
  /** model weight names in this group */
  readonly weights: readonly string[];
  readonly optimizer: AdamW;
}

type GradientMap = Parameters<tf.Optimizer['applyGradients']>[0];

export class ParamGroupAdamW {
  readonly groups: readonly ParamGroup[];
  /** tfjs variable name -> group index */
  private readonly groupOf = new Map<string, number>();

  constructor(model: LaiModel, learningRate: number, weightDecay: number, scales: Readonly<Record<string, number>>) {
    const known = new Set(model.namedVariables().map((v) => v.name));
    for (const name of Object.keys(scales)) {
      if (!known.has(name)) throw new Error(`learningRateScale names '${name}', which ${model.kind} does not have (its weights: ${[...known].join(', ')})`);
    }
    const byScale = new Map<number, string[]>();
    for (const { name, variable } of model.namedVariables()) {
      if (!variable.trainable) continue;
      const s = scales[name] ?? 1;
      if (!byScale.has(s)) byScale.set(s, []);
      byScale.get(s)!.push(name);
    }
    const vars = new Map(model.namedVariables().map((v) => [v.name, v.variable]));
    this.groups = [...byScale.entries()].sort((a, b) => b[0] - a[0]).map(([scale, weights], g) => {
      for (const w of weights) this.groupOf.set(vars.get(w)!.name, g);
      return { scale, weights, optimizer: new AdamW({ learningRate: learningRate * scale, weightDecay }) };
    });
  }

  applyGradients(grads: GradientMap): void {
    const parts: Record<string, tf.Tensor>[] = this.groups.map(() => ({}));
    for (const [name, g] of Object.entries(grads as unknown as Record<string, tf.Tensor>)) {
      const gi = this.groupOf.get(name);
      if (gi === undefined) throw new Error(`ParamGroupAdamW: gradient for unknown variable '${name}'`);
      parts[gi]![name] = g;
    }
    this.groups.forEach((grp, i) => grp.optimizer.applyGradients(parts[i] as unknown as GradientMap));
  }

  describe(): string {
    return this.groups.map((g) => `lr x${g.scale} for ${g.weights.length === 1 ? g.weights[0] : `${g.weights.length} weights`}`).join(', ');
  }

  dispose(): void {
    for (const g of this.groups) g.optimizer.dispose();
  }
}
