import type { Command } from 'commander';
import { runBench } from '../bench/run-bench.ts';

export function registerBenchCommands(program: Command): void {
  program
    .command('bench')
    .description('run the benchmarks and print measured figures (medians of repeated runs)')
    .option('--only <suite>', 'run one suite only')
    .option('--quick', 'fewer repetitions and smaller sizes (for a smoke run)')
    .action(async (opts: { only?: string; quick?: boolean }) => {
      await runBench({ only: opts.only, quick: Boolean(opts.quick) });
    });
}
