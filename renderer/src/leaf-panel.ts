/**
 * Leaf experiments (the second seed): pick a leaf CSV and a formulation (synthetic Vcmax-only /
 * Vcmax-B, or the observed-data ones), run it as a background job, then see observed vs simulated
 * net photosynthesis by PFT and the learned Vcmax25 against CLM4.5.
 */
import type { ApiClient } from '../../main/api/client.ts';
import type { ResponseOf } from '../../main/api/contract.ts';
import type { JobParams } from '../../main/api/job-map.ts';
import { LEAF_EXPERIMENTS } from '../../main/api/requests/leaf.ts';
import { h, field, formatValue, chosen } from './dom.ts';
import { attempt, notify } from './notify.ts';
import { CATEGORY_COLORS } from './colormaps.ts';
import { nativeDialogs } from './native-dialogs.ts';
import { jobStartText } from './job-start-text.ts';

type LeafRun = ResponseOf<'map.leafRun'>;
const SVG = 'http://www.w3.org/2000/svg';

function svgEl(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Observed vs simulated An of the test rows, one colour per PFT, with the 1:1 line. */
export function leafScatter(run: LeafRun): SVGSVGElement {
  const rows = run.predictions.filter((p) => p.observed !== null && p.simulated !== null && (p.set === 'test' || run.predictions.every((q) => q.set !== 'test')));
  const pfts = [...new Set(rows.map((r) => r.pft))].sort();
  const vals = rows.flatMap((r) => [r.observed!, r.simulated!]);
  const lo = Math.min(0, ...vals);
  const hi = Math.max(1, ...vals);
  const size = 260;
  const pad = 34;
  const sx = (v: number) => pad + ((v - lo) / (hi - lo)) * (size - pad - 6);
  const sy = (v: number) => size - pad - ((v - lo) / (hi - lo)) * (size - pad - 6);
  const svg = document.createElementNS(SVG, 'svg') as SVGSVGElement;
  svg.setAttribute('viewBox', `0 0 ${size} ${size + 14 * Math.ceil(pfts.length / 2)}`);
  svg.setAttribute('width', '100%');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `Observed versus simulated net photosynthesis, ${rows.length} test rows`);
  svg.setAttribute('data-testid', 'leaf-scatter');
  svg.append(svgEl('line', { x1: sx(lo), y1: sy(lo), x2: sx(hi), y2: sy(hi), stroke: '#888', 'stroke-dasharray': '3 3' }));
  svg.append(svgEl('line', { x1: pad, y1: size - pad, x2: size - 6, y2: size - pad, stroke: '#333' }));
  svg.append(svgEl('line', { x1: pad, y1: 6, x2: pad, y2: size - pad, stroke: '#333' }));
  svg.append(svgEl('text', { x: size / 2, y: size - 8, 'font-size': 9, 'text-anchor': 'middle' }, 'observed An [µmol m-2 s-1]'));
  svg.append(svgEl('text', { x: 9, y: size / 2, 'font-size': 9, 'text-anchor': 'middle', transform: `rotate(-90 9 ${size / 2})` }, 'simulated An'));
  for (const t of [lo, (lo + hi) / 2, hi]) {
    svg.append(svgEl('text', { x: sx(t), y: size - pad + 11, 'font-size': 8, 'text-anchor': 'middle' }, formatValue(t, 2)));
    svg.append(svgEl('text', { x: pad - 3, y: sy(t) + 3, 'font-size': 8, 'text-anchor': 'end' }, formatValue(t, 2)));
  }
  for (const r of rows) {
    const c = CATEGORY_COLORS[pfts.indexOf(r.pft) % CATEGORY_COLORS.length]!;
    svg.append(svgEl('circle', { cx: sx(r.observed!), cy: sy(r.simulated!), r: 2.2, fill: c, 'fill-opacity': 0.7, 'data-pft': r.pft }));
  }
  pfts.forEach((p, i) => {
    const x = 6 + (i % 2) * 128;
    const y = size + 4 + Math.floor(i / 2) * 14;
    svg.append(svgEl('rect', { x, y, width: 8, height: 8, fill: CATEGORY_COLORS[i % CATEGORY_COLORS.length]! }));
    svg.append(svgEl('text', { x: x + 11, y: y + 8, 'font-size': 9 }, p));
  });
  return svg;
}

