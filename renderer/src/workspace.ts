/**
 * The map workspace controller: owns the view state (layer, day, display settings, selection),
 * asks the engine for what it needs through the API client, and pushes props down to the map,
 * legend, date slider, readout and chart. Every engine call goes through `attempt`, so a failed
 * request shows a message and leaves the workspace usable.
 */
import type { LngLat } from 'maplibre-gl';
import type { ApiClient } from '../../main/api/client.ts';
import type { ResponseOf } from '../../main/api/contract.ts';
import type { MapLayer } from '../../main/api/requests/map.ts';
import type { Shell } from './app-shell.ts';
import { h, formatValue } from './dom.ts';
import { attempt, describeError, notify } from './notify.ts';
import { MapView, WORLD_BOUNDS, type Bounds } from './map-view.ts';
import { LayerPanel, type LayerDisplay } from './layer-panel.ts';
import { Colorbar, niceTicks } from './colorbar.ts';
import { DateSlider } from './date-slider.ts';
import { SeriesChart } from './series-chart.ts';
import { CATEGORY_COLORS, colormapLut, type ColormapName } from './colormaps.ts';
import { colorize, type RasterStyle } from './raster-image.ts';
import { dayToIso } from './dates.ts';
import { markStart, markEnd } from './perf-marks.ts';
import { displayUnit, type DisplayUnit } from './units.ts';
import { overlayDays, scenarioOfLayer } from './scenario-overlay.ts';

export type Summary = ResponseOf<'map.summary'>;
export type DatasetSummary = NonNullable<Summary['dataset']>;

interface GridEntry {
  readonly values: Float32Array;
  readonly sourceDay: number | null;
}

const COLORMAPS: readonly ColormapName[] = ['viridis', 'cividis', 'brbg', 'rdbu'];
/** days per map.grids request for daily layers */
const GRID_BLOCK = 16;

export class Workspace {
  readonly map: MapView;
  private readonly layerPanel = new LayerPanel();
  private readonly colorbar = new Colorbar();
  private readonly slider = new DateSlider();
  private readonly chart = new SeriesChart();
  private readonly readout: HTMLElement;
  private readonly seriesPanel: HTMLElement;
  private readonly subbasinSelect: HTMLSelectElement;
  private clickMode: 'cell' | 'subbasin' = 'cell';
  /** the project and extent the map was last framed on */
  private framed: string | null = null;

  summary: Summary | null = null;
  layers: MapLayer[] = [];
  layerId: string | null = null;
  day = 0;
  private readonly displays = new Map<string, LayerDisplay>();
  private readonly grids = new Map<string, GridEntry>();
  private readonly inflight = new Map<string, Promise<void>>();
  private current: GridEntry | null = null;
  private gridSeq = 0;
  private seriesSeq = 0;
  /** recent map.series replies by target (cleared on reload: a new run adds series) */
  private readonly seriesCache = new Map<string, Promise<ResponseOf<'map.series'>>>();
  /** cells kept by the active clip (1) or null for no clip */
  clipMask: Uint8Array | null = null;
  clipName: string | null = null;
  /** true while a polygon is being drawn: map clicks belong to the drawing tool */
  drawing = false;
  /** called after the project summary (re)loaded */
  onSummary: (summary: Summary) => void = () => undefined;
  /** called after the active clip changed (set, replaced or cleared) */
  onClipChange: () => void = () => undefined;
  /** called whenever the selected day changes (slider, playback, reload) */
  onDayChange: (day: number) => void = () => undefined;

