/**
 * The optional `cluster` section of project.json: the Slurm scheduler the project's training can be
 * submitted to from the app (the Training panel's "Submit to cluster"; main/run/cluster.ts writes
 * and submits the job array). zod only: the API contract and the renderer use the schema.
 */
import { z } from 'zod';

/** Slurm's --time: [D-]HH:MM:SS */
export const SLURM_TIME_LIMIT = /^(\d+-)?\d{1,3}:\d{2}:\d{2}$/;

export const clusterSettingsSchema = z.object({
  scheduler: z.literal('slurm'),
  /** Slurm partition (checked against sinfo when submitting); absent: the cluster's default */
  partition: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, . _ - only').optional(),
  cpusPerTask: z.number().int().min(1).max(1024).optional(),
  gpusPerTask: z.number().int().min(1).max(64).optional(),
  /** time limit per task */
  time: z.string().regex(SLURM_TIME_LIMIT, 'expected HH:MM:SS or D-HH:MM:SS').optional(),
  /** the vegdyn command on the nodes; absent: this installation's node and CLI, by absolute path */
  vegdyn: z.string().min(1).optional(),
}).strict();

export type ClusterSettings = z.infer<typeof clusterSettingsSchema>;
