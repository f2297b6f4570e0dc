/** Messages between the Electron main process and the engine's utility process (its parentPort). */

/**
 * Main to engine. `start` comes first and says where the app's files are; each `connect` carries
 * one MessagePort (a window's, or the main side's own for menu actions).
 */
export type ShellToEngine = { type: 'start'; appRoot: string } | { type: 'connect' } | { type: 'shutdown' };

/** Engine to main: once, after the default project is open, or why the engine could not start. */
export type EngineToShell = { type: 'ready' } | { type: 'failed'; message: string };
