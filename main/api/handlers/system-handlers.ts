import os from 'node:os';
import { createRequire } from 'node:module';
import type { HandlersFor } from '../define.ts';
import type { systemRequests } from '../requests/system.ts';

const require = createRequire(import.meta.url);

export function appVersion(): { name: string; version: string } {
  const pkg = require('../../../package.json') as { productName?: string; name: string; version: string };
  return { name: pkg.productName ?? pkg.name, version: pkg.version };
}

export const systemHandlers: HandlersFor<typeof systemRequests> = {
  'system.info': async () => ({
    app: appVersion(),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    arch: os.arch(),
    cpus: os.cpus().length,
    totalMemoryBytes: os.totalmem(),
    // imported on first use: loading tfjs is slow and only this request needs it here
    backend: await (await import('../../compute/backend.ts')).initComputeBackend(),
  }),
};
