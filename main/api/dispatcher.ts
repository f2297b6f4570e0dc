/**
 * Runs one request of the contract: validates the payload with the request's schema, calls the
 * handler, validates the response. Every transport (HTTP, IPC, in-process) goes through here, so
 * a malformed payload is refused the same way everywhere.
 */
import { ApiError, describeIssues } from './api-error.ts';
import { isRequestName, requests, type RequestName } from './contract.ts';
import type { HandlerContext } from './define.ts';
import type { Handlers } from './handlers.ts';
import { JobRequestError } from '../compute/job-context.ts';

export async function dispatch(handlers: Handlers, name: string, payload: unknown, ctx: HandlerContext): Promise<unknown> {
  if (!isRequestName(name)) {
    throw new ApiError({ code: 'unknown-request', message: `unknown request '${name}'` });
  }
  const spec = requests[name];
  const parsed = spec.request.safeParse(payload ?? {});
  if (!parsed.success) {
    const { field, text } = describeIssues(parsed.error);
    throw new ApiError({ code: 'invalid-request', message: `invalid request payload for ${name}: ${text}`, field });
  }
  // The handler map is keyed by the same names; TypeScript cannot correlate the union here.
  const handler = handlers[name as RequestName] as (req: unknown, ctx: HandlerContext) => Promise<unknown>;
  let result: unknown;
  try {
    result = await handler(parsed.data, ctx);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    // the job host (below the API) names the field it refuses; here that becomes a request error
    if (err instanceof JobRequestError) throw new ApiError({ code: 'invalid-request', message: err.message, field: err.field });
    throw new ApiError({ code: 'handler-error', message: err instanceof Error ? err.message : String(err) });
  }
  const checked = spec.response.safeParse(result);
  if (!checked.success) {
    const { field, text } = describeIssues(checked.error);
    throw new ApiError({ code: 'invalid-response', message: `handler for ${name} returned an invalid response: ${text}`, field });
  }
  return checked.data;
}
