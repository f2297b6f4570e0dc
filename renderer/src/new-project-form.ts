/**
 * The Project panel's "New project…" form: a folder and the project's grid, made the three ways of
 * `vegdyn project create` (a box W,S,E,N with resolution and optional origin; the cells of a
 * forcing NetCDF/GRIB or GeoTIFF; a basin outline's box, whose outline becomes the basin mask), or
 * left to the first forcing import. Files come from the native dialog in Electron or are uploaded
 * with the request in web mode (the same base64 upload and engine-side checks as the import panel).
 * The engine checks everything before it makes the folder, so a refused grid (a bad box, an
 * unreadable file, a grid too large for the backend) leaves nothing behind; its message is shown
 * in the form. On success the engine opens the new project and the workspace switches to it.
 */
import type { ApiClient } from '../../main/api/client.ts';
import type { RequestOf, ResponseOf } from '../../main/api/contract.ts';
import { h, field } from './dom.ts';
import { describeError, notify } from './notify.ts';
import { readBase64 } from './file-base64.ts';
import type { NativeDialogs } from './native-dialogs.ts';

type GridRequest = NonNullable<RequestOf<'project.create'>['grid']>;
type Mode = 'bbox' | 'grid-from' | 'basin' | 'later';

const MODES: readonly { mode: Mode; label: string }[] = [
  { mode: 'bbox', label: 'A box (west, south, east, north)' },
  { mode: 'grid-from', label: 'The cells of a file (forcing NetCDF/GRIB or GeoTIFF)' },
  { mode: 'basin', label: 'A basin outline (GeoJSON or zipped shapefile)' },
  { mode: 'later', label: 'Later: the first forcing import\'s grid' },
];

const ACCEPT: Record<'grid-from' | 'basin', string> = { 'grid-from': '.nc,.nc4,.grb,.grb2,.grib,.grib2,.tif,.tiff', basin: '.geojson,.json,.zip' };

function numberInput(label: string, placeholder = ''): HTMLInputElement {
  return h('input', { type: 'number', step: 'any', 'aria-label': label, placeholder });
}

export class NewProjectForm {
  readonly element: HTMLElement;
  private readonly dir: HTMLInputElement;
  private readonly name: HTMLInputElement;
  private readonly modes = new Map<Mode, HTMLInputElement>();
  private readonly bbox: HTMLInputElement[];
  private readonly resolution: HTMLInputElement;
  private readonly originLon: HTMLInputElement;
  private readonly originLat: HTMLInputElement;
  private readonly file: HTMLInputElement;
  private readonly filePath: HTMLInputElement;
  private readonly feature: HTMLInputElement;
  private readonly bboxFields: HTMLElement;
  /** resolution and origin: with a box or an outline */
  private readonly latticeFields: HTMLElement;
  private readonly fileFields: HTMLElement;
  private readonly featureField: HTMLElement;
  private readonly create: HTMLButtonElement;
  private readonly status: HTMLElement;
  /** after the engine created and opened the project */
  onCreated: (info: ResponseOf<'project.create'>) => Promise<void> = async () => undefined;

  constructor(private readonly api: ApiClient, dialogs: NativeDialogs | null) {
    this.dir = h('input', { type: 'text', placeholder: '/path/to/new/project', 'aria-label': 'Folder for the new project' });
    this.name = h('input', { type: 'text', placeholder: 'the folder\'s name', 'aria-label': 'New project name' });
    const modeList = h('fieldset', { class: 'layer-list' }, h('legend', { text: 'Grid' }));
    for (const m of MODES) {
      const radio = h('input', { type: 'radio', name: 'new-project-grid', value: m.mode, checked: m.mode === 'bbox' });
      radio.addEventListener('change', () => this.showMode());
      this.modes.set(m.mode, radio);
      modeList.append(h('label', { class: 'layer-option' }, radio, h('span', { text: m.label })));
    }
    this.bbox = [numberInput('West'), numberInput('South'), numberInput('East'), numberInput('North')];
    this.resolution = numberInput('Resolution (degrees)', '0.125');
    this.originLon = numberInput('Origin longitude');
    this.originLat = numberInput('Origin latitude');
    this.bboxFields = h('div', { class: 'row' }, ...this.bbox.map((b) => field(b.getAttribute('aria-label')!, b)));
    this.latticeFields = h('div', {},
      h('div', { class: 'row' }, field('Resolution (°)', this.resolution)),
      h('p', { class: 'hint', text: 'Cells snap to the NLDAS-2 1/8° lattice unless an origin (a cell centre of another lattice) is given.' }),
      h('div', { class: 'row' }, field('Origin lon', this.originLon), field('Origin lat', this.originLat)));
    this.file = h('input', { type: 'file', 'aria-label': 'Grid file', 'data-testid': 'new-project-file' });
    this.filePath = h('input', { type: 'text', placeholder: '/path/on/the/engine/machine', 'aria-label': 'Grid file path' });
    this.feature = h('input', { type: 'text', placeholder: 'all features, dissolved', 'aria-label': 'Outline feature' });
    this.featureField = field('Feature (by name)', this.feature);
    const chooseFile = dialogs ? h('button', { type: 'button', text: 'Choose file…' }) : null;
    chooseFile?.addEventListener('click', () => void dialogs!.openDialog('import-file').then((p) => { if (p) this.filePath.value = p; }));
    this.fileFields = h('div', {},
      // Electron: the native dialog gives a path; web mode: the browser uploads the file with the request
      chooseFile ? h('div', { class: 'row' }, chooseFile) : field('File (uploaded)', this.file),
      field('or a path on the engine\'s machine', this.filePath),
      this.featureField);
    this.create = h('button', { type: 'button', class: 'primary', text: 'Create project' });
    this.create.addEventListener('click', () => void this.submit());
    this.status = h('p', { class: 'status-line', 'data-testid': 'new-project-status', 'aria-live': 'polite' });
    const chooseDir = dialogs ? h('button', { type: 'button', text: 'Choose folder…' }) : null;
    chooseDir?.addEventListener('click', () => void dialogs!.openDialog('new-project').then((d) => { if (d) this.dir.value = d; }));
    this.element = h('div', { class: 'new-project-form', 'data-testid': 'new-project-form', hidden: true },
      h('div', { class: 'row' }, field('Folder (empty or new)', this.dir), chooseDir ?? ''),
      field('Name', this.name),
      modeList, this.bboxFields, this.fileFields, this.latticeFields,
      h('div', { class: 'row' }, this.create), this.status);
    this.showMode();
  }

