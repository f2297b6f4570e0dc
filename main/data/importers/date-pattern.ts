/**
 * Dates from file names and band labels. A user pattern is a template matched against the file's
 * base name: {YYYY} {YY} {MM} {DD} {DOY} are date parts, * matches anything, other characters are
 * literal; e.g. 'GLOBMAP_LAI_{YYYY}{DOY}.tif' or 'lai_{YYYY}-{MM}-{DD}*.tif'.
 */
import { formatIsoDate } from '../time-axis.ts';

const TOKENS: Readonly<Record<string, string>> = { YYYY: '(\\d{4})', YY: '(\\d{2})', MM: '(\\d{2})', DD: '(\\d{2})', DOY: '(\\d{3})' };

export interface CompiledPattern {
  readonly source: string;
  match(name: string): string | undefined;
}

function fromParts(y: number, month: number | undefined, day: number | undefined, doy: number | undefined): string | undefined {
  if (doy !== undefined) {
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    if (doy < 1 || doy > (leap ? 366 : 365)) return undefined;
    return formatIsoDate(Date.UTC(y, 0, doy));
  }
  if (month === undefined || day === undefined || month < 1 || month > 12 || day < 1) return undefined;
  const ms = Date.UTC(y, month - 1, day);
  const iso = formatIsoDate(ms);
  return new Date(ms).getUTCDate() === day ? iso : undefined;
}

export function compileDatePattern(template: string): CompiledPattern {
  const order: string[] = [];
  let re = '^';
  for (const part of template.split(/(\{[A-Z]+\}|\*)/)) {
    if (part === '*') re += '.*';
    else if (/^\{[A-Z]+\}$/.test(part)) {
      const tok = part.slice(1, -1);
      const r = TOKENS[tok];
      if (!r) throw new Error(`date pattern '${template}': unknown part {${tok}} (use {YYYY}, {YY}, {MM}, {DD}, {DOY})`);
      order.push(tok);
      re += r;
    } else re += part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  re += '$';
  if (!order.includes('YYYY') && !order.includes('YY')) throw new Error(`date pattern '${template}' has no year ({YYYY} or {YY})`);
  if (!order.includes('DOY') && !(order.includes('MM') && order.includes('DD'))) throw new Error(`date pattern '${template}' needs {MM} and {DD}, or {DOY}`);
  const regex = new RegExp(re);
  return {
    source: template,
    match(name) {
      const m = regex.exec(name);
      if (!m) return undefined;
      const get = (tok: string) => { const i = order.indexOf(tok); return i < 0 ? undefined : Number(m[i + 1]); };
      const yy = get('YY');
      const y = get('YYYY') ?? (yy! < 70 ? 2000 + yy! : 1900 + yy!);
      return fromParts(y, get('MM'), get('DD'), get('DOY'));
    },
  };
}

/** Finds a date in free text: ISO 'YYYY-MM-DD', 'YYYYMMDD', or 'YYYYDOY' (as in MODIS 'A2001001'). */
export function findDate(text: string): string | undefined {
  let m = /(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)/.exec(text);
  if (m) return fromParts(Number(m[1]), Number(m[2]), Number(m[3]), undefined);
  m = /(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)/.exec(text);
  if (m) { const d = fromParts(Number(m[1]), Number(m[2]), Number(m[3]), undefined); if (d) return d; }
  m = /(?<!\d)(\d{4})(\d{3})(?!\d)/.exec(text);
  if (m) return fromParts(Number(m[1]), undefined, undefined, Number(m[2]));
  return undefined;
}