export class LeafPanel {
  private readonly experiment: HTMLSelectElement;
  private readonly input: HTMLInputElement;
  private readonly epochs: HTMLInputElement;
  private readonly split: HTMLSelectElement;
  private readonly folds: HTMLInputElement;
  private readonly start: HTMLButtonElement;
  private readonly progress: HTMLProgressElement;
  private readonly message: HTMLElement;
  private readonly results: HTMLElement;
  private jobId: string | null = null;
  private runId: string | null = null;

  constructor(body: HTMLElement, private readonly api: ApiClient) {
    this.experiment = h('select', { 'aria-label': 'Leaf experiment' }, ...LEAF_EXPERIMENTS.map((e) => h('option', { value: e, text: e })));
    this.input = h('input', { type: 'text', placeholder: '/path/to/leaf.csv', 'aria-label': 'Leaf CSV file' });
    this.epochs = h('input', { type: 'number', min: 1, step: 1, placeholder: 'default', 'aria-label': 'Leaf epochs' });
    this.split = h('select', { 'aria-label': 'Leaf split' },
      h('option', { value: 'temporal', text: 'temporal holdout' }), h('option', { value: 'kfold', text: 'k-fold cross-validation' }));
    this.folds = h('input', { type: 'number', min: 2, max: 20, step: 1, value: 5, 'aria-label': 'Leaf folds', disabled: true });
    this.split.addEventListener('change', () => { this.folds.disabled = this.split.value !== 'kfold'; });
    this.start = h('button', { type: 'button', class: 'primary', text: 'Run leaf experiment' });
    this.progress = h('progress', { class: 'progress', max: 1, value: 0, 'aria-label': 'Leaf experiment progress' });
    this.message = h('p', { class: 'status-line', 'data-testid': 'leaf-message', text: 'Synthetic: vcmax-only, vcmax-b. Observed data: vdef-bdef, vdef-b, v-bdef, v-b.' });
    this.results = h('div', { 'data-testid': 'leaf-results' });
    body.append(field('Leaf CSV (engine machine path)', this.input), this.fileChooser(),
      h('div', { class: 'row' }, field('Experiment', this.experiment), field('Epochs', this.epochs)),
      h('div', { class: 'row' }, field('Split', this.split), field('Folds', this.folds)),
      this.start, this.progress, this.message, this.results);
    this.start.addEventListener('click', () => void this.run());
    api.on('job.started', (p) => { if (p.jobId === this.jobId) this.message.textContent = 'Starting…'; });
    api.on('job.progress', (p) => { if (p.jobId === this.jobId) { this.progress.value = p.fraction; this.message.textContent = p.message; } });
    api.on('job.finished', (p) => { if (p.jobId === this.jobId) void this.done(); });
    api.on('job.failed', (p) => { if (p.jobId === this.jobId) this.failed(p.message); });
    api.on('job.cancelled', (p) => { if (p.jobId === this.jobId) this.failed('cancelled'); });
  }

