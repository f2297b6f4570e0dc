import type { HandlersFor } from '../define.ts';
import type { scenariosRequests } from '../requests/scenarios.ts';
import { ApiError } from '../api-error.ts';
import { createScenario, listScenarios, scenarioPath } from '../../data/scenario/scenario-store.ts';
import { listScenarioResults } from '../../map/scenario-results.ts';

export const scenarioHandlers: HandlersFor<typeof scenariosRequests> = {
  'scenarios.list': async (_req, ctx) => {
    const dir = ctx.projectDir();
    const { scenarios, unreadable } = await listScenarios(dir);
    return { scenarios, unreadable, results: listScenarioResults(dir) };
  },
  'scenarios.create': async (req, ctx) => {
    const dir = ctx.projectDir();
    const { replace, ...input } = req;
    try {
      const scenario = await createScenario(dir, input, { replace: replace ?? false });
      return { scenario, file: scenarioPath(dir, scenario.name) };
    } catch (err) {
      // the engine's own message names the field (changes: unknown variable 'Qair'; ...); it is the user's input that is wrong
      throw new ApiError({ code: 'invalid-request', message: err instanceof Error ? err.message : String(err) });
    }
  },
};
