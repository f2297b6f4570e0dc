/**
 * CF-conventions decoding that h5wasm and netcdfjs leave to us: packed values (scale_factor,
 * add_offset), missing data (_FillValue, missing_value, valid_min/max/range) and time coordinates
 * ("<unit> since <date>" in the standard, proleptic_gregorian, noleap/365_day and all_leap/366_day
 * calendars).
 */
import type { AttrValue } from './netcdf-file.ts';
import { ImportError } from './errors.ts';

function num(v: AttrValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && typeof v[0] === 'number') return v[0];
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function nums(v: AttrValue | undefined): number[] {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v)) return v.filter((x): x is number => typeof x === 'number');
  return [];
}

/** Raw (packed) values -> physical values as Float32, NaN where missing. */
export function decodeValues(raw: Float64Array, attrs: Readonly<Record<string, AttrValue>>): Float32Array {
  const scale = num(attrs.scale_factor) ?? 1;
  const offset = num(attrs.add_offset) ?? 0;
  const missing = [...nums(attrs._FillValue), ...nums(attrs.missing_value)];
  const range = nums(attrs.valid_range);
  const vmin = num(attrs.valid_min) ?? (range.length === 2 ? range[0] : undefined) ?? -Infinity;
  const vmax = num(attrs.valid_max) ?? (range.length === 2 ? range[1] : undefined) ?? Infinity;
  const out = new Float32Array(raw.length);
  // one pass over tens of millions of values for a year of hourly forcing: the usual one or two
  // missing-value markers are compared directly (NaN when absent, which equals nothing)
  const m0 = missing[0] ?? NaN;
  const m1 = missing[1] ?? NaN;
  const more = missing.slice(2);
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i]!;
    // NaN fails every comparison; 9.97e36 is netCDF's default fill for floats, written where data were never set
    if (!(r >= vmin && r <= vmax) || Math.abs(r) >= 9.9e36 || r === m0 || r === m1 || (more.length > 0 && more.includes(r))) out[i] = NaN;
    else out[i] = r * scale + offset;
  }
  return out;
}

export function attrString(attrs: Readonly<Record<string, AttrValue>>, name: string): string | undefined {
  const v = attrs[name];
  return typeof v === 'string' ? v.trim() : undefined;
}

// ---------------------------------------------------------------- time

export type Calendar = 'standard' | 'proleptic_gregorian' | 'noleap' | 'all_leap';

export interface DecodedTimes {
  /** UTC milliseconds since 1970 of each time value */
  readonly ms: Float64Array;
  readonly calendar: Calendar;
}

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  day: 86400, days: 86400, d: 86400,
  hour: 3600, hours: 3600, hr: 3600, hrs: 3600, h: 3600,
  minute: 60, minutes: 60, min: 60, mins: 60,
  second: 1, seconds: 1, sec: 1, secs: 1, s: 1,
};

const CUM_DAYS = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
const CUM_DAYS_LEAP = [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335];

interface Parts { y: number; mo: number; d: number; h: number; mi: number; s: number }

function parseReference(file: string, variable: string, text: string): Parts {
  const m = /^(-?\d{1,4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2}(?:\.\d*)?))?)?\s*(Z|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?)?\s*$/i.exec(text.trim());
  if (!m) throw new ImportError(file, `time units have an unreadable reference date '${text}' (expected e.g. '1981-01-01 00:00:00')`, variable);
  const parts = { y: Number(m[1]), mo: Number(m[2]), d: Number(m[3]), h: Number(m[4] ?? 0), mi: Number(m[5] ?? 0), s: Number(m[6] ?? 0) };
  const tz = m[7];
  if (tz && !/^(Z|UTC|GMT)$/i.test(tz)) {
    const tm = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(tz)!;
    const minutes = (Number(tm[2]) * 60 + Number(tm[3] ?? 0)) * (tm[1] === '-' ? -1 : 1);
    parts.mi -= minutes; // to UTC; normalised by the calendar arithmetic below
  }
  if (parts.mo < 1 || parts.mo > 12 || parts.d < 1 || parts.d > 31) throw new ImportError(file, `time units have an invalid reference date '${text}'`, variable);
  return parts;
}

