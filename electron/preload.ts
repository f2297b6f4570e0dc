/**
 * Runs sandboxed before the page: exposes one narrow object, `window.vegdyn`, and nothing else.
 * The page can only send requests named in the contract and hear the engine's events, both over
 * a MessagePort to the engine's utility process that the main side hands over on the first use,
 * and ask for a native open dialog of a known kind on the dialog channel; neither ipcRenderer
 * nor the port itself ever reaches the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isRequestName } from '../main/api/contract.ts';
import type { ApiEventMessage, ApiReply, NativeDialogKind, VegdynBridge } from '../main/api/client.ts';
import { createPortBridge, endpointFromEventTarget } from '../main/api/port-protocol.ts';
import { CONNECT_CHANNEL, PORT_CHANNEL } from './ipc-channels.ts';
import { DIALOG_CHANNEL, isDialogKind } from './dialog-bridge.ts';

type EngineBridge = ReturnType<typeof createPortBridge>;
let connection: Promise<EngineBridge> | undefined;

/** The port to the engine, asked for once (by then the page is committed, so main can vet its frame). */
function engine(): Promise<EngineBridge> {
  connection ??= new Promise<EngineBridge>((resolve, reject) => {
    ipcRenderer.once(PORT_CHANNEL, (event: IpcRendererEvent) => {
      const port = event.ports[0];
      if (!port) reject(new Error('the app refused this page a connection to the engine'));
      else resolve(createPortBridge(endpointFromEventTarget(port)));
    });
    ipcRenderer.send(CONNECT_CHANNEL);
  });
  return connection;
}

const bridge: Required<VegdynBridge> = {
  async request(name: string, payload: unknown): Promise<ApiReply> {
    if (typeof name !== 'string' || !isRequestName(name)) {
      return { ok: false, error: { code: 'unknown-request', message: `unknown request '${String(name)}'` } };
    }
    try {
      return await (await engine()).request(name, payload);
    } catch (err) {
      return { ok: false, error: { code: 'forbidden', message: err instanceof Error ? err.message : String(err) } };
    }
  },
  onEvent(listener: (message: ApiEventMessage) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('vegdyn.onEvent needs a function');
    let off: (() => void) | undefined;
    let stopped = false;
    void engine().then((b) => { if (!stopped) off = b.onEvent((m) => listener(m)); }, () => undefined);
    return () => { stopped = true; off?.(); };
  },
  async openDialog(kind: NativeDialogKind): Promise<string | null> {
    if (!isDialogKind(kind)) throw new TypeError(`unknown dialog kind '${String(kind)}'`);
    const chosen: unknown = await ipcRenderer.invoke(DIALOG_CHANNEL, kind);
    return typeof chosen === 'string' ? chosen : null;
  },
};

contextBridge.exposeInMainWorld('vegdyn', bridge);
