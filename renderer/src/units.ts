/**
 * How units are shown: engine unit strings ('m2 m-2', 'umol CO2 m-2 s-1', '1') in typographic form
 * ('m² m⁻²', 'µmol CO2 m⁻² s⁻¹', 'dimensionless'), and the display unit of temperature layers
 * (the engine's grids are in K; people read °C). Values stay in the engine's units everywhere
 * inside the renderer; only what is shown or typed goes through a DisplayUnit.
 */

/** Every spelling of "no unit" the engine uses, shown as one label. */
const DIMENSIONLESS = new Set(['', '1', '-', 'dimensionless', 'unitless']);
const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };
/** tokens whose trailing digit is part of a chemical formula, not an exponent */
const FORMULAS = new Set(['CO', 'O', 'H', 'N', 'CH']);

export function formatUnits(units: string): string {
  const u = units.trim();
  if (DIMENSIONLESS.has(u.toLowerCase())) return 'dimensionless';
  return u.split(/\s+/).map((token) => {
    const t = token.replace(/^umol/, 'µmol');
    const m = /^(.*?[A-Za-z)])(-?\d+)$/.exec(t);
    if (!m || FORMULAS.has(m[1]!)) return t;
    return m[1]! + [...m[2]!].map((ch) => SUPERSCRIPT[ch] ?? ch).join('');
  }).join(' ');
}

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
