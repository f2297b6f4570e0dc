/**
 * The Training panel's cluster part: the project's cluster settings (project.json `cluster`:
 * Slurm partition, CPUs / GPUs per task, time limit), and, once they are set, "Submit to cluster"
 * (the panel's run as a Slurm job array, one task per ensemble member) and "Preview script"
 * (the sbatch script, nothing submitted). After a submission it polls cluster.status and shows
 * each task's Slurm state and training progress until every task has finished or failed.
 */
import type { ApiClient } from '../../main/api/client.ts';
import type { RequestOf, ResponseOf } from '../../main/api/contract.ts';
import type { ClusterSettings } from '../../main/api/requests/cluster.ts';
import { h, field } from './dom.ts';
import { attempt, notify } from './notify.ts';

/** what a submission needs from the panel (its preset, overrides and run id), or null when the panel cannot start a run */
export type ClusterRunRequest = Omit<RequestOf<'cluster.submit'>, 'ensemble' | 'dryRun'>;

const POLL_MS = 3000;

export class ClusterSection {
  private readonly partition: HTMLInputElement;
  private readonly cpus: HTMLInputElement;
  private readonly gpus: HTMLInputElement;
  private readonly time: HTMLInputElement;
  private readonly ensemble: HTMLInputElement;
  private readonly submitRow: HTMLElement;
  private readonly script: HTMLElement;
  private readonly tasks: HTMLElement;
  private readonly message: HTMLElement;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private settings: ClusterSettings | null = null;

  constructor(host: HTMLElement, private readonly api: ApiClient, private readonly request: () => ClusterRunRequest | null) {
    const num = (label: string, max: number) => h('input', { type: 'number', min: 1, max, step: 1, placeholder: 'cluster default', 'aria-label': label });
    this.partition = h('input', { type: 'text', placeholder: 'cluster default', 'aria-label': 'Slurm partition' });
    this.cpus = num('CPUs per task', 1024);
    this.gpus = num('GPUs per task', 64);
    this.time = h('input', { type: 'text', placeholder: 'HH:MM:SS', 'aria-label': 'Time limit per task' });
    this.ensemble = h('input', { type: 'number', min: 1, max: 1000, step: 1, value: 1, 'aria-label': 'Ensemble members' });
    const save = h('button', { type: 'button', text: 'Save cluster settings' });
    const clear = h('button', { type: 'button', text: 'Remove' });
    const submit = h('button', { type: 'button', class: 'primary', text: 'Submit to cluster' });
    const preview = h('button', { type: 'button', text: 'Preview script' });
    this.submitRow = h('div', { class: 'row', hidden: true }, field('Ensemble members', this.ensemble), submit, preview);
    this.script = h('pre', { 'data-testid': 'cluster-script', hidden: true, style: 'white-space:pre-wrap;font-size:10px' });
    this.tasks = h('div', { 'data-testid': 'cluster-tasks' });
    this.message = h('p', { class: 'status-line', 'data-testid': 'cluster-message', 'aria-live': 'polite' });
    host.append(h('details', { 'data-testid': 'cluster-section' }, h('summary', { text: 'Cluster (Slurm)' }),
      h('div', { class: 'row' }, field('Partition', this.partition), field('Time limit per task', this.time)),
      h('div', { class: 'row' }, field('CPUs per task', this.cpus), field('GPUs per task', this.gpus)),
      h('div', { class: 'row' }, save, clear),
      this.submitRow, this.message, this.script, this.tasks));
    save.addEventListener('click', () => void this.save(true));
    clear.addEventListener('click', () => void this.save(false));
    submit.addEventListener('click', () => void this.submit(false));
    preview.addEventListener('click', () => void this.submit(true));
  }

  /** reads the open project's settings (after a project opens or the runs change) */
  async refresh(): Promise<void> {
    const res = await this.api.request('cluster.settings', {}).catch(() => ({ settings: null }));
    this.show(res.settings);
  }

