import type { Command } from 'commander';

export function registerBenchCommands(program: Command): void {
  program
    .command('bench')
    .description('run the benchmarks and print measured figures (medians of repeated runs)')
    .option('--only <suite>', 'run one suite only')
    .option('--quick', 'fewer repetitions and smaller sizes (for a smoke run)')
    .action(async (opts: { only?: string; quick?: boolean }) => {
      // loaded here: the UI benchmark needs playwright-core, a dev dependency absent after `npm ci --omit=dev`
      const { runBench } = await import('../bench/run-bench.ts');
      await runBench({ only: opts.only, quick: Boolean(opts.quick) });
    });
}
