/**
 * The map's empty and first-start states. On the demo project's first start the engine generates
 * the virtual basin and scores the pretrained demo run (job 'first-run'); this box shows the stage,
 * a progress bar and the time left, and reloads the workspace when the data and then the runs are
 * there. A project without data says so and offers the actions: generate the demo data, import
 * data, train a model.
 */
import type { ApiClient } from '../../main/api/client.ts';
import type { EventOf } from '../../main/api/contract.ts';
import { h } from './dom.ts';
import { attempt, notify } from './notify.ts';

function timeLeft(s: number | undefined): string {
  if (s === undefined) return 'estimating the time left…';
  if (s < 60) return `about ${Math.max(5, Math.round(s / 5) * 5)} s left`;
  return `about ${Math.round(s / 60)} min left`;
}

export class FirstRunPanel {
  readonly element: HTMLElement;
  private jobId: string | null = null;
  private reloadedForData = false;
  private hasData = false;
  /** the grid a project was created on (New project…, project create), described; the demo basin cannot go there */
  private ownGrid: string | null = null;
  /** reload the workspace and the run lists */
  onChanged: () => Promise<void> = async () => undefined;
  /** open the Training section */
  onTrain: () => void = () => undefined;
  /** open the Import data section */
  onImport: () => void = () => undefined;

  constructor(private readonly api: ApiClient) {
    this.element = h('div', { class: 'map-overlay first-run-overlay', 'data-testid': 'first-run', role: 'region', 'aria-label': 'Getting started', hidden: true });
    api.on('job.progress', (p) => this.onProgress(p));
    api.on('job.finished', (p) => { if (p.jobId === this.jobId) void this.finish(null, p.result); });
    api.on('job.failed', (p) => { if (p.jobId === this.jobId) void this.finish(p.message); });
    api.on('job.cancelled', (p) => { if (p.jobId === this.jobId) void this.finish('cancelled'); });
  }

  /** After each workspace load: follow a running first start, start it in the demo project, or show the empty state. */
  async refresh(hasData: boolean, ownGrid: string | null = null): Promise<void> {
    this.hasData = hasData;
    this.ownGrid = ownGrid;
    if (this.jobId) return;
    const res = await attempt('Checking the project for data', () => this.api.request('data.firstRun', { start: 'auto' }));
    if (!res) return;
    if (res.jobId) this.follow(res.jobId, res.needs.data);
    else if (!hasData) this.showEmpty();
    else this.element.hidden = true;
  }

  /** "Generate demo data" / "Install the pretrained demo run": the same first-run job, asked for. */
  async start(): Promise<void> {
    const res = await attempt('Starting the demo data', () => this.api.request('data.firstRun', { start: 'yes' }));
    if (res?.jobId) this.follow(res.jobId, res.needs.data);
    else if (res) notify('info', 'Nothing to do', 'The project already has its data and the pretrained demo run.');
  }

  private follow(jobId: string, makingData: boolean): void {
    this.jobId = jobId;
    this.reloadedForData = !makingData;
    const bar = h('progress', { class: 'progress', max: 1, value: 0, 'aria-label': 'First start progress', 'data-testid': 'first-run-progress' });
    const cancel = h('button', { type: 'button', text: 'Cancel' });
    cancel.addEventListener('click', () => void attempt('Cancelling', () => this.api.request('jobs.cancel', { jobId })));
    this.element.replaceChildren(
      h('h2', { text: makingData ? 'First start: making the demo data' : 'Scoring the pretrained demo run' }),
      h('p', { class: 'hint', text: 'The virtual Upper Colorado basin is generated once, then the shipped pretrained LSTM, ConvLSTM and physics-encoded ConvLSTM predict its LAI and are scored. No training is needed.' }),
      h('div', { class: 'first-run-stage', 'data-testid': 'first-run-stage', 'aria-live': 'polite', text: 'Starting…' }),
      bar,
      h('div', { class: 'row' }, h('span', { class: 'first-run-eta', 'data-testid': 'first-run-eta', text: timeLeft(undefined) }), cancel),
    );
    this.element.hidden = false;
  }

  private onProgress(p: EventOf<'job.progress'>): void {
    if (p.jobId !== this.jobId || p.kind !== 'first-run') return;
    const bar = this.element.querySelector('progress');
    if (bar) bar.value = p.fraction;
    const stage = this.element.querySelector('[data-testid=first-run-stage]');
    if (stage) stage.textContent = p.message;
    const eta = this.element.querySelector('[data-testid=first-run-eta]');
    if (eta) eta.textContent = `${Math.round(p.fraction * 100)} % · ${timeLeft(p.etaSeconds)}`;
    // the data is written before the models are scored: show observed LAI meanwhile
    if (!this.reloadedForData && p.message.startsWith('Scoring')) {
      this.reloadedForData = true;
      void this.onChanged();
    }
  }

  private async finish(problem: string | null, result?: unknown): Promise<void> {
    this.jobId = null;
    await this.onChanged();
    if (problem === null) {
      const note = (result as { note?: string } | undefined)?.note;
      if (note) notify('error', 'The pretrained demo run', note);
      this.element.hidden = true;
      notify('info', 'The demo is ready', 'Observed LAI, each model\'s LAI and NSE maps are in the layer list; Model comparison has the scores.');
    } else if (problem === 'cancelled') {
      if (!this.hasData) this.showEmpty('Cancelled.');
      else this.element.hidden = true;
    } else {
      notify('error', 'The first start failed', problem);
      if (!this.hasData) this.showEmpty(`Failed: ${problem}`);
      else this.element.hidden = true;
    }
  }

  /** No dataset: say so and offer what to do. */
  private showEmpty(status?: string): void {
    const generate = h('button', { type: 'button', class: 'primary', text: 'Generate demo data' });
    generate.addEventListener('click', () => void this.start());
    const train = h('button', { type: 'button', text: 'Train a model' });
    train.addEventListener('click', () => this.onTrain());
    const importData = h('button', { type: 'button', text: 'Import data…' });
    importData.addEventListener('click', () => this.onImport());
    if (this.ownGrid) {
      // a project on its own grid: the virtual basin (the demo's grid) cannot be generated into it
      this.element.replaceChildren(
        h('h2', { text: 'This project has no data yet' }),
        ...(status ? [h('p', { class: 'status-line', text: status })] : []),
        h('p', { class: 'hint', 'data-testid': 'first-run-grid', text: `Its grid: ${this.ownGrid}. Import its forcing first (it sets the daily time axis and the basin mask), then LAI, land cover and basin outlines.` }),
        h('div', { class: 'row' }, importData),
      );
      this.element.hidden = false;
      return;
    }
    this.element.replaceChildren(
      h('h2', { text: 'This project has no data yet' }),
      ...(status ? [h('p', { class: 'status-line', text: status })] : []),
      h('p', { class: 'hint', text: 'Generate the virtual Upper Colorado basin (daily forcing, satellite-like LAI, land cover, soil, subbasins; a few minutes) together with a pretrained run of the three models, or import your own data.' }),
      h('div', { class: 'row' }, generate, importData, train),
      h('details', { 'data-testid': 'import-help' }, h('summary', { text: 'Import from the command line' }),
        h('p', { class: 'hint', text: 'Forcing defines the daily time axis, so import it first, then LAI, land cover, soil and basin outlines:' }),
        h('pre', { class: 'hint', text: 'vegdyn import forcing FILES --project DIR\nvegdyn import lai FILES --project DIR\nvegdyn import landcover FILE --project DIR\nvegdyn import basins FILE.geojson --project DIR' })),
    );
    this.element.hidden = false;
  }
}