  constructor(private readonly shell: Shell, private readonly api: ApiClient) {
    this.map = new MapView({
      container: shell.mapContainer,
      // framed on the open project's grid when its summary arrives (frameProject)
      initialBounds: WORLD_BOUNDS,
      label: 'Map of the open project',
      onHover: (p) => this.showReadout(p),
      onClick: (p) => void this.clickMap(p),
    });
    this.readout = h('div', { class: 'map-overlay readout-overlay', 'data-testid': 'readout', 'aria-live': 'polite', hidden: true });
    shell.mapWrap.append(this.colorbar.element, this.slider.element, this.readout);

    const layersBody = shell.section('layers-section', 'Layers');
    layersBody.append(this.layerPanel.element);
    this.layerPanel.onSelect = (id) => void this.selectLayer(id);
    this.layerPanel.onTemperatureUnit = () => this.redraw();
    this.layerPanel.onDisplay = (d) => {
      if (!this.layerId) return;
      this.displays.set(this.layerId, d);
      this.redraw();
    };
    this.slider.onChange = (day) => void this.setDay(day);

    // time series: click mode and subbasin picker
    this.seriesPanel = shell.section('series-section', 'Time series');
    const modeCell = h('input', { type: 'radio', name: 'click-mode', value: 'cell', checked: true });
    const modeSub = h('input', { type: 'radio', name: 'click-mode', value: 'subbasin' });
    for (const r of [modeCell, modeSub]) r.addEventListener('change', () => { if (r.checked) this.clickMode = r.value as 'cell' | 'subbasin'; });
    this.subbasinSelect = h('select', { 'aria-label': 'Subbasin', 'data-testid': 'subbasin-select' });
    const showSub = h('button', { type: 'button', text: 'Show subbasin series' });
    showSub.addEventListener('click', () => {
      const id = Number(this.subbasinSelect.value);
      if (Number.isFinite(id) && this.subbasinSelect.value !== '') void this.openSeries({ subbasin: id });
    });
    this.seriesPanel.append(
      h('fieldset', { class: 'layer-list' }, h('legend', { text: 'Clicking the map shows' }),
        h('label', { class: 'layer-option' }, modeCell, h('span', { text: 'the clicked cell' })),
        h('label', { class: 'layer-option' }, modeSub, h('span', { text: 'the clicked subbasin (area mean)' }))),
      h('div', { class: 'row' }, this.subbasinSelect, showSub),
    );

    shell.dock.append(this.chart.element);
    this.chart.onClose = () => {
      shell.dock.hidden = true;
      this.map.update({ selectedCell: null, selectedSubbasin: null });
      this.map.resize();
      this.refit();
    };
  }

  /** (Re)loads everything the workspace shows for the open project. */
  async reload(): Promise<void> {
    const summary = await attempt('Loading the project summary', () => this.api.request('map.summary', {}));
    if (!summary) return;
    // a reload of the same dataset (a run finished or was cancelled, a clip changed) keeps the chosen date
    const previous = this.summary?.dataset;
    const keepDay = !!previous && !!summary.dataset && previous.id === summary.dataset.id && previous.startDate === summary.dataset.startDate
      && this.day < summary.dataset.dayCount;
    this.summary = summary;
    this.grids.clear();
    this.seriesCache.clear();
    this.shell.projectName.textContent = summary.project.name;
    this.shell.projectName.title = summary.project.dir;
    const ds = summary.dataset;
    this.shell.datasetSource.textContent = ds ? ds.source : 'no dataset yet';
    if (!ds) {
      this.layers = [];
      const layers = await attempt('Loading the layer list', () => this.api.request('map.layers', {}));
      this.layerPanel.setLayers([], null, layers?.missing ?? []);
      this.slider.setProps(null);
      this.colorbar.render(null);
      this.map.update({ raster: null, basin: null, subbasins: null });
      this.frameProject();
      return;
    }
    this.subbasinSelect.replaceChildren(...ds.subbasins.map((s) => h('option', { value: s.id, text: s.name })));
    this.onSummary(summary);
    this.map.update({
      basin: ds.basin,
      subbasins: { type: 'FeatureCollection', features: ds.subbasins.map((s) => ({ type: 'Feature', geometry: s.geometry, properties: { id: s.id, name: s.name } })) },
    });
    const layers = await attempt('Loading the layer list', () => this.api.request('map.layers', {}));
    this.layers = layers?.layers ?? [];
    const first = this.layers.find((l) => l.id === this.layerId) ?? this.layers[0];
    this.layerPanel.setLayers(this.layers, first?.id ?? null, layers?.missing ?? []);
    // start on the last observation date of the training period: a typical summer scene is more telling than day 0
    const obs = ds.observationDays;
    if (!keepDay) {
      const summerObs = obs.filter((d) => dayToIso(ds.startDate, d).slice(5, 7) === '07');
      this.day = summerObs.length ? summerObs[Math.floor(summerObs.length / 2)]! : (obs[0] ?? 0);
    }
    this.slider.setProps({ startDate: ds.startDate, dayCount: ds.dayCount, observationDays: obs }, this.day);
    this.onDayChange(this.day);
    if (first) await this.selectLayer(first.id);
    this.frameProject();
  }

