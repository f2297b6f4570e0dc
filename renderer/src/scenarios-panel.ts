/**
 * What-if climate scenarios (issue #13, docs/scenarios.md): the project's scenarios, a form that
 * defines one through the engine (which checks it and names what is wrong), running one on a
 * finished run as a background job (kind 'scenario-run': progress and cancel), and the results:
 * each model's basin change, the share of the forcing outside the training envelope, and buttons
 * that put a change map or the extrapolation layer on the map.
 */
import type { ApiClient } from '../../main/api/client.ts';
import type { EventOf, RequestOf, ResponseOf } from '../../main/api/contract.ts';
import type { RunSummary } from '../../main/api/requests/map.ts';
import { describeChanges, parsePeriod, type Scenario, type ScenarioResult } from '../../main/api/requests/scenarios.ts';

const describeScenario = (s: Scenario): string => describeChanges(s) || 'no change';
import { h, field, formatValue } from './dom.ts';
import { attempt, describeError, notify } from './notify.ts';
import { jobStartText } from './job-start-text.ts';
import { parseMonthly } from './scenario-form.ts';
import type { Workspace } from './workspace.ts';

const SEASONS = ['annual', 'DJF', 'MAM', 'JJA', 'SON'] as const;

export class ScenariosPanel {
  private readonly list: HTMLElement;
  private readonly name: HTMLInputElement;
  private readonly dT: HTMLInputElement;
  private readonly precip: HTMLInputElement;
  private readonly co2: HTMLInputElement;
  private readonly shortwave: HTMLInputElement;
  private readonly other: HTMLInputElement;
  private readonly period: HTMLInputElement;
  private readonly replace: HTMLInputElement;
  private readonly defineMessage: HTMLElement;
  private readonly runSelect: HTMLSelectElement;
  private readonly scenarioSelect: HTMLSelectElement;
  private readonly start: HTMLButtonElement;
  private readonly cancel: HTMLButtonElement;
  private readonly progress: HTMLProgressElement;
  private readonly message: HTMLElement;
  private readonly resultSelect: HTMLSelectElement;
  private readonly entrySelect: HTMLSelectElement;
  private readonly measureSelect: HTMLSelectElement;
  private readonly seasonSelect: HTMLSelectElement;
  private readonly resultTable: HTMLElement;
  private results: ScenarioResult[] = [];
  private jobId: string | null = null;
  /** called after a scenario run finished: the workspace reloads its layers */
  onResults: () => Promise<void> = async () => undefined;