  private get mode(): Mode {
    return [...this.modes].find(([, r]) => r.checked)?.[0] ?? 'bbox';
  }

  private showMode(): void {
    const mode = this.mode;
    this.bboxFields.hidden = mode !== 'bbox';
    this.latticeFields.hidden = mode !== 'bbox' && mode !== 'basin';
    this.fileFields.hidden = mode !== 'grid-from' && mode !== 'basin';
    this.featureField.hidden = mode !== 'basin';
    if (mode === 'grid-from' || mode === 'basin') this.file.accept = ACCEPT[mode];
  }

  private fail(message: string): void {
    this.status.setAttribute('data-outcome', 'failed');
    this.status.textContent = message;
  }

  /** The grid part of the request, or a message saying what the form lacks. */
  private async grid(): Promise<GridRequest | undefined | string> {
    const mode = this.mode;
    if (mode === 'later') return undefined;
    const res = this.resolution.valueAsNumber;
    const lon = this.originLon.valueAsNumber, lat = this.originLat.valueAsNumber;
    if (mode !== 'grid-from' && Number.isFinite(lon) !== Number.isFinite(lat)) return 'Give both origin longitude and latitude, or neither.';
    const lattice = mode === 'grid-from' ? {} : {
      ...(Number.isFinite(res) ? { resolution: res } : {}),
      ...(Number.isFinite(lon) ? { origin: [lon, lat] as [number, number] } : {}),
    };
    if (mode === 'bbox') {
      const v = this.bbox.map((b) => b.valueAsNumber);
      if (v.some((x) => !Number.isFinite(x))) return 'Give the box\'s West, South, East and North in degrees.';
      return { bbox: [v[0]!, v[1]!, v[2]!, v[3]!], ...lattice };
    }
    const outlineOptions = mode === 'basin' ? { ...(this.feature.value.trim() ? { feature: this.feature.value.trim() } : {}), ...lattice } : {};
    const upload = this.file.files?.[0];
    if (upload) {
      this.status.textContent = `Uploading ${upload.name}…`;
      return { file: { name: upload.name, base64: await readBase64(upload), use: mode }, ...outlineOptions };
    }
    const typed = this.filePath.value.trim();
    if (!typed) return mode === 'basin' ? 'Choose the basin outline file.' : 'Choose the file whose cells make the grid.';
    return mode === 'basin' ? { basin: typed, ...outlineOptions } : { gridFrom: typed };
  }

  toggle(): void {
    this.element.hidden = !this.element.hidden;
    if (!this.element.hidden) this.dir.focus();
  }

  async submit(): Promise<void> {
    const dir = this.dir.value.trim();
    this.status.removeAttribute('data-outcome');
    if (!dir) return this.fail('Give the folder for the new project.');
    this.create.disabled = true;
    try {
      const grid = await this.grid();
      if (typeof grid === 'string') return this.fail(grid);
      this.status.textContent = 'Creating the project…';
      const name = this.name.value.trim();
      let info: ResponseOf<'project.create'>;
      try {
        info = await this.api.request('project.create', { dir, ...(name ? { name } : {}), ...(grid ? { grid } : {}) });
      } catch (err) {
        // the engine's reason (bad box, unreadable file, grid over the backend's limit); no folder was made
        this.fail(`Not created: ${describeError(err)}`);
        notify('error', 'Creating the project failed', describeError(err));
        return;
      }
      this.status.setAttribute('data-outcome', 'created');
      this.status.textContent = [`Created ${info.name} in ${info.dir}.`, ...info.notes].join(' ');
      this.file.value = '';
      notify('info', `Created ${info.name}`, info.notes.join('; '));
      await this.onCreated(info);
    } finally {
      this.create.disabled = false;
    }
  }
}
