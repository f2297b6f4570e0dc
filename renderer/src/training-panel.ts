/**
 * Training from the app: choose models, preset and epochs, start a run as a background job
 * (kind 'train'), watch per-epoch progress, live training / validation loss and the ETA, cancel,
 * and resume a stopped run; the run history lists every run with its status and scores. Where the
 * project's settings name a cluster, the same run can go to its Slurm scheduler (cluster-section.ts).
 * A project without LAI observations cannot train or score: the panel says so, offers the
 * physics-only run (the process model with its default parameters) and the models of a finished
 * run of another project (job 'predict', main/run/predict-from-run.ts).
 */
import uPlot from 'uplot';
import type { ApiClient } from '../../main/api/client.ts';
import type { EventOf } from '../../main/api/contract.ts';
import type { RunSummary } from '../../main/api/requests/map.ts';
import { MODEL_KIND_LIST } from '../../main/api/requests/runs.ts';
import type { JobParams, RunConfigOverrides } from '../../main/api/job-map.ts';

/** the numeric run config fields the Advanced inputs set */
type AdvancedField = 'hiddenSize' | 'batchSize' | 'windowDays' | 'warmupDays' | 'windowsPerEpoch';
import { h, field, formatValue, chosen } from './dom.ts';
import { attempt, notify } from './notify.ts';
import { dayToIso } from './dates.ts';
import type { Workspace } from './workspace.ts';
import { jobStartText } from './job-start-text.ts';
import { ClusterSection } from './cluster-section.ts';

const MODELS: readonly { id: string; label: string }[] = MODEL_KIND_LIST.filter((m) => m.trainable).map((m) => ({ id: m.kind, label: m.label }));

function eta(s: number | undefined): string {
  if (s === undefined) return '';
  if (s < 90) return `ETA ${Math.round(s)} s`;
  if (s < 5400) return `ETA ${Math.round(s / 60)} min`;
  return `ETA ${(s / 3600).toFixed(1)} h`;
}

export class TrainingPanel {
  private readonly checks: HTMLInputElement[];
  private readonly preset: HTMLSelectElement;
  private readonly epochs: HTMLInputElement;
  private readonly runId: HTMLInputElement;
  private readonly start: HTMLButtonElement;
  private readonly cancel: HTMLButtonElement;
  private readonly progress: HTMLProgressElement;
  private readonly message: HTMLElement;
  private readonly lossHost: HTMLElement;
  private readonly history: HTMLElement;
  private jobId: string | null = null;
  /** one point per progress report with a loss; `epoch` is the epoch it came from (the x axis reads in epochs) */
  private loss: { x: number[]; epoch: (number | null)[]; train: (number | null)[]; val: (number | null)[] } = { x: [], epoch: [], train: [], val: [] };
  private plot: uPlot | null = null;
  private readonly advanced: Record<AdvancedField, HTMLInputElement>;
  /** train and score inside the active basin clip (the engine reads it from the project) */
  private readonly useClip: HTMLInputElement;
  private readonly cluster: ClusterSection;
  /** no training: the process model with its PFT default parameters (models: []) */
  private readonly physicsOnly: HTMLInputElement;
  /** why the trainable models are unavailable (a project without LAI observations) */
  private readonly lackNote: HTMLElement;
  /** a finished run of another project whose models predict here */
  private readonly sourceRun: HTMLInputElement;
  private readonly predictRunId: HTMLInputElement;
  private readonly predict: HTMLButtonElement;
  private readonly otherRun: HTMLDetailsElement;
  onRunsChanged: () => void = () => undefined;
  /** "Generate demo data" from the no-data message */
  onNeedData: () => void = () => undefined;

