/**
 * Import data: pick what kind of data and its files, then run the engine's typed 'import' job
 * (main/run/import-job.ts) with a progress bar and Cancel, and show its report (what was written,
 * the dates, the importer's notes, or its error naming file and problem). Files come from the
 * native dialog in the Electron shell, or are uploaded into the project's imports/ folder in web
 * mode (import.upload); a path on the engine's machine can always be typed.
 */
import type { ApiClient } from '../../main/api/client.ts';
import type { EventOf } from '../../main/api/contract.ts';
import type { JobResult } from '../../main/api/job-map.ts';
import { h, field } from './dom.ts';
import { readBase64 } from './file-base64.ts';
import { nativeDialogs } from './native-dialogs.ts';
import { attempt, notify } from './notify.ts';

/** the importers the form offers (soil takes several named layers: `vegdyn import soil`) */
const KINDS = [
  { kind: 'forcing', label: 'Daily forcing (NetCDF)', accept: '.nc,.nc4,.netcdf', many: true },
  { kind: 'lai', label: 'LAI observations (GeoTIFF or NetCDF; date in the file name)', accept: '.tif,.tiff,.nc,.nc4', many: true },
  { kind: 'landcover', label: 'Land cover (GeoTIFF)', accept: '.tif,.tiff', many: false },
  { kind: 'basins', label: 'Basin outlines (GeoJSON or zipped shapefile)', accept: '.geojson,.json,.zip', many: false },
] as const;
type Kind = (typeof KINDS)[number]['kind'];

const KIND_NAMES: Record<Kind, string> = { forcing: 'forcing', lai: 'LAI', landcover: 'land cover', basins: 'basin outlines' };

export class ImportPanel {
  private readonly kindSelect: HTMLSelectElement;
  private readonly fileInput: HTMLInputElement;
  private readonly pathInput: HTMLInputElement;
  private readonly importButton: HTMLButtonElement;
  private readonly cancelButton: HTMLButtonElement;
  private readonly bar: HTMLProgressElement;
  private readonly status: HTMLElement;
  private readonly report: HTMLElement;
  private jobId: string | null = null;
  private kindRunning: Kind | null = null;
  /** reload the workspace after data was written */
  onImported: () => Promise<void> = async () => undefined;

  constructor(body: HTMLElement, private readonly api: ApiClient) {
    this.kindSelect = h('select', { 'aria-label': 'Data to import' }, ...KINDS.map((k) => h('option', { value: k.kind, text: k.label })));
    this.fileInput = h('input', { type: 'file', multiple: true, 'aria-label': 'Files to import', 'data-testid': 'import-files' });
    this.pathInput = h('input', { type: 'text', placeholder: '/path/on/the/engine/machine.nc', 'aria-label': 'Path to import' });
    this.importButton = h('button', { type: 'button', class: 'primary', text: 'Import' });
    this.cancelButton = h('button', { type: 'button', text: 'Cancel', hidden: true });
    this.bar = h('progress', { class: 'progress', max: 1, value: 0, 'aria-label': 'Import progress', hidden: true });
    this.status = h('p', { class: 'status-line', 'data-testid': 'import-status', 'aria-live': 'polite' });
    this.report = h('div', { class: 'import-report', 'data-testid': 'import-report', hidden: true });
    const dialogs = nativeDialogs();
    const choose = dialogs ? h('button', { type: 'button', text: 'Choose file…' }) : null;
    choose?.addEventListener('click', () => void dialogs!.openDialog('import-file').then((p) => { if (p) this.pathInput.value = p; }));
    body.append(
      h('p', { class: 'hint', text: 'Forcing defines the daily time axis, so import it first, then LAI, land cover and basin outlines. Nothing is written unless the import succeeds.' }),
      field('Data', this.kindSelect),
      // Electron: the native dialog gives a path; web mode: the browser uploads the files into the project
      choose ? h('div', { class: 'row' }, choose) : field('Files (uploaded into the project\'s imports/ folder)', this.fileInput),
      field('or a path on the engine\'s machine', this.pathInput),
      h('div', { class: 'row' }, this.importButton, this.cancelButton),
      this.bar, this.status, this.report,
    );
    this.kindSelect.addEventListener('change', () => this.updateAccept());
    this.updateAccept();
    this.importButton.addEventListener('click', () => void this.start());
    this.cancelButton.addEventListener('click', () => {
      const id = this.jobId;
      if (id) void attempt('Cancelling the import', () => this.api.request('jobs.cancel', { jobId: id }));
    });
    api.on('job.progress', (p) => this.onProgress(p));
    api.on('job.finished', (p) => { if (p.jobId === this.jobId && p.kind === 'import') void this.finish(null, p.result); });
    api.on('job.failed', (p) => { if (p.jobId === this.jobId) void this.finish(p.message); });
    api.on('job.cancelled', (p) => { if (p.jobId === this.jobId) void this.finish('cancelled'); });
  }

