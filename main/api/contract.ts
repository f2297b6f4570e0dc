/**
 * The one typed contract between the renderer (or any client) and the engine.
 * Each domain declares its requests in main/api/requests/<domain>.ts; they are merged here.
 * Types are derived from the zod schemas, so the runtime check and the static type cannot drift.
 */
import type { z } from 'zod';
import { systemRequests } from './requests/system.ts';

export const requests = {
  ...systemRequests,
} as const;

export type Requests = typeof requests;
export type RequestName = keyof Requests;
export type RequestOf<N extends RequestName> = z.infer<Requests[N]['request']>;
export type ResponseOf<N extends RequestName> = z.infer<Requests[N]['response']>;

export function isRequestName(name: string): name is RequestName {
  return Object.prototype.hasOwnProperty.call(requests, name);
}
