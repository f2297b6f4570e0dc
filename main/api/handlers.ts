/**
 * Every domain's handlers composed into one object for the whole contract. The annotation
 * `Handlers` makes typecheck fail when a request in contract.ts has no handler here.
 * A domain adds its handlers in main/api/handlers/<domain>-handlers.ts and one line below.
 */
import type { Requests } from './contract.ts';
import type { HandlersFor } from './define.ts';
import { systemHandlers } from './handlers/system-handlers.ts';
import { jobsHandlers } from './handlers/jobs-handlers.ts';
import { projectHandlers } from './handlers/project-handlers.ts';
import { mapHandlers } from './handlers/map-handlers.ts';
import { dataHandlers } from './handlers/data-handlers.ts';
import { leafHandlers } from './handlers/leaf-handlers.ts';
import { runsHandlers } from './handlers/runs-handlers.ts';
import { importHandlers } from './handlers/import-handlers.ts';
import { scenarioHandlers } from './handlers/scenario-handlers.ts';
import { clusterHandlers } from './handlers/cluster-handlers.ts';

export type Handlers = HandlersFor<Requests>;

export const handlers: Handlers = {
  ...systemHandlers,
  ...jobsHandlers,
  ...projectHandlers,
  ...mapHandlers,
  ...dataHandlers,
  ...leafHandlers,
  ...runsHandlers,
  ...importHandlers,
  ...scenarioHandlers,
  ...clusterHandlers,
};
