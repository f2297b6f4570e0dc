/**
 * Swipe comparison: one map showing two layers (e.g. the NSE maps of two models), layer A left of
 * a draggable vertical divider and layer B right of it. Each layer is drawn by its own deck.gl
 * overlay on the same MapLibre map (so both follow its camera), and each overlay canvas is clipped
 * at the divider with CSS clip-path: moving the divider never redraws a layer. The divider is a
 * keyboard-operable slider (arrows, Page Up/Down, Home/End) with an accessible name.
 */
import { MapboxOverlay } from '@deck.gl/mapbox';
import { BitmapLayer, GeoJsonLayer } from '@deck.gl/layers';
import { COORDINATE_SYSTEM } from '@deck.gl/core';
import type { IControl } from 'maplibre-gl';
import type { ApiClient } from '../../main/api/client.ts';
import type { MapLayer } from '../../main/api/requests/map.ts';
import { h } from './dom.ts';
import { MapView } from './map-view.ts';
import { Colorbar } from './colorbar.ts';
import { colorize } from './raster-image.ts';
import { attempt } from './notify.ts';
import type { Workspace } from './workspace.ts';
import type { ColormapName } from './colormaps.ts';
import { isSoftwareWebGl } from './gl-info.ts';

declare global {
  interface Window {
    /** the open swipe view (tests read its map's projection) */
    vegdynSwipe?: SwipeView;
  }
}

export class SwipeView {
  view: MapView | null = null;
  private overlayB: MapboxOverlay | null = null;
  private element: HTMLElement | null = null;
  private divider: HTMLElement | null = null;
  private container: HTMLElement | null = null;
  /** divider position, fraction of the map width from the left */
  private position = 0.5;

  constructor(private readonly api: ApiClient, private readonly workspace: Workspace, private readonly host: HTMLElement) {}

  get open(): boolean {
    return this.element !== null;
  }

  async show(left: MapLayer, right: MapLayer): Promise<void> {
    this.close();
    const ds = this.workspace.dataset;
    if (!ds) return;
    const container = h('div', { class: 'compare-map' });
    const divider = h('div', {
      class: 'swipe-divider', role: 'slider', tabindex: 0, 'aria-label': 'Swipe divider',
      'aria-orientation': 'horizontal', 'aria-valuemin': 0, 'aria-valuemax': 100, 'data-testid': 'swipe-divider',
    }, h('span', { class: 'swipe-handle', 'aria-hidden': 'true', text: '⇔' }));
    const colorbar = new Colorbar();
    const close = h('button', { type: 'button', class: 'compare-close', text: 'Close swipe' });
    const pane = h('div', { class: 'swipe-pane', 'data-testid': 'swipe-pane' }, container,
      h('div', { class: 'map-overlay swipe-title swipe-title-left', 'data-testid': 'swipe-left-title', text: `◀ ${left.label}` }),
      h('div', { class: 'map-overlay swipe-title swipe-title-right', 'data-testid': 'swipe-right-title', text: `${right.label} ▶` }),
      divider, colorbar.element);
    this.element = h('div', { class: 'compare-view swipe-view', role: 'region', 'aria-label': `Swipe comparison: ${left.label} left, ${right.label} right`, 'data-testid': 'swipe-view' }, pane, close);
    close.addEventListener('click', () => this.close());
    this.host.append(this.element);
    this.container = container;
    this.divider = divider;
    this.bindDivider(divider, left, right);

    const camera = this.workspace.map.map;
    const view = new MapView({ container, initialBounds: ds.bounds, label: `Swipe map: ${left.label} and ${right.label}` });
    this.view = view;
    window.vegdynSwipe = this;
    // a vertical screen line is only a meridian while the map is north-up and flat
    view.map.dragRotate.disable();
    view.map.touchZoomRotate.disableRotation();
    view.map.jumpTo({ center: camera.getCenter(), zoom: camera.getZoom() });
    const overlayB = new MapboxOverlay({ interleaved: false, layers: [], useDevicePixels: false, deviceProps: { webgl: { preserveDrawingBuffer: true, antialias: !isSoftwareWebGl() } } } as ConstructorParameters<typeof MapboxOverlay>[0]);
    view.map.addControl(overlayB as unknown as IControl);
    this.overlayB = overlayB;
    new ResizeObserver(() => this.applyClip()).observe(container);

    const d = this.workspace.displayOf(left);
    const style = { kind: 'continuous' as const, colormap: d.colormap as ColormapName, min: d.min, max: d.max };
    colorbar.render({ title: left.id.includes(':nse:') ? 'NSE (test period)' : left.label, units: left.units, style });
    const images = await Promise.all([left, right].map(async (layer) => {
      const res = await attempt(`Loading ${layer.label}`, () => this.api.request('map.grid', layer.time === 'static' ? { layer: layer.id } : { layer: layer.id, day: this.workspace.day }));
      return res ? colorize(res.values, ds.grid.ncols, ds.grid.nrows, style, this.workspace.clipMask) : null;
    }));
    if (this.view !== view) return; // closed or reopened meanwhile
    await view.whenLoaded();
    if (images[0]) view.update({ raster: { image: images[0], bounds: ds.bounds, opacity: 1 }, basin: ds.basin });
    if (images[1]) {
      overlayB.setProps({
        layers: [
          new BitmapLayer({
            id: 'grid-raster-b', image: images[1], bounds: ds.bounds, opacity: 1,
            _imageCoordinateSystem: COORDINATE_SYSTEM.LNGLAT,
            textureParameters: { minFilter: 'nearest', magFilter: 'nearest' },
          }),
          new GeoJsonLayer({
            id: 'basin-outline-b', data: { type: 'Feature', geometry: ds.basin, properties: {} } as GeoJSON.Feature,
            stroked: true, filled: false, getLineColor: [20, 20, 20, 230], getLineWidth: 2, lineWidthUnits: 'pixels',
          }),
        ],
      });
    }
    this.applyClip();
    if (images[0] && images[1]) pane.setAttribute('data-loaded', 'true');
  }

