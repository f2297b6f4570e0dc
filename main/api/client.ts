/**
 * The typed client of the engine API, used by the renderer, the CLI and tests.
 *   const api = createApiClient(transport);
 *   const { jobId } = await api.request('jobs.start', { kind: 'self-test', params: {} });
 *   const off = api.on('job.progress', (p) => ...);
 * Transports: HTTP + WebSocket (web mode), IPC through the preload's `window.vegdyn` (Electron),
 * in-process (main/api/in-process-transport.ts; tests and CLI).
 * Imported by the renderer: no Node imports here (zod only).
 */
import { ApiError, type ApiErrorBody } from './api-error.ts';
import { BINARY_MEDIA_TYPE, decodeBinary } from './binary-wire.ts';
import { events, isEventName, type EventName, type EventOf, type RequestName, type RequestOf, type ResponseOf } from './contract.ts';

/** The reply envelope of every transport (HTTP body, IPC result). */
export type ApiReply = { ok: true; result: unknown } | { ok: false; error: ApiErrorBody };

/** An event as it travels (WebSocket message, IPC message). */
export interface ApiEventMessage { event: string; payload: unknown }

export type RawEventListener = (event: string, payload: unknown) => void;

export interface ApiTransport {
  /** resolves with the result or rejects with an ApiError */
  request(name: string, payload: unknown): Promise<unknown>;
  subscribe(listener: RawEventListener): () => void;
  close(): void;
}

export interface ApiClient {
  request<N extends RequestName>(name: N, payload: RequestOf<N>): Promise<ResponseOf<N>>;
  /** listen to one event; returns the function that stops listening */
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void;
  close(): void;
}

export function unwrapReply(reply: unknown, context: string): unknown {
  const r = reply as Partial<ApiReply> | null;
  if (r && r.ok === true) return (r as { result: unknown }).result;
  if (r && r.ok === false && r.error && typeof r.error.message === 'string') throw new ApiError(r.error);
  throw new ApiError({ code: 'transport-error', message: `${context}: malformed reply from the engine` });
}

export function createApiClient(transport: ApiTransport): ApiClient {
  const listeners = new Map<string, Set<(payload: never) => void>>();
  let unsubscribe: (() => void) | undefined;

  const deliver: RawEventListener = (event, payload) => {
    const set = listeners.get(event);
    if (!set || !isEventName(event)) return;
    // events cross a process boundary: check them against the contract before handing them on
    const checked = events[event].payload.safeParse(payload);
    if (!checked.success) {
      console.warn(`vegdyn: dropped malformed ${event} event`, checked.error.issues[0]);
      return;
    }
    for (const fn of set) (fn as (p: unknown) => void)(checked.data);
  };

  return {
    async request(name, payload) {
      return (await transport.request(name, payload)) as never;
    },
    on(event, listener) {
      if (!unsubscribe) unsubscribe = transport.subscribe(deliver);
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => { set.delete(listener as (payload: never) => void); };
    },
    close() {
      unsubscribe?.();
      unsubscribe = undefined;
      listeners.clear();
      transport.close();
    },
  };
}

/** What a WebSocket constructor must offer (the browser's, or `ws` in Node). */
export interface WebSocketLike {
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  close(): void;
}
export type WebSocketCtor = new (url: string) => WebSocketLike;

export interface HttpTransportOptions {
  /** e.g. 'http://127.0.0.1:5123' */
  baseUrl: string;
  token: string;
  /** defaults to the global WebSocket (browsers, Node >= 22); pass `ws`'s in Node 20 */
  WebSocket?: WebSocketCtor;
  /** ms before reconnecting a dropped event socket */
  reconnectMs?: number;
}

