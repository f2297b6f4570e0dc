/**
 * Runs sandboxed before the page: exposes one narrow object, `window.vegdyn`, and nothing else.
 * The page can only send requests named in the contract over the one request channel, listen
 * on the one event channel, and ask for a native open dialog of a known kind on the dialog
 * channel; ipcRenderer itself never reaches the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isRequestName } from '../main/api/contract.ts';
import type { ApiEventMessage, ApiReply, NativeDialogKind, VegdynBridge } from '../main/api/client.ts';
import { EVENT_CHANNEL, REQUEST_CHANNEL } from './ipc-channels.ts';
import { DIALOG_CHANNEL, isDialogKind } from './dialog-bridge.ts';

const bridge: Required<VegdynBridge> = {
  async request(name: string, payload: unknown): Promise<ApiReply> {
    if (typeof name !== 'string' || !isRequestName(name)) {
      return { ok: false, error: { code: 'unknown-request', message: `unknown request '${String(name)}'` } };
    }
    return (await ipcRenderer.invoke(REQUEST_CHANNEL, name, payload)) as ApiReply;
  },
  onEvent(listener: (message: ApiEventMessage) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('vegdyn.onEvent needs a function');
    const handler = (_e: IpcRendererEvent, message: ApiEventMessage): void => listener(message);
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => { ipcRenderer.removeListener(EVENT_CHANNEL, handler); };
  },
  async openDialog(kind: NativeDialogKind): Promise<string | null> {
    if (!isDialogKind(kind)) throw new TypeError(`unknown dialog kind '${String(kind)}'`);
    const chosen: unknown = await ipcRenderer.invoke(DIALOG_CHANNEL, kind);
    return typeof chosen === 'string' ? chosen : null;
  },
};

contextBridge.exposeInMainWorld('vegdyn', bridge);
