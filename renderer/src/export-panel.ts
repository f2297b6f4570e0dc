/**
 * Export: the current layer as a GeoTIFF (one band per date of the chosen range, written by the
 * engine into the project's exports/ folder and downloaded), and a PNG of the current map view
 * (basemap and data layers composited, legend included).
 */
import type { ApiClient } from '../../main/api/client.ts';
import { h, field } from './dom.ts';
import { attempt, notify } from './notify.ts';
import { dayToIso, isoToDay } from './dates.ts';
import type { Workspace } from './workspace.ts';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A date field that shows and takes ISO dates (YYYY-MM-DD) whatever the browser's locale. */
export function isoDateInput(label: string): HTMLInputElement {
  return h('input', { type: 'text', inputmode: 'numeric', pattern: '\\d{4}-\\d{2}-\\d{2}', placeholder: 'YYYY-MM-DD', size: 10, 'aria-label': label, title: 'Date as YYYY-MM-DD' });
}

export function downloadBytes(fileName: string, bytes: Uint8Array | Blob, type: string): void {
  const blob = bytes instanceof Blob ? bytes : new Blob([bytes as BlobPart], { type });
  const a = h('a', { href: URL.createObjectURL(blob), download: fileName });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 30_000);
}

function base64Bytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export class ExportPanel {
  private readonly from: HTMLInputElement;
  private readonly to: HTMLInputElement;
  private readonly status: HTMLElement;
  /** true while the range is the map's date (not typed by the user) */
  private following = true;

  constructor(body: HTMLElement, private readonly api: ApiClient, private readonly workspace: Workspace) {
    this.from = isoDateInput('Export from date');
    this.to = isoDateInput('Export to date');
    // typing a date stops the fields from following the map's date; "Current date" resumes it
    for (const input of [this.from, this.to]) input.addEventListener('input', () => { this.following = false; });
    const useCurrent = h('button', { type: 'button', text: 'Current date' });
    const tif = h('button', { type: 'button', class: 'primary', text: 'Export GeoTIFF' });
    const png = h('button', { type: 'button', text: 'Save view as PNG' });
    this.status = h('p', { class: 'hint', 'data-testid': 'export-status', text: 'Exports the layer shown on the map; clipped when a clip is set.' });
    body.append(h('div', { class: 'row' }, field('From', this.from), field('To', this.to)), h('div', { class: 'row' }, useCurrent, tif, png), this.status);
    useCurrent.addEventListener('click', () => {
      this.following = true;
      this.useCurrentDate();
    });
    tif.addEventListener('click', () => void this.exportGeoTiff());
    png.addEventListener('click', () => void this.exportPng());
  }

  useCurrentDate(): void {
    const ds = this.workspace.dataset;
    if (!ds) return;
    const iso = dayToIso(ds.startDate, this.workspace.day);
    this.from.value = iso;
    this.to.value = iso;
  }

  /** the map's date changed: the range follows it unless the user typed one */
  followMapDate(): void {
    if (this.following) this.useCurrentDate();
  }

  async exportGeoTiff(): Promise<void> {
    const ds = this.workspace.dataset;
    const layer = this.workspace.layer();
    if (!ds || !layer) return;
    if (!this.from.value) this.useCurrentDate();
    for (const input of [this.from, this.to]) {
      if (input.value && !ISO_DATE.test(input.value.trim())) {
        notify('error', 'Export: not a date', `${input.getAttribute('aria-label')}: '${input.value}' is not a date as YYYY-MM-DD`);
        return;
      }
    }
    const start = Math.max(0, isoToDay(ds.startDate, this.from.value));
    const end = Math.max(start, isoToDay(ds.startDate, this.to.value || this.from.value));
    this.status.textContent = `Writing ${layer.label}…`;
    const res = await attempt(`Exporting ${layer.label} as GeoTIFF`, () => this.api.request('map.exportGeoTiff', layer.time === 'static' ? { layer: layer.id } : { layer: layer.id, start, end }));
    if (!res) {
      this.status.textContent = 'Export failed (see the message).';
      return;
    }
    // the whole path, wrapped rather than cut, so it can be found on disk
    this.status.replaceChildren(`Wrote ${res.bands} band${res.bands === 1 ? '' : 's'} (${res.descriptions.slice(0, 3).join(', ')}${res.bands > 3 ? ', …' : ''}) to `,
      h('code', { class: 'full-path', 'data-testid': 'export-path', text: res.path }));
    if (res.base64) downloadBytes(res.fileName, base64Bytes(res.base64), 'image/tiff');
    notify('info', `GeoTIFF written: ${res.fileName}`, res.path);
  }

  /** The map canvas, the deck.gl canvas and the legend drawn into one image. */
  async exportPng(): Promise<void> {
    const mapCanvas = this.workspace.map.map.getCanvas();
    const deckCanvas = this.workspace.map.deckCanvas();
    const w = mapCanvas.width;
    const hgt = mapCanvas.height;
    const out = document.createElement('canvas');
    out.width = w;
    out.height = hgt;
    const g = out.getContext('2d')!;
    this.workspace.map.map.triggerRepaint();
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    g.drawImage(mapCanvas, 0, 0, w, hgt);
    if (deckCanvas) g.drawImage(deckCanvas, 0, 0, w, hgt);
    this.workspace.drawLegendInto(g, w, hgt);
    const blob = await new Promise<Blob | null>((r) => out.toBlob(r, 'image/png'));
    if (!blob) {
      notify('error', 'Saving the view failed', 'the browser could not encode the PNG');
      return;
    }
    const layer = this.workspace.layer();
    const ds = this.workspace.dataset;
    const date = ds && layer && layer.time !== 'static' ? `_${dayToIso(ds.startDate, this.workspace.day)}` : '';
    downloadBytes(`${(layer?.id ?? 'map').replace(/[^A-Za-z0-9._-]+/g, '_')}${date}.png`, blob, 'image/png');
  }
}
