/**
 * The Content-Security-Policy of the app page, in Electron and in web mode: nothing from remote
 * origins. MapLibre needs blob: workers and data:/blob: images; the event socket is on loopback.
 */
export function contentSecurityPolicy(eventSocketOrigins: readonly string[] = ['ws://127.0.0.1:*', 'ws://localhost:*']): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "worker-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${eventSocketOrigins.join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
