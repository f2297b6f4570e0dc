// Worker-thread bootstrap: job modules are TypeScript, so register tsx in this thread first
// (loader hooks are per thread), then hand over to the typed worker body.
import { registerTsx } from '../register-tsx.mjs';

await registerTsx();
await import('./job-worker-main.ts');