  /** The open project's extent: its dataset's grid, else the grid it was created on; null before it has one. */
  extent(): Bounds | null {
    return this.summary?.dataset?.bounds ?? this.summary?.projectGrid?.bounds ?? null;
  }

  /** The grid a project without a dataset was created on, for people ('17 x 11 cells of 0.125°, ...'); null otherwise. */
  ownGrid(): string | null {
    const p = this.summary?.projectGrid;
    if (!p || p.from !== 'project') return null;
    const [w, s, e, n] = p.bounds.map((v) => Number(v.toFixed(4)));
    return `${p.grid.ncols} x ${p.grid.nrows} cells of ${p.grid.cellSize}°, longitude ${w}..${e}, latitude ${s}..${n}`;
  }

  /** Frames the map on the project's grid when the project or its extent changed (a reload of the same one keeps the user's view). */
  private frameProject(): void {
    const extent = this.extent();
    const key = extent && this.summary ? `${this.summary.project.dir}|${extent.join(',')}` : null;
    if (key === null || key === this.framed) return;
    this.framed = key;
    this.refit();
  }

  get dataset(): DatasetSummary | null {
    return this.summary?.dataset ?? null;
  }

  layer(): MapLayer | undefined {
    return this.layers.find((l) => l.id === this.layerId);
  }

  displayOf(layer: MapLayer): LayerDisplay {
    let d = this.displays.get(layer.id);
    if (!d) {
      const cm = (COLORMAPS as readonly string[]).includes(layer.colormap) ? (layer.colormap as ColormapName) : 'viridis';
      d = { colormap: cm, min: layer.range[0], max: layer.range[1], opacity: 0.85 };
      this.displays.set(layer.id, d);
    }
    return d;
  }

  async selectLayer(id: string): Promise<void> {
    const layer = this.layers.find((l) => l.id === id);
    if (!layer) return;
    markStart('layer-switch');
    this.layerId = id;
    this.layerPanel.showLayer(id, this.displayOf(layer));
    // a static layer has no date: the date bar would only mislead
    if (layer.time === 'static') this.slider.pause();
    this.slider.element.hidden = layer.time === 'static' || !this.dataset;
    await this.loadGrid('layer-switch');
  }

  async setDay(day: number): Promise<void> {
    this.day = day;
    this.slider.setDay(day);
    this.onDayChange(day);
    const layer = this.layer();
    if (!layer || layer.time === 'static') {
      this.renderLegend();
      return;
    }
    markStart('date-step');
    await this.loadGrid('date-step');
  }

  private gridKey(layer: MapLayer, day: number): { key: string; day: number } {
    if (layer.time === 'static') return { key: layer.id, day: 0 };
    if (layer.time === 'observations') {
      const obs = this.dataset?.observationDays ?? [];
      let src = -1;
      for (const d of obs) { if (d <= day) src = d; else break; }
      return { key: `${layer.id}@obs${src}`, day };
    }
    return { key: `${layer.id}@${day}`, day };
  }

  private remember(key: string, entry: GridEntry): void {
    if (this.grids.size > 600) this.grids.delete(this.grids.keys().next().value!);
    this.grids.set(key, entry);
  }

  /** Daily layers come in aligned blocks of days (one request per block), so stepping and playback hit the cache. */
  private fetchBlock(layer: MapLayer, blockStart: number): Promise<void> {
    const id = `${layer.id}#${blockStart}`;
    let p = this.inflight.get(id);
    if (!p) {
      const count = Math.min(GRID_BLOCK, (this.dataset?.dayCount ?? blockStart + GRID_BLOCK) - blockStart);
      p = this.api.request('map.grids', { layer: layer.id, start: blockStart, count }).then((res) => {
        for (const f of res.frames) this.remember(`${layer.id}@${f.day}`, { values: f.values, sourceDay: f.sourceDay });
      }).finally(() => this.inflight.delete(id));
      this.inflight.set(id, p);
    }
    return p;
  }

