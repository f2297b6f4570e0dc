/**
 * An ensemble run in the comparison panel: for each model averaged over the members, the median
 * test NSE of the ensemble mean beside each member's own median NSE (a table, and a strip on the
 * NSE axis of the boxplots: a dot per member, a diamond for the mean), so one sees whether the
 * mean beats its members and how far the members disagree.
 */
import type { RunSummary } from '../../main/api/requests/map.ts';
import { h, formatValue } from './dom.ts';
import { el, nseAxis } from './nse-boxplot.ts';

const SVG = 'http://www.w3.org/2000/svg';

type Ensemble = NonNullable<RunSummary['ensemble']>;

/** One row per averaged model on the NSE axis [lo, hi]: the members' medians as dots, the mean's as a diamond. */
function strip(run: RunSummary, ens: Ensemble, lo = -1, hi = 1): SVGSVGElement {
  const rows = Object.keys(ens.nse);
  const left = 128;
  const width = 300;
  const plotW = width - left - 8;
  const height = 16 + rows.length * 16 + 34;
  const svg = document.createElementNS(SVG, 'svg') as SVGSVGElement;
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', '100%');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `Median test NSE of the ensemble mean and of each of its ${ens.collected.length} members`);
  svg.setAttribute('data-testid', 'ensemble-nse-strip');
  const x = (v: number) => left + ((Math.max(lo, Math.min(hi, v)) - lo) / (hi - lo)) * plotW;
  nseAxis(svg, x, lo, hi, 8, height, left + plotW / 2, 'median NSE on the test period');
  rows.forEach((entry, i) => {
    const y = 16 + i * 16;
    const label = run.entries.find((e) => e.id === entry)?.label ?? entry;
    const g = el('g', { 'data-model': entry });
    g.append(el('text', { x: 2, y: y + 3, 'font-size': 9, fill: '#222' }, label));
    for (const m of ens.nse[entry]!.perMember) {
      if (m.median === null) continue;
      const dot = el('circle', { cx: x(m.median), cy: y, r: 3, fill: '#0072B2', 'fill-opacity': 0.6, 'data-member': m.member });
      dot.append(el('title', {}, `${label}, member ${m.member}: median NSE ${m.median.toFixed(3)}`));
      g.append(dot);
    }
    const mean = run.entries.find((e) => e.id === entry)?.nse?.median ?? null;
    if (mean !== null) {
      const d = el('path', { d: `M${x(mean)} ${y - 5} l4 5 l-4 5 l-4 -5 z`, fill: '#D55E00', 'data-mean': 'true' });
      d.append(el('title', {}, `${label}, ensemble mean: median NSE ${mean.toFixed(3)}`));
      g.append(d);
    }
    svg.append(g);
  });
  return svg;
}

/** The ensemble section of the comparison panel, or null for a run that is no ensemble. */
export function ensembleNse(run: RunSummary): HTMLElement | null {
  const ens = run.ensemble;
  if (!ens || Object.keys(ens.nse).length === 0) return null;
  const tbody = h('tbody', {});
  for (const [entry, s] of Object.entries(ens.nse)) {
    const label = run.entries.find((e) => e.id === entry)?.label ?? entry;
    tbody.append(h('tr', { 'data-entry': entry },
      h('td', { text: label }),
      h('td', { text: formatValue(run.entries.find((e) => e.id === entry)?.nse?.median ?? null) }),
      h('td', { text: `${formatValue(s.min)} / ${formatValue(s.median)} / ${formatValue(s.max)}` }),
      h('td', { text: s.perMember.map((m) => `${m.member} ${formatValue(m.median)}`).join(', ') })));
  }
  const pending = ens.members - ens.collected.length;
  return h('div', { 'data-testid': 'ensemble-nse' },
    h('div', { class: 'layer-group-title', text: `Ensemble of ${ens.collected.length} members${pending > 0 ? ` (${pending} more not collected yet)` : ''}: the mean beside its members` }),
    h('table', { class: 'data-table' },
      h('caption', { class: 'visually-hidden', text: `Median test NSE of the ensemble mean and of its members, run ${run.id}` }),
      h('thead', {}, h('tr', {}, ...['Model', 'Mean: median NSE', 'Members: min / median / max', 'Each member'].map((t) => h('th', { scope: 'col', text: t })))),
      tbody),
    strip(run, ens));
}
