/**
 * A what-if climate scenario: delta-change forcing applied to a baseline period of the project's
 * own record. zod only (no Node imports): the API contract and the renderer reuse the schema.
 *
 * What a scenario changes, and how (docs/scenarios.md):
 * - Tair:   additive change, K
 * - Rainf:  multiplier (>= 0) of the daily precipitation
 * - SWdown: multiplier (>= 0) of the daily-mean downward shortwave (optional)
 * - Qair:   not set directly: it follows Tair so that each day keeps its baseline relative humidity
 * - CO2:    the atmospheric concentration, ppm (150..2000)
 * Each may be one value or 12 monthly values (January first). PSurf, LWdown and Wind stay baseline.
 */
import { z } from 'zod';
import { describeIssues } from '../../util/zod-issues.ts';
import { parseIsoDate } from '../time-axis.ts';

export const SCENARIO_SCHEMA_VERSION = 1;

/** The forcing variables a scenario may change, and what its number means for each. */
export const SCENARIO_CHANGES = Object.freeze({
  Tair: { kind: 'add', units: 'K', label: 'temperature change' },
  Rainf: { kind: 'multiply', units: '1', label: 'precipitation multiplier' },
  SWdown: { kind: 'multiply', units: '1', label: 'shortwave multiplier' },
} as const);
export type ScenarioVariable = keyof typeof SCENARIO_CHANGES;
export const SCENARIO_VARIABLES = Object.keys(SCENARIO_CHANGES) as ScenarioVariable[];

/** The range of atmospheric CO2 a scenario may set (ppm): beyond it the photosynthesis equations are not meant to hold. */
export const CO2_RANGE_PPM = Object.freeze({ min: 150, max: 2000 });

/** One value for every month, or 12 values, January first. */
const monthlyValue = (check: (v: number) => string | undefined) =>
  z.union([z.number(), z.array(z.number()).length(12, 'give one value or 12 monthly values (January first)')])
    .superRefine((v, ctx) => {
      const values = typeof v === 'number' ? [v] : v;
      for (const [i, x] of values.entries()) {
        const problem = Number.isFinite(x) ? check(x) : 'must be a finite number';
        if (problem) ctx.addIssue({ code: 'custom', message: typeof v === 'number' ? problem : `month ${i + 1}: ${problem}` });
      }
    });
export type MonthlyValue = number | number[];

const temperatureChange = monthlyValue((x) => (Math.abs(x) > 20 ? 'a temperature change beyond +/-20 K is not a delta-change scenario' : undefined));
const multiplier = monthlyValue((x) => (x < 0 ? 'must not be negative (a multiplier: 0.8 = 20 % less)' : x > 10 ? 'a multiplier above 10 is not a delta-change scenario' : undefined));
const co2 = monthlyValue((x) => (x < CO2_RANGE_PPM.min || x > CO2_RANGE_PPM.max ? `CO2 must be within ${CO2_RANGE_PPM.min}-${CO2_RANGE_PPM.max} ppm (got ${x})` : undefined));

export const scenarioChangesSchema = z.object({
  Tair: temperatureChange.optional(),
  Rainf: multiplier.optional(),
  SWdown: multiplier.optional(),
}).strict();

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

export const scenarioNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'a name of letters, digits, _ . - (up to 64, starting with a letter or digit)');

export const scenarioSchema = z.object({
  schemaVersion: z.literal(SCENARIO_SCHEMA_VERSION),
  name: scenarioNameSchema,
  description: z.string(),
  createdAt: z.iso.datetime(),
  /** baseline period, inclusive ISO dates; absent = the test period of the run it is applied to */
  period: z.object({ from: isoDate, to: isoDate }).strict()
    .refine((p) => p.from <= p.to, { message: 'period.from must not be after period.to' }).optional(),
  changes: scenarioChangesSchema,
  /** atmospheric CO2, ppm, replacing the historic value; absent = the historic record's (Mauna Loa annual means) */
  co2Ppm: co2.optional(),
  /** how specific humidity follows the temperature change; the only rule so far */
  humidity: z.literal('baseline-relative-humidity'),
}).strict();

export type Scenario = z.infer<typeof scenarioSchema>;

/** The value for month m (0 = January) of a single-or-monthly value. */
export function monthValue(v: MonthlyValue, month: number): number {
  return typeof v === 'number' ? v : v[month]!;
}

/** The changes in words, as the CLI, the app and the report show them: 'Tair +2, Rainf x0.8, CO2 550 ppm' ('' for none). */
export function describeChanges(s: Pick<Scenario, 'changes' | 'co2Ppm'>): string {
  const fmt = (v: MonthlyValue) => (typeof v === 'number' ? String(v) : `[${v.join(',')}]`);
  const parts = Object.entries(s.changes).map(([k, v]) => `${k} ${SCENARIO_CHANGES[k as ScenarioVariable].kind === 'add' ? '+' : 'x'}${fmt(v)}`);
  if (s.co2Ppm !== undefined) parts.push(`CO2 ${fmt(s.co2Ppm)} ppm`);
  return parts.join(', ');
}

/**
 * Names an unknown variable in `changes` with what scenarios can change, before zod's generic
 * "unknown key" (which would not say why Qair, say, cannot be set).
 */
export function unknownScenarioVariables(raw: unknown): string | undefined {
  const changes = (raw as { changes?: unknown } | null)?.changes;
  if (!changes || typeof changes !== 'object' || Array.isArray(changes)) return undefined;
  const unknown = Object.keys(changes).filter((k) => !(k in SCENARIO_CHANGES));
  if (unknown.length === 0) return undefined;
  const allowed = SCENARIO_VARIABLES.map((v) => `${v} (${SCENARIO_CHANGES[v].label})`).join(', ');
  return `changes: unknown variable${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `'${u}'`).join(', ')}; a scenario changes ${allowed}` +
    (unknown.includes('Qair') ? '; Qair follows Tair at the baseline relative humidity' : '');
}

/** 'A..B' with years (2009..2016: whole years) or ISO dates, as the CLI and the UI take a period. */
export function parsePeriod(text: string): { from: string; to: string } {
  const m = /^\s*(\d{4}(?:-\d{2}-\d{2})?)\s*\.\.\s*(\d{4}(?:-\d{2}-\d{2})?)\s*$/.exec(text);
  if (!m) throw new Error(`period: '${text}' is not A..B (years like 2009..2016 or dates like 2009-01-01..2016-12-31)`);
  const from = m[1]!.length === 4 ? `${m[1]}-01-01` : m[1]!;
  const to = m[2]!.length === 4 ? `${m[2]}-12-31` : m[2]!;
  return { from, to };
}

/** What a user gives to define a scenario; the rest (version, time stamp, humidity rule) is filled in. */
export interface ScenarioInput {
  name: string;
  description?: string;
  period?: { from: string; to: string };
  changes: Record<string, MonthlyValue>;
  co2Ppm?: MonthlyValue;
}

/** Checks a scenario (from a file, the CLI or the UI) and returns it, or throws one line naming the field. */
export function checkScenario(raw: unknown): Scenario {
  const unknown = unknownScenarioVariables(raw);
  if (unknown) throw new Error(unknown);
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) throw new Error(describeIssues(parsed.error).text);
  for (const key of ['from', 'to'] as const) {
    const date = parsed.data.period?.[key];
    if (date === undefined) continue;
    try {
      parseIsoDate(date);
    } catch {
      throw new Error(`period.${key}: '${date}' is not a calendar date`);
    }
  }
  return parsed.data;
}
