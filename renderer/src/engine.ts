/**
 * The renderer's one connection to the engine: the typed API client over the page's transport
 * (IPC through the Electron preload, or HTTP + WebSocket in web mode).
 */
import { createApiClient, transportForPage, type ApiClient, type VegdynBridge } from '../../main/api/client.ts';

export function connectEngine(): ApiClient {
  return createApiClient(transportForPage(window as unknown as Window & { vegdyn?: VegdynBridge }));
}
