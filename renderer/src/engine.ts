/**
 * The renderer's one connection to the engine: the typed API client over the page's transport
 * (IPC through the Electron preload, or HTTP + WebSocket in web mode).
 */
import { createApiClient, transportForPage, type ApiClient, type VegdynBridge } from '../../main/api/client.ts';

/** where web mode keeps the page's token once it has left the address bar (this tab only) */
export const TOKEN_STORAGE_KEY = 'vegdyn.token';

/**
 * Web mode: the token of ?token=, or the one this tab kept from an earlier load (a reload after the
 * token left the address bar). The token is then taken out of the address bar, so it does not stay
 * in view, in screenshots or in the browser's history.
 */
function takeTokenFromAddressBar(): string | null {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    params.delete('token');
    const query = params.toString();
    history.replaceState(history.state, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
  }
  return fromUrl ?? sessionStorage.getItem(TOKEN_STORAGE_KEY);
}

export function connectEngine(): ApiClient {
  const win = window as unknown as Window & { vegdyn?: VegdynBridge };
  return createApiClient(transportForPage(win, win.vegdyn ? null : takeTokenFromAddressBar()));
}
