/**
 * `npm run bench` prints figures measured in one run. Suites live in main/bench/<area>-bench.ts,
 * each exporting a BenchSuite, and are listed in main/bench/run-bench.ts.
 */
export interface BenchReporter {
  /** a section heading */
  section(title: string): void;
  /** one measured figure: name, value, unit, and optional free-text detail */
  figure(name: string, value: number, unit: string, detail?: string): void;
  /** a note (for example why a comparison was skipped) */
  note(text: string): void;
}

export interface BenchSuite {
  readonly name: string;
  readonly description: string;
  run(report: BenchReporter, options: { quick: boolean }): Promise<void>;
}

/** Median of a non-empty list of samples. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new Error('median of no samples');
  const s = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function consoleReporter(write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): BenchReporter {
  return {
    section: (title) => write(`\n== ${title}`),
    figure: (name, value, unit, detail) =>
      write(`  ${name.padEnd(48)} ${formatValue(value).padStart(12)} ${unit}${detail ? `   (${detail})` : ''}`),
    note: (text) => write(`  note: ${text}`),
  };
}

function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a >= 1000 ? v.toFixed(0) : a >= 1 ? v.toFixed(2) : v.toPrecision(3);
}
