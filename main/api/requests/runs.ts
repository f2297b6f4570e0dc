/**
 * Training runs: presets, config validation and the runs of the open project. Runs themselves
 * (training, the demo) are background jobs: jobs.start { kind: 'train', params: TrainJobParams }
 * (main/run/train-job.ts); their progress arrives as job events (epoch, batch, losses, ETA).
 * A finished run is re-scored from its saved weights by jobs.start { kind: 'evaluate', params:
 * { projectDir, runId, clip?, test? } } (main/run/evaluate-job.ts).
 * zod only: the renderer imports this module.
 */
import { z } from 'zod';
import { defineRequest } from '../define.ts';

/** the model kinds (id, label, trainable), for the app's training panel */
export { MODEL_KIND_LIST } from '../../models/model-kinds.ts';

const presetName = z.enum(['demo', 'paper']);

const runSummarySchema = z.object({
  id: z.string(),
  status: z.string(),
  createdAt: z.string().nullable(),
  preset: z.string().nullable(),
  seed: z.number().nullable(),
  /** median test NSE per entry id (models, physics-only, climatology, noise-ceiling) */
  medianNse: z.record(z.string(), z.number().nullable()),
  failed: z.array(z.object({ kind: z.string(), reason: z.string() })),
  hasReport: z.boolean(),
});

export const runsRequests = {
  'runs.presets': defineRequest({
    description: 'The run-config presets (demo, paper) and what the demo preset reduces relative to the paper.',
    request: z.object({}).strict(),
    response: z.object({
      presets: z.record(presetName, z.record(z.string(), z.unknown())),
      demoReductions: z.array(z.string()),
    }),
  }),
  'runs.validateConfig': defineRequest({
    description: 'Resolve run-config overrides on a preset; unknown keys and bad values are reported by name.',
    request: z.object({ preset: presetName.default('demo'), overrides: z.record(z.string(), z.unknown()).default({}) }).strict(),
    response: z.object({ ok: z.boolean(), config: z.record(z.string(), z.unknown()).nullable(), problems: z.array(z.string()) }),
  }),
  'runs.list': defineRequest({
    description: "The open project's runs (runs/<id>/) with status and median test NSE per model.",
    request: z.object({}).strict(),
    response: z.object({ runs: z.array(runSummarySchema) }),
  }),
} as const;
