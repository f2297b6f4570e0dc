/**
 * How units and parameter names are shown, in one place for the engine (map layer labels) and the
 * renderer (legend, tables; through main/api/labels.ts): engine unit strings ('m2 m-2',
 * 'umol CO2 m-2 s-1', '1') in typographic form ('m² m⁻²', 'µmol CO2 m⁻² s⁻¹', 'dimensionless'),
 * and a parameter as "Specific leaf area, SLA [m² g⁻¹ C]".
 */

/** Every spelling of "no unit" the engine uses, shown as one label. */
const DIMENSIONLESS = new Set(['', '1', '-', 'dimensionless', 'unitless']);
export const DIMENSIONLESS_LABEL = 'dimensionless';
const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };
/** tokens whose trailing digit is part of a chemical formula, not an exponent */
const FORMULAS = new Set(['CO', 'O', 'H', 'N', 'CH']);

export function formatUnits(units: string): string {
  const u = units.trim();
  if (DIMENSIONLESS.has(u.toLowerCase())) return DIMENSIONLESS_LABEL;
  return u.split(/\s+/).map((token) => {
    const t = token.replace(/^umol/, 'µmol');
    const m = /^(.*?[A-Za-z)])(-?\d+)$/.exec(t);
    if (!m || FORMULAS.has(m[1]!)) return t;
    return m[1]! + [...m[2]!].map((ch) => SUPERSCRIPT[ch] ?? ch).join('');
  }).join(' ');
}

/** What a parameter declaration (physics/parameter-range.ts) carries for its label. */
export interface ParameterNaming {
  readonly title?: string;
  readonly symbol?: string;
  readonly units: string;
  /** the code name, shown when there is no title */
  readonly name?: string;
}

/** "Specific leaf area, SLA [m² g⁻¹ C]": title, symbol when declared, units always. */
export function parameterLabel(p: ParameterNaming): string {
  const title = p.title || p.name || '';
  return `${title}${p.symbol ? `, ${p.symbol}` : ''} [${formatUnits(p.units)}]`;
}
