/**
 * How units are shown: engine unit strings in typographic form (formatUnits, shared with the
 * engine's layer labels: main/util/unit-labels.ts), and the display unit of temperature layers
 * (the engine's grids are in K; people read °C). Values stay in the engine's units everywhere
 * inside the renderer; only what is shown or typed goes through a DisplayUnit.
 */

import { formatUnits } from '../../main/api/labels.ts';

export { formatUnits };

export interface DisplayUnit {
  /** the unit shown (already typographic) */
  readonly units: string;
  toDisplay(v: number): number;
  fromDisplay(v: number): number;
}

export type TemperatureUnit = 'C' | 'K';

const identity = (units: string): DisplayUnit => ({ units: formatUnits(units), toDisplay: (v) => v, fromDisplay: (v) => v });
const CELSIUS: DisplayUnit = { units: '°C', toDisplay: (v) => v - 273.15, fromDisplay: (v) => v + 273.15 };

/** The unit a layer with engine units `units` is shown in. */
export function displayUnit(units: string, temperature: TemperatureUnit): DisplayUnit {
  if (units.trim() === 'K' && temperature === 'C') return CELSIUS;
  return identity(units);
}

/** true for layers the temperature toggle applies to */
export function isTemperature(units: string): boolean {
  return units.trim() === 'K';
}
