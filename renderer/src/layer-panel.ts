/**
 * Layer chooser and display settings: one radio button per layer with its units, in collapsible
 * groups (Observations, Forcing, Static, one per run; the selected layer's group open), the
 * colormap, the displayed value range (min / max, reset to the layer's default), opacity, and the
 * temperature unit. Display ranges are kept in the engine's units; the min / max fields show and
 * take them in the layer's display unit (°C for temperature by default).
 */
import type { MapLayer } from '../../main/api/requests/map.ts';
import { h, field } from './dom.ts';
import { COLORMAP_LABELS, type ColormapName } from './colormaps.ts';
import { displayUnit, isTemperature, type TemperatureUnit } from './units.ts';
import { missingLayerList, type MissingLayer } from './missing-layer-list.ts';

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
  private readonly temperature: HTMLSelectElement;
  private readonly temperatureField: HTMLElement;
  private layers: readonly MapLayer[] = [];
  private missing: HTMLElement | null = null;
  /** the unit the fields and labels use now (the select's value until it changes) */
  private tempUnit: TemperatureUnit = 'C';
  onSelect: (layerId: string) => void = () => undefined;
  onDisplay: (display: LayerDisplay) => void = () => undefined;
  onTemperatureUnit: (unit: TemperatureUnit) => void = () => undefined;

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
    this.temperature = h('select', { 'aria-label': 'Temperature unit', 'data-testid': 'temperature-unit' },
      h('option', { value: 'C', text: '°C' }), h('option', { value: 'K', text: 'K' }));
    this.temperatureField = field('Temperature unit', this.temperature);
    this.temperatureField.hidden = true;
    this.element = h('div', {}, this.list, this.continuousControls, this.temperatureField, field('Opacity', this.opacity));
    this.temperature.addEventListener('change', () => {
      const layer = this.current();
      // the fields hold display values: read them in the old unit before switching
      const d = this.display();
      this.tempUnit = this.temperature.value === 'K' ? 'K' : 'C';
      for (const span of this.list.querySelectorAll<HTMLElement>('.units[data-raw-units]')) span.textContent = displayUnit(span.dataset['rawUnits'] ?? '', this.tempUnit).units;
      this.onTemperatureUnit(this.tempUnit);
      if (layer) this.showLayer(layer.id, d);
    });
    const emit = (): void => this.onDisplay(this.display());
    this.colormap.addEventListener('change', emit);
    this.min.addEventListener('change', emit);
    this.max.addEventListener('change', emit);
    this.opacity.addEventListener('input', emit);
    reset.addEventListener('click', () => {
      const layer = this.current();
      if (!layer) return;
      const u = this.unitOf(layer);
      this.min.value = String(round(u.toDisplay(layer.range[0])));
      this.max.value = String(round(u.toDisplay(layer.range[1])));
      emit();
    });
  }

  /** `missing`: the layer kinds the project lacks, listed with the reason after the layers */
  setLayers(layers: readonly MapLayer[], selected: string | null, missing: readonly MissingLayer[] = []): void {
    this.layers = layers;
    const legend = this.list.querySelector('legend')!;
    this.list.replaceChildren(legend);
    this.missing?.remove();
    this.missing = missingLayerList(missing);
    if (this.missing) this.list.after(this.missing);
    if (layers.length === 0) {
      this.list.append(h('p', { class: 'hint', text: 'No layers: the project has no dataset yet.' }));
      return;
    }
    const selectedGroup = layers.find((l) => l.id === selected)?.group;
    const groups = new Map<string, HTMLElement>();
    for (const layer of layers) {
      let body = groups.get(layer.group);
      if (!body) {
        body = h('div', { class: 'layer-group-body' });
        groups.set(layer.group, body);
        const count = layers.filter((l) => l.group === layer.group).length;
        this.list.append(h('details', { class: 'layer-group', 'data-group': layer.group, open: layer.group === selectedGroup || (!selectedGroup && groups.size === 1) },
          h('summary', { class: 'layer-group-title' }, h('span', { text: layer.group }), h('span', { class: 'units', text: ` ${count}` })), body));
      }
      const radio = h('input', { type: 'radio', name: 'map-layer', value: layer.id, checked: layer.id === selected });
      radio.addEventListener('change', () => {
        if (radio.checked) this.onSelect(layer.id);
      });
      body.append(h('label', { class: 'layer-option', title: layer.description ?? layer.label }, radio,
        h('span', { text: layer.label }), h('span', { class: 'units', 'data-raw-units': layer.units, text: this.unitOf(layer).units })));
    }
  }

  get temperatureUnit(): TemperatureUnit {
    return this.tempUnit;
  }

  private unitOf(layer: MapLayer): ReturnType<typeof displayUnit> {
    return displayUnit(layer.units, this.temperatureUnit);
  }

  /** shows the settings of the selected layer (after a layer switch) */
  showLayer(layerId: string, display: LayerDisplay): void {
    for (const input of this.list.querySelectorAll<HTMLInputElement>('input[type=radio]')) input.checked = input.value === layerId;
    const layer = this.layers.find((l) => l.id === layerId);
    this.continuousControls.hidden = layer?.kind === 'categorical';
    this.temperatureField.hidden = !layer || !isTemperature(layer.units);
    // the selected layer's group is open, so the checked radio is visible
    const group = layer ? [...this.list.querySelectorAll<HTMLDetailsElement>('details.layer-group')].find((d) => d.dataset['group'] === layer.group) : undefined;
    if (group) group.open = true;
    const u = layer ? this.unitOf(layer) : displayUnit('', this.temperatureUnit);
    this.colormap.value = display.colormap;
    this.min.value = String(round(u.toDisplay(display.min)));
    this.max.value = String(round(u.toDisplay(display.max)));
    this.opacity.value = String(display.opacity);
  }

  current(): MapLayer | undefined {
    const id = this.list.querySelector<HTMLInputElement>('input[type=radio]:checked')?.value;
    return this.layers.find((l) => l.id === id);
  }

  /** the settings in the engine's units */
  display(): LayerDisplay {
    const layer = this.current();
    const u = layer ? this.unitOf(layer) : displayUnit('', this.temperatureUnit);
    const min = u.fromDisplay(Number(this.min.value));
    const max = u.fromDisplay(Number(this.max.value));
    return {
      colormap: this.colormap.value as ColormapName,
      min: Number.isFinite(min) ? min : 0,
      max: Number.isFinite(max) && max !== min ? max : min + 1,
      opacity: Number(this.opacity.value),
    };
  }
}

/** display values without float noise (273.15 K - 273.15 shows as 0, not 5.7e-14) */
function round(v: number): number {
  return Number(v.toPrecision(6));
}