  private show(settings: ClusterSettings | null): void {
    this.settings = settings;
    this.partition.value = settings?.partition ?? '';
    this.cpus.value = settings?.cpusPerTask === undefined ? '' : String(settings.cpusPerTask);
    this.gpus.value = settings?.gpusPerTask === undefined ? '' : String(settings.gpusPerTask);
    this.time.value = settings?.time ?? '';
    // "Submit to cluster" only where the project's settings name a cluster
    this.submitRow.hidden = settings === null;
  }

  private async save(keep: boolean): Promise<void> {
    const settings: ClusterSettings | null = keep ? {
      scheduler: 'slurm',
      ...(this.partition.value.trim() ? { partition: this.partition.value.trim() } : {}),
      ...(this.cpus.value ? { cpusPerTask: Number(this.cpus.value) } : {}),
      ...(this.gpus.value ? { gpusPerTask: Number(this.gpus.value) } : {}),
      ...(this.time.value.trim() ? { time: this.time.value.trim() } : {}),
      // a command set in project.json by hand is kept
      ...(this.settings?.vegdyn ? { vegdyn: this.settings.vegdyn } : {}),
    } : null;
    const res = await attempt('Saving the cluster settings', () => this.api.request('cluster.setSettings', { settings }));
    if (!res) return;
    this.show(res.settings);
    this.message.textContent = res.settings ? 'Cluster settings saved in project.json.' : 'Cluster settings removed.';
  }

  private async submit(dryRun: boolean): Promise<void> {
    const req = this.request();
    if (!req) return;
    const members = Number(this.ensemble.value) || 1;
    const res = await attempt(dryRun ? 'Preparing the script' : 'Submitting to the cluster', () =>
      this.api.request('cluster.submit', { ...req, ...(members >= 2 ? { ensemble: members } : {}), ...(dryRun ? { dryRun: true } : {}) }));
    if (!res) return;
    this.script.textContent = res.script;
    this.script.hidden = false;
    if (res.jobId === null) {
      this.message.textContent = 'Script preview: nothing was submitted.';
      return;
    }
    this.message.textContent = `Submitted Slurm job ${res.jobId} (run ${res.runId}).`;
    notify('info', 'Submitted to the cluster', `Slurm job ${res.jobId}, run ${res.runId}`);
    this.follow(res.runId);
  }

  private follow(runId: string): void {
    if (this.timer) clearTimeout(this.timer);
    const poll = async () => {
      const s = await this.api.request('cluster.status', { runId }).catch((err: unknown) => {
        this.message.textContent = `Cluster status failed: ${err instanceof Error ? err.message : String(err)}`;
        return null;
      });
      if (!s) return;
      this.showTasks(s);
      const failed = (t: ResponseOf<'cluster.status'>['tasks'][number]) => t.progress?.state === 'failed' || /FAILED|TIMEOUT|CANCELLED|OUT_OF_ME/.test(t.scheduler?.state ?? '');
      const done = s.tasks.every((t) => t.finished || failed(t));
      if (done) this.message.textContent = `Slurm job ${s.jobId}: ${s.tasks.filter((t) => t.finished).length} of ${s.tasks.length} task(s) finished${s.tasks.length > 1 ? '; collect the members with `vegdyn cluster collect`' : ''}.`;
      else this.timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
  }

  private showTasks(s: ResponseOf<'cluster.status'>): void {
    const rows = s.tasks.map((t) => h('tr', { 'data-task': t.task },
      h('td', { text: t.member ?? String(t.task) }),
      h('td', { text: t.scheduler ? `${t.scheduler.state}${t.scheduler.elapsed ? ` ${t.scheduler.elapsed}` : ''}` : t.finished ? 'done' : 'not in the queue' }),
      h('td', { text: t.progress ? `${t.progress.state} ${Math.round(t.progress.fraction * 100)} %${t.progress.epoch !== undefined ? `, epoch ${t.progress.epoch}` : ''}` : t.finished ? 'finished' : 'no progress yet' }),
      h('td', { text: t.progress?.message ?? '' })));
    this.tasks.replaceChildren(h('table', { class: 'data-table' },
      h('thead', {}, h('tr', {}, ...['Task', 'Slurm', 'Training', 'Last report'].map((x) => h('th', { scope: 'col', text: x })))),
      h('tbody', {}, ...rows)),
      ...s.notes.map((n) => h('p', { class: 'hint', text: n })));
  }
}
