/**
 * Layer chooser and display settings: one radio button per layer (grouped, with units), the
 * colormap, the displayed value range (min / max, reset to the layer's default) and opacity.
 */
import type { MapLayer } from '../../main/api/requests/map.ts';
import { h, field } from './dom.ts';
import { COLORMAP_LABELS, type ColormapName } from './colormaps.ts';

export interface LayerDisplay {
  readonly colormap: ColormapName;
  readonly min: number;
  readonly max: number;
  readonly opacity: number;
}

export class LayerPanel {
  readonly element: HTMLElement;
  private readonly list: HTMLFieldSetElement;
  private readonly colormap: HTMLSelectElement;
  private readonly min: HTMLInputElement;
  private readonly max: HTMLInputElement;
  private readonly opacity: HTMLInputElement;
  private readonly continuousControls: HTMLElement;
  private layers: readonly MapLayer[] = [];
  onSelect: (layerId: string) => void = () => undefined;
  onDisplay: (display: LayerDisplay) => void = () => undefined;

  constructor() {
    this.list = h('fieldset', { class: 'layer-list', 'data-testid': 'layer-list' }, h('legend', { text: 'Map layer' }));
    this.colormap = h('select', { 'aria-label': 'Colormap', 'data-testid': 'colormap' });
    for (const [value, label] of Object.entries(COLORMAP_LABELS)) this.colormap.append(h('option', { value, text: label }));
    this.min = h('input', { type: 'number', step: 'any', 'aria-label': 'Range minimum', 'data-testid': 'range-min' });
    this.max = h('input', { type: 'number', step: 'any', 'aria-label': 'Range maximum', 'data-testid': 'range-max' });
    const reset = h('button', { type: 'button', text: 'Reset range', title: "Back to the layer's default range" });
    this.opacity = h('input', { type: 'range', min: 0, max: 1, step: 0.05, value: 0.85, 'aria-label': 'Layer opacity', 'data-testid': 'opacity' });
    this.continuousControls = h('div', { class: 'panel-body', style: 'padding:0' },
      field('Colormap', this.colormap),
      h('div', { class: 'row' }, field('Min', this.min), field('Max', this.max)),
      reset);
    this.element = h('div', {}, this.list, this.continuousControls, field('Opacity', this.opacity));
    const emit = (): void => this.onDisplay(this.display());
    this.colormap.addEventListener('change', emit);
    this.min.addEventListener('change', emit);
    this.max.addEventListener('change', emit);
    this.opacity.addEventListener('input', emit);
    reset.addEventListener('click', () => {
      const layer = this.current();
      if (!layer) return;
      this.min.value = String(layer.range[0]);
      this.max.value = String(layer.range[1]);
      emit();
    });
  }

  setLayers(layers: readonly MapLayer[], selected: string | null): void {
    this.layers = layers;
    const legend = this.list.querySelector('legend')!;
    this.list.replaceChildren(legend);
    if (layers.length === 0) {
      this.list.append(h('p', { class: 'hint', text: 'No layers: the project has no dataset yet.' }));
      return;
    }
    let group = '';
    for (const layer of layers) {
      if (layer.group !== group) {
        group = layer.group;
        this.list.append(h('div', { class: 'layer-group-title', text: group }));
      }
      const radio = h('input', { type: 'radio', name: 'map-layer', value: layer.id, checked: layer.id === selected });
      radio.addEventListener('change', () => {
        if (radio.checked) this.onSelect(layer.id);
      });
      this.list.append(h('label', { class: 'layer-option', title: layer.description ?? layer.label }, radio,
        h('span', { text: layer.label }), h('span', { class: 'units', text: layer.units })));
    }
  }

  /** shows the settings of the selected layer (after a layer switch) */
  showLayer(layerId: string, display: LayerDisplay): void {
    for (const input of this.list.querySelectorAll<HTMLInputElement>('input[type=radio]')) input.checked = input.value === layerId;
    const layer = this.layers.find((l) => l.id === layerId);
    this.continuousControls.hidden = layer?.kind === 'categorical';
    this.colormap.value = display.colormap;
    this.min.value = String(display.min);
    this.max.value = String(display.max);
    this.opacity.value = String(display.opacity);
  }

  current(): MapLayer | undefined {
    const id = this.list.querySelector<HTMLInputElement>('input[type=radio]:checked')?.value;
    return this.layers.find((l) => l.id === id);
  }

  display(): LayerDisplay {
    const min = Number(this.min.value);
    const max = Number(this.max.value);
    return {
      colormap: this.colormap.value as ColormapName,
      min: Number.isFinite(min) ? min : 0,
      max: Number.isFinite(max) && max !== min ? max : min + 1,
      opacity: Number(this.opacity.value),
    };
  }
}
