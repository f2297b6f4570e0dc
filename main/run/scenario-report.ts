/**
 * A scenario run adds its section to the run's report.html (report/scenario-section.ts) when the
 * run has one (demo runs): definition, per-model basin change, the share outside the training
 * envelope and each model's annual change map. Written atomically; a run without a report
 * gets none made for it (its results are in scenarios/<name>/ and on the map).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Dataset } from '../data/dataset.ts';
import { describeChanges, type Scenario } from '../data/scenario/scenario-definition.ts';
import { writeFileAtomic } from '../project/atomic-write.ts';
import { scenarioSectionHtml } from '../report/scenario-section.ts';
import { withReportSection } from '../report/replace-report-section.ts';
import { REPORT_FILE, type ScenarioSummary } from './run-folder.ts';

export interface ScenarioReportEntry {
  readonly label: string;
  /** the annual mean change map, m2 m-2, row 0 north */
  readonly annualChange: ArrayLike<number>;
}

/** Puts the scenario's section into runDir/report.html; returns the report's path, or null when the run has no report. */
export async function addScenarioToReport(runDir: string, dataset: Dataset, scenario: Scenario, summary: ScenarioSummary, maps: readonly ScenarioReportEntry[]): Promise<string | null> {
  const file = path.join(runDir, REPORT_FILE);
  if (!existsSync(file) || maps.length === 0) return null;
  const num = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const section = scenarioSectionHtml({
    name: scenario.name,
    definition: `${describeChanges(scenario) || 'no change'}; humidity keeps the baseline relative humidity`,
    period: summary.period,
    envelope: summary.envelope === 'range' ? 'training range' : `${summary.envelope}th-${100 - summary.envelope}th percentiles`,
    outsideEnvelope: summary.outsideEnvelope,
    entries: summary.entries.map((e) => {
      const basin = e.changes['annual']?.find((r) => r.region === 'basin');
      return { label: e.label, co2: e.co2, baseline: num(basin?.baseline), scenario: num(basin?.scenario), change: num(basin?.change), relative: num(basin?.relative) };
    }),
    maps: { grid: dataset.grid, mask: dataset.mask, entries: maps.map((m) => ({ label: m.label, values: m.annualChange })) },
  });
  await writeFileAtomic(file, withReportSection(readFileSync(file, 'utf8'), `scenario-${scenario.name}`, section));
  return file;
}
