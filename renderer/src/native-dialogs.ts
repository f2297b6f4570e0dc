/**
 * The Electron shell's native open dialogs (VegDyn's preload adds `openDialog` to `window.vegdyn`),
 * or null in web mode, where panels fall back to typed paths and uploads.
 */
import type { NativeDialogKind } from '../../main/api/client.ts';

export interface NativeDialogs {
  openDialog(kind: NativeDialogKind): Promise<string | null>;
}

export function nativeDialogs(): NativeDialogs | null {
  const bridge = (window as unknown as { vegdyn?: { openDialog?: NativeDialogs['openDialog'] } }).vegdyn;
  const open = bridge?.openDialog;
  return typeof open === 'function' ? { openDialog: (kind) => open.call(bridge, kind) } : null;
}
