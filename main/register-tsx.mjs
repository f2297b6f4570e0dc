// Registers tsx (TypeScript on the fly) for the engine (CLI, job workers, Electron's engine
// process), after loading h5wasm without it.
// Why: tsx's loader handling h5wasm's 4.2 MB single-file JavaScript (wasm inlined) left ~590 MB
// of resident memory behind (measured: importing h5wasm/node under tsx 692 MB RSS, loaded first
// 103 MB, Node 20, tsx 4). A module already in the ESM cache is not loaded again, so engine code
// importing 'h5wasm/node' later gets this instance.
import { register } from 'tsx/esm/api';

export async function registerTsx() {
  await import('h5wasm/node');
  register();
}
