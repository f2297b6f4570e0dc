/**
 * Two maps side by side with linked pan and zoom, each showing one layer (e.g. the NSE maps of
 * two models), with a shared legend. Opens over the main map and closes back to it.
 */
import type { ApiClient } from '../../main/api/client.ts';
import type { MapLayer } from '../../main/api/requests/map.ts';
import { h } from './dom.ts';
import { MapView } from './map-view.ts';
import { Colorbar } from './colorbar.ts';
import { colorize } from './raster-image.ts';
import { attempt } from './notify.ts';
import type { Workspace } from './workspace.ts';
import type { ColormapName } from './colormaps.ts';

export class CompareView {
  private maps: MapView[] = [];
  private element: HTMLElement | null = null;

  constructor(private readonly api: ApiClient, private readonly workspace: Workspace, private readonly host: HTMLElement) {}

  get open(): boolean {
    return this.element !== null;
  }

  async show(left: MapLayer, right: MapLayer): Promise<void> {
    this.close();
    const ds = this.workspace.dataset;
    if (!ds) return;
    const panes = [left, right].map((layer) => {
      const container = h('div', { class: 'compare-map' });
      const title = h('div', { class: 'map-overlay compare-title', text: layer.label });
      return { layer, container, pane: h('div', { class: 'compare-pane', 'data-testid': 'compare-pane' }, container, title) };
    });
    const colorbar = new Colorbar();
    const close = h('button', { type: 'button', class: 'compare-close', text: 'Close comparison' });
    this.element = h('div', { class: 'compare-view', role: 'region', 'aria-label': 'Side-by-side comparison', 'data-testid': 'compare-view' },
      ...panes.map((p) => p.pane), colorbar.element, close);
    close.addEventListener('click', () => this.close());
    this.host.append(this.element);
    const camera = this.workspace.map.map;
    this.maps = panes.map((p) => new MapView({ container: p.container, initialBounds: ds.bounds, label: p.layer.label }));
    // linked pan and zoom: moving one map moves the other
    let syncing = false;
    this.maps.forEach((m, i) => {
      const other = this.maps[1 - i]!;
      m.map.on('move', () => {
        if (syncing) return;
        syncing = true;
        other.map.jumpTo({ center: m.map.getCenter(), zoom: m.map.getZoom() });
        syncing = false;
      });
    });
    this.maps.forEach((m, i) => m.map.on('moveend', () => panes[i]!.pane.setAttribute('data-zoom', m.map.getZoom().toFixed(3))));
    this.maps[0]!.map.jumpTo({ center: camera.getCenter(), zoom: camera.getZoom() - 0.6 });
    const d = this.workspace.displayOf(left);
    colorbar.render({ title: left.kind === 'diverging' && left.id.includes(':nse:') ? 'NSE (test period)' : left.label, units: left.units, style: { kind: 'continuous', colormap: d.colormap as ColormapName, min: d.min, max: d.max } });
    await Promise.all(panes.map(async (p, i) => {
      const res = await attempt(`Loading ${p.layer.label}`, () => this.api.request('map.grid', p.layer.time === 'static' ? { layer: p.layer.id } : { layer: p.layer.id, day: this.workspace.day }));
      const view = this.maps[i];
      if (!res || !view) return;
      const img = colorize(res.values, ds.grid.ncols, ds.grid.nrows, { kind: 'continuous', colormap: d.colormap as ColormapName, min: d.min, max: d.max }, this.workspace.clipMask);
      await view.whenLoaded();
      view.update({ raster: { image: img, bounds: ds.bounds, opacity: 1 }, basin: ds.basin });
      p.pane.setAttribute('data-loaded', 'true');
    }));
  }

  close(): void {
    for (const m of this.maps) m.destroy();
    this.maps = [];
    this.element?.remove();
    this.element = null;
  }
}