export function parseCalendar(file: string, variable: string, text: string | undefined): Calendar {
  const c = (text ?? 'standard').trim().toLowerCase();
  if (c === 'standard' || c === 'gregorian' || c === '') return 'standard';
  if (c === 'proleptic_gregorian') return 'proleptic_gregorian';
  if (c === 'noleap' || c === '365_day') return 'noleap';
  if (c === 'all_leap' || c === '366_day') return 'all_leap';
  throw new ImportError(file, `has calendar '${text}', which cannot be placed on real dates (expected standard, gregorian, proleptic_gregorian, noleap/365_day or all_leap/366_day)`, variable);
}

/** Decodes a CF time coordinate to UTC instants. */
export function decodeTimes(file: string, variable: string, values: Float64Array, units: string | undefined, calendarAttr: string | undefined): DecodedTimes {
  if (!units) throw new ImportError(file, "has no 'units' attribute (expected e.g. 'hours since 1979-01-01 00:00:00')", variable);
  const m = /^\s*([A-Za-z]+)\s+since\s+(.+)$/i.exec(units);
  if (!m) throw new ImportError(file, `has time units '${units}' (expected '<days|hours|minutes|seconds> since <date>')`, variable);
  const unitSeconds = UNIT_SECONDS[m[1]!.toLowerCase()];
  if (unitSeconds === undefined) throw new ImportError(file, `has time unit '${m[1]}' (expected days, hours, minutes or seconds; months and years have no fixed length)`, variable);
  const calendar = parseCalendar(file, variable, calendarAttr);
  const ref = parseReference(file, variable, m[2]!);
  if (calendar === 'standard' && (ref.y < 1582 || (ref.y === 1582 && (ref.mo < 10 || (ref.mo === 10 && ref.d < 15))))) {
    throw new ImportError(file, `has a reference date ${m[2]} before the Gregorian reform in the mixed 'standard' calendar, which is not supported (use proleptic_gregorian)`, variable);
  }
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new ImportError(file, `has a missing or non-finite time value at index ${i}`, variable);
    const offsetSeconds = v * unitSeconds;
    let ms: number;
    if (calendar === 'standard' || calendar === 'proleptic_gregorian') {
      ms = Date.UTC(ref.y, ref.mo - 1, ref.d, ref.h, ref.mi, 0) + ref.s * 1000 + offsetSeconds * 1000;
    } else {
      ms = fixedYearToUtc(file, variable, ref, offsetSeconds, calendar === 'noleap' ? 365 : 366);
    }
    // time values are often float32 with rounding noise: snap to the second
    out[i] = Math.round(ms / 1000) * 1000;
  }
  return { ms: out, calendar };
}

/** Calendars whose years all have 365 (noleap) or 366 (all_leap) days. */
function fixedYearToUtc(file: string, variable: string, ref: Parts, offsetSeconds: number, yearDays: 365 | 366): number {
  const cum = yearDays === 365 ? CUM_DAYS : CUM_DAYS_LEAP;
  const refSeconds = ((ref.y * yearDays + cum[ref.mo - 1]! + ref.d - 1) * 86400) + ref.h * 3600 + ref.mi * 60 + ref.s;
  const total = refSeconds + offsetSeconds;
  const dayNumber = Math.floor(total / 86400);
  const secOfDay = total - dayNumber * 86400;
  const y = Math.floor(dayNumber / yearDays);
  const doy = dayNumber - y * yearDays;
  let mo = 11;
  while (cum[mo]! > doy) mo--;
  const d = doy - cum[mo]! + 1;
  if (yearDays === 366 && mo === 1 && d === 29 && !isLeap(y)) {
    throw new ImportError(file, `in the all_leap calendar falls on ${y}-02-29, which does not exist on real dates`, variable);
  }
  return Date.UTC(y, mo, d) + secOfDay * 1000;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}
