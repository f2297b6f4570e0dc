/**
 * The engine's process: an Electron utilityProcess forked by electron/main.ts. It creates the one
 * Session, opens the default project, and serves the engine API on every MessagePort the main side
 * hands it (one per window, one for the main side's own menu actions), so neither requests nor
 * heavy work ever run on the Electron main process's loop.
 * The engine is TypeScript run through tsx (its job workers load .ts modules too), loaded from
 * the app's folder, which the main side sends in the `start` message.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MessagePortMain } from 'electron';
import { endpointFromMainPort } from './main-port.ts';
import type { EngineToShell, ShellToEngine } from './engine-messages.ts';

type Session = import('../main/api/session.ts').Session;

interface Engine {
  session: Session;
  serve(port: MessagePortMain): void;
}

const parent = process.parentPort;
const tell = (message: EngineToShell): void => parent.postMessage(message);

async function startEngine(appRoot: string): Promise<Engine> {
  const load = <T>(rel: string): Promise<T> => import(pathToFileURL(path.join(appRoot, rel)).href) as Promise<T>;
  // tsx, registered after h5wasm is loaded without it (main/register-tsx.mjs says why: ~590 MB RSS)
  await (await load<{ registerTsx: () => Promise<void> }>('main/register-tsx.mjs')).registerTsx();
  const { Session } = await load<typeof import('../main/api/session.ts')>('main/api/session.ts');
  const { servePort } = await load<typeof import('../main/api/port-server.ts')>('main/api/port-server.ts');
  const { defaultProjectDir } = await load<typeof import('../main/config/vegdyn-home.ts')>('main/config/vegdyn-home.ts');
  const session = new Session();
  await session.openOrCreateProject(defaultProjectDir(), 'demo');
  return {
    session,
    serve(port) {
      const stop = servePort(session, endpointFromMainPort(port));
      // the window reloaded or closed: its port's other end is gone
      port.once('close', stop);
    },
  };
}

let engine: Promise<Engine> | undefined;

parent.on('message', (event: { data: ShellToEngine; ports: MessagePortMain[] }) => {
  const message = event.data;
  switch (message.type) {
    case 'start':
      if (engine) return;
      engine = startEngine(message.appRoot);
      engine.then(
        () => tell({ type: 'ready' }),
        (err: unknown) => tell({ type: 'failed', message: err instanceof Error ? err.stack ?? err.message : String(err) }),
      );
      return;
    case 'connect': {
      const port = event.ports[0];
      // a connect before start, or after a failed start, has nobody to talk to: drop its port
      if (!port || !engine) { port?.close(); return; }
      engine.then((e) => e.serve(port), () => port.close());
      return;
    }
    case 'shutdown':
      // end the job workers (threads or child processes) before the process goes
      void (engine ?? Promise.reject(new Error('not started')))
        .then((e) => e.session.close())
        .catch(() => undefined)
        .finally(() => process.exit(0));
      return;
  }
});
