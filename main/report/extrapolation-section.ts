/**
 * The extrapolation test's section of a run's HTML report (docs/extrapolation.md): the table of
 * every model's scores against the virtual basin's truth under a changed climate. A report gets
 * at most one such section; a new test replaces it (report/replace-report-section.ts).
 */
import { escapeXml } from './svg-figures.ts';

/** what the section shows (run/run-folder.ts ExtrapolationSummary has these fields) */
export interface ExtrapolationSectionInput {
  readonly change: string;
  readonly scored: { readonly from: string; readonly to: string; readonly days: number };
  readonly grid: { readonly basinCells: number; readonly quick: boolean };
  readonly entries: readonly {
    readonly label: string; readonly co2: string; readonly nseChanged: number | null; readonly nseBaseline: number | null;
    readonly biasChanged: number | null; readonly trueChange: number | null; readonly predictedChange: number | null;
    readonly changeError: number | null; readonly cellChangeAbsErrorMedian: number | null;
  }[];
}

export function extrapolationSectionHtml(s: ExtrapolationSectionInput): string {
  const f = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));
  const rows = s.entries.map((e) => `<tr><td>${escapeXml(e.label)}</td><td>${escapeXml(e.co2)}</td><td>${f(e.nseChanged)}</td><td>${f(e.nseBaseline)}</td><td>${f(e.biasChanged)}</td><td>${f(e.predictedChange)}</td><td>${f(e.trueChange)}</td><td>${f(e.changeError)}</td><td>${f(e.cellChangeAbsErrorMedian)}</td></tr>`).join('');
  return `<h2>Extrapolation test: a changed climate</h2>
<p>The virtual basin's own vegetation grown in a changed climate (${escapeXml(s.change)}), scored ${escapeXml(s.scored.from)} to ${escapeXml(s.scored.to)} (${s.scored.days} days) on ${s.grid.basinCells} basin cells${s.grid.quick ? ' (quick variant: a small window and a tiny run)' : ''}. NSE of daily LAI against the truth (median over cells), bias in the changed climate, and the basin-mean LAI change (changed minus baseline climate) predicted and true (m2 m-2).</p>
<table><tr><th>model</th><th>CO2</th><th>NSE changed</th><th>NSE baseline</th><th>bias changed</th><th>predicted change</th><th>true change</th><th>change error</th><th>cell median abs. change error</th></tr>${rows}</table>
<p class="note">See docs/extrapolation.md for what the test does and which model to trust for scenario work.</p>`;
}
