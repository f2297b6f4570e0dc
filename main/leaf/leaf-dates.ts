/**
 * Measurement dates of leaf CSVs from any lab: ISO (YYYY-MM-DD), day/month/year or
 * month/day/year (separators / . -, optional time of day after the date, which is ignored).
 * A day/month date is never read as month/day: without a stated format the file's own dates must
 * settle the order (a field above 12 can only be the day), else the file is refused naming the row.
 */
import type { LEAF_DATE_FORMATS } from './leaf-config.ts';

export type LeafDateFormat = (typeof LEAF_DATE_FORMATS)[number];

/** How a file's dates were read: the format, and the date that settled it when it was inferred. */
export interface DateFormatChoice {
  readonly format: LeafDateFormat;
  /** 'stated' (given by the user), 'no dates', or the line and text of the date that settled it */
  readonly basis: 'stated' | 'no dates' | { readonly line: number; readonly text: string };
}

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/;
const NUMERIC = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:[T ].*)?$/;

/** ms since epoch (UTC) of a calendar date, or a reason it is not one (month 13, 31 April, ...) */
function calendarDate(year: number, month: number, day: number): number | string {
  if (month < 1 || month > 12) return `month ${month} does not exist`;
  const t = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 31 April over into May; a date that does not round-trip does not exist
  if (day < 1 || new Date(t).getUTCDate() !== day) return `day ${day} does not exist in month ${month} of ${year}`;
  return t;
}

function fullYear(y: string): number {
  const n = Number(y);
  return y.length === 2 ? n + (n < 50 ? 2000 : 1900) : n;
}

/**
 * Parses one date in a given format: ms since epoch (UTC), or the reason it cannot be read.
 * ISO dates are accepted whatever the format, as they cannot be mistaken.
 */
export function parseDateAs(text: string, format: LeafDateFormat): number | string {
  const s = text.trim();
  const iso = ISO.exec(s);
  if (iso) return calendarDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const m = NUMERIC.exec(s);
  if (!m) return `'${s}' is not a date (expected ${format === 'ISO' ? 'YYYY-MM-DD' : format === 'DMY' ? 'D/M/YYYY' : 'M/D/YYYY'})`;
  if (format === 'ISO') return `'${s}' is not an ISO date YYYY-MM-DD (give the date format: DMY or MDY)`;
  const [a, b] = [Number(m[1]), Number(m[2])];
  const r = format === 'DMY' ? calendarDate(fullYear(m[3]!), b, a) : calendarDate(fullYear(m[3]!), a, b);
  return typeof r === 'string' ? `'${s}' read as ${format === 'DMY' ? 'D/M/Y' : 'M/D/Y'}: ${r}` : r;
}

/**
 * The order of the file's numeric dates when no format is stated: the first date whose first
 * field is above 12 makes it D/M/Y, whose second field is above 12 makes it M/D/Y; a file with
 * both is refused, and so is a file none of whose dates settles it. ISO-only files are 'ISO'.
 * `dates` are [line, text] pairs of the non-empty date fields; a refusal names the line.
 */
export function inferDateFormat(dates: readonly (readonly [number, string])[]): DateFormatChoice | { readonly line: number; readonly problem: string } {
  let dmy: { line: number; text: string } | undefined;
  let mdy: { line: number; text: string } | undefined;
  let ambiguous: { line: number; text: string } | undefined;
  let first: { line: number; text: string } | undefined;
  for (const [line, text] of dates) {
    first ??= { line, text };
    const m = NUMERIC.exec(text.trim());
    if (!m) continue;
    const [a, b] = [Number(m[1]), Number(m[2])];
    if (a > 12 && b <= 12) dmy ??= { line, text };
    else if (b > 12 && a <= 12) mdy ??= { line, text };
    else ambiguous ??= { line, text };
  }
  if (dmy && mdy) {
    const later = dmy.line > mdy.line ? dmy : mdy;
    const earlier = later === dmy ? mdy : dmy;
    return { line: later.line, problem: `date '${later.text}' can only be ${later === dmy ? 'day/month' : 'month/day'} but line ${earlier.line}'s '${earlier.text}' can only be ${earlier === dmy ? 'day/month' : 'month/day'}: the file mixes date orders` };
  }
  if (dmy) return { format: 'DMY', basis: dmy };
  if (mdy) return { format: 'MDY', basis: mdy };
  if (ambiguous) {
    return { line: ambiguous.line, problem: `date '${ambiguous.text}' is ambiguous (day/month or month/day) and no date in the file settles it; state the date format (--date-format DMY or MDY)` };
  }
  return { format: 'ISO', basis: first ?? 'no dates' };
}

/** 'DMY (stated)', 'MDY (inferred from line 2: 9/21/2010)' */
export function describeDateFormat(c: DateFormatChoice): string {
  return `${c.format} (${c.basis === 'stated' || c.basis === 'no dates' ? c.basis : `inferred from line ${c.basis.line}: ${c.basis.text}`})`;
}
