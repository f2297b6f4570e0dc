/**
 * Job kind 'leaf-experiment': runs a leaf experiment in a worker with progress and cancellation.
 * Params: the leaf experiment config (main/leaf/leaf-config.ts); with runDir set, the run folder
 * is written there.
 */
import type { JobContext } from '../compute/job-context.ts';
import { leafExperimentConfigSchema, type LeafExperimentConfig } from '../leaf/leaf-config.ts';
import { runLeafExperiment, type LeafExperimentResult } from '../leaf/leaf-experiment.ts';

export const paramsSchema = leafExperimentConfigSchema;

export async function run(params: LeafExperimentConfig, ctx: JobContext): Promise<LeafExperimentResult> {
  ctx.progress(0, `leaf experiment ${params.experiment}`);
  return runLeafExperiment(params, {
    signal: ctx.signal,
    progress: (fraction, message) => ctx.progress(fraction, message),
    log: (line) => ctx.log('info', line),
  });
}