  constructor(body: HTMLElement, private readonly api: ApiClient, private readonly workspace: Workspace) {
    const text = (label: string, placeholder: string) => h('input', { type: 'text', placeholder, 'aria-label': label });
    this.list = h('div', { 'data-testid': 'scenario-list' });
    this.name = text('Scenario name', 'e.g. warm-dry');
    this.dT = text('Temperature change (K)', '0, or 12 monthly values');
    this.precip = text('Precipitation multiplier', '1, or 12 monthly values');
    this.co2 = text('CO2 (ppm)', 'historic');
    this.shortwave = text('Shortwave multiplier', 'unchanged');
    this.other = text('Other change (VARIABLE=value)', 'optional');
    this.period = text('Baseline period', "the run's test period");
    this.replace = h('input', { type: 'checkbox' });
    const define = h('button', { type: 'button', class: 'primary', text: 'Define scenario' });
    this.defineMessage = h('p', { class: 'status-line', 'data-testid': 'scenario-define-message', 'aria-live': 'polite' });

    this.runSelect = h('select', { 'aria-label': 'Run to apply the scenario to' });
    this.scenarioSelect = h('select', { 'aria-label': 'Scenario to run' });
    this.start = h('button', { type: 'button', class: 'primary', text: 'Run scenario' });
    this.cancel = h('button', { type: 'button', text: 'Cancel', disabled: true, 'data-testid': 'scenario-cancel' });
    this.progress = h('progress', { class: 'progress', max: 1, value: 0, 'aria-label': 'Scenario run progress', 'data-testid': 'scenario-progress' });
    this.message = h('p', { class: 'status-line', 'data-testid': 'scenario-message', 'aria-live': 'polite', text: 'Idle.' });

    this.resultSelect = h('select', { 'aria-label': 'Scenario result' });
    this.entrySelect = h('select', { 'aria-label': 'Model' });
    this.measureSelect = h('select', { 'aria-label': 'Change' },
      h('option', { value: 'change', text: 'LAI change (m² m⁻²)' }), h('option', { value: 'relchange', text: 'LAI change (%)' }));
    this.seasonSelect = h('select', { 'aria-label': 'Season' }, ...SEASONS.map((s) => h('option', { value: s, text: s })));
    const showChange = h('button', { type: 'button', text: 'Show change map' });
    const showFlags = h('button', { type: 'button', text: 'Show days outside the training envelope' });
    this.resultTable = h('div', { 'data-testid': 'scenario-results' });

    body.append(
      h('div', { class: 'layer-group-title', text: 'Scenarios of this project' }), this.list,
      h('details', {}, h('summary', { text: 'Define a scenario' }),
        field('Name', this.name),
        h('div', { class: 'row' }, field('Temperature change (K)', this.dT), field('Precipitation multiplier', this.precip)),
        h('div', { class: 'row' }, field('CO2 (ppm)', this.co2), field('Shortwave multiplier', this.shortwave)),
        field('Other change (VARIABLE=value)', this.other),
        field('Baseline period (A..B, years or dates)', this.period),
        h('p', { class: 'hint', text: 'Each change: one value, or 12 monthly values separated by commas (January first). Humidity keeps the baseline relative humidity.' }),
        h('label', { class: 'layer-option' }, this.replace, h('span', { text: 'Replace a scenario of the same name' })),
        h('div', { class: 'row' }, define), this.defineMessage),
      h('div', { class: 'layer-group-title', text: 'Run a scenario' }),
      h('div', { class: 'row' }, field('Run', this.runSelect), field('Scenario', this.scenarioSelect)),
      h('div', { class: 'row' }, this.start, this.cancel), this.progress, this.message,
      h('div', { class: 'layer-group-title', text: 'Compare' }),
      field('Result', this.resultSelect),
      h('div', { class: 'row' }, field('Model', this.entrySelect), field('Change', this.measureSelect), field('Season', this.seasonSelect)),
      h('div', { class: 'row' }, showChange, showFlags), this.resultTable,
      h('p', { class: 'hint', text: 'With a scenario layer on the map, clicking a cell or showing a subbasin charts baseline and scenario LAI.' }),
    );
    define.addEventListener('click', () => void this.define());
    this.start.addEventListener('click', () => void this.runScenario());
    this.cancel.addEventListener('click', () => void this.cancelRun());
    this.resultSelect.addEventListener('change', () => this.showResult());
    showChange.addEventListener('click', () => void this.showLayer('change'));
    showFlags.addEventListener('click', () => void this.showLayer('extrapolation'));
    api.on('job.progress', (p) => this.onProgress(p));
    api.on('job.finished', (p) => { if (p.jobId === this.jobId) void this.finish('finished'); });
    api.on('job.failed', (p) => { if (p.jobId === this.jobId) void this.finish('failed', p.message); });
    api.on('job.cancelled', (p) => { if (p.jobId === this.jobId) void this.finish('cancelled'); });
  }

  /** the finished runs a scenario can be applied to */
  setRuns(runs: readonly RunSummary[]): void {
    const finished = runs.filter((r) => r.status === 'finished');
    const keep = this.runSelect.value;
    this.runSelect.replaceChildren(...finished.map((r) => h('option', { value: r.id, text: r.label === r.id ? r.id : `${r.label} (${r.id})` })));
    if (finished.some((r) => r.id === keep)) this.runSelect.value = keep;
    this.start.disabled = this.jobId !== null || finished.length === 0;
  }

  /** Reloads the project's scenarios and results. */
  async refresh(): Promise<void> {
    const res = await attempt('Loading the scenarios', () => this.api.request('scenarios.list', {}));
    if (!res) return;
    this.showScenarios(res);
    this.results = res.results;
    const keep = this.resultSelect.value;
    this.resultSelect.replaceChildren(...res.results.map((r) => h('option', { value: `${r.runId}/${r.scenario}`, text: `${r.scenario} on ${r.runId}` })));
    if (res.results.some((r) => `${r.runId}/${r.scenario}` === keep)) this.resultSelect.value = keep;
    this.showResult();
  }