  /** Divider position as a fraction of the width (0 = all B, 1 = all A). */
  get fraction(): number {
    return this.position;
  }

  setFraction(f: number): void {
    this.position = Math.max(0, Math.min(1, f));
    this.applyClip();
  }

  private bindDivider(divider: HTMLElement, left: MapLayer, right: MapLayer): void {
    divider.addEventListener('keydown', (e) => {
      const step = { ArrowLeft: -0.02, ArrowDown: -0.02, ArrowRight: 0.02, ArrowUp: 0.02, PageDown: -0.1, PageUp: 0.1 }[e.key];
      if (step !== undefined) this.setFraction(this.position + step);
      else if (e.key === 'Home') this.setFraction(0);
      else if (e.key === 'End') this.setFraction(1);
      else return;
      e.preventDefault();
    });
    divider.addEventListener('pointerdown', (e) => {
      divider.setPointerCapture(e.pointerId);
      divider.focus();
      e.preventDefault();
    });
    divider.addEventListener('pointermove', (e) => {
      if (!divider.hasPointerCapture(e.pointerId) || !this.container) return;
      const r = this.container.getBoundingClientRect();
      this.setFraction((e.clientX - r.left) / Math.max(1, r.width));
    });
    divider.addEventListener('pointerup', (e) => {
      if (divider.hasPointerCapture(e.pointerId)) divider.releasePointerCapture(e.pointerId);
    });
    divider.dataset['left'] = left.label;
    divider.dataset['right'] = right.label;
  }

  /** Clips layer A's canvas to the left of the divider and B's to the right; moves the divider. */
  private applyClip(): void {
    if (!this.container || !this.divider) return;
    const width = this.container.clientWidth;
    const x = Math.round(this.position * width);
    const a = this.view?.deckCanvas();
    const b = this.overlayB?.getCanvas();
    if (a) a.style.clipPath = `inset(0 ${Math.max(0, width - x)}px 0 0)`;
    if (b) b.style.clipPath = `inset(0 0 0 ${x}px)`;
    this.divider.style.left = `${x}px`;
    const pct = Math.round(this.position * 100);
    this.divider.setAttribute('aria-valuenow', String(pct));
    this.divider.setAttribute('aria-valuetext', `${pct}% from the left: ${this.divider.dataset['left'] ?? 'A'} left, ${this.divider.dataset['right'] ?? 'B'} right`);
    this.divider.dataset['x'] = String(x);
  }

  close(): void {
    this.view?.destroy();
    this.view = null;
    this.overlayB = null;
    this.element?.remove();
    this.element = null;
    this.divider = null;
    this.container = null;
    if (window.vegdynSwipe === this) delete window.vegdynSwipe;
  }
}
