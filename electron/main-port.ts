/**
 * Electron's MessagePortMain (main and utility process) as a MessageEndpoint of the port
 * transport: an EventEmitter whose 'message' listener gets { data, ports }.
 */
import type { MessagePortMain } from 'electron';
import type { MessageEndpoint } from '../main/api/port-protocol.ts';

export function endpointFromMainPort(port: MessagePortMain): MessageEndpoint {
  let started = false;
  return {
    post: (message) => port.postMessage(message),
    onMessage(listener) {
      const handler = (event: { data: unknown }): void => listener(event.data);
      port.on('message', handler);
      if (!started) { port.start(); started = true; }
      return () => { port.off('message', handler); };
    },
    close: () => port.close(),
  };
}