  private showScenarios(res: ResponseOf<'scenarios.list'>): void {
    const keep = this.scenarioSelect.value;
    this.scenarioSelect.replaceChildren(...res.scenarios.map((s) => h('option', { value: s.name, text: s.name })));
    if (res.scenarios.some((s) => s.name === keep)) this.scenarioSelect.value = keep;
    const rows = res.scenarios.map((s: Scenario) => h('tr', { 'data-scenario': s.name },
      h('td', { text: s.name }), h('td', { text: describeScenario(s) }), h('td', { text: s.period ? `${s.period.from}..${s.period.to}` : 'test period of the run' })));
    const unreadable = res.unreadable.map((u) => h('p', { class: 'status-line', 'data-kind': 'error', text: u.error }));
    this.list.replaceChildren(
      rows.length ? h('table', { class: 'data-table' }, h('thead', {}, h('tr', {}, ...['Name', 'Changes', 'Period'].map((t) => h('th', { scope: 'col', text: t })))), h('tbody', {}, ...rows))
        : h('p', { class: 'hint', text: 'No scenarios yet: define one below.' }),
      ...unreadable);
  }

  private showError(el: HTMLElement, message: string): void {
    el.textContent = message;
    el.setAttribute('data-kind', 'error');
  }

  private showInfo(el: HTMLElement, message: string): void {
    el.textContent = message;
    el.removeAttribute('data-kind');
  }

  /** Sends the form to the engine; its checks (and their messages) are the engine's. */
  private async define(): Promise<void> {
    let request: RequestOf<'scenarios.create'>;
    try {
      const changes: Record<string, number | number[]> = {};
      const dT = parseMonthly(this.dT.value, 'temperature change');
      const precip = parseMonthly(this.precip.value, 'precipitation multiplier');
      const sw = parseMonthly(this.shortwave.value, 'shortwave multiplier');
      const co2 = parseMonthly(this.co2.value, 'CO2');
      if (dT !== undefined) changes['Tair'] = dT;
      if (precip !== undefined) changes['Rainf'] = precip;
      if (sw !== undefined) changes['SWdown'] = sw;
      const other = this.other.value.trim();
      if (other) {
        const m = /^([^=\s]+)\s*=\s*(.+)$/.exec(other);
        if (!m) throw new Error(`other change: '${other}' is not VARIABLE=value`);
        changes[m[1]!] = parseMonthly(m[2]!, m[1]!)!;
      }
      request = {
        name: this.name.value.trim(), changes,
        ...(co2 !== undefined ? { co2Ppm: co2 } : {}),
        ...(this.period.value.trim() ? { period: parsePeriod(this.period.value) } : {}),
        ...(this.replace.checked ? { replace: true } : {}),
      };
    } catch (err) {
      this.showError(this.defineMessage, describeError(err));
      return;
    }
    try {
      const res = await this.api.request('scenarios.create', request);
      this.showInfo(this.defineMessage, `Defined '${res.scenario.name}': ${describeScenario(res.scenario)}.`);
      await this.refresh();
      this.scenarioSelect.value = res.scenario.name;
    } catch (err) {
      // the engine's message names the field: unknown variable, negative multiplier, CO2 range, ...
      this.showError(this.defineMessage, describeError(err));
    }
  }

  private async runScenario(): Promise<void> {
    const project = this.workspace.summary?.project;
    const runId = this.runSelect.value;
    const scenario = this.scenarioSelect.value;
    if (!project || !runId || !scenario) {
      this.showError(this.message, !runId ? 'No finished run: train one first (Training section).' : !scenario ? 'Define a scenario first.' : 'No project is open.');
      return;
    }
    const res = await attempt(`Running scenario '${scenario}'`, () => this.api.request('jobs.start', { kind: 'scenario-run', params: { projectDir: project.dir, runId, scenario } }));
    if (!res) return;
    this.jobId = res.jobId;
    this.start.disabled = true;
    this.cancel.disabled = false;
    this.progress.value = 0;
    this.showInfo(this.message, jobStartText(res.state, `Starting '${scenario}' on ${runId}…`));
  }

