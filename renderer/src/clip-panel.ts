/**
 * Basin clipping: draw a polygon on the map (terra-draw), import a GeoJSON or zipped shapefile
 * (read by the engine's basins importer), or use a subbasin. The engine keeps the clip with the
 * project; the map masks cells outside it, series and exports honour it; "Clear clip" removes it.
 */
import { TerraDraw, TerraDrawPolygonMode } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import type { ApiClient } from '../../main/api/client.ts';
import type { ResponseOf } from '../../main/api/contract.ts';
import { h, field } from './dom.ts';
import { readBase64 } from './file-base64.ts';
import { attempt, notify } from './notify.ts';
import type { Workspace } from './workspace.ts';

export type Clip = NonNullable<ResponseOf<'map.clip.get'>['clip']>;

export class ClipPanel {
  private draw: TerraDraw | null = null;
  private readonly drawButton: HTMLButtonElement;
  private readonly status: HTMLElement;
  private readonly subbasin: HTMLSelectElement;
  private readonly clearButton: HTMLButtonElement;
  private readonly seriesButton: HTMLButtonElement;

  constructor(body: HTMLElement, private readonly api: ApiClient, private readonly workspace: Workspace) {
    this.status = h('p', { class: 'hint', 'data-testid': 'clip-status', text: 'No clip: the whole basin is used.' });
    this.drawButton = h('button', { type: 'button', 'aria-pressed': 'false', text: 'Draw polygon' });
    const fileInput = h('input', { type: 'file', accept: '.geojson,.json,.zip', 'aria-label': 'Import clip from GeoJSON or zipped shapefile', 'data-testid': 'clip-file' });
    this.subbasin = h('select', { 'aria-label': 'Clip to subbasin' });
    const useSub = h('button', { type: 'button', text: 'Clip to subbasin' });
    this.clearButton = h('button', { type: 'button', text: 'Clear clip', disabled: true });
    this.seriesButton = h('button', { type: 'button', text: 'Chart clip mean', disabled: true });
    body.append(
      this.status,
      h('div', { class: 'row' }, this.drawButton, this.clearButton, this.seriesButton),
      h('p', { class: 'hint', text: 'Drawing: click to add corners, click the first corner (or double-click) to finish, Escape to cancel.' }),
      field('Import GeoJSON or zipped shapefile', fileInput),
      h('div', { class: 'row' }, this.subbasin, useSub),
    );
    this.drawButton.addEventListener('click', () => (this.drawing ? this.stopDrawing() : this.startDrawing()));
    fileInput.addEventListener('change', () => {
      const file = fileInput.files?.[0];
      if (file) void this.importFile(file).finally(() => { fileInput.value = ''; });
    });
    useSub.addEventListener('click', () => {
      if (this.subbasin.value !== '') void this.apply({ subbasin: Number(this.subbasin.value) }, 'Clipping to the subbasin');
    });
    this.clearButton.addEventListener('click', () => void this.clear());
    this.seriesButton.addEventListener('click', () => void workspace.openSeries({ clip: true }));
    document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && this.drawing) this.stopDrawing(); });
  }

  get drawing(): boolean {
    return this.drawButton.getAttribute('aria-pressed') === 'true';
  }

  setSubbasins(list: readonly { id: number; name: string }[]): void {
    this.subbasin.replaceChildren(...list.map((s) => h('option', { value: s.id, text: s.name })));
  }

  /** Loads the project's clip (after a project is opened). */
  async refresh(): Promise<void> {
    const res = await attempt('Loading the clip', () => this.api.request('map.clip.get', {}));
    this.show(res?.clip ?? null);
  }

  private show(clip: Clip | null): void {
    this.workspace.setClip(clip);
    this.status.textContent = clip ? `Clip: ${clip.name} (${clip.cells} cells, ${clip.source})` : 'No clip: the whole basin is used.';
    this.clearButton.disabled = !clip;
    this.seriesButton.disabled = !clip;
  }

  private async apply(payload: { geometry: GeoJSON.Polygon; name: string } | { subbasin: number } | { file: { name: string; base64: string } }, what: string): Promise<void> {
    const res = await attempt(what, () => this.api.request('map.clip.set', payload));
    if (res) {
      this.show(res.clip);
      notify('info', `Clip set: ${res.clip.name}`, `${res.clip.cells} cells; the map, series and exports use it until you clear it.`);
    }
  }

  private async importFile(file: File): Promise<void> {
    const base64 = await readBase64(file);
    await this.apply({ file: { name: file.name, base64 } }, `Importing ${file.name}`);
  }

  private async clear(): Promise<void> {
    const res = await attempt('Clearing the clip', () => this.api.request('map.clip.clear', {}));
    if (res) this.show(null);
  }

  private startDrawing(): void {
    const map = this.workspace.map.map;
    if (!this.draw) {
      this.draw = new TerraDraw({ adapter: new TerraDrawMapLibreGLAdapter({ map }), modes: [new TerraDrawPolygonMode()] });
      this.draw.on('finish', (id) => {
        const feature = this.draw?.getSnapshotFeature(id);
        this.stopDrawing();
        if (feature && feature.geometry.type === 'Polygon') void this.apply({ geometry: feature.geometry, name: 'drawn polygon' }, 'Setting the drawn clip');
      });
    }
    this.draw.start();
    this.draw.setMode('polygon');
    this.drawButton.setAttribute('aria-pressed', 'true');
    this.drawButton.textContent = 'Stop drawing';
    this.workspace.drawing = true;
  }

  private stopDrawing(): void {
    if (this.draw) {
      this.draw.clear();
      this.draw.stop();
    }
    this.drawButton.setAttribute('aria-pressed', 'false');
    this.drawButton.textContent = 'Draw polygon';
    // the click that finished the polygon must not also open a chart
    setTimeout(() => { this.workspace.drawing = false; }, 0);
  }
}
