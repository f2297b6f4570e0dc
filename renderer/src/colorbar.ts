/**
 * The map legend: for continuous layers a colour bar with the layer name, its units and tick
 * values over the displayed range; for categorical layers a swatch per class.
 */
import { h, formatValue } from './dom.ts';
import { colormapCss, type ColormapName } from './colormaps.ts';

export interface ColorbarProps {
  readonly title: string;
  readonly units: string;
  readonly dateNote?: string;
  readonly style:
    | { readonly kind: 'continuous'; readonly colormap: ColormapName; readonly min: number; readonly max: number }
    | { readonly kind: 'categorical'; readonly items: readonly { readonly color: string; readonly label: string }[] };
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
    const title = h('div', { class: 'colorbar-title' },
      h('span', { 'data-testid': 'colorbar-title', text: props.title }),
      h('span', { class: 'units', 'data-testid': 'colorbar-units', text: `[${props.units}]` }));
    const children: HTMLElement[] = [title];
    if (props.style.kind === 'continuous') {
      const { min, max, colormap } = props.style;
      const bar = h('div', { class: 'colorbar-canvas', role: 'img', 'aria-label': `${colormap} colour scale from ${formatValue(min)} to ${formatValue(max)} ${props.units}` });
      bar.style.background = colormapCss(colormap);
      const ticks = h('div', { class: 'colorbar-ticks', 'data-testid': 'colorbar-ticks' });
      for (let i = 0; i <= 4; i++) ticks.append(h('span', { text: formatValue(min + ((max - min) * i) / 4) }));
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
    if (props.dateNote) children.push(h('div', { class: 'status-line', 'data-testid': 'colorbar-date', text: props.dateNote }));
    el.replaceChildren(...children);
  }
}
