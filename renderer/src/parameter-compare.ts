/**
 * The learned parameters of every physics model (calibrated physics only, physics-encoded
 * ConvLSTM) of the project's finished runs side by side: one table, a row per parameter and
 * vegetation type, the default beside each model's value (and its change from the default; for a
 * per-cell model the median and 5-95 % range of the type's cells), and
 * two parameter maps chosen below it shown side by side or with a swipe on one map.
 */
import type { MapLayer, RunSummary } from '../../main/api/requests/map.ts';
import { parameterLabel } from '../../main/api/labels.ts';
import { h, formatValue } from './dom.ts';

type Learned = NonNullable<RunSummary['parameters']>[string];

export interface PhysicsModel {
  readonly runId: string;
  readonly model: string;
  /** 'Physics only (calibrated) · run label' */
  readonly label: string;
  readonly learned: Learned;
}

/** Every physics model with learned parameters in `runs` (the runs' order, then the run's models'). */
export function physicsModels(runs: readonly RunSummary[]): PhysicsModel[] {
  return runs.flatMap((r) => Object.entries(r.parameters ?? {}).map(([model, learned]) => ({
    runId: r.id, model, learned,
    label: `${r.entries.find((e) => e.id === model)?.label ?? model} · ${r.label}${perCell(learned) ? ' (per cell: median of the PFT\'s cells)' : ''}`,
  })));
}

/** a per-cell parameterization whose report gives the cells' distribution (older reports: the PFT means only) */
function perCell(learned: Learned): boolean {
  return learned.parameterization === 'per-cell-network' && Object.values(learned.parameters).some((q) => q.cells);
}

/** '55.0–66.1 (412 cells)': the 5-95 % range of a PFT's cells */
function cellRange(q: Learned['parameters'][string], at: number): string {
  const lo = q.cells?.p05[at];
  const hi = q.cells?.p95[at];
  if (lo === null || lo === undefined || hi === null || hi === undefined) return '–';
  return `${formatValue(lo)}–${formatValue(hi)} (${q.cells!.count[at]} cells)`;
}

/** '61.2 (+3.1 %)': a value and its change from the default, in percent of the default. */
function valueAndChange(value: number | null | undefined, def: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  if (def === null || def === undefined || def === 0) return formatValue(value);
  const pct = 100 * (value / def - 1);
  return `${formatValue(value)} (${pct >= 0 ? '+' : ''}${pct.toFixed(1)} %)`;
}

/**
 * The side-by-side table: a row per parameter and vegetation type, a column per physics model:
 * its value per PFT, or for a per-cell model the median of the PFT's cells and a second column
 * with their 5-95 % range.
 */
function table(models: readonly PhysicsModel[]): HTMLElement {
  const names = [...new Set(models.flatMap((m) => Object.keys(m.learned.parameters)))];
  const tbody = h('tbody', {});
  for (const name of names) {
    const owner = models.find((m) => m.learned.parameters[name])!;
    const q = owner.learned.parameters[name]!;
    const range = q.min !== null && q.max !== null ? `${formatValue(q.min)}..${formatValue(q.max)}` : '–';
    owner.learned.pfts.forEach((pft, k) => {
      const def = q.defaults[k];
      tbody.append(h('tr', { 'data-parameter': name, 'data-pft': pft },
        h('td', { text: k === 0 ? parameterLabel(q) : '' }),
        h('td', { text: k === 0 ? range : '' }),
        h('td', { text: pft }),
        h('td', { text: formatValue(def ?? null) }),
        ...models.flatMap((m) => {
          const own = m.learned.parameters[name];
          const at = m.learned.pfts.indexOf(pft);
          const model = `${m.runId}/${m.model}`;
          if (!perCell(m.learned)) {
            const cell = !own || at < 0 ? '–' : `${valueAndChange(own.values[at], own.defaults[at])}${own.learned ? '' : ' fixed'}`;
            return [h('td', { text: cell, 'data-model': model })];
          }
          const median = !own || at < 0 ? '–' : `${valueAndChange(own.cells?.median[at], own.defaults[at])}${own.learned ? '' : ' fixed'}`;
          return [h('td', { text: median, 'data-model': model, 'data-stat': 'median' }), h('td', { text: own && at >= 0 ? cellRange(own, at) : '–', 'data-model': model, 'data-stat': 'range' })];
        })));
    });
  }
  return h('table', { class: 'data-table', 'data-testid': 'parameter-compare' },
    h('caption', { class: 'visually-hidden', text: 'Learned parameters of the physics models side by side, per vegetation type, with their defaults (per-cell models: median and 5-95 % range of the type\'s cells)' }),
    h('thead', {}, h('tr', {}, ...['Parameter', 'Range', 'PFT', 'Default', ...models.flatMap((m) => (perCell(m.learned) ? [m.label, `${m.label}: 5–95 % of the cells`] : [m.label]))].map((t) => h('th', { scope: 'col', text: t })))),
    tbody);
}

/**
 * The section, or null when no run has physics models with learned parameters. `layers` are the
 * map's layers (a parameter map is offered when its layer exists); `show` opens two of them side
 * by side or swiped.
 */
export function parameterComparison(runs: readonly RunSummary[], layers: readonly MapLayer[], show: (left: MapLayer, right: MapLayer, how: 'side-by-side' | 'swipe') => void): HTMLElement | null {
  const models = physicsModels(runs);
  if (models.length === 0) return null;
  const maps = models.flatMap((m) => Object.keys(m.learned.parameters).flatMap((name) => (['param', 'param-diff'] as const)
    .map((view) => layers.find((l) => l.id === `run:${m.runId}:${view}:${m.model}/${name}`))
    .filter((l): l is MapLayer => l !== undefined)));
  const left = h('select', { 'aria-label': 'Left parameter map', 'data-testid': 'parameter-map-left' });
  const right = h('select', { 'aria-label': 'Right parameter map', 'data-testid': 'parameter-map-right' });
  for (const s of [left, right]) s.append(...maps.map((l) => h('option', { value: l.id, text: `${l.label} · ${l.group.replace(/^Run: /, '')}` })));
  // by default the first parameter of the first two models
  const first = models[0]!;
  const name = Object.keys(first.learned.parameters)[0];
  const other = models.find((m) => m !== first && name !== undefined && m.learned.parameters[name]);
  if (name !== undefined) left.value = `run:${first.runId}:param:${first.model}/${name}`;
  if (other && name !== undefined) right.value = `run:${other.runId}:param:${other.model}/${name}`;
  const chosen = (): [MapLayer, MapLayer] | null => {
    const l = maps.find((x) => x.id === left.value);
    const r = maps.find((x) => x.id === right.value);
    return l && r ? [l, r] : null;
  };
  const side = h('button', { type: 'button', class: 'primary', text: 'Parameter maps side by side', 'data-testid': 'parameter-compare-maps' });
  const swipe = h('button', { type: 'button', text: 'Parameter maps with swipe' });
  side.addEventListener('click', () => {
    const pair = chosen();
    if (pair) show(...pair, 'side-by-side');
  });
  swipe.addEventListener('click', () => {
    const pair = chosen();
    if (pair) show(...pair, 'swipe');
  });
  return h('div', { 'data-testid': 'parameter-comparison' },
    h('div', { class: 'layer-group-title', text: `Learned parameters of ${models.length} physics model${models.length === 1 ? '' : 's'} side by side (value and change from the default)` }),
    h('div', { style: 'overflow-x:auto' }, table(models)),
    ...(maps.length > 0 ? [h('div', { class: 'row' }, left, right), h('div', { class: 'row' }, side, swipe)] : []));
}