  async run(): Promise<void> {
    const input = this.input.value.trim();
    if (!input) {
      notify('error', 'Choose a leaf CSV file first');
      return;
    }
    const list = await attempt('Preparing the leaf run', () => this.api.request('map.leafRuns', {}));
    if (!list) return;
    const id = `${this.experiment.value}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    const split = chosen(this.split, ['temporal', 'kfold'] as const);
    const params: JobParams<'leaf-experiment'> = {
      experiment: chosen(this.experiment, LEAF_EXPERIMENTS), input, runDir: `${list.leafRunsDir}/${id}`,
      split, ...(split === 'kfold' ? { folds: Number(this.folds.value) } : {}),
      ...(this.epochs.value ? { epochs: Number(this.epochs.value) } : {}),
    };
    const res = await attempt('Starting the leaf experiment', () => this.api.request('jobs.start', { kind: 'leaf-experiment', params }));
    if (!res) return;
    this.jobId = res.jobId;
    this.runId = id;
    this.start.disabled = true;
    this.progress.value = 0;
    this.message.textContent = jobStartText(res.state, 'Starting…');
  }

  private failed(message: string): void {
    this.jobId = null;
    this.start.disabled = false;
    this.message.textContent = `Failed: ${message}`;
    notify('error', 'The leaf experiment failed', message);
  }

  private async done(): Promise<void> {
    this.jobId = null;
    this.start.disabled = false;
    this.progress.value = 1;
    if (!this.runId) return;
    const run = await attempt('Loading the leaf results', () => this.api.request('map.leafRun', { id: this.runId! }));
    if (!run) return;
    this.message.textContent = `Finished ${run.experiment}: results in ${run.dir}`;
    this.show(run);
  }

  /**
   * Choosing the CSV: the native open dialog in the Electron shell; in web mode (where the engine
   * cannot see the user's files) a file input whose contents are uploaded through the API into
   * the project, and the stored path fills the path field.
   */
  private fileChooser(): HTMLElement {
    const dialogs = nativeDialogs();
    if (dialogs) {
      const load = h('button', { type: 'button', text: 'Load leaf CSV…' });
      load.addEventListener('click', () => void dialogs.openDialog('leaf-csv').then((file) => { if (file) this.input.value = file; }));
      return load;
    }
    const upload = h('input', { type: 'file', accept: '.csv,text/csv', 'aria-label': 'Upload leaf CSV', 'data-testid': 'leaf-upload' });
    upload.addEventListener('change', () => {
      const file = upload.files?.[0];
      if (file) void this.upload(file).finally(() => { upload.value = ''; });
    });
    return field('Load leaf CSV… (upload into the project)', upload);
  }

  private async upload(file: File): Promise<void> {
    this.message.textContent = `Uploading ${file.name}…`;
    const text = await file.text();
    const res = await attempt(`Loading ${file.name}`, () => this.api.request('map.leafUpload', { name: file.name, text }));
    if (!res) {
      this.message.textContent = `Could not load ${file.name}`;
      return;
    }
    this.input.value = res.path;
    this.message.textContent = `Loaded ${file.name}: ${res.rows} rows${res.skipped ? `, ${res.skipped} skipped` : ''}`;
  }

  show(run: LeafRun): void {
    const table = vcmaxTable(run);
    this.results.replaceChildren(h('div', { class: 'layer-group-title', text: 'Observed vs simulated An (test rows)' }), leafScatter(run),
      h('div', { class: 'layer-group-title', text: 'Learned Vcmax25 vs CLM4.5' }), table ?? h('p', { class: 'hint', text: 'This formulation keeps Vcmax25 at its defaults.' }));
  }
}

/** mean and sample standard deviation (null for fewer than two values) */
export function meanSd(values: readonly number[]): { mean: number; sd: number | null } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : null;
  return { mean, sd };
}

/**
 * Learned Vcmax25 of every fold per PFT with the CLM4.5 default beside it, and for more than one
 * fold (cross-validation) a row with the mean ± sd across folds; null when nothing was learned.
 */
export function vcmaxTable(run: LeafRun): HTMLTableElement | null {
  if (run.vcmax.length === 0) return null;
  const folds = [...new Set(run.vcmax.map((v) => v.fold))].sort((a, b) => a - b);
  const pfts = [...new Set(run.vcmax.map((v) => v.pft))];
  const pct = (e: number | null): string => (e === null ? '–' : `${(e * 100).toFixed(1)} %`);
  const tbody = h('tbody', {});
  for (const pft of pfts) {
    const rows = run.vcmax.filter((v) => v.pft === pft).sort((a, b) => a.fold - b.fold);
    rows.forEach((v, i) => tbody.append(h('tr', { 'data-pft': pft, 'data-fold': v.fold },
      h('td', { text: i === 0 ? pft : '' }), h('td', { text: String(v.fold) }), h('td', { text: formatValue(v.learned) }),
      h('td', { text: formatValue(v.clm45) }), h('td', { text: pct(v.relativeError) }))));
    const learned = rows.map((v) => v.learned).filter((v): v is number => v !== null);
    if (folds.length > 1 && learned.length > 0) {
      const { mean, sd } = meanSd(learned);
      const clm = rows.find((v) => v.clm45 !== null)?.clm45 ?? null;
      tbody.append(h('tr', { class: 'summary-row', 'data-pft': pft, 'data-fold': 'mean' },
        h('td', { text: '' }), h('td', { text: 'mean ± sd' }), h('td', { text: `${formatValue(mean)} ± ${sd === null ? '–' : formatValue(sd)}` }),
        h('td', { text: formatValue(clm) }), h('td', { text: pct(clm ? (mean - clm) / clm : null) })));
    }
  }
  return h('table', { class: 'data-table', 'data-testid': 'leaf-vcmax', 'data-folds': folds.length },
    h('caption', { class: 'visually-hidden', text: `Learned Vcmax25 per fold (${folds.length}) against CLM4.5` }),
    h('thead', {}, h('tr', {}, ...['PFT', 'Fold', 'Vcmax25 learned', 'CLM4.5', 'rel. error'].map((t) => h('th', { scope: 'col', text: t })))),
    tbody);
}
