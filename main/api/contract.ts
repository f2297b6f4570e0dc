/**
 * The one typed contract between the renderer (or any client) and the engine.
 * Each domain declares its requests in main/api/requests/<domain>.ts and its events in
 * main/api/events/<domain>.ts; they are merged here.
 * Types are derived from the zod schemas, so the runtime check and the static type cannot drift.
 * This module is imported by the renderer: it must stay free of Node imports (zod only).
 */
import type { z } from 'zod';
import { systemRequests } from './requests/system.ts';
import { jobsRequests } from './requests/jobs.ts';
import { projectRequests } from './requests/project.ts';
import { mapRequests } from './requests/map.ts';
import { dataRequests } from './requests/data.ts';
import { leafRequests } from './requests/leaf.ts';
import { runsRequests } from './requests/runs.ts';
import { importRequests } from './requests/import.ts';
import { scenariosRequests } from './requests/scenarios.ts';
import { clusterRequests } from './requests/cluster.ts';
import { jobEvents } from './events/jobs.ts';
import { projectEvents } from './events/project.ts';

export const requests = {
  ...systemRequests,
  ...jobsRequests,
  ...projectRequests,
  ...mapRequests,
  ...dataRequests,
  ...leafRequests,
  ...runsRequests,
  ...importRequests,
  ...scenariosRequests,
  ...clusterRequests,
} as const;

export const events = {
  ...jobEvents,
  ...projectEvents,
} as const;

export type Requests = typeof requests;
export type RequestName = keyof Requests;
export type RequestOf<N extends RequestName> = z.infer<Requests[N]['request']>;
export type ResponseOf<N extends RequestName> = z.infer<Requests[N]['response']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventOf<E extends EventName> = z.infer<Events[E]['payload']>;

export function isRequestName(name: string): name is RequestName {
  return Object.prototype.hasOwnProperty.call(requests, name);
}

export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}
