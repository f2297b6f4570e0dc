/**
 * Time-series CSV export (RFC 4180): a `date` column followed by one column per named series.
 * Missing values (NaN) are written as empty fields; fields containing a comma, quote, CR or LF are
 * quoted with doubled quotes; lines end with CRLF as the RFC specifies. The file is written atomically.
 */
import { writeFileAtomic } from '../project/atomic-write.ts';

export interface CsvSeries {
  readonly name: string;
  /** one value per date; NaN = missing */
  readonly values: ArrayLike<number>;
}

export interface TimeSeriesCsv {
  /** ISO dates (or any row labels), one per row */
  readonly dates: readonly string[];
  readonly series: readonly CsvSeries[];
  /** significant digits for values; default 7 (Float32 precision) */
  readonly precision?: number;
  /** header of the first column; default 'date' */
  readonly dateHeader?: string;
}

export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function formatValue(v: number, precision: number): string {
  if (Number.isNaN(v)) return '';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  // toPrecision then Number() drops trailing zeros and exponent noise for ordinary magnitudes
  return String(Number(v.toPrecision(precision)));
}

export function timeSeriesCsv(spec: TimeSeriesCsv): string {
  const precision = spec.precision ?? 7;
  for (const s of spec.series) {
    if (s.values.length !== spec.dates.length) {
      throw new Error(`CSV export: series '${s.name}' has ${s.values.length} values for ${spec.dates.length} dates`);
    }
  }
  const lines = [[spec.dateHeader ?? 'date', ...spec.series.map((s) => s.name)].map(csvField).join(',')];
  for (let i = 0; i < spec.dates.length; i++) {
    const row = [csvField(spec.dates[i]!)];
    for (const s of spec.series) row.push(formatValue(s.values[i]!, precision));
    lines.push(row.join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export async function writeTimeSeriesCsv(target: string, spec: TimeSeriesCsv): Promise<void> {
  await writeFileAtomic(target, timeSeriesCsv(spec));
}
