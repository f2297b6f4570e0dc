import os from 'node:os';
import type { Command } from 'commander';

export function registerSystemCommands(program: Command): void {
  program
    .command('info')
    .description('print versions, the compute backend report and machine facts')
    .option('--json', 'print machine-readable JSON')
    .action((opts: { json?: boolean }) => {
      const info = {
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
        arch: os.arch(),
        cpus: os.cpus().length,
        totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      };
      process.stdout.write(opts.json ? `${JSON.stringify(info, null, 2)}\n` : `${Object.entries(info).map(([k, v]) => `${k}: ${v}`).join('\n')}\n`);
    });
}
