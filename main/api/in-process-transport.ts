/** A transport that calls the dispatcher directly, for tests and the CLI (same validation as over the wire). */
import { ApiError } from './api-error.ts';
import type { ApiTransport } from './client.ts';
import { decodeBinary, encodeBinary, holdsFloat32 } from './binary-wire.ts';
import { dispatch } from './dispatcher.ts';
import { handlers } from './handlers.ts';
import type { Session } from './session.ts';

export function createInProcessTransport(session: Session): ApiTransport {
  const offs: (() => void)[] = [];
  return {
    async request(name, payload) {
      // round-trip through the wire formats so in-process calls see exactly what a remote client would
      const wire = JSON.parse(JSON.stringify(payload ?? {})) as unknown;
      try {
        const result = await dispatch(handlers, name, wire, session);
        if (holdsFloat32(result)) return decodeBinary(encodeBinary(result));
        return JSON.parse(JSON.stringify(result) ?? 'null') as unknown;
      } catch (err) {
        if (err instanceof ApiError) throw err;
        throw new ApiError({ code: 'handler-error', message: err instanceof Error ? err.message : String(err) });
      }
    },
    subscribe(listener) {
      const off = session.onEvent((event, payload) => listener(event, payload));
      offs.push(off);
      return off;
    },
    close() {
      for (const off of offs.splice(0)) off();
    },
  };
}
