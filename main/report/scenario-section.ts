/**
 * The report's scenario section (issue #13): what the scenario changes, each model's basin mean
 * LAI over the period (baseline, scenario, change), how much of the scenario's forcing lies
 * outside the training envelope, and each model's change map (scenario minus baseline, annual mean). A run's
 * report gains one section per scenario run on it; running the scenario again replaces it.
 */
import type { GridSpec } from '../data/grid.ts';
import { escapeXml, gridMapSvg } from './svg-figures.ts';

export interface ScenarioSectionInput {
  readonly name: string;
  /** the scenario in words: 'Tair +2 K, Rainf x0.8, CO2 550 ppm; humidity: baseline relative humidity' */
  readonly definition: string;
  readonly period: { readonly from: string; readonly to: string };
  /** 'training range' or '1th-99th percentiles' */
  readonly envelope: string;
  /** share of basin cell-days outside the training envelope, overall and per variable */
  readonly outsideEnvelope: { readonly share: number; readonly perVariable: Readonly<Record<string, number>> };
  readonly entries: readonly {
    readonly label: string;
    /** how the entry responds to CO2 */
    readonly co2: string;
    readonly baseline: number | null; readonly scenario: number | null; readonly change: number | null; readonly relative: number | null;
  }[];
  /** the change maps drawn, one per entry: the annual mean change (m2 m-2), row 0 north, on one colour scale */
  readonly maps: { readonly grid: GridSpec; readonly mask: ArrayLike<number>; readonly entries: readonly { readonly label: string; readonly values: ArrayLike<number> }[] };
}

/** Brown (less leaf area) - white - green (more), as the app's BrBG colormap reads; NaN grey. */
function changeColor(limit: number): (v: number) => string {
  const brown = [140, 81, 10];
  const green = [1, 102, 94];
  return (v) => {
    if (!Number.isFinite(v)) return '#d9d9d9';
    const f = Math.max(-1, Math.min(1, v / limit));
    const end = f < 0 ? brown : green;
    const a = Math.abs(f);
    const c = end.map((x) => Math.round(245 + a * (x - 245)));
    return `rgb(${c[0]},${c[1]},${c[2]})`;
  };
}

/** the symmetric colour limit: the largest |change| over the basin in any map, at least 0.01 m2 m-2 */
function limitOf(maps: readonly { readonly values: ArrayLike<number> }[], mask: ArrayLike<number>): number {
  let m = 0.01;
  for (const { values } of maps) for (let i = 0; i < values.length; i++) if (mask[i] && Number.isFinite(values[i]!)) m = Math.max(m, Math.abs(values[i]!));
  return Number(m.toPrecision(2));
}

function colorBarSvg(color: (v: number) => string, limit: number, width = 300): string {
  const n = 50;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(`<rect x="${(i * width) / n}" y="0" width="${width / n + 0.5}" height="12" fill="${color(-limit + (2 * limit * i) / (n - 1))}"/>`);
  const ticks = [-limit, 0, limit].map((v) => {
    const x = ((v + limit) / (2 * limit)) * width;
    return `<line x1="${x}" x2="${x}" y1="12" y2="16" stroke="#333"/><text x="${x}" y="28" font-size="10" text-anchor="middle" font-family="sans-serif">${v}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width + 40}" height="32" viewBox="-20 0 ${width + 40} 32" role="img" aria-label="LAI change colour scale, m2 m-2">${parts.join('')}${ticks.join('')}</svg>`;
}

const num = (v: number | null, d = 3): string => (v === null || !Number.isFinite(v) ? 'n/a' : v.toFixed(d));
const pct = (v: number | null): string => (v === null || !Number.isFinite(v) ? 'n/a' : `${(100 * v).toFixed(1)} %`);

export function scenarioSectionHtml(s: ScenarioSectionInput): string {
  const rows = s.entries.map((e) => `<tr><td>${escapeXml(e.label)}</td><td>${num(e.baseline)}</td><td>${num(e.scenario)}</td><td>${num(e.change)}</td><td>${pct(e.relative)}</td><td style="text-align:left">${escapeXml(e.co2)}</td></tr>`);
  const perVariable = Object.entries(s.outsideEnvelope.perVariable).map(([k, v]) => `${escapeXml(k)} ${pct(v)}`).join(', ');
  const limit = limitOf(s.maps.entries, s.maps.mask);
  const color = changeColor(limit);
  const figures = s.maps.entries.map((m) => gridMapSvg(s.maps.grid, m.values, s.maps.mask, `${m.label}: annual mean LAI change`, 5, color));
  return `<h2>Scenario '${escapeXml(s.name)}'</h2>
<p>${escapeXml(s.definition)}. Period ${escapeXml(s.period.from)} to ${escapeXml(s.period.to)}.</p>
<p><strong>${pct(s.outsideEnvelope.share)} of basin cell-days</strong> have forcing outside the training envelope (${escapeXml(s.envelope)}${perVariable ? `; ${perVariable}` : ''}): there the models extrapolate.</p>
<table><tr><th>model</th><th>baseline LAI</th><th>scenario LAI</th><th>change (m2 m-2)</th><th>change</th><th>CO2 response</th></tr>${rows.join('')}</table>
<p class="note">Basin mean LAI over the period, m2 m-2. CO2 response: process-model = through Ci in the photosynthesis equations; blind-* = the network never saw CO2 change in training.</p>
<p>Change maps: annual mean LAI, scenario minus baseline (m2 m-2; green: more leaf area, brown: less).</p>
${colorBarSvg(color, limit)}
<div class="maps">${figures.join('')}</div>`;
}
