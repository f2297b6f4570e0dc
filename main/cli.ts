/**
 * The `vegdyn` command line. Each domain adds its subcommands from main/cli/<domain>-commands.ts
 * through a `register(program)` function listed in COMMAND_GROUPS below.
 * Errors end with a non-zero exit code and a one-line reason on stderr.
 * Every command module is imported at start-up, even for `vegdyn --help`: keep a register
 * function's imports light and `await import()` heavy modules (tfjs, gdal3.js, the engine)
 * inside the command's action.
 */
import { Command, CommanderError } from 'commander';
import { registerSystemCommands } from './cli/system-commands.ts';
import { registerBenchCommands } from './cli/bench-commands.ts';
import { registerServeCommands } from './cli/serve-commands.ts';
import { registerJobsCommands } from './cli/jobs-commands.ts';
import { registerProjectCommands } from './cli/project-commands.ts';
import { registerDataCommands } from './cli/data-commands.ts';
import { registerImportCommands } from './cli/import-commands.ts';
import { registerExportCommands } from './cli/export-commands.ts';
import { registerModelCommands } from './cli/model-commands.ts';
import { registerLeafCommands } from './cli/leaf-commands.ts';
import { registerEvaluateCommands } from './cli/evaluate-commands.ts';
import { registerClusterCommands } from './cli/cluster-commands.ts';
import { registerScenarioCommands } from './cli/scenario-commands.ts';

type CommandGroup = (program: Command) => void;

const COMMAND_GROUPS: readonly CommandGroup[] = [
  registerSystemCommands,
  registerBenchCommands,
  registerServeCommands,
  registerJobsCommands,
  registerProjectCommands,
  registerDataCommands,
  registerImportCommands,
  registerExportCommands,
  registerModelCommands,
  registerEvaluateCommands,
  registerClusterCommands,
  registerLeafCommands,
  registerScenarioCommands,
];

export function buildProgram(): Command {
  const program = new Command('vegdyn')
    .description('VegDyn: simulate, compare and export daily vegetation LAI from gridded climate')
    .showHelpAfterError()
    .exitOverride();
  for (const group of COMMAND_GROUPS) group(program);
  return program;
}

/** Runs the CLI and returns the process exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are "errors" to commander but successes to the user
      return err.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`vegdyn: ${message.split('\n')[0]}\n`);
    if (process.env.VEGDYN_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}