  constructor(body: HTMLElement, private readonly api: ApiClient, private readonly workspace: Workspace) {
    this.checks = MODELS.map((m, i) => h('input', { type: 'checkbox', value: m.id, checked: i === 0 }));
    this.preset = h('select', { 'aria-label': 'Preset' }, h('option', { value: 'demo', text: 'demo (reduced for a laptop CPU)' }), h('option', { value: 'paper', text: 'paper (full settings)' }));
    this.epochs = h('input', { type: 'number', min: 1, max: 1000, step: 1, value: 3, 'aria-label': 'Epochs' });
    this.runId = h('input', { type: 'text', placeholder: 'automatic', 'aria-label': 'Run id' });
    const num = (label: string, min: number) => h('input', { type: 'number', min, step: 1, placeholder: 'preset', 'aria-label': label });
    this.advanced = {
      hiddenSize: num('Hidden size', 1), windowDays: num('Window days', 2), warmupDays: num('Warm-up days', 0),
      windowsPerEpoch: num('Windows per epoch', 1), batchSize: num('Batch size', 1),
    };
    this.useClip = h('input', { type: 'checkbox', checked: true });
    this.physicsOnly = h('input', { type: 'checkbox', value: 'physics-only' });
    this.lackNote = h('p', { class: 'hint', 'data-testid': 'training-no-lai', hidden: true });
    this.sourceRun = h('input', { type: 'text', placeholder: '/path/to/other-project/runs/<id>', 'aria-label': 'Run folder of a finished run' });
    this.predictRunId = h('input', { type: 'text', placeholder: 'automatic', 'aria-label': 'New run id' });
    this.predict = h('button', { type: 'button', text: 'Predict with its models' });
    this.otherRun = h('details', { 'data-testid': 'other-run' }, h('summary', { text: 'Use a model from another run' }),
      h('p', { class: 'hint', text: "A finished run of this or another project, trained on the same forcing variables: its models predict this project's daily LAI with the run's saved normalization (a new run here, scored where there is LAI)." }),
      field('Run folder (on the engine\'s machine)', this.sourceRun), field('New run id', this.predictRunId), this.predict);
    this.start = h('button', { type: 'button', class: 'primary', text: 'Start training' });
    this.cancel = h('button', { type: 'button', text: 'Cancel', disabled: true });
    this.progress = h('progress', { class: 'progress', max: 1, value: 0, 'aria-label': 'Training progress', 'data-testid': 'training-progress' });
    this.message = h('p', { class: 'status-line', 'data-testid': 'training-message', 'aria-live': 'polite', text: 'Idle.' });
    this.lossHost = h('div', { class: 'loss-chart', 'data-testid': 'loss-chart', 'aria-label': 'Training and validation loss' });
    this.history = h('div', { 'data-testid': 'run-history' });
    const clusterHost = h('div', {});
    // the same choices, submitted to the project's cluster instead of run here
    this.cluster = new ClusterSection(clusterHost, api, () => {
      const p = this.trainParams();
      return p ? { preset: p.preset ?? 'demo', overrides: p.overrides as Record<string, unknown>, ...(p.runId ? { runId: p.runId } : {}) } : null;
    });
    void this.cluster.refresh();
    body.append(
      h('fieldset', { class: 'layer-list' }, h('legend', { text: 'Models' }), ...MODELS.map((m, i) => h('label', { class: 'layer-option' }, this.checks[i]!, h('span', { text: m.label }))),
        h('label', { class: 'layer-option' }, this.physicsOnly, h('span', { text: 'Physics only (no training: the process model with its default parameters)' }))),
      this.lackNote,
      h('div', { class: 'row' }, field('Preset', this.preset), field('Epochs', this.epochs)),
      field('Run id (same id resumes)', this.runId),
      h('label', { class: 'layer-option' }, this.useClip, h('span', { text: 'Train and score inside the active basin clip (if one is set)' })),
      h('details', {}, h('summary', { text: 'Advanced (blank = preset value)' }),
        h('div', { class: 'row' }, field('Hidden size', this.advanced['hiddenSize']!), field('Batch size', this.advanced['batchSize']!)),
        h('div', { class: 'row' }, field('Window days', this.advanced['windowDays']!), field('Warm-up days', this.advanced['warmupDays']!)),
        field('Windows per epoch', this.advanced['windowsPerEpoch']!)),
      h('div', { class: 'row' }, this.start, this.cancel),
      this.otherRun,
      this.progress, this.message, this.lossHost, clusterHost,
      h('div', { class: 'layer-group-title', text: 'Run history' }), this.history,
    );
    this.start.addEventListener('click', () => void this.startRun());
    this.physicsOnly.addEventListener('change', () => this.showChoices());
    this.predict.addEventListener('click', () => void this.startPredict());
    this.cancel.addEventListener('click', () => void this.cancelRun());
    api.on('job.started', (p) => { if (p.jobId === this.jobId) this.message.textContent = 'Starting…'; });
    api.on('job.progress', (p) => this.onProgress(p));
    api.on('job.finished', (p) => { if (p.jobId === this.jobId) void this.finish('finished', p.kind); });
    api.on('job.failed', (p) => { if (p.jobId === this.jobId) void this.finish('failed', p.message); });
    api.on('job.cancelled', (p) => { if (p.jobId === this.jobId) void this.finish('cancelled'); });
  }

