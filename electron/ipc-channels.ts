/**
 * The IPC channels between the app's windows and the Electron main side. Engine requests and
 * events do not pass through the main process: a window asks once on CONNECT_CHANNEL and gets,
 * on PORT_CHANNEL, a MessagePort whose other end is in the engine's utility process.
 */
export const CONNECT_CHANNEL = 'vegdyn:connect-engine';
export const PORT_CHANNEL = 'vegdyn:engine-port';
/** The privileged scheme the renderer is served from (like VS Code's vscode-file://). */
export const APP_SCHEME = 'vegdyn';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
