/** The only two IPC channels between the app's windows and the Electron main side. */
export const REQUEST_CHANNEL = 'vegdyn:request';
export const EVENT_CHANNEL = 'vegdyn:event';
/** The privileged scheme the renderer is served from (like VS Code's vscode-file://). */
export const APP_SCHEME = 'vegdyn';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
