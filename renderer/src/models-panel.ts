/**
 * Model comparison for one run: the median-NSE table (with interquartile range and cell count;
 * with a clip active, counted from the per-cell NSE maps over the clip's cells only, like the map),
 * NSE boxplots by vegetation type, buttons that put a model's NSE map on the main map, and two
 * NSE maps side by side with linked pan and zoom.
 */
import type { ApiClient } from '../../main/api/client.ts';
import type { MapLayer, RunSummary } from '../../main/api/requests/map.ts';
import { h, field, formatValue } from './dom.ts';
import { nseBoxplot } from './nse-boxplot.ts';
import { CompareView } from './compare-view.ts';
import { SwipeView } from './swipe-view.ts';
import type { Workspace } from './workspace.ts';
import { parameterLabel } from '../../main/api/labels.ts';
import { ensembleNse } from './ensemble-nse.ts';
import { parameterComparison } from './parameter-compare.ts';

/** median and quartiles (linear interpolation between order statistics) of the finite values */
export function medianIqr(values: readonly number[]): { n: number; median: number | null; q25: number | null; q75: number | null } {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const q = (p: number): number | null => {
    if (v.length === 0) return null;
    const pos = (v.length - 1) * p;
    const lo = Math.floor(pos);
    return v[lo]! + (v[Math.ceil(pos)]! - v[lo]!) * (pos - lo);
  };
  return { n: v.length, median: q(0.5), q25: q(0.25), q75: q(0.75) };
}

export class ModelsPanel {
  private readonly runSelect: HTMLSelectElement;
  private readonly content: HTMLElement;
  private runs: RunSummary[] = [];
  private readonly compare: CompareView;
  private readonly swipe: SwipeView;
  /** the empty state's actions (wired by main.ts) */
  onTrain: () => void = () => undefined;
  onInstallPretrained: () => void = () => undefined;

  private renderSeq = 0;

  constructor(private readonly body: HTMLElement, private readonly api: ApiClient, private readonly workspace: Workspace, mapHost: HTMLElement) {
    this.runSelect = h('select', { 'aria-label': 'Run to compare', 'data-testid': 'run-select' });
    this.content = h('div', { class: 'panel-body', style: 'padding:0' });
    this.compare = new CompareView(api, workspace, mapHost);
    this.swipe = new SwipeView(api, workspace, mapHost);
    body.append(field('Run', this.runSelect), this.content);
    this.runSelect.addEventListener('change', () => this.render());
  }

  setRuns(runs: readonly RunSummary[]): void {
    const keep = this.runSelect.value;
    this.runs = runs.filter((r) => r.status === 'finished' && r.entries.length > 0);
    this.runSelect.replaceChildren(...this.runs.map((r) => h('option', { value: r.id, title: r.id, text: `${r.label} (${r.models.join(', ')})` })));
    if (this.runs.some((r) => r.id === keep)) this.runSelect.value = keep;
    this.render();
  }

  /** Learned parameters of physics-encoded models next to their PFT defaults, with map buttons. */
  private parameterTables(run: RunSummary): HTMLElement[] {
    const out: HTMLElement[] = [];
    for (const [kind, lp] of Object.entries(run.parameters ?? {})) {
      const label = run.entries.find((e) => e.id === kind)?.label ?? kind;
      out.push(h('div', { class: 'layer-group-title', text: `${label}: learned parameters vs PFT defaults` }));
      const tbody = h('tbody', {});
      for (const [name, q] of Object.entries(lp.parameters)) {
        const show = h('button', { type: 'button', text: 'Map', 'aria-label': `Map ${name} of ${label}` });
        show.addEventListener('click', () => void this.workspace.selectLayer(`run:${run.id}:param:${kind}/${name}`));
        lp.pfts.forEach((pft, i) => {
          tbody.append(h('tr', {},
            h('td', { text: i === 0 ? `${parameterLabel(q)}${q.learned ? '' : ' (fixed)'}` : '' }),
            h('td', { text: pft }),
            h('td', { text: formatValue(q.defaults[i] ?? null) }),
            h('td', { text: formatValue(q.values[i] ?? null) }),
            h('td', {}, i === 0 ? show : '')));
        });
      }
      out.push(h('table', { class: 'data-table', 'data-testid': `parameters-${kind}` },
        h('thead', {}, h('tr', {}, ...['Parameter', 'PFT', 'Default', 'Learned', ''].map((t) => h('th', { scope: 'col', text: t })))), tbody));
    }
    return out;
  }

  /** The physics models of every listed run, side by side (table, and two parameter maps). */
  private parameterComparison(): HTMLElement | null {
    return parameterComparison(this.runs, this.workspace.layers, (l, r, how) => {
      if (how === 'swipe') {
        this.compare.close();
        void this.swipe.show(l, r);
      } else {
        this.swipe.close();
        void this.compare.show(l, r);
      }
    });
  }

  /** Re-renders the table (the active clip changed). */
  refresh(): void {
    this.render();
  }

  /** Per-entry NSE statistics over the clip's cells, from the run's per-cell NSE maps. */
  private async fillClipStats(run: RunSummary, tbody: HTMLElement, seq: number): Promise<void> {
    const mask = this.workspace.clipMask;
    if (!mask) return;
    for (const e of run.entries) {
      const res = await this.api.request('map.grid', { layer: `run:${run.id}:nse:${e.id}` }).catch(() => null);
      if (seq !== this.renderSeq) return;
      const row = tbody.querySelector<HTMLElement>(`tr[data-entry="${CSS.escape(e.id)}"]`);
      if (!res || !row) continue;
      const grid = res.values;
      const inClip: number[] = [];
      for (let c = 0; c < grid.length; c++) if (mask[c]) inClip.push(grid[c]!);
      const st = medianIqr(inClip);
      const cells = row.querySelectorAll('td');
      cells[1]!.textContent = formatValue(st.median);
      cells[2]!.textContent = st.n ? `${formatValue(st.q25, 2)}..${formatValue(st.q75, 2)}` : '–';
      cells[3]!.textContent = String(st.n);
    }
    tbody.setAttribute('data-clip-stats', 'done');
  }

