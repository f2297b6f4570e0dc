import type { z } from 'zod';
import type { EventName, EventOf } from './contract.ts';
import type { JobKind, JobParams } from './job-map.ts';

/**
 * One request of the engine API: its runtime schemas (checked at every process boundary)
 * and, through z.infer, its static types. Renderer, preload, server and CLI all derive from these.
 */
export interface RequestSpec<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly description: string;
  readonly request: Req;
  readonly response: Res;
}

export function defineRequest<Req extends z.ZodType, Res extends z.ZodType>(
  spec: RequestSpec<Req, Res>,
): RequestSpec<Req, Res> {
  return spec;
}

/** One event the engine pushes to clients (progress, logs, run lifecycle). */
export interface EventSpec<Payload extends z.ZodType = z.ZodType> {
  readonly description: string;
  readonly payload: Payload;
}

export function defineEvent<Payload extends z.ZodType>(spec: EventSpec<Payload>): EventSpec<Payload> {
  return spec;
}

/**
 * What a request handler may use of the running engine. The foundation owns its implementation
 * (main/api/session.ts); domains only depend on this interface.
 */
export interface HandlerContext {
  /** the folder of the open project; throws a clear error when none is open */
  projectDir(): string;
  /** push an event to every connected client (the payload is checked against the event's schema) */
  emit<E extends EventName>(event: E, payload: EventOf<E>): void;
  /**
   * start a background job of a kind registered in main/run/job-kinds.ts, in a worker thread;
   * returns its id at once. Progress and the outcome arrive as job.* events.
   */
  startJob<K extends JobKind>(kind: K, params: JobParams<K>): string;
}

/** The handlers of one domain's request map: one async function per request name. */
export type HandlersFor<R extends Record<string, RequestSpec>> = {
  [N in keyof R]: (request: z.infer<R[N]['request']>, ctx: HandlerContext) => Promise<z.infer<R[N]['response']>>;
};
