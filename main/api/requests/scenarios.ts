/**
 * What-if climate scenarios (issue #13, docs/scenarios.md): list the open project's scenarios and
 * the runs that have results of them, and define one. Running a scenario on a run is a background
 * job: jobs.start { kind: 'scenario-run', params: { projectDir, runId, scenario } }
 * (main/run/scenario-run-job.ts). zod only: the renderer imports this module.
 */
import { z } from 'zod';
import { defineRequest } from '../define.ts';
import { scenarioSchema } from '../../data/scenario/scenario-definition.ts';

export { SCENARIO_CHANGES, CO2_RANGE_PPM, describeChanges, parsePeriod } from '../../data/scenario/scenario-definition.ts';
export type { Scenario } from '../../data/scenario/scenario-definition.ts';

/** one value or 12 monthly values; the engine checks ranges and lengths and names what is wrong */
const monthlyInput = z.union([z.number(), z.array(z.number())]);

export const scenarioResultSchema = z.object({
  runId: z.string(),
  scenario: z.string(),
  period: z.object({ from: z.string(), to: z.string() }),
  createdAt: z.string(),
  /** share of basin cell-days outside the training envelope */
  outsideEnvelope: z.number(),
  /** per entry, the basin's period-mean LAI (m2 m-2), baseline and scenario, and the change */
  entries: z.array(z.object({
    id: z.string(), label: z.string(), co2: z.string(),
    baseline: z.number().nullable(), scenario: z.number().nullable(), change: z.number().nullable(), relative: z.number().nullable(),
  })),
});
export type ScenarioResult = z.infer<typeof scenarioResultSchema>;

export const scenariosRequests = {
  'scenarios.list': defineRequest({
    description: "The open project's scenarios (scenarios/<name>.json), files that do not read with their problem, and every run's scenario results with the basin change per model.",
    request: z.object({}).strict(),
    response: z.object({
      scenarios: z.array(scenarioSchema),
      unreadable: z.array(z.object({ file: z.string(), error: z.string() })),
      results: z.array(scenarioResultSchema),
    }),
  }),
  'scenarios.create': defineRequest({
    description: 'Define a scenario in the open project: delta changes by forcing variable (Tair K added; Rainf, SWdown multipliers), CO2 ppm, an optional baseline period. Refused with the field named (unknown variable, negative multiplier, CO2 outside 150-2000 ppm, ...); nothing is written then.',
    request: z.object({
      name: z.string(),
      description: z.string().optional(),
      period: z.object({ from: z.string(), to: z.string() }).strict().optional(),
      /** checked by the engine (docs/scenarios.md), so an unknown variable is named with what may change */
      changes: z.record(z.string(), monthlyInput),
      co2Ppm: monthlyInput.optional(),
      /** replace a scenario of the same name */
      replace: z.boolean().optional(),
    }).strict(),
    response: z.object({ scenario: scenarioSchema, file: z.string() }),
  }),
} as const;