  private async cancelRun(): Promise<void> {
    if (!this.jobId) return;
    const id = this.jobId;
    this.message.textContent = 'Cancelling…';
    await attempt('Cancelling the scenario run', () => this.api.request('jobs.cancel', { jobId: id }));
  }

  private onProgress(p: EventOf<'job.progress'>): void {
    if (p.jobId !== this.jobId) return;
    this.progress.value = p.fraction;
    this.message.textContent = p.message;
  }

  private async finish(state: 'finished' | 'failed' | 'cancelled', detail?: string): Promise<void> {
    const scenario = this.scenarioSelect.value;
    const runId = this.runSelect.value;
    this.jobId = null;
    this.start.disabled = false;
    this.cancel.disabled = true;
    if (state === 'finished') {
      this.progress.value = 1;
      this.showInfo(this.message, `Finished: '${scenario}' on ${runId}; its change maps are in the layer list and under Compare.`);
      await this.onResults();
      await this.refresh();
      if (this.results.some((r) => r.runId === runId && r.scenario === scenario)) {
        this.resultSelect.value = `${runId}/${scenario}`;
        this.showResult();
      }
    } else if (state === 'cancelled') {
      this.showInfo(this.message, 'Cancelled: nothing was written.');
    } else {
      this.showError(this.message, `Failed: ${detail ?? ''}`);
      notify('error', 'The scenario run failed', detail);
    }
  }

  private selected(): ScenarioResult | undefined {
    return this.results.find((r) => `${r.runId}/${r.scenario}` === this.resultSelect.value);
  }

  private showResult(): void {
    const r = this.selected();
    const keep = this.entrySelect.value;
    this.entrySelect.replaceChildren(...(r?.entries ?? []).map((e) => h('option', { value: e.id, text: e.label })));
    if (r?.entries.some((e) => e.id === keep)) this.entrySelect.value = keep;
    if (!r) {
      this.resultTable.replaceChildren(h('p', { class: 'hint', text: 'No scenario results yet: run a scenario on a run.' }));
      return;
    }
    const pct = (v: number | null) => (v === null ? '–' : `${formatValue(100 * v, 3)} %`);
    this.resultTable.replaceChildren(
      h('p', { class: 'status-line', 'data-testid': 'scenario-envelope', text: `${r.period.from}..${r.period.to}: ${pct(r.outsideEnvelope)} of basin cell-days outside the training envelope` }),
      h('table', { class: 'data-table' },
        h('thead', {}, h('tr', {}, ...['Model', 'Baseline LAI', 'Scenario LAI', 'Change', 'CO2'].map((t) => h('th', { scope: 'col', text: t })))),
        h('tbody', {}, ...r.entries.map((e) => h('tr', { 'data-entry': e.id },
          h('td', { text: e.label }), h('td', { text: formatValue(e.baseline) }), h('td', { text: formatValue(e.scenario) }),
          h('td', { text: `${formatValue(e.change)} (${pct(e.relative)})` }), h('td', { text: e.co2 }))))));
  }

  /** Puts the chosen change map (or the extrapolation layer) of the selected result on the map. */
  private async showLayer(what: 'change' | 'extrapolation'): Promise<void> {
    const r = this.selected();
    if (!r) {
      notify('error', 'No scenario result to show', 'Run a scenario on a run first.');
      return;
    }
    const base = `run:${r.runId}:scenario:${r.scenario}`;
    const id = what === 'extrapolation' ? `${base}:extrapolation` : `${base}:${this.measureSelect.value}:${this.entrySelect.value}:${this.seasonSelect.value}`;
    if (!this.workspace.layers.some((l) => l.id === id)) await this.workspace.reload();
    if (!this.workspace.layers.some((l) => l.id === id)) {
      notify('error', 'The layer is not in the layer list', id);
      return;
    }
    await this.workspace.selectLayer(id);
  }
}
