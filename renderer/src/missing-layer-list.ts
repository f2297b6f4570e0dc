/**
 * The layer kinds the open project does not have yet, each with why (map.layers' `missing`: no
 * LAI imported, no trained run, ...), shown under the layer list instead of leaving them out.
 */
import type { ResponseOf } from '../../main/api/contract.ts';
import { h } from './dom.ts';

export type MissingLayer = ResponseOf<'map.layers'>['missing'][number];

/** A "Not available" list, or null when nothing is missing. */
export function missingLayerList(missing: readonly MissingLayer[]): HTMLElement | null {
  if (missing.length === 0) return null;
  return h('div', { class: 'missing-layers', 'data-testid': 'missing-layers' },
    h('div', { class: 'layer-group-title', text: 'Not available yet' }),
    h('ul', {}, ...missing.map((m) => h('li', { 'data-layer': m.id },
      h('span', { class: 'missing-layer-label', text: m.label }), h('span', { class: 'hint', text: ` — ${m.reason}` })))));
}