  /** run config periods from the dataset's own splits (end-exclusive day ranges -> inclusive dates) */
  private periods(): Record<string, { from: string; to: string }> | null {
    const ds = this.workspace.dataset;
    if (!ds) return null;
    const iso = (d: number) => dayToIso(ds.startDate, d);
    return {
      record: { from: iso(0), to: iso(ds.dayCount - 1) },
      train: { from: iso(ds.splits.train.start), to: iso(ds.splits.train.end - 1) },
      validate: { from: iso(ds.splits.validate.start), to: iso(ds.splits.validate.end - 1) },
      test: { from: iso(ds.splits.test.start), to: iso(ds.splits.test.end - 1) },
    };
  }

  /** the train job's params from the panel's choices (or `resume`'s own config); null, with the reason shown, when no run can start */
  private trainParams(resume?: RunSummary): JobParams<'train'> | null {
    const project = this.workspace.summary?.project;
    const periods = this.periods();
    if (!project || !periods) {
      // say why nothing starts, and offer the way out
      const generate = h('button', { type: 'button', text: 'Generate demo data' });
      generate.addEventListener('click', () => this.onNeedData());
      this.message.replaceChildren(`Training needs data: ${project ? 'this project has no dataset yet' : 'no project is open'}. Generate the demo data or import data first. `, generate);
      notify('error', 'Training needs data', 'This project has no dataset yet: generate the demo data (map or Training section) or import data first.');
      return null;
    }
    const physicsOnly = !resume && this.physicsOnly.checked;
    const models = resume ? resume.models : physicsOnly ? [] : this.checks.filter((c) => c.checked).map((c) => c.value);
    if (models.length === 0 && !physicsOnly && !resume) {
      notify('error', 'Choose at least one model to train, or Physics only');
      return null;
    }
    let overrides: RunConfigOverrides;
    if (resume && resume.config && typeof resume.config === 'object') {
      // the run's own resolved config (the engine checks it field by field again)
      const { preset: _preset, ...rest } = resume.config as RunConfigOverrides;
      overrides = rest;
    } else {
      const epochs = Number(this.epochs.value) || 1;
      const chosenModels = models as NonNullable<RunConfigOverrides['models']>;
      const perModel: NonNullable<RunConfigOverrides['perModel']> = Object.fromEntries(chosenModels.map((m) => [m, { epochs }]));
      overrides = { models: chosenModels, epochs, periods, perModel };
      for (const [key, input] of Object.entries(this.advanced) as [AdvancedField, HTMLInputElement][]) {
        if (input.value === '') continue;
        overrides[key] = Number(input.value);
        // presets may set windowsPerEpoch per model: the user's choice applies to every chosen model
        if (key === 'windowsPerEpoch') for (const m of chosenModels) perModel[m] = { ...perModel[m], windowsPerEpoch: Number(input.value) };
      }
      // the run copies the project's clip polygon, so later clip edits do not change the run
      if (this.useClip.checked && this.workspace.clipName !== null) overrides.clip = { source: 'project' };
    }
    const runId = resume?.id ?? (this.runId.value.trim() || undefined);
    return { projectDir: project.dir, preset: resume?.preset === 'paper' ? 'paper' : chosen(this.preset, ['demo', 'paper'] as const), overrides, ...(runId ? { runId } : {}) };
  }

