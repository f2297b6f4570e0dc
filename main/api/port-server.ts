/**
 * The engine half of the MessagePort transport (main/api/port-protocol.ts): answers each request
 * through the dispatcher and forwards every session event, until the port is dropped.
 * Used by the Electron utility process (electron/engine-process.ts) and by tests over a
 * worker_threads MessageChannel.
 */
import { ApiError } from './api-error.ts';
import type { ApiReply } from './client.ts';
import { dispatch } from './dispatcher.ts';
import { handlers } from './handlers.ts';
import type { MessageEndpoint, PortEngineMessage, PortRequestMessage } from './port-protocol.ts';
import type { Session } from './session.ts';

/** One request as a reply envelope: the result, or the error every transport reports the same way. */
export async function replyTo(session: Session, name: unknown, payload: unknown): Promise<ApiReply> {
  if (typeof name !== 'string') return { ok: false, error: { code: 'invalid-request', message: 'request name must be a string' } };
  try {
    return { ok: true, result: await dispatch(handlers, name, payload, session) };
  } catch (err) {
    const body = err instanceof ApiError ? err.toBody() : { code: 'handler-error', message: err instanceof Error ? err.message : String(err) };
    return { ok: false, error: body };
  }
}

function isRequestMessage(data: unknown): data is PortRequestMessage {
  const m = data as Partial<PortRequestMessage> | null;
  return typeof m === 'object' && m !== null && m.type === 'request' && typeof m.id === 'number';
}

/** Serves the session on one endpoint; returns the function that stops serving it. */
export function servePort(session: Session, endpoint: MessageEndpoint): () => void {
  const post = (message: PortEngineMessage): void => {
    try {
      endpoint.post(message);
    } catch (err) {
      // a value structured clone refuses: the client still gets an answer, never a hang
      if (message.type !== 'reply') return;
      endpoint.post({ type: 'reply', id: message.id, reply: { ok: false, error: { code: 'transport-error', message: `reply could not be sent: ${err instanceof Error ? err.message : String(err)}` } } });
    }
  };
  const offEvents = session.onEvent((event, payload) => post({ type: 'event', event, payload }));
  const offMessages = endpoint.onMessage((data) => {
    if (!isRequestMessage(data)) return;
    void replyTo(session, data.name, data.payload).then((reply) => post({ type: 'reply', id: data.id, reply }));
  });
  return () => {
    offEvents();
    offMessages();
  };
}
