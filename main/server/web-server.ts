/**
 * Web mode: the renderer and the engine API on 127.0.0.1, for browsers (and for machines where
 * Electron cannot run). Like Jupyter, a random token printed with the URL is required on every
 * API request and event socket. Host and Origin are checked on everything, so a page on another
 * site, or one reached through a DNS name rebound to 127.0.0.1, is refused.
 *
 * Protocol (the renderer's HTTP transport in main/api/client.ts speaks it):
 *   GET  /?token=T                     index.html (401 without the right token)
 *   GET  /<asset>                      files of renderer/build/
 *   POST /api/request/<name>           JSON body, header Authorization: Bearer T
 *        -> { ok: true, result } | { ok: false, error: { code, message, field? } }
 *        400 schema error, 401 token, 403 Host/Origin, 404 unknown request, 500 handler error
 *   WS   /api/events?token=T           messages { event, payload }
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiError, httpStatusOf, type ApiErrorBody } from '../api/api-error.ts';
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
}

export interface WebServer {
  readonly port: number;
  readonly token: string;
  /** the URL to open, token included */
  readonly url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;

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

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? newToken();
  const staticDir = path.resolve(options.staticDir);
  const { session } = options;
  let port = 0;

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

  const readBody = (req: http.IncomingMessage): Promise<string> => new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError({ code: 'invalid-request', message: `request body larger than ${MAX_BODY_BYTES} bytes` }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

  const handleApi = async (req: http.IncomingMessage, res: http.ServerResponse, name: string): Promise<void> => {
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
      sendJson(res, 200, { ok: true, result });
    } catch (err) {
      const body = err instanceof ApiError ? err.toBody() : { code: 'handler-error', message: err instanceof Error ? err.message : String(err) };
      sendError(res, body);
    }
  };

  const handleStatic = (req: http.IncomingMessage, res: http.ServerResponse, url: URL): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      res.end();
      return;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400).end('bad path');
      return;
    }
    const isIndex = rel === '/' || rel === '/index.html';
    if (isIndex && !sameToken(url.searchParams.get('token'), token)) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('VegDyn: this address needs its ?token=… — open the full URL that `vegdyn serve` (or `npm start`) printed.\n');
      return;
    }
    const file = path.resolve(staticDir, `.${isIndex ? '/index.html' : rel}`);
    if (file !== staticDir && !file.startsWith(staticDir + path.sep)) {
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
    if (isIndex) headers['content-security-policy'] = contentSecurityPolicy([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]);
    res.writeHead(200, headers);
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  };

  const server = http.createServer((req, res) => {
    securityHeaders(res);
    const refused = checkHostAndOrigin(req);
    if (refused) {
      sendError(res, { code: 'forbidden', message: refused });
      return;
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname.startsWith('/api/request/')) {
      void handleApi(req, res, decodeURIComponent(url.pathname.slice('/api/request/'.length)));
    } else if (url.pathname.startsWith('/api/')) {
      sendError(res, { code: 'not-found', message: `no API endpoint ${url.pathname}` });
    } else {
      handleStatic(req, res, url);
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const sockets = new Set<WebSocket>();

  const refuseUpgrade = (socket: Socket, status: number, reason: string): void => {
    const text = `${reason}\n`;
    socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`);
  };

  server.on('upgrade', (req, socket: Socket, head) => {
    const refused = checkHostAndOrigin(req);
    if (refused) return refuseUpgrade(socket, 403, refused);
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname !== '/api/events') return refuseUpgrade(socket, 404, 'no such socket');
    if (!sameToken(url.searchParams.get('token'), token)) return refuseUpgrade(socket, 401, 'missing or wrong token');
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      // clients only listen on this socket; anything they send is ignored
      ws.on('message', () => undefined);
    });
  });

  const offEvents = session.onEvent((event, payload) => {
    const text = JSON.stringify({ event, payload } satisfies ApiEventMessage);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
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