  /** whether the open project has LAI observations (false: nothing can be trained or scored) */
  private hasLai(): boolean {
    const ds = this.workspace.dataset;
    return !ds || ds.observationDays.length > 0;
  }

  /** the choices the project allows: without LAI only physics-only (checked) and another run's models, with the reason */
  private showChoices(): void {
    const noLai = !this.hasLai();
    if (noLai) this.physicsOnly.checked = true;
    for (const c of this.checks) c.disabled = noLai || this.physicsOnly.checked;
    this.physicsOnly.disabled = noLai;
    this.lackNote.hidden = !noLai;
    this.lackNote.textContent = noLai
      ? `This project has no LAI observations: the trainable models (${MODELS.map((m) => m.label).join(', ')}) need them to learn from and to be scored (import LAI in Import data). Physics only runs the process model with its default parameters (mapped, not scored), or use a model from another run below.`
      : '';
    if (noLai) this.otherRun.open = true;
    this.start.textContent = this.physicsOnly.checked ? 'Start physics-only run' : 'Start training';
  }

  /** job 'predict': the models of the finished run in the folder given predict in this project */
  async startPredict(): Promise<void> {
    const project = this.workspace.summary?.project;
    const sourceRunDir = this.sourceRun.value.trim();
    if (!project || !this.workspace.dataset) {
      notify('error', 'Predicting needs data', 'This project has no dataset yet: import forcing first.');
      return;
    }
    if (!sourceRunDir) {
      notify('error', 'Give the folder of a finished run', 'e.g. /path/to/other-project/runs/<id>');
      return;
    }
    const runId = this.predictRunId.value.trim();
    const res = await attempt('Starting the prediction', () => this.api.request('jobs.start', { kind: 'predict', params: { projectDir: project.dir, sourceRunDir, ...(runId ? { runId } : {}) } }));
    if (!res) return;
    this.jobId = res.jobId;
    this.start.disabled = true;
    this.predict.disabled = true;
    this.cancel.disabled = false;
    this.progress.value = 0;
    this.message.textContent = jobStartText(res.state, 'Starting the prediction…');
  }

  async startRun(resume?: RunSummary): Promise<void> {
    const params = this.trainParams(resume);
    if (!params) return;
    const res = await attempt(resume ? `Resuming run ${resume.id}` : 'Starting training', () => this.api.request('jobs.start', { kind: 'train', params }));
    if (!res) return;
    this.jobId = res.jobId;
    this.loss = { x: [], epoch: [], train: [], val: [] };
    this.drawLoss();
    this.start.disabled = true;
    this.predict.disabled = true;
    this.cancel.disabled = false;
    this.progress.value = 0;
    this.message.textContent = jobStartText(res.state, resume ? `Resuming ${resume.id}…` : 'Starting…');
  }

  private async cancelRun(): Promise<void> {
    if (!this.jobId) return;
    const id = this.jobId;
    this.message.textContent = 'Cancelling…';
    await attempt('Cancelling the run', () => this.api.request('jobs.cancel', { jobId: id }));
  }

  private onProgress(p: EventOf<'job.progress'>): void {
    if (p.jobId !== this.jobId) return;
    if (p.kind === 'predict') {
      this.progress.value = p.fraction;
      this.message.textContent = p.message;
      return;
    }
    if (p.kind !== 'train') return;
    this.progress.value = p.fraction;
    const parts = [p.message];
    if (p.epoch !== undefined) parts.push(`epoch ${p.epoch}`);
    if (p.etaSeconds !== undefined) parts.push(eta(p.etaSeconds));
    this.message.textContent = parts.join(' · ');
    if (p.loss !== undefined || p.valLoss !== undefined) {
      this.loss.x.push(this.loss.x.length + 1);
      this.loss.epoch.push(p.epoch ?? null);
      this.loss.train.push(p.loss ?? null);
      this.loss.val.push(p.valLoss ?? null);
      this.drawLoss();
    }
  }