  private render(): void {
    const seq = ++this.renderSeq;
    const run = this.runs.find((r) => r.id === this.runSelect.value);
    if (!run) {
      // a way forward, not a dead end: train, or install the pretrained demo run (demo data only)
      const train = h('button', { type: 'button', class: 'primary', text: 'Train a model' });
      train.addEventListener('click', () => this.onTrain());
      const install = h('button', { type: 'button', text: 'Install the pretrained demo run' });
      install.addEventListener('click', () => this.onInstallPretrained());
      this.content.replaceChildren(
        h('p', { class: 'hint', 'data-testid': 'models-empty', text: this.workspace.dataset
          ? 'No evaluated run yet. Train one (Training section: choose models and start), or, on the demo data, install the pretrained demo run to compare the three models at once.'
          : 'No runs yet, and no data to compare them on: generate the demo data (it comes with a pretrained run of the three models) or import data, then train.' }),
        h('div', { class: 'row' }, train, install));
      return;
    }
    const table = h('table', { class: 'data-table nse-table', 'data-testid': 'nse-table' },
      h('caption', { class: 'visually-hidden', text: `Median NSE on the test period, run ${run.id}${this.workspace.clipMask ? `, cells inside the clip ${this.workspace.clipName ?? ''}` : ''}` }),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Model' }), h('th', { scope: 'col', text: 'Median NSE' }), h('th', { scope: 'col', text: 'IQR' }), h('th', { scope: 'col', text: 'Cells' }), h('th', { scope: 'col', text: 'Map' }))));
    const tbody = h('tbody', {});
    const best = Math.max(...run.entries.filter((e) => e.role === 'model').map((e) => e.nse?.median ?? -Infinity));
    for (const e of run.entries) {
      const show = h('button', { type: 'button', text: 'Show', 'aria-label': `Show the NSE map of ${e.label}` });
      show.addEventListener('click', () => void this.workspace.selectLayer(`run:${run.id}:nse:${e.id}`));
      const m = e.nse?.median ?? null;
      tbody.append(h('tr', { 'data-entry': e.id },
        h('td', { text: e.role !== 'model' ? `${e.label} (reference)` : run.ensemble?.nse[e.id] ? `${e.label} (mean of ${run.ensemble.collected.length} members)` : e.label }),
        h('td', { class: e.role === 'model' && m === best ? 'best' : '', text: formatValue(m) }),
        h('td', { text: e.nse ? `${formatValue(e.nse.q25, 2)}..${formatValue(e.nse.q75, 2)}` : '–' }),
        h('td', { text: e.nse ? String(e.nse.n) : '–' }),
        h('td', {}, show)));
    }
    table.append(tbody);
    const clipNote = this.workspace.clipMask
      ? h('p', { class: 'hint', 'data-testid': 'nse-table-clip', text: `Counted inside the clip ${this.workspace.clipName ?? ''} only (${this.workspace.clipMask.reduce((a, b) => a + b, 0)} cells of the grid).` })
      : null;
    if (this.workspace.clipMask) {
      // the engine's table is over the whole basin: recount over the clip, marking the figures pending
      for (const td of tbody.querySelectorAll('tr td:nth-child(2), tr td:nth-child(3), tr td:nth-child(4)')) td.textContent = '…';
      void this.fillClipStats(run, tbody, seq);
    }

    const left = h('select', { 'aria-label': 'Left map' });
    const right = h('select', { 'aria-label': 'Right map' });
    for (const s of [left, right]) s.append(...run.entries.map((e) => h('option', { value: e.id, text: e.label })));
    if (run.entries.length > 1) right.value = run.entries[1]!.id;
    const compareButton = h('button', { type: 'button', class: 'primary', text: 'Compare side by side' });
    const swipeButton = h('button', { type: 'button', text: 'Compare with swipe', title: 'One map: the left model left of a draggable divider, the right model right of it' });
    const chosen = (): [MapLayer, MapLayer] | null => {
      const l = this.workspace.layers.find((x) => x.id === `run:${run.id}:nse:${left.value}`);
      const r = this.workspace.layers.find((x) => x.id === `run:${run.id}:nse:${right.value}`);
      return l && r ? [l, r] : null;
    };
    compareButton.addEventListener('click', () => {
      const pair = chosen();
      this.swipe.close();
      if (pair) void this.compare.show(...pair);
    });
    swipeButton.addEventListener('click', () => {
      const pair = chosen();
      this.compare.close();
      if (pair) void this.swipe.show(...pair);
    });
    this.content.replaceChildren(
      h('p', { class: 'hint', text: `Test period ${run.periods?.['test']?.from ?? '?'} – ${run.periods?.['test']?.to ?? '?'}; backend ${run.backend ?? '?'}` }),
      ...(clipNote ? [clipNote] : []),
      table,
      h('div', { class: 'layer-group-title', text: 'NSE maps side by side (linked pan and zoom) or swiped on one map' }),
      h('div', { class: 'row' }, left, right),
      h('div', { class: 'row' }, compareButton, swipeButton),
      h('div', { class: 'layer-group-title', text: 'NSE by vegetation type' }),
      nseBoxplot(run),
      ...[ensembleNse(run), this.parameterComparison()].filter((x): x is HTMLElement => x !== null),
      ...this.parameterTables(run),
    );
    void this.body;
  }
}
