/**
 * The Electron shell: windows, menu, native dialogs, lifecycle, and the engine's process. All
 * domain work is the engine's (main/), which runs in an Electron utilityProcess
 * (electron/engine-process.ts); each window talks to it over its own MessagePort with the same
 * typed contract as web mode, so no request and no event passes through this process's loop.
 * Security as electron/fiddle and VS Code do it: sandboxed, context-isolated windows without
 * Node; the renderer is served from a privileged vegdyn:// scheme with a strict CSP; navigation,
 * new windows, webviews and permission requests are denied; engine ports and dialogs are given
 * only to the top frames of this app's own windows.
 */
import { app, BrowserWindow, Menu, MessageChannelMain, dialog, ipcMain, net, protocol, session as electronSession, utilityProcess, type IpcMainEvent, type IpcMainInvokeEvent, type UtilityProcess, type WebContents } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_HOST, APP_ORIGIN, APP_SCHEME, CONNECT_CHANNEL, PORT_CHANNEL } from './ipc-channels.ts';
import { DIALOG_CHANNEL, isDialogKind } from './dialog-bridge.ts';
import type { EngineToShell, ShellToEngine } from './engine-messages.ts';
import { endpointFromMainPort } from './main-port.ts';
import { createApiClient, createIpcTransport, type ApiClient, type NativeDialogKind } from '../main/api/client.ts';
import { createPortBridge } from '../main/api/port-protocol.ts';
import { contentSecurityPolicy } from '../main/server/content-security-policy.ts';

interface Engine {
  process: UtilityProcess;
  /** the main side's own client, for menu actions */
  api: ApiClient;
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
const CSP = contentSecurityPolicy([]);

/** Hands the engine one end of a new channel and returns the other. */
function connectToEngine(engine: UtilityProcess): Electron.MessagePortMain {
  const { port1, port2 } = new MessageChannelMain();
  engine.postMessage({ type: 'connect' } satisfies ShellToEngine, [port1]);
  return port2;
}

/** Forks the engine's utility process and waits until it has opened the default project. */
async function startEngine(): Promise<Engine> {
  const child = utilityProcess.fork(path.join(__dirname, 'engine-process.cjs'), [], { serviceName: 'VegDyn engine', stdio: 'inherit' });
  child.postMessage({ type: 'start', appRoot: appRoot() } satisfies ShellToEngine);
  await new Promise<void>((resolve, reject) => {
    const onExit = (code: number): void => reject(new Error(`the engine process exited with code ${code} while starting`));
    child.once('exit', onExit);
    child.on('message', (message: EngineToShell) => {
      child.off('exit', onExit);
      if (message.type === 'ready') resolve();
      else reject(new Error(`the engine could not start: ${message.message}`));
    });
  });
  const api = createApiClient(createIpcTransport(createPortBridge(endpointFromMainPort(connectToEngine(child)))));
  return { process: child, api };
}

/** Serves renderer/build under vegdyn://app/, refusing anything outside that folder. */
function serveRenderer(): void {
  const buildDir = path.join(appRoot(), 'renderer', 'build');
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const file = path.resolve(buildDir, `.${rel}`);
    if (url.host !== APP_HOST || !file.startsWith(buildDir + path.sep)) return new Response('not found', { status: 404 });
    const res = await net.fetch(pathToFileURL(file).href);
    const headers = new Headers(res.headers);
    headers.set('Content-Security-Policy', CSP);
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

function isOwnFrame(event: IpcMainEvent | IpcMainInvokeEvent): boolean {
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
    : kind === 'new-project'
      ? { title: 'Folder for the new VegDyn project (empty or new)', buttonLabel: 'Use this folder', properties: ['openDirectory', 'createDirectory', 'promptToCreate'] }
    : kind === 'leaf-csv'
      ? { title: 'Load leaf CSV', properties: ['openFile'], filters: [{ name: 'Leaf CSV', extensions: ['csv'] }, { name: 'All files', extensions: ['*'] }] }
      : { title: 'Import data', properties: ['openFile'], filters: [{ name: 'NetCDF, GRIB, GeoTIFF, GeoJSON, zipped shapefile', extensions: ['nc', 'nc4', 'grb', 'grb2', 'grib', 'grib2', 'tif', 'tiff', 'geojson', 'json', 'zip'] }, { name: 'All files', extensions: ['*'] }] };
  const choice = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  return choice.canceled ? null : (choice.filePaths[0] ?? null);
}

function registerIpc(engine: Engine): void {
  ipcMain.handle(DIALOG_CHANNEL, async (event, kind: unknown) => {
    if (!isOwnFrame(event) || !isDialogKind(kind)) return null;
    return showOpenDialogFor(event, kind);
  });
  // A window's preload asks once per page load; a refused frame gets a reply without a port.
  ipcMain.on(CONNECT_CHANNEL, (event) => {
    if (!isOwnFrame(event)) {
      event.sender.postMessage(PORT_CHANNEL, null, []);
      return;
    }
    event.sender.postMessage(PORT_CHANNEL, null, [connectToEngine(engine.process)]);
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
      await engine.api.request('project.open', { dir });
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

/**
 * Lets the engine end its job workers before the app goes: quitting waits for the engine
 * process to exit, at most a few seconds.
 */
function shutDownEngineOnQuit(engine: Engine): void {
  let exited = false;
  engine.process.once('exit', () => { exited = true; });
  app.on('before-quit', (event) => {
    if (exited) return;
    event.preventDefault();
    const done = (): void => { exited = true; app.quit(); };
    engine.process.once('exit', done);
    setTimeout(() => { if (!exited) { engine.process.kill(); done(); } }, 5000).unref();
    engine.process.postMessage({ type: 'shutdown' } satisfies ShellToEngine);
  });
}

/** An engine that dies while the app runs leaves windows that cannot work: say so and quit. */
function watchEngine(engine: Engine): void {
  let quitting = false;
  app.on('before-quit', () => { quitting = true; });
  engine.process.once('exit', (code) => {
    if (quitting) return;
    dialog.showErrorBox('VegDyn engine stopped', `The engine process exited unexpectedly (code ${code}). VegDyn will close; your project files are written atomically and stay as they were.`);
    app.quit();
  });
}

async function main(): Promise<void> {
  await app.whenReady();
  const deny = electronSession.defaultSession;
  deny.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  deny.setPermissionCheckHandler(() => false);
  const engine = await startEngine();
  watchEngine(engine);
  shutDownEngineOnQuit(engine);
  serveRenderer();
  registerIpc(engine);
  buildMenu(engine);
  createWindow();
  app.on('activate', () => { if (windows.size === 0) createWindow(); });
  app.on('window-all-closed', () => { if (process.platform !== 'darwin') app.quit(); });
}

main().catch((err: unknown) => {
  dialog.showErrorBox('VegDyn could not start', err instanceof Error ? err.stack ?? err.message : String(err));
  app.exit(1);
});
