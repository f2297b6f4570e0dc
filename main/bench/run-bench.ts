import { consoleReporter, type BenchSuite } from './bench-reporter.ts';
import { modelsBench } from './models-bench.ts';
import { uiBench } from './ui-bench.ts';
import { leafBench } from './leaf-bench.ts';
import { runFilesBench } from './run-files-bench.ts';
import { mapBrowseBench } from './map-browse-bench.ts';
import { firstRunBench } from './first-run-bench.ts';
import { forcingImportBench } from './forcing-import-bench.ts';

/** Every benchmark suite; areas add theirs here. */
const SUITES: readonly BenchSuite[] = [modelsBench, uiBench, leafBench, runFilesBench, mapBrowseBench, firstRunBench, forcingImportBench];

export async function runBench(options: { only?: string; quick: boolean }): Promise<void> {
  const report = consoleReporter();
  const chosen = SUITES.filter((s) => !options.only || s.name === options.only);
  if (chosen.length === 0) throw new Error(`no benchmark suite named '${options.only}' (have: ${SUITES.map((s) => s.name).join(', ') || 'none yet'})`);
  for (const suite of chosen) {
    report.section(`${suite.name}: ${suite.description}`);
    await suite.run(report, { quick: options.quick });
  }
}