  private get kind(): (typeof KINDS)[number] {
    return KINDS.find((k) => k.kind === this.kindSelect.value) ?? KINDS[0];
  }

  private updateAccept(): void {
    this.fileInput.accept = this.kind.accept;
    this.fileInput.multiple = this.kind.many;
  }

  /** Paths to import: uploaded files (web mode) or the typed / chosen path. */
  private async inputPaths(): Promise<string[] | null> {
    const files = [...(this.fileInput.files ?? [])];
    if (files.length) {
      const paths: string[] = [];
      for (const [i, file] of files.entries()) {
        this.status.textContent = `Uploading ${file.name} (${i + 1} of ${files.length})…`;
        const saved = await attempt(`Uploading ${file.name}`, async () => this.api.request('import.upload', { name: file.name, base64: await readBase64(file) }));
        if (!saved) return null;
        paths.push(saved.path);
      }
      return paths;
    }
    const typed = this.pathInput.value.trim();
    if (!typed) {
      this.status.textContent = 'Choose a file to import first.';
      return null;
    }
    return [typed];
  }

  private params(kind: Kind, paths: string[]) {
    switch (kind) {
      case 'forcing': return { kind, paths };
      case 'lai': return { kind, paths };
      case 'landcover': return { kind, path: paths[0]! };
      case 'basins': return { kind, path: paths[0]! };
    }
  }

  async start(): Promise<void> {
    if (this.jobId) return;
    const kind = this.kind.kind;
    this.report.hidden = true;
    this.importButton.disabled = true;
    try {
      const paths = await this.inputPaths();
      if (!paths) return;
      const res = await attempt(`Importing ${KIND_NAMES[kind]}`, () => this.api.request('import.start', { params: this.params(kind, paths) }));
      if (!res) {
        this.status.textContent = '';
        return;
      }
      this.jobId = res.jobId;
      this.kindRunning = kind;
      this.bar.value = 0;
      this.bar.hidden = false;
      this.cancelButton.hidden = false;
      this.status.textContent = `Importing ${KIND_NAMES[kind]}…`;
    } finally {
      if (!this.jobId) this.importButton.disabled = false;
    }
  }

  private onProgress(p: EventOf<'job.progress'>): void {
    if (p.jobId !== this.jobId) return;
    this.bar.value = p.fraction;
    this.status.textContent = `${Math.round(p.fraction * 100)} % · ${p.message}`;
  }

  private async finish(problem: string | null, result?: JobResult<'import'>): Promise<void> {
    const kind = this.kindRunning ?? this.kind.kind;
    this.jobId = null;
    this.kindRunning = null;
    this.bar.hidden = true;
    this.cancelButton.hidden = true;
    this.importButton.disabled = false;
    this.fileInput.value = '';
    this.report.hidden = false;
    if (problem === 'cancelled') {
      this.status.textContent = 'Cancelled: nothing was written.';
      this.report.replaceChildren();
      this.report.hidden = true;
      return;
    }
    if (problem !== null || !result) {
      this.status.textContent = 'The import failed: nothing was written.';
      this.report.setAttribute('data-outcome', 'failed');
      this.report.replaceChildren(h('p', { class: 'error-text', text: problem ?? 'no result' }));
      notify('error', `Importing ${KIND_NAMES[kind]} failed`, problem ?? undefined);
      return;
    }
    this.status.textContent = `Imported ${KIND_NAMES[kind]}.`;
    this.report.setAttribute('data-outcome', 'written');
    const facts = [
      result.file ? `Written to ${result.file}` : null,
      result.startDate && result.dayCount !== undefined ? `Dataset: ${result.dayCount} days from ${result.startDate}` : null,
      result.dates !== undefined ? `${result.dates} dates read` : null,
    ].filter((x): x is string => x !== null);
    this.report.replaceChildren(
      h('ul', {}, ...facts.map((f) => h('li', { text: f }))),
      ...(result.notes.length ? [h('div', { class: 'layer-group-title', text: 'Notes' }), h('ul', { 'data-testid': 'import-notes' }, ...result.notes.map((n) => h('li', { text: n })))] : []),
    );
    notify('info', `Imported ${KIND_NAMES[kind]}`, result.file ?? '');
    await this.onImported();
  }
}