/** Web mode: requests are POST /api/request/<name>, events come over WebSocket /api/events. */
export function createHttpTransport(options: HttpTransportOptions): ApiTransport {
  const base = options.baseUrl.replace(/\/$/, '');
  const subscribers = new Set<RawEventListener>();
  let socket: WebSocketLike | undefined;
  let closed = false;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const connect = (): void => {
    const Ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketCtor }).WebSocket;
    if (!Ctor) throw new Error('no WebSocket implementation: pass one in HttpTransportOptions.WebSocket');
    const wsUrl = `${base.replace(/^http/, 'ws')}/api/events?token=${encodeURIComponent(options.token)}`;
    const s = new Ctor(wsUrl);
    socket = s;
    s.onmessage = (ev) => {
      let msg: ApiEventMessage;
      try {
        msg = JSON.parse(typeof ev.data === 'string' ? ev.data : String(ev.data)) as ApiEventMessage;
      } catch {
        return;
      }
      for (const fn of subscribers) fn(msg.event, msg.payload);
    };
    s.onerror = () => undefined;
    s.onclose = () => {
      socket = undefined;
      if (!closed && subscribers.size > 0) retry = setTimeout(connect, options.reconnectMs ?? 1000);
    };
  };

  return {
    async request(name, payload) {
      let res: Response;
      try {
        res = await fetch(`${base}/api/request/${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: `${BINARY_MEDIA_TYPE}, application/json`, authorization: `Bearer ${options.token}` },
          body: JSON.stringify(payload ?? {}),
        });
      } catch (err) {
        throw new ApiError({ code: 'transport-error', message: `engine unreachable at ${base}: ${err instanceof Error ? err.message : String(err)}` });
      }
      let body: unknown;
      try {
        // replies holding grids come in the binary layout (binary-wire.ts), the rest as JSON
        body = res.headers.get('content-type')?.startsWith(BINARY_MEDIA_TYPE) ? decodeBinary(await res.arrayBuffer()) : await res.json();
      } catch {
        throw new ApiError({ code: 'transport-error', message: `${name}: HTTP ${res.status} without a readable body` });
      }
      return unwrapReply(body, name);
    },
    subscribe(listener) {
      subscribers.add(listener);
      if (!socket && !closed) connect();
      return () => { subscribers.delete(listener); };
    },
    close() {
      closed = true;
      if (retry) clearTimeout(retry);
      socket?.close();
    },
  };
}

/** What a native open dialog of the Electron shell picks: a project folder, a leaf CSV file, or files to import. */
/** 'new-project': a folder for a new project (the dialog may create it) */
export type NativeDialogKind = 'project' | 'new-project' | 'leaf-csv' | 'import-file';

/** The one object the Electron preload exposes as `window.vegdyn`. */
export interface VegdynBridge {
  request(name: string, payload: unknown): Promise<ApiReply>;
  /** returns the function that stops listening */
  onEvent(listener: (message: ApiEventMessage) => void): () => void;
  /**
   * The shell's native open dialog (not an engine request: web mode has none, so it is absent
   * there); resolves with the chosen absolute path, or null when cancelled.
   */
  openDialog?(kind: NativeDialogKind): Promise<string | null>;
}

export function createIpcTransport(bridge: VegdynBridge): ApiTransport {
  const unsubs: (() => void)[] = [];
  return {
    async request(name, payload) {
      return unwrapReply(await bridge.request(name, payload), name);
    },
    subscribe(listener) {
      const off = bridge.onEvent((m) => listener(m.event, m.payload));
      unsubs.push(off);
      return off;
    },
    close() {
      for (const off of unsubs.splice(0)) off();
    },
  };
}

/**
 * The transport a renderer page should use: IPC when the Electron preload put `vegdyn` on the
 * window, else web mode against the page's own origin with `token` (by default the ?token= of its URL).
 */
export function transportForPage(win: { location: { origin: string; search: string } } & { vegdyn?: VegdynBridge }, token = new URLSearchParams(win.location.search).get('token')): ApiTransport {
  if (win.vegdyn) return createIpcTransport(win.vegdyn);
  if (!token) throw new Error('this page was opened without its ?token=…: open the URL that `vegdyn serve` printed');
  return createHttpTransport({ baseUrl: win.location.origin, token });
}
