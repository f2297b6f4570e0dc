/**
 * Training on the cluster named in the project's settings (project.json `cluster`,
 * main/project/cluster-settings.ts): read / change the settings, submit the Training panel's run
 * as a Slurm job array (main/run/cluster.ts, as `vegdyn cluster submit`), follow its tasks.
 * zod only: the renderer imports this module.
 */
import { z } from 'zod';
import { defineRequest } from '../define.ts';
import { clusterSettingsSchema } from '../../project/cluster-settings.ts';

export { clusterSettingsSchema, type ClusterSettings } from '../../project/cluster-settings.ts';

const taskSchema = z.object({
  task: z.number().int(),
  /** ensemble member id (m00 ...), null for a single run */
  member: z.string().nullable(),
  /** Slurm's state (squeue / sacct), null when the scheduler no longer lists the task */
  scheduler: z.object({ state: z.string(), elapsed: z.string(), detail: z.string() }).nullable(),
  /** the task's own report (its progress file) */
  progress: z.object({ state: z.string(), fraction: z.number(), message: z.string(), epoch: z.number().optional(), at: z.string() }).nullable(),
  finished: z.boolean(),
});

export const clusterRequests = {
  'cluster.settings': defineRequest({
    description: "The open project's cluster settings (project.json `cluster`), or null when it names no cluster.",
    request: z.object({}).strict(),
    response: z.object({ settings: clusterSettingsSchema.nullable() }),
  }),
  'cluster.setSettings': defineRequest({
    description: "Set the open project's cluster settings (null removes them); written atomically into project.json.",
    request: z.object({ settings: clusterSettingsSchema.nullable() }).strict(),
    response: z.object({ settings: clusterSettingsSchema.nullable() }),
  }),
  'cluster.submit': defineRequest({
    description: "Write a Slurm job-array script for a training run (one task per ensemble member) into a new run folder and submit it with sbatch, with the project's cluster settings; dryRun returns the script only.",
    request: z.object({
      preset: z.enum(['demo', 'paper']).default('demo'),
      overrides: z.record(z.string(), z.unknown()).default({}),
      runId: z.string().regex(/^[A-Za-z0-9._-]+$/).optional(),
      /** members (>= 2); absent: one run in one task */
      ensemble: z.number().int().min(2).max(1000).optional(),
      dryRun: z.boolean().optional(),
    }).strict(),
    response: z.object({ runId: z.string(), script: z.string(), jobId: z.string().nullable() }),
  }),
  'cluster.status': defineRequest({
    description: "Each task's Slurm state and training progress of a run submitted to the cluster.",
    request: z.object({ runId: z.string().regex(/^[A-Za-z0-9._-]+$/) }).strict(),
    response: z.object({ runId: z.string(), jobId: z.string(), tasks: z.array(taskSchema), notes: z.array(z.string()) }),
  }),
} as const;
