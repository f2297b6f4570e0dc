/**
 * The engine API over a MessagePort: what the Electron renderer (through its preload) and the
 * Electron main side speak to the engine's utility process, the same requests, replies and events
 * as every other transport. The client half lives here (bundled into the sandboxed preload: no
 * Node imports); the engine half, which needs the dispatcher, is main/api/port-server.ts.
 * Messages travel by structured clone, so typed arrays arrive as typed arrays.
 */
import type { ApiEventMessage, ApiReply, VegdynBridge } from './client.ts';

/** Client to engine. */
export interface PortRequestMessage { type: 'request'; id: number; name: string; payload: unknown }

/** Engine to client: the reply to one request, or an event. */
export type PortEngineMessage =
  | { type: 'reply'; id: number; reply: ApiReply }
  | ({ type: 'event' } & ApiEventMessage);

/**
 * One end of a message channel, whatever its flavour: a DOM MessagePort (preload), a Node
 * worker_threads MessagePort (tests) or Electron's MessagePortMain (main and utility process).
 */
export interface MessageEndpoint {
  post(message: unknown): void;
  /** returns the function that stops listening */
  onMessage(listener: (data: unknown) => void): () => void;
  close(): void;
}

/** A port with the DOM's EventTarget shape: the browser's MessagePort and Node's worker_threads one. */
export interface EventTargetPort {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: Event) => void): void;
  removeEventListener(type: 'message', listener: (event: Event) => void): void;
  start(): void;
  close(): void;
}

export function endpointFromEventTarget(port: EventTargetPort): MessageEndpoint {
  let started = false;
  return {
    post: (message) => port.postMessage(message),
    onMessage(listener) {
      const handler = (event: Event): void => listener((event as MessageEvent).data);
      port.addEventListener('message', handler);
      // messages queue on the port until it is started: start once somebody listens
      if (!started) { port.start(); started = true; }
      return () => port.removeEventListener('message', handler);
    },
    close: () => port.close(),
  };
}

function isEngineMessage(data: unknown): data is PortEngineMessage {
  const m = data as Partial<PortEngineMessage> | null;
  return typeof m === 'object' && m !== null && (m.type === 'reply' || m.type === 'event');
}

/**
 * The client half: the `VegdynBridge` shape (request resolves with the reply envelope, onEvent
 * hears every event) over one endpoint, so createIpcTransport and createApiClient work on it as
 * they do on the preload's bridge.
 */
export function createPortBridge(endpoint: MessageEndpoint): Required<Pick<VegdynBridge, 'request' | 'onEvent'>> & { close(): void } {
  let nextId = 1;
  const pending = new Map<number, (reply: ApiReply) => void>();
  const listeners = new Set<(message: ApiEventMessage) => void>();
  const stop = endpoint.onMessage((data) => {
    if (!isEngineMessage(data)) return;
    if (data.type === 'reply') {
      const resolve = pending.get(data.id);
      pending.delete(data.id);
      resolve?.(data.reply);
      return;
    }
    const message: ApiEventMessage = { event: data.event, payload: data.payload };
    for (const listener of listeners) listener(message);
  });
  return {
    request(name, payload) {
      const id = nextId++;
      return new Promise<ApiReply>((resolve) => {
        pending.set(id, resolve);
        endpoint.post({ type: 'request', id, name, payload } satisfies PortRequestMessage);
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
    close() {
      stop();
      listeners.clear();
      for (const resolve of pending.values()) resolve({ ok: false, error: { code: 'transport-error', message: 'the connection to the engine was closed' } });
      pending.clear();
      endpoint.close();
    },
  };
}
