/** Renderer entry: builds the workspace shell, the map, and connects to the engine. */
import { buildShell } from './app-shell.ts';
import { mountNotices } from './notify.ts';
import { MapView } from './map-view.ts';

const UCRB_BOUNDS: [number, number, number, number] = [-112.5, 36.375, -104.625, 43.125];

function start(): void {
  const root = document.getElementById('app');
  if (!root) throw new Error('no #app element');
  const shell = buildShell(root);
  mountNotices(document.body);
  const mapView = new MapView({ container: shell.mapContainer, initialBounds: UCRB_BOUNDS, label: 'Map of the Upper Colorado River Basin' });
  (window as unknown as { vegdynMap: MapView }).vegdynMap = mapView;
}

start();
