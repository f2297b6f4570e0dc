/**
 * The scenario results of every run of a project, for the Scenarios panel: which run has results
 * of which scenario, its period, the share outside the training envelope and each entry's basin
 * change over the period (summary.json only; the change maps stay on disk until a layer is drawn).
 */
import { listRunIds, runDir } from '../run/run-folder.ts';
import { listScenarioRuns, readScenarioResult } from './run-listing.ts';

export interface ScenarioResultListing {
  readonly runId: string;
  readonly scenario: string;
  readonly period: { readonly from: string; readonly to: string };
  readonly createdAt: string;
  readonly outsideEnvelope: number;
  readonly entries: {
    readonly id: string; readonly label: string; readonly co2: string;
    readonly baseline: number | null; readonly scenario: number | null; readonly change: number | null; readonly relative: number | null;
  }[];
}

/** finite numbers only: JSON has no NaN (a relative change over a zero baseline) */
const finite = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function listScenarioResults(projectDir: string): ScenarioResultListing[] {
  return listRunIds(projectDir).flatMap((runId) => listScenarioRuns(runDir(projectDir, runId)).flatMap((name): ScenarioResultListing[] => {
    const s = readScenarioResult(projectDir, runId, name);
    if (!s) return [];
    return [{
      runId, scenario: name, period: s.period, createdAt: s.createdAt, outsideEnvelope: s.outsideEnvelope.share,
      entries: s.entries.map((e) => {
        const basin = e.changes['annual']?.find((r) => r.region === 'basin');
        return { id: e.id, label: e.label, co2: e.co2, baseline: finite(basin?.baseline), scenario: finite(basin?.scenario), change: finite(basin?.change), relative: finite(basin?.relative) };
      }),
    }];
  }));
}
