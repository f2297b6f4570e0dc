import os from 'node:os';
import type { Command } from 'commander';
import type { BackendName } from '../compute/backend.ts';
import { vegdynHome } from '../config/vegdyn-home.ts';

export function registerSystemCommands(program: Command): void {
  program
    .command('info')
    .description('print versions, the compute backend report (which backend runs and why the others do not) and machine facts')
    .option('--json', 'print machine-readable JSON')
    .option('--backend <name>', 'force a backend (tensorflow-gpu, webgpu, tensorflow, wasm, cpu), as VEGDYN_BACKEND does')
    .action(async (opts: { json?: boolean; backend?: string }) => {
      // loaded here, not at start-up: tfjs takes a while to import and most commands do not need it
      const { formatBackendReport, initComputeBackend } = await import('../compute/backend.ts');
      const { appVersion } = await import('../api/handlers/system-handlers.ts');
      const backend = await initComputeBackend(opts.backend ? { prefer: opts.backend as BackendName } : {});
      const info = {
        app: appVersion(),
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
        arch: os.arch(),
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
        vegdynHome: vegdynHome(),
        backend,
      };
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
        return;
      }
      const { backend: _b, app, ...machine } = info;
      const lines = [`${app.name} ${app.version}`, ...Object.entries(machine).map(([k, v]) => `${k}: ${v}`), formatBackendReport(backend)];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