  private async fetchGrid(layer: MapLayer, day: number): Promise<GridEntry> {
    const { key } = this.gridKey(layer, day);
    const hit = this.grids.get(key);
    if (hit) return hit;
    if (layer.time === 'daily') {
      await this.fetchBlock(layer, Math.floor(day / GRID_BLOCK) * GRID_BLOCK);
      const got = this.grids.get(key);
      if (got) return got;
    }
    const res = await this.api.request('map.grid', layer.time === 'static' ? { layer: layer.id } : { layer: layer.id, day });
    const entry = { values: res.values, sourceDay: res.sourceDay };
    this.remember(key, entry);
    return entry;
  }

  private async loadGrid(perfName: string): Promise<void> {
    const layer = this.layer();
    if (!layer) return;
    const seq = ++this.gridSeq;
    try {
      const entry = await this.fetchGrid(layer, this.day);
      if (seq !== this.gridSeq) return; // a newer request superseded this one
      this.current = entry;
      this.redraw();
      markEnd(perfName);
      // stepping / playback: fetch the next block of days ahead of time
      const ds = this.dataset;
      if (layer.time === 'daily' && ds) {
        const nextBlock = (Math.floor(this.day / GRID_BLOCK) + 1) * GRID_BLOCK;
        if (nextBlock - this.day <= GRID_BLOCK / 2 && nextBlock < ds.dayCount && !this.grids.has(`${layer.id}@${nextBlock}`)) {
          void this.fetchBlock(layer, nextBlock).catch(() => undefined);
        }
      }
    } catch (err) {
      if (seq !== this.gridSeq) return;
      this.slider.pause();
      notify('error', `Loading ${layer.label} failed`, describeError(err));
    }
  }

  rasterStyle(layer: MapLayer): RasterStyle {
    if (layer.kind === 'categorical') {
      const colors = new Map<number, string>();
      (layer.categories ?? []).forEach((c, i) => colors.set(c.code, CATEGORY_COLORS[i % CATEGORY_COLORS.length]!));
      return { kind: 'categorical', colors };
    }
    const d = this.displayOf(layer);
    return { kind: 'continuous', colormap: d.colormap, min: d.min, max: d.max };
  }

  /** Recolours the current grid with the current display settings and pushes it to the map. */
  redraw(): void {
    const layer = this.layer();
    const ds = this.dataset;
    if (!layer || !ds || !this.current) return;
    const image = colorize(this.current.values, ds.grid.ncols, ds.grid.nrows, this.rasterStyle(layer), this.clipMask);
    this.map.update({ raster: { image, bounds: ds.bounds, opacity: this.displayOf(layer).opacity } });
    this.renderLegend();
  }

  private renderLegend(): void {
    const layer = this.layer();
    const ds = this.dataset;
    if (!layer || !ds) return;
    let dateNote: string | undefined;
    if (layer.time === 'observations') {
      const src = this.current?.sourceDay;
      dateNote = src === null || src === undefined ? 'no observation on or before this date' : `observation of ${dayToIso(ds.startDate, src)}`;
    } else if (layer.time === 'daily') dateNote = dayToIso(ds.startDate, this.day);
    const style = this.rasterStyle(layer);
    const unit = this.unitOf(layer);
    this.colorbar.render({
      title: layer.label,
      units: unit.units,
      dateNote,
      style: style.kind === 'continuous'
        ? { ...style, min: unit.toDisplay(style.min), max: unit.toDisplay(style.max) }
        : { kind: 'categorical', items: (layer.categories ?? []).map((c) => ({ color: style.colors.get(c.code) ?? '#999', label: `${c.code} ${c.label}` })) },
    });
  }

