/**
 * Web mode: the renderer and the engine API on 127.0.0.1, for browsers (and for machines where
 * Electron cannot run). Like Jupyter, a random token printed with the URL is required on every
 * API request and event socket. Host and Origin are checked on everything, so a page on another
 * site, or one reached through a DNS name rebound to 127.0.0.1, is refused.
 *
 * Protocol (the renderer's HTTP transport in main/api/client.ts speaks it):
 *   GET  /?token=T                     index.html (also /index.html; 401 without the right token
 *                                      or the cookie the first visit set, so a reload works after the
 *                                      page has taken the token out of the address bar)
 *   GET  /<asset>                      files of renderer/build/ (never index.html under another name)
 *   POST /api/request/<name>           JSON body, header Authorization: Bearer T
 *        -> { ok: true, result } | { ok: false, error: { code, message, field? } }
 *        400 schema error or malformed request, 401 token, 403 Host/Origin, 404 unknown request,
 *        413 body over maxBodyBytes, 500 handler error
 *   WS   /api/events?token=T           messages { event, payload }; clients only listen
 *
 * Nothing a client sends may stop the process: every request, upgrade and socket listener catches
 * its errors (a malformed URL, a reset connection, an oversized or invalid WebSocket frame) and
 * answers or drops that one connection.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiError, httpStatusOf, type ApiErrorBody } from '../api/api-error.ts';
import { BINARY_MEDIA_TYPE, encodeBinary, float32AsJson, holdsFloat32 } from '../api/binary-wire.ts';
import { dispatch } from '../api/dispatcher.ts';
import { handlers } from '../api/handlers.ts';
import type { ApiEventMessage, ApiReply } from '../api/client.ts';
import type { Session } from '../api/session.ts';
import { contentSecurityPolicy } from './content-security-policy.ts';

export interface WebServerOptions {
  session: Session;
  /** 0 picks a free port */
  port?: number;
  /** folder with index.html and the bundled renderer (renderer/build) */
  staticDir: string;
  /** for tests; normally 32 random hex characters */
  token?: string;
  /** largest request body accepted (413 above it); default MAX_BODY_BYTES */
  maxBodyBytes?: number;
  /** where errors of single connections are reported (default: stderr); they never stop the server */
  log?: (line: string) => void;
}

export interface WebServer {
  readonly port: number;
  readonly token: string;
  /** the URL to open, token included */
  readonly url: string;
  close(): Promise<void>;
}

/** requests are JSON parameters (uploads of shapefiles and leaf CSVs included): 32 MiB is ample */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;
/** the event socket is one-way (server to page): a client frame above this closes the socket (1009) */
const MAX_WS_PAYLOAD_BYTES = 64 * 1024;

/** A request that cannot be served as sent: answered with `status` and closed. */
class BadRequest extends Error {
  constructor(readonly status: 400 | 413, message: string) {
    super(message);
  }
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.pbf': 'application/x-protobuf',
  '.geojson': 'application/geo+json',
  '.topojson': 'application/json',
};

export function newToken(): string {
  return randomBytes(16).toString('hex');
}

function sameToken(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The request target as a URL; absolute-form targets (`GET http://host/path`) keep only path and query. */
function requestUrl(req: http.IncomingMessage): URL {
  const raw = req.url ?? '/';
  try {
    const url = new URL(raw, 'http://127.0.0.1');
    // absolute-form is for proxies; a loopback server reads the path of it and nothing else
    return raw.startsWith('/') ? url : new URL(`${url.pathname}${url.search}`, 'http://127.0.0.1');
  } catch {
    throw new BadRequest(400, `malformed request target '${raw.slice(0, 200)}'`);
  }
}

function decodePath(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new BadRequest(400, `${what} '${text.slice(0, 200)}' is not valid percent-encoding`);
  }
}

