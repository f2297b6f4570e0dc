/**
 * The Electron shell: windows, menu, native dialogs, lifecycle. All domain work is the engine's
 * (main/), reached through the same dispatcher the web server uses; heavy work runs in the
 * engine's worker threads, never on this loop.
 * Security as electron/fiddle and VS Code do it: sandboxed, context-isolated windows without
 * Node; the renderer is served from a privileged vegdyn:// scheme with a strict CSP; navigation,
 * new windows, webviews and permission requests are denied; IPC is answered only for frames of
 * this app's own windows.
 */
import { app, BrowserWindow, Menu, dialog, ipcMain, net, protocol, session as electronSession, type IpcMainInvokeEvent, type WebContents } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_HOST, APP_ORIGIN, APP_SCHEME, EVENT_CHANNEL, REQUEST_CHANNEL } from './ipc-channels.ts';
import { DIALOG_CHANNEL, isDialogKind } from './dialog-bridge.ts';
import type { NativeDialogKind } from '../main/api/client.ts';

type EngineSession = import('../main/api/session.ts').Session;
type Dispatch = typeof import('../main/api/dispatcher.ts').dispatch;
type HandlersT = typeof import('../main/api/handlers.ts').handlers;

interface Engine {
  session: EngineSession;
  dispatch: Dispatch;
  handlers: HandlersT;
  csp: string;
}

/** Where the app's files are; native and TypeScript files are unpacked beside the asar archive. */
function appRoot(): string {
  return app.getAppPath().replace(/app\.asar$/, 'app.asar.unpacked');
}

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true } },
]);
app.enableSandbox();

const windows = new Set<BrowserWindow>();

async function loadEngine(): Promise<Engine> {
  // The engine is TypeScript run through tsx (its job workers load .ts modules too).
  const tsx = (await import('tsx/esm/api')) as { register: () => unknown };
  tsx.register();
  const root = appRoot();
  const load = <T>(rel: string): Promise<T> => import(pathToFileURL(path.join(root, rel)).href) as Promise<T>;
  const { Session } = await load<typeof import('../main/api/session.ts')>('main/api/session.ts');
  const { dispatch } = await load<typeof import('../main/api/dispatcher.ts')>('main/api/dispatcher.ts');
  const { handlers } = await load<typeof import('../main/api/handlers.ts')>('main/api/handlers.ts');
  const { defaultProjectDir } = await load<typeof import('../main/config/vegdyn-home.ts')>('main/config/vegdyn-home.ts');
  const { contentSecurityPolicy } = await load<typeof import('../main/server/content-security-policy.ts')>('main/server/content-security-policy.ts');
  const session = new Session();
  await session.openOrCreateProject(defaultProjectDir(), 'demo');
  session.onEvent((event, payload) => {
    for (const win of windows) if (!win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, { event, payload });
  });
  return { session, dispatch, handlers, csp: contentSecurityPolicy([]) };
}

/** Serves renderer/build under vegdyn://app/, refusing anything outside that folder. */
function serveRenderer(engine: Engine): void {
  const buildDir = path.join(appRoot(), 'renderer', 'build');
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const file = path.resolve(buildDir, `.${rel}`);
    if (url.host !== APP_HOST || !file.startsWith(buildDir + path.sep)) return new Response('not found', { status: 404 });
    const res = await net.fetch(pathToFileURL(file).href);
    const headers = new Headers(res.headers);
    headers.set('Content-Security-Policy', engine.csp);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(res.body, { status: res.status, headers });
  });
}

/**
 * Whether a URL is a page of this app. Compared by scheme and host: for a custom scheme the WHATWG
 * URL's `origin` is the opaque 'null', which would match any other opaque origin.
 */
function isAppUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
  } catch {
    return false;
  }
}

function isOwnFrame(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  if (!frame) return false;
  const fromOwnWindow = [...windows].some((w) => !w.isDestroyed() && w.webContents.id === event.sender.id);
  // only the top frame of an app window, never an embedded frame
  const top = event.sender.mainFrame;
  return fromOwnWindow && frame.processId === top.processId && frame.routingId === top.routingId && isAppUrl(frame.url);
}

/** The native open dialog for one kind of pick, attached to the asking window. */
async function showOpenDialogFor(event: IpcMainInvokeEvent, kind: NativeDialogKind): Promise<string | null> {
  const win = BrowserWindow.fromWebContents(event.sender);
  const options: Electron.OpenDialogOptions = kind === 'project'
    ? { title: 'Open VegDyn project', properties: ['openDirectory'] }
    : { title: 'Load leaf CSV', properties: ['openFile'], filters: [{ name: 'Leaf CSV', extensions: ['csv'] }, { name: 'All files', extensions: ['*'] }] };
  const choice = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  return choice.canceled ? null : (choice.filePaths[0] ?? null);
}

function registerIpc(engine: Engine): void {
  ipcMain.handle(DIALOG_CHANNEL, async (event, kind: unknown) => {
    if (!isOwnFrame(event) || !isDialogKind(kind)) return null;
    return showOpenDialogFor(event, kind);
  });
  ipcMain.handle(REQUEST_CHANNEL, async (event, name: unknown, payload: unknown) => {
    if (!isOwnFrame(event)) return { ok: false, error: { code: 'forbidden', message: 'IPC is accepted only from VegDyn windows' } };
    if (typeof name !== 'string') return { ok: false, error: { code: 'invalid-request', message: 'request name must be a string' } };
    try {
      return { ok: true, result: await engine.dispatch(engine.handlers, name, payload, engine.session) };
    } catch (err) {
      const e = err as { code?: string; message?: string; field?: string };
      return { ok: false, error: { code: e.code ?? 'handler-error', message: e.message ?? String(err), ...(e.field !== undefined ? { field: e.field } : {}) } };
    }
  });
}

function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'VegDyn',
    show: false,
    webPreferences: {
      preload: path.join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  windows.add(win);
  win.on('closed', () => windows.delete(win));
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

function buildMenu(engine: Engine): void {
  const openProject = async (): Promise<void> => {
    const focused = BrowserWindow.getFocusedWindow();
    const options: Electron.OpenDialogOptions = { title: 'Open VegDyn project', properties: ['openDirectory'] };
    const choice = focused ? await dialog.showOpenDialog(focused, options) : await dialog.showOpenDialog(options);
    const dir = choice.filePaths[0];
    if (choice.canceled || !dir) return;
    try {
      await engine.session.openProject(dir);
    } catch (err) {
      dialog.showErrorBox('Cannot open project', err instanceof Error ? err.message : String(err));
    }
  };
  Menu.setApplicationMenu(Menu.buildFromTemplate([
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { label: 'File', submenu: [{ label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: () => void openProject() }, { type: 'separator' }, { role: 'quit' }] },
    { role: 'editMenu' },
    { label: 'View', submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }] },
    { role: 'windowMenu' },
  ]));
}

app.on('web-contents-created', (_e, contents) => lockDown(contents));

async function main(): Promise<void> {
  await app.whenReady();
  const deny = electronSession.defaultSession;
  deny.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  deny.setPermissionCheckHandler(() => false);
  const engine = await loadEngine();
  serveRenderer(engine);
  registerIpc(engine);
  buildMenu(engine);
  createWindow();
  app.on('activate', () => { if (windows.size === 0) createWindow(); });
  app.on('window-all-closed', () => { if (process.platform !== 'darwin') app.quit(); });
  app.on('will-quit', () => { void engine.session.close(); });
}

main().catch((err: unknown) => {
  dialog.showErrorBox('VegDyn could not start', err instanceof Error ? err.stack ?? err.message : String(err));
  app.exit(1);
});
