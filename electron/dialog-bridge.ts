/**
 * Native open dialogs offered by the Electron shell to its windows, beside the API bridge
 * (VegdynBridge.openDialog in main/api/client.ts): the engine API has no use for them (web mode
 * has no native dialogs), so they are not requests of the contract. The renderer learns the
 * capability from `window.vegdyn.openDialog` being present.
 */
import type { NativeDialogKind } from '../main/api/client.ts';

export const DIALOG_CHANNEL = 'vegdyn:open-dialog';

const DIALOG_KINDS: readonly NativeDialogKind[] = ['project', 'new-project', 'leaf-csv', 'import-file'];

export function isDialogKind(v: unknown): v is NativeDialogKind {
  return typeof v === 'string' && (DIALOG_KINDS as readonly string[]).includes(v);
}
