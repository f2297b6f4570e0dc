/**
 * The Scenarios panel's text fields: one number or 12 monthly numbers (January first) per field.
 * Only the syntax is checked here; the ranges (a negative multiplier, CO2 outside 150-2000 ppm,
 * ...) are the engine's to check and name.
 */

/** '' -> undefined (not set); '2' -> 2; '1, 1, 2, ...' -> the list (the engine wants 12). */
export function parseMonthly(text: string, what: string): number | number[] | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const parts = t.split(/[\s,;]+/).filter((p) => p !== '');
  const values = parts.map((p) => {
    const v = Number(p);
    if (!Number.isFinite(v)) throw new Error(`${what}: '${p}' is not a number`);
    return v;
  });
  return values.length === 1 ? values[0]! : values;
}
