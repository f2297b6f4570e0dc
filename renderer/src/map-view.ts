/**
 * One map: a MapLibre map with the offline basemap, and a deck.gl overlay that draws the gridded
 * layer (a BitmapLayer over the grid's lon/lat bounds), the basin and subbasin outlines, the active
 * clip and the selected cell. Layers are rebuilt from plain props on every update (deck.gl style:
 * props down, no hidden state); hover and click report positions in lon/lat.
 */
import { Map as MaplibreMap, NavigationControl, ScaleControl, AttributionControl, setWorkerUrl, type IControl, type LngLat } from 'maplibre-gl';
import { MapboxOverlay } from '@deck.gl/mapbox';
import { BitmapLayer, GeoJsonLayer, PolygonLayer } from '@deck.gl/layers';
import { COORDINATE_SYSTEM, type Layer } from '@deck.gl/core';
import { basemapStyle } from './basemap-style.ts';
import { isSoftwareWebGl } from './gl-info.ts';

/** West, south, east, north (degrees). */
export type Bounds = [number, number, number, number];

/** The view before a project's extent is known: no region is special, the map frames the open project once it loads. */
export const WORLD_BOUNDS: Bounds = [-180, -60, 180, 75];

export interface RasterProps {
  readonly image: ImageData;
  readonly bounds: Bounds;
  readonly opacity: number;
}

export interface OverlayProps {
  readonly raster: RasterProps | null;
  readonly basin: GeoJSON.Geometry | null;
  readonly subbasins: GeoJSON.FeatureCollection | null;
  /** highlighted subbasin id */
  readonly selectedSubbasin: number | null;
  readonly clip: GeoJSON.Geometry | null;
  /** outline of the selected cell (a closed ring, lon/lat) */
  readonly selectedCell: [number, number][] | null;
}

export interface MapViewOptions {
  readonly container: HTMLElement;
  readonly initialBounds: Bounds;
  readonly label: string;
  onHover?(lngLat: LngLat | null): void;
  onClick?(lngLat: LngLat): void;
}

let workerUrlSet = false;

export class MapView {
  readonly map: MaplibreMap;
  private readonly overlay: MapboxOverlay;
  private props: OverlayProps = { raster: null, basin: null, subbasins: null, selectedSubbasin: null, clip: null, selectedCell: null };
  private readonly loaded: Promise<void>;

  constructor(options: MapViewOptions) {
    if (!workerUrlSet) {
      // MapLibre's worker is a separate module copied next to app.js by the build
      setWorkerUrl(new URL('maplibre-gl-worker.mjs', document.baseURI).href);
      workerUrlSet = true;
    }
    // preserveDrawingBuffer: the PNG export reads both canvases back; antialiasing only on real GPUs
    const antialias = !isSoftwareWebGl();
    options.container.setAttribute('role', 'region');
    options.container.setAttribute('aria-label', options.label);
    this.map = new MaplibreMap({
      container: options.container,
      style: basemapStyle(),
      bounds: options.initialBounds,
      fitBoundsOptions: { padding: { top: 30, bottom: 110, left: 30, right: 30 } },
      attributionControl: false,
      renderWorldCopies: false,
      canvasContextAttributes: { preserveDrawingBuffer: true, antialias },
      maxZoom: 12,
    });
    this.map.addControl(new NavigationControl({ showCompass: false }), 'top-left');
    this.map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-right');
    this.map.addControl(new AttributionControl({ compact: true }), 'bottom-right');
    this.overlay = new MapboxOverlay({ interleaved: false, layers: [], useDevicePixels: false, deviceProps: { webgl: { preserveDrawingBuffer: true, antialias } } } as ConstructorParameters<typeof MapboxOverlay>[0]);
    this.map.addControl(this.overlay as unknown as IControl);
    this.map.on('mousemove', (e) => options.onHover?.(e.lngLat));
    this.map.on('mouseout', () => options.onHover?.(null));
    this.map.on('click', (e) => options.onClick?.(e.lngLat));
    this.loaded = new Promise((resolve) => this.map.once('load', () => resolve()));
  }

  whenLoaded(): Promise<void> {
    return this.loaded;
  }

  update(patch: Partial<OverlayProps>): void {
    this.props = { ...this.props, ...patch };
    this.overlay.setProps({ layers: this.buildLayers() });
  }

  private buildLayers(): Layer[] {
    const p = this.props;
    const layers: Layer[] = [];
    if (p.raster) {
      layers.push(new BitmapLayer({
        id: 'grid-raster',
        image: p.raster.image,
        bounds: p.raster.bounds,
        opacity: p.raster.opacity,
        // the grid is regular in lon/lat: let deck.gl reproject it rather than stretch it in Mercator
        _imageCoordinateSystem: COORDINATE_SYSTEM.LNGLAT,
        textureParameters: { minFilter: 'nearest', magFilter: 'nearest' },
        pickable: false,
      }));
    }
    if (p.subbasins) {
      // outlines only (filling every polygon costs a software-rendered frame); the selection gets its own fill
      layers.push(new GeoJsonLayer({
        id: 'subbasins',
        data: p.subbasins,
        stroked: true,
        filled: false,
        getLineColor: [60, 60, 60, 170],
        getLineWidth: 1,
        lineWidthUnits: 'pixels',
      }));
      const selected = p.subbasins.features.filter((f) => f.properties?.['id'] === p.selectedSubbasin);
      if (selected.length > 0) {
        layers.push(new GeoJsonLayer({
          id: 'subbasin-selected',
          data: { type: 'FeatureCollection', features: selected } as GeoJSON.FeatureCollection,
          stroked: true,
          filled: true,
          getFillColor: [255, 200, 0, 40],
          getLineColor: [230, 120, 0, 255],
          getLineWidth: 3,
          lineWidthUnits: 'pixels',
        }));
      }
    }
    if (p.basin) {
      layers.push(new GeoJsonLayer({
        id: 'basin-outline',
        data: { type: 'Feature', geometry: p.basin, properties: {} } as GeoJSON.Feature,
        stroked: true, filled: false, getLineColor: [20, 20, 20, 230], getLineWidth: 2, lineWidthUnits: 'pixels',
      }));
    }
    if (p.clip) {
      layers.push(new GeoJsonLayer({
        id: 'clip-outline',
        data: { type: 'Feature', geometry: p.clip, properties: {} } as GeoJSON.Feature,
        stroked: true, filled: false, getLineColor: [213, 94, 0, 255], getLineWidth: 2.5, lineWidthUnits: 'pixels',
      }));
    }
    if (p.selectedCell) {
      layers.push(new PolygonLayer({
        id: 'selected-cell',
        data: [{ ring: p.selectedCell }],
        getPolygon: (d: { ring: [number, number][] }) => d.ring,
        stroked: true, filled: false, getLineColor: [255, 255, 255, 255], getLineWidth: 2, lineWidthUnits: 'pixels',
      }));
    }
    return layers;
  }

  /** The deck.gl canvas (overlaid on the map canvas), for PNG export. */
  deckCanvas(): HTMLCanvasElement | null {
    return this.overlay.getCanvas();
  }

  resize(): void {
    this.map.resize();
  }

  destroy(): void {
    this.map.remove();
  }
}
