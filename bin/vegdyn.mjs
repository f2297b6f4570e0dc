#!/usr/bin/env node
// Entry point of the `vegdyn` CLI. The engine is TypeScript; tsx compiles it on the fly so the
// CLI runs from a plain checkout (`npx vegdyn`) without a build step.
import { registerTsx } from '../main/register-tsx.mjs';

await registerTsx();
const { runCli } = await import('../main/cli.ts');
process.exitCode = await runCli(process.argv);
