/**
 * The engine as the renderer reaches it, without a server: a Session behind the in-process
 * transport of the typed API client, with a temporary folder; both are removed after the file's
 * tests.
 */
import { after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Session, type SessionOptions } from '../../main/api/session.ts';
import { createApiClient, type ApiClient } from '../../main/api/client.ts';
import { createInProcessTransport } from '../../main/api/in-process-transport.ts';

export interface InProcessApi {
  readonly tmp: string;
  readonly session: Session;
  readonly api: ApiClient;
}

/** @param homeInTmp also make the temporary folder VEGDYN_HOME (before the session starts) */
export function inProcessApi(prefix: string, options: SessionOptions = {}, homeInTmp = false): InProcessApi {
  const tmp = mkdtempSync(path.join(os.tmpdir(), prefix));
  if (homeInTmp) process.env.VEGDYN_HOME = tmp;
  const session = new Session(options);
  const api = createApiClient(createInProcessTransport(session));
  after(async () => {
    api.close();
    await session.close();
    rmSync(tmp, { recursive: true, force: true });
  });
  return { tmp, session, api };
}
