import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { defaultProjectDir } from '../config/vegdyn-home.ts';

/** renderer/build of this checkout (or of the installed package). */
export function rendererBuildDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../renderer/build');
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port: '${value}' is not a port number (0..65535; 0 picks a free port)`);
  return n;
}

export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('serve the app on 127.0.0.1 for a browser (web mode); prints the URL with its access token')
    .option('--port <n>', 'port to listen on (0 = a free port)', parsePort, 0)
    .option('--project <dir>', 'project folder to open (default: the demo project in VEGDYN_HOME)')
    .action(async (opts: { port: number; project?: string }) => {
      // the engine (every domain's handlers) loads only when serving, not for `vegdyn --help`
      const { Session } = await import('../api/session.ts');
      const { startWebServer } = await import('../server/web-server.ts');
      const session = new Session();
      if (opts.project) await session.openProject(opts.project);
      else await session.openOrCreateProject(defaultProjectDir(), 'demo');
      const staticDir = rendererBuildDir();
      if (!existsSync(path.join(staticDir, 'index.html'))) {
        process.stderr.write(`vegdyn: warning: the renderer is not built (${staticDir}): run \`npm run build:renderer\`; the API works without it\n`);
      }
      // the demo project's first start makes its data and scores the pretrained run before a browser connects
      const { ensureFirstRun } = await import('../api/first-run-starter.ts');
      const first = ensureFirstRun(session, 'auto');
      if (first.jobId) process.stderr.write(`vegdyn: first start of the demo project: ${first.needs.data ? 'generating the virtual basin, then ' : ''}scoring the pretrained demo run (progress in the app)\n`);
      const server = await startWebServer({ session, port: opts.port, staticDir });
      // exactly one line on stdout: launchers and tests read the URL from it
      process.stdout.write(`VegDyn is running at ${server.url}\n`);
      process.stderr.write(`vegdyn: project ${session.projectDir()}; press Ctrl+C to stop\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void Promise.all([server.close(), session.close()]).then(() => resolve());
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