  private drawLoss(): void {
    this.plot?.destroy();
    this.plot = null;
    this.lossHost.setAttribute('data-points', String(this.loss.x.length));
    if (this.loss.x.length === 0) return;
    const width = Math.max(200, this.lossHost.clientWidth || 300);
    this.plot = new uPlot({
      width, height: 150,
      scales: { x: { time: false } },
      // x: reports in order (several models restart at epoch 1), labelled with their epoch; y: room for
      // labels such as 0.0123 instead of clipping them
      axes: [
        { label: 'epoch', size: 40, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500], values: (_u, ticks) => {
          // each epoch named once, at its first tick (an epoch has several reports)
          let previous: number | null | undefined;
          return ticks.map((t) => {
            const e = Number.isInteger(t) ? this.loss.epoch[t - 1] : undefined;
            const text = e === undefined || e === null || e === previous ? '' : String(e);
            if (e !== undefined) previous = e;
            return text;
          });
        } },
        { label: 'loss', size: 64, values: (_u, ticks) => ticks.map((t) => formatValue(t, 3)) },
      ],
      legend: { show: true },
      series: [{ label: 'epoch', value: (_u, v) => (v === null ? '–' : String(this.loss.epoch[v - 1] ?? '–')) }, { label: 'training loss', stroke: '#0072B2', width: 1.5 }, { label: 'validation loss', stroke: '#D55E00', width: 0, points: { show: true, size: 6, fill: '#D55E00' } }],
    }, [this.loss.x, this.loss.train, this.loss.val] as uPlot.AlignedData, this.lossHost);
  }

  private async finish(state: 'finished' | 'failed' | 'cancelled', detail?: string): Promise<void> {
    this.jobId = null;
    this.start.disabled = false;
    this.predict.disabled = false;
    this.cancel.disabled = true;
    if (state === 'finished') {
      this.progress.value = 1;
      this.message.textContent = 'Finished: the new run is in the run history, its layers in the layer list.';
      notify('info', detail === 'predict' ? 'Prediction finished' : 'Training finished');
    } else if (state === 'cancelled') {
      this.message.textContent = 'Cancelled: resume it from the run history.';
    } else {
      this.message.textContent = `Failed: ${detail ?? ''}`;
      notify('error', 'Training failed', detail);
    }
    this.onRunsChanged();
  }

  setRuns(runs: readonly RunSummary[]): void {
    // called when a project opens and when runs change: the project's cluster settings may differ
    void this.cluster.refresh();
    // ... and its dataset, whether it has LAI
    this.showChoices();
    if (runs.length === 0) {
      this.history.replaceChildren(h('p', { class: 'hint', text: 'No runs yet.' }));
      return;
    }
    const rows = runs.map((r) => {
      const clipped = typeof r.config === 'object' && r.config !== null && (r.config as { clip?: unknown }).clip != null;
      const scores = r.entries.filter((e) => e.role === 'model').map((e) => `${e.label} ${formatValue(e.nse?.median ?? null, 2)}`).join(', ') + (clipped ? ' (inside the clip)' : '');
      const tr = h('tr', { 'data-run': r.id },
        h('td', { text: r.id }), h('td', { text: r.status }), h('td', { text: r.models.join(', ') }),
        h('td', { text: r.backend ?? '–' }), h('td', { text: r.seconds === null ? '–' : `${Math.round(r.seconds)} s` }), h('td', { text: scores || '–' }));
      const cell = h('td', {});
      if (r.status === 'cancelled' || r.status === 'failed') {
        const resume = h('button', { type: 'button', text: 'Resume', 'aria-label': `Resume run ${r.id}` });
        resume.addEventListener('click', () => void this.startRun(r));
        cell.append(resume);
      }
      const details = h('details', {}, h('summary', { text: 'config' }), h('pre', { style: 'white-space:pre-wrap;font-size:10px', text: JSON.stringify(r.config, null, 1) }));
      cell.append(details);
      tr.append(cell);
      return tr;
    });
    this.history.replaceChildren(h('table', { class: 'data-table' },
      h('thead', {}, h('tr', {}, ...['Run', 'Status', 'Models', 'Backend', 'Time', 'Median NSE', ''].map((t) => h('th', { scope: 'col', text: t })))),
      h('tbody', {}, ...rows)));
  }
}