/** The value of cookie `name` in a Cookie header. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? newToken();
  const staticDir = path.resolve(options.staticDir);
  const indexFile = path.join(staticDir, 'index.html');
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const log = options.log ?? ((line: string) => process.stderr.write(`vegdyn serve: ${line}\n`));
  const { session } = options;
  let port = 0;
  // cookies are shared by every port of 127.0.0.1: the port in the name keeps two servers apart
  const tokenCookie = (): string => `vegdyn-token-${port}`;

  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];
  const allowedOrigins = (): string[] => allowedHosts().map((h) => `http://${h}`);

  /** null when Host and Origin are acceptable, else the reason */
  const checkHostAndOrigin = (req: http.IncomingMessage): string | null => {
    const host = req.headers.host;
    if (!host || !allowedHosts().includes(host.toLowerCase())) return `Host '${host ?? ''}' is not this server (expected 127.0.0.1:${port})`;
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().includes(origin.toLowerCase())) return `Origin '${origin}' may not use this server`;
    return null;
  };

  const securityHeaders = (res: http.ServerResponse): void => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // the token travels in the page URL: never leak it through Referer
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  };

  const sendJson = (res: http.ServerResponse, status: number, body: ApiReply): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const sendError = (res: http.ServerResponse, error: ApiErrorBody): void => sendJson(res, httpStatusOf(error.code), { ok: false, error });
  /** Grids (Float32Array) go as raw bytes to clients that accept BINARY_MEDIA_TYPE (the app), else as JSON numbers with null. */
  const sendResult = (req: http.IncomingMessage, res: http.ServerResponse, result: unknown): void => {
    if (!holdsFloat32(result)) return sendJson(res, 200, { ok: true, result });
    const reply = { ok: true, result };
    const binary = (req.headers.accept ?? '').includes(BINARY_MEDIA_TYPE);
    const body = binary ? encodeBinary(reply) : Buffer.from(JSON.stringify(reply, float32AsJson));
    res.writeHead(200, { 'content-type': binary ? BINARY_MEDIA_TYPE : 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': body.byteLength });
    res.end(body);
  };

  /** Answers a malformed or oversized request and closes its connection once the answer is out. */
  const sendBadRequest = (req: http.IncomingMessage, res: http.ServerResponse, err: BadRequest): void => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const error: ApiErrorBody = { code: 'invalid-request', message: err.message };
    const text = JSON.stringify({ ok: false, error } satisfies ApiReply);
    res.shouldKeepAlive = false;
    res.writeHead(err.status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text), connection: 'close' });
    // the rest of an oversized body is read and dropped, so the client sees the answer rather
    // than a reset while it is still sending; the connection closes after the answer
    req.resume();
    res.end(text);
  };

  const readBody = (req: http.IncomingMessage): Promise<string> => new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBodyBytes) {
      reject(new BadRequest(413, `request body of ${declared} bytes is larger than the ${maxBodyBytes} bytes this server accepts`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > maxBodyBytes) {
        over = true;
        chunks.length = 0;
        reject(new BadRequest(413, `request body larger than the ${maxBodyBytes} bytes this server accepts`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => { if (!over) resolve(Buffer.concat(chunks).toString('utf8')); });
    req.on('error', reject);
  });

  const handleApi = async (req: http.IncomingMessage, res: http.ServerResponse, encodedName: string): Promise<void> => {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' });
      res.end();
      return;
    }
    const auth = req.headers.authorization ?? '';
    const bearer = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : '';
    if (!sameToken(bearer, token)) {
      sendError(res, { code: 'unauthorized', message: 'missing or wrong token: send the header Authorization: Bearer <token from the URL>' });
      return;
    }
    const name = decodePath(encodedName, 'request name');
    try {
      const text = await readBody(req);
      let payload: unknown = {};
      if (text.trim() !== '') {
        try {
          payload = JSON.parse(text);
        } catch (err) {
          throw new ApiError({ code: 'invalid-request', message: `request body of ${name} is not valid JSON: ${err instanceof Error ? err.message : String(err)}` });
        }
      }
      const result = await dispatch(handlers, name, payload, session);
      sendResult(req, res, result);
    } catch (err) {
      if (err instanceof BadRequest) throw err;
      const body = err instanceof ApiError ? err.toBody() : { code: 'handler-error', message: err instanceof Error ? err.message : String(err) };
      // the client may have gone while the handler ran: nothing left to answer
      if (res.destroyed || res.headersSent) return;
      sendError(res, body);
    }
  };

  const handleStatic = (req: http.IncomingMessage, res: http.ServerResponse, url: URL): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      res.end();
      return;
    }
    const rel = decodePath(url.pathname, 'path');
    const isIndex = rel === '/' || rel === '/index.html';
    const urlToken = url.searchParams.get('token');
    if (isIndex && !sameToken(urlToken, token) && !sameToken(cookieValue(req.headers.cookie, tokenCookie()), token)) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('VegDyn: this address needs its ?token=… — open the full URL that `vegdyn serve` (or `npm start`) printed.\n');
      return;
    }
    const file = path.resolve(staticDir, `.${isIndex ? '/index.html' : rel}`);
    // the page only at / and /index.html (path.resolve would also map '/index.html/' to it)
    if ((file !== staticDir && !file.startsWith(staticDir + path.sep)) || (file === indexFile && !isIndex)) {
      res.writeHead(404).end();
      return;
    }
    if (!existsSync(file) || !statSync(file).isFile()) {
      if (isIndex) {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`VegDyn: the renderer is not built (${file} is missing): run \`npm run build:renderer\`.\n`);
      } else {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      }
      return;
    }
    const headers: http.OutgoingHttpHeaders = {
      'content-type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': statSync(file).size,
      'cache-control': isIndex ? 'no-store' : 'no-cache',
    };
    // every HTML answer carries the CSP, whichever file it is
    if (headers['content-type']?.toString().startsWith('text/html')) headers['content-security-policy'] = contentSecurityPolicy([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]);
    if (isIndex && sameToken(urlToken, token)) headers['set-cookie'] = `${tokenCookie()}=${token}; Path=/; HttpOnly; SameSite=Strict`;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(file);
    // a file removed or unreadable after the stat: drop this answer, not the server
    stream.on('error', (err) => {
      log(`reading ${file}: ${err.message}`);
      res.destroy();
    });
    stream.pipe(res);
  };

  const handleRequest = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    securityHeaders(res);
    const refused = checkHostAndOrigin(req);
    if (refused) {
      sendError(res, { code: 'forbidden', message: refused });
      return;
    }
    const url = requestUrl(req);
    if (url.pathname.startsWith('/api/request/')) {
      await handleApi(req, res, url.pathname.slice('/api/request/'.length));
    } else if (url.pathname.startsWith('/api/')) {
      sendError(res, { code: 'not-found', message: `no API endpoint ${url.pathname}` });
    } else {
      handleStatic(req, res, url);
    }
  };

  const server = http.createServer((req, res) => {
    // a connection reset mid-request or mid-answer concerns that connection only
    req.on('error', (err) => log(`request ${req.method} ${req.url}: ${err.message}`));
    res.on('error', (err) => log(`answer to ${req.method} ${req.url}: ${err.message}`));
    handleRequest(req, res).catch((err: unknown) => {
      if (err instanceof BadRequest) return sendBadRequest(req, res, err);
      log(`request ${req.method} ${req.url}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      if (!res.headersSent) sendError(res, { code: 'handler-error', message: 'internal server error' });
      else res.destroy();
    });
  });
  // errors of the listening socket after start (startup errors reject below)
  server.on('error', (err) => log(`server: ${err.message}`));

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_PAYLOAD_BYTES });
  const sockets = new Set<WebSocket>();

  const refuseUpgrade = (socket: Socket, status: number, reason: string): void => {
    const text = `${reason}\n`;
    socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`);
  };

  const handleUpgrade = (req: http.IncomingMessage, socket: Socket, head: Buffer): void => {
    const refused = checkHostAndOrigin(req);
    if (refused) return refuseUpgrade(socket, 403, refused);
    const url = requestUrl(req);
    if (url.pathname !== '/api/events') return refuseUpgrade(socket, 404, 'no such socket');
    if (!sameToken(url.searchParams.get('token'), token)) return refuseUpgrade(socket, 401, 'missing or wrong token');
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      // a frame over maxPayload, invalid UTF-8 or an unmasked frame: ws closes the socket with
      // 1009/1007/1002 and reports it here; without this listener the error would stop the process
      ws.on('error', (err) => {
        log(`event socket: ${err.message}`);
        sockets.delete(ws);
        ws.terminate();
      });
      // clients only listen on this socket; anything they send is ignored
      ws.on('message', () => undefined);
    });
  };

  server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    // a client that resets the connection after a refused upgrade must not stop the server
    socket.on('error', (err) => {
      log(`upgrade ${req.url}: ${err.message}`);
      socket.destroy();
    });
    try {
      handleUpgrade(req, socket, head);
    } catch (err) {
      if (err instanceof BadRequest) refuseUpgrade(socket, err.status, err.message);
      else {
        log(`upgrade ${req.url}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
        socket.destroy();
      }
    }
  });

  const offEvents = session.onEvent((event, payload) => {
    const text = JSON.stringify({ event, payload } satisfies ApiEventMessage);
    // a send that fails (socket closing) reports to the socket's error listener
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text, (err) => { if (err) log(`event socket: ${err.message}`); });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    async close() {
      offEvents();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