  /** Draws the legend (title, units, colour bar or classes, date) into a 2D context, for the PNG export. */
  drawLegendInto(g: CanvasRenderingContext2D, _w: number, h: number): void {
    const layer = this.layer();
    const ds = this.dataset;
    if (!layer || !ds) return;
    const style = this.rasterStyle(layer);
    const x = 12;
    const boxH = style.kind === 'continuous' ? 74 : 30 + 18 * (layer.categories?.length ?? 0);
    const y = h - boxH - 12;
    g.fillStyle = 'rgba(255,255,255,0.92)';
    g.fillRect(x, y, 300, boxH);
    g.fillStyle = '#1d2430';
    g.font = 'bold 13px sans-serif';
    const date = layer.time === 'static' ? '' : `  ${dayToIso(ds.startDate, this.current?.sourceDay ?? this.day)}`;
    const unit = this.unitOf(layer);
    g.fillText(`${layer.label} [${unit.units}]${date}`, x + 8, y + 18);
    g.font = '11px sans-serif';
    if (style.kind === 'continuous') {
      const lut = colormapLut(style.colormap);
      for (let i = 0; i < 280; i++) {
        const k = Math.round((i / 279) * 255);
        g.fillStyle = `rgb(${lut[k * 3]},${lut[k * 3 + 1]},${lut[k * 3 + 2]})`;
        g.fillRect(x + 10 + i, y + 28, 1, 16);
      }
      g.fillStyle = '#1d2430';
      const lo = unit.toDisplay(style.min);
      const hi = unit.toDisplay(style.max);
      g.textAlign = 'center';
      for (const v of niceTicks(lo, hi)) g.fillText(formatValue(v, 4), x + 10 + (280 * (v - lo)) / (hi - lo || 1), y + 60);
      g.textAlign = 'start';
    } else {
      (layer.categories ?? []).forEach((c, i) => {
        g.fillStyle = style.colors.get(c.code) ?? '#999';
        g.fillRect(x + 10, y + 28 + i * 18, 12, 12);
        g.fillStyle = '#1d2430';
        g.fillText(`${c.code} ${c.label}`, x + 28, y + 38 + i * 18);
      });
    }
  }

  /** the unit a layer's values are shown in (temperature: the unit toggle's choice) */
  unitOf(layer: MapLayer): DisplayUnit {
    return displayUnit(layer.units, this.layerPanel.temperatureUnit);
  }

  /**
   * Fits the dataset's bounds into the part of the map the overlays leave free: the legend and
   * the date bar sit along the bottom, so the basin must end above them (after the chart dock
   * opened or closed, the map is shorter or taller than when it was last fitted).
   */
  refit(): void {
    const extent = this.extent();
    if (!extent) return;
    const bottom = Math.max(this.colorbar.element.hidden ? 0 : this.colorbar.element.offsetHeight, this.slider.element.hidden ? 0 : this.slider.element.offsetHeight);
    const [w, s, e, n] = extent;
    this.map.map.fitBounds([[w, s], [e, n]], { padding: { top: 20, left: 20, right: 20, bottom: bottom + 40 }, animate: false });
  }

  /** the grid cell under a lon/lat, or null outside the grid */
  cellAt(p: { lng: number; lat: number }): number | null {
    const ds = this.dataset;
    if (!ds) return null;
    const g = ds.grid;
    const col = Math.round((p.lng - g.lon0) / g.cellSize);
    const row = Math.round((g.latTop - p.lat) / g.cellSize);
    if (col < 0 || row < 0 || col >= g.ncols || row >= g.nrows) return null;
    return row * g.ncols + col;
  }

  private showReadout(p: LngLat | null): void {
    const ds = this.dataset;
    const layer = this.layer();
    const cell = p ? this.cellAt(p) : null;
    if (!p || !ds || !layer || cell === null || !this.current) {
      this.readout.hidden = true;
      return;
    }
    const v = this.current.values[cell]!;
    let valueText: string;
    // an active clip hides the cells outside it on the map: the readout shows no value there either
    if (this.clipMask && !this.clipMask[cell]) valueText = `outside the clip${this.clipName ? ` ${this.clipName}` : ''}`;
    else if (Number.isNaN(v)) valueText = 'no data';
    else if (layer.kind === 'categorical') valueText = `${Math.round(v)} ${layer.categories?.find((c) => c.code === Math.round(v))?.label ?? ''}`;
    else {
      const unit = this.unitOf(layer);
      valueText = `${formatValue(unit.toDisplay(v), 4)} ${unit.units}`;
    }
    const row = Math.floor(cell / ds.grid.ncols);
    const col = cell % ds.grid.ncols;
    const sb = ds.subbasinOfCell[cell];
    const sbName = sb === null || sb === undefined ? null : ds.subbasins.find((s) => s.id === sb)?.name;
    this.readout.hidden = false;
    this.readout.replaceChildren(
      h('div', { text: layer.label }),
      h('div', { class: 'readout-value', 'data-testid': 'readout-value', text: valueText }),
      h('div', { class: 'readout-where', text: `${p.lat.toFixed(3)}° N ${(-p.lng).toFixed(3)}° W · row ${row} col ${col}` }),
    );
    if (sbName) this.readout.append(h('div', { class: 'readout-where', text: sbName }));
  }

