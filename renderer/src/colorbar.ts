/**
 * The map legend: for continuous layers a colour bar with the layer name, its units and tick
 * values at round numbers inside the displayed range; for categorical layers a swatch per class;
 * and an entry for cells without data (drawn transparent on the map).
 */
import { h, formatValue } from './dom.ts';
import { colormapCss, type ColormapName } from './colormaps.ts';
import { formatUnits } from './units.ts';

export interface ColorbarProps {
  readonly title: string;
  readonly units: string;
  readonly dateNote?: string;
  readonly style:
    | { readonly kind: 'continuous'; readonly colormap: ColormapName; readonly min: number; readonly max: number }
    | { readonly kind: 'categorical'; readonly items: readonly { readonly color: string; readonly label: string }[] };
}

/**
 * Round tick values inside [min, max]: multiples of 1, 2, 2.5 or 5 x 10^k, about `target` of them
 * (e.g. 0, 0.5, 1, 1.5 for 0..1.73 rather than 0, 0.4325, 0.865, ...).
 */
export function niceTicks(min: number, max: number, target = 5): number[] {
  if (!(Number.isFinite(min) && Number.isFinite(max)) || max <= min) return [min];
  const ticksFor = (step: number): number[] => {
    const out: number[] = [];
    // k * step, rounded so 0.1 * 3 prints as 0.3
    for (let k = Math.ceil(min / step - 1e-9); k * step <= max + step * 1e-9; k++) out.push(Number((k * step).toPrecision(12)));
    return out;
  };
  const mag = 10 ** Math.floor(Math.log10((max - min) / Math.max(1, target - 1)));
  // the round step whose tick count comes closest to the target (the larger step on a tie)
  let best: number[] = [];
  for (const step of [0.5, 1, 2, 2.5, 5, 10, 20].map((f) => f * mag).reverse()) {
    const t = ticksFor(step);
    if (t.length >= 2 && (best.length < 2 || Math.abs(t.length - target) < Math.abs(best.length - target))) best = t;
  }
  return best.length ? best : [min, max];
}

export class Colorbar {
  readonly element: HTMLElement;

  constructor() {
    this.element = h('div', { class: 'map-overlay colorbar-overlay', role: 'group', 'aria-label': 'Legend', 'data-testid': 'colorbar', hidden: true });
  }

  private lastKey = '';

  render(props: ColorbarProps | null): void {
    const el = this.element;
    // stepping through dates changes only the date line: update it in place
    const key = props ? JSON.stringify({ ...props, dateNote: undefined }) : '';
    if (props && key === this.lastKey && props.dateNote !== undefined) {
      const note = el.querySelector('[data-testid=colorbar-date]');
      if (note) {
        note.textContent = props.dateNote;
        return;
      }
    }
    this.lastKey = key;
    if (!props) {
      el.hidden = true;
      el.replaceChildren();
      return;
    }
    el.hidden = false;
    const units = `[${formatUnits(props.units)}]`;
    // a parameter's label already ends in its units ("Specific leaf area, SLA [m² g⁻¹ C] (learned)"): not twice
    const title = h('div', { class: 'colorbar-title' },
      h('span', { 'data-testid': 'colorbar-title', text: props.title }),
      ...(props.title.includes(units) ? [] : [h('span', { class: 'units', 'data-testid': 'colorbar-units', text: units })]));
    const children: HTMLElement[] = [title];
    if (props.style.kind === 'continuous') {
      const { min, max, colormap } = props.style;
      const bar = h('div', { class: 'colorbar-canvas', role: 'img', 'aria-label': `${colormap} colour scale from ${formatValue(min)} to ${formatValue(max)} ${props.units}` });
      bar.style.background = colormapCss(colormap);
      const ticks = h('div', { class: 'colorbar-ticks', 'data-testid': 'colorbar-ticks' });
      for (const t of niceTicks(min, max)) {
        const tick = h('span', { text: formatValue(t, 4) });
        tick.style.left = `${(100 * (t - min)) / (max - min || 1)}%`;
        ticks.append(tick);
      }
      children.push(bar, ticks);
    } else {
      const list = h('div', { class: 'legend-items', role: 'list' });
      for (const item of props.style.items) {
        const sw = h('span', { class: 'legend-swatch' });
        sw.style.background = item.color;
        list.append(h('div', { class: 'legend-item', role: 'listitem' }, sw, h('span', { text: item.label })));
      }
      children.push(list);
    }
    children.push(h('div', { class: 'legend-item legend-nodata', 'data-testid': 'legend-nodata' }, h('span', { class: 'legend-swatch nodata-swatch' }), h('span', { text: 'No data (transparent)' })));
    if (props.dateNote) children.push(h('div', { class: 'status-line', 'data-testid': 'colorbar-date', text: props.dateNote }));
    el.replaceChildren(...children);
  }
}