  /** Applies (or removes) the active clip: cells outside are hidden, the outline is drawn. */
  setClip(clip: { name: string; geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon; cellFractions: number[] } | null): void {
    this.clipMask = clip ? Uint8Array.from(clip.cellFractions, (f) => (f > 0 ? 1 : 0)) : null;
    this.clipName = clip?.name ?? null;
    this.map.update({ clip: clip?.geometry ?? null });
    this.redraw();
    this.onClipChange();
  }

  private async clickMap(p: LngLat): Promise<void> {
    if (this.drawing) return;
    const ds = this.dataset;
    const cell = this.cellAt(p);
    if (!ds || cell === null) return;
    if (this.clickMode === 'subbasin') {
      const sb = ds.subbasinOfCell[cell];
      if (sb === null || sb === undefined) {
        notify('info', 'No subbasin here', 'Click inside the basin outline, or switch to cell mode.');
        return;
      }
      await this.openSeries({ subbasin: sb });
    } else {
      await this.openSeries({ cell });
    }
  }

  private rememberSeries(key: string, reply: Promise<ResponseOf<'map.series'>>): void {
    this.seriesCache.delete(key);
    if (this.seriesCache.size >= 32) this.seriesCache.delete(this.seriesCache.keys().next().value!);
    this.seriesCache.set(key, reply);
  }

  /** Opens the chart dock with the series of a cell or a subbasin. */
  async openSeries(target: { cell: number } | { subbasin: number } | { clip: true }): Promise<void> {
    const ds = this.dataset;
    if (!ds) return;
    markStart('click-to-chart');
    const seq = ++this.seriesSeq;
    // ask first, so the request runs while the selection and the dock are drawn
    // with a scenario layer on the map, the chart overlays that scenario's baseline and scenario LAI
    const overlay = 'clip' in target ? null : scenarioOfLayer(this.layerId);
    const key = JSON.stringify(overlay ? { ...target, ...overlay } : target);
    const request = this.seriesCache.get(key) ?? (overlay && !('clip' in target) ? this.api.request('map.scenarioSeries', { ...overlay, ...target }) : this.api.request('map.series', target));
    const select = (): void => {
      if ('cell' in target) {
        const g = ds.grid;
        const row = Math.floor(target.cell / g.ncols);
        const col = target.cell % g.ncols;
        const w = g.lon0 + (col - 0.5) * g.cellSize;
        const e = w + g.cellSize;
        const n = g.latTop - (row - 0.5) * g.cellSize;
        const s = n - g.cellSize;
        this.map.update({ selectedCell: [[w, s], [e, s], [e, n], [w, n], [w, s]], selectedSubbasin: null });
      } else if ('subbasin' in target) {
        this.map.update({ selectedCell: null, selectedSubbasin: target.subbasin });
        this.subbasinSelect.value = String(target.subbasin);
      } else {
        this.map.update({ selectedCell: null, selectedSubbasin: null });
      }
    };
    // at once, not with the chart: a click already makes MapLibre and deck.gl repaint (MapLibre's
    // pan handler), and the outline joins that frame instead of costing a full-canvas frame of its own
    select();
    const wasHidden = this.shell.dock.hidden;
    this.shell.dock.hidden = false;
    if (wasHidden) {
      this.map.resize();
      this.refit();
    }
    this.chart.setLoading('cell' in target ? `Cell ${target.cell}` : 'subbasin' in target ? `Subbasin ${target.subbasin}` : `Clip ${this.clipName ?? ''}`);
    try {
      // the clip's series depends on the clip, which can change under the same key: never cached
      if (!('clip' in target)) this.rememberSeries(key, request);
      const data = await request;
      if (seq !== this.seriesSeq) return;
      // show the three years around the current date first; "Reset zoom" shows everything
      const from = Math.max(0, this.day - 550);
      const to = Math.min(data.dayCount - 1, from + 1100);
      this.chart.render(data, (overlay ? overlayDays(data.series) : undefined) ?? [from, to]);
      markEnd('click-to-chart');
    } catch (err) {
      this.seriesCache.delete(key);
      if (seq !== this.seriesSeq) return;
      this.chart.setError(`Could not load the series: ${describeError(err)}`);
      notify('error', 'Loading the time series failed', describeError(err));
    }
  }
}
