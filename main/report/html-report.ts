/**
 * The run report: one self-contained HTML file (inline CSS and SVG, no scripts, no network)
 * that a person can open offline: the median-NSE table with climatology and the noise ceiling,
 * NSE maps of every entry, NSE boxplots by vegetation type, and one subbasin's test-period
 * series of observed and simulated LAI.
 */
import { LAND_COVER_CLASSES, type Dataset } from '../data/dataset.ts';
import { addDays } from '../data/time-axis.ts';
import type { Evaluation } from '../evaluation/evaluate.ts';
import { subbasinMeans } from '../evaluation/evaluate.ts';
import { boxplotSvg, escapeXml, gridMapSvg, nseColorBarSvg, timeSeriesSvg, type LineSeries } from './svg-figures.ts';

export interface ReportInput {
  readonly title: string;
  readonly runId: string;
  readonly dataset: Dataset;
  readonly evaluation: Evaluation;
  /** daily LAI over [seriesStart, seriesStart + length) per entry id */
  readonly predictions: ReadonlyMap<string, Float32Array>;
  readonly seriesStart: number;
  /** what the run did, in words (preset, reductions, backend, timings) */
  readonly facts: readonly [string, string][];
  readonly reductions: readonly string[];
  readonly notes?: readonly string[];
}

const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'n/a');

export interface TableRow {
  readonly id: string;
  readonly label: string;
  readonly role: 'model' | 'reference';
  readonly median: number;
  readonly q25: number;
  readonly q75: number;
  readonly n: number;
  /** median NSE minus the climatology's, for models */
  readonly vsClimatology?: number;
}

export function nseTable(ev: Evaluation): TableRow[] {
  const clim = ev.entries.find((e) => e.id === 'climatology')?.summary.nse.median ?? NaN;
  return ev.entries.map((e) => ({
    id: e.id, label: e.label, role: e.role, median: e.summary.nse.median, q25: e.summary.nse.q25, q75: e.summary.nse.q75, n: e.summary.nse.n,
    ...(e.role === 'model' ? { vsClimatology: e.summary.nse.median - clim } : {}),
  }));
}

/** The table as fixed-width text for the terminal. */
export function formatNseTable(ev: Evaluation): string {
  const rows = nseTable(ev);
  const w = Math.max(...rows.map((r) => r.label.length), 5);
  const lines = [`${'model'.padEnd(w)}  median NSE   IQR               cells  vs climatology`];
  for (const r of rows) {
    const vs = r.vsClimatology === undefined ? '' : `${r.vsClimatology >= 0 ? '+' : ''}${r.vsClimatology.toFixed(3)} ${r.vsClimatology > 0 ? '(beats it)' : '(does NOT beat it)'}`;
    lines.push(`${r.label.padEnd(w)}  ${f2(r.median).padStart(10)}   ${`${f2(r.q25)}..${f2(r.q75)}`.padEnd(16)}  ${String(r.n).padStart(5)}  ${vs}`);
  }
  return lines.join('\n');
}

/** The subbasin with the most basin cells (its mean series is the smoothest to read). */
function pickSubbasin(ds: Dataset): number {
  let best = 0;
  let bestW = -1;
  ds.subbasins.forEach((sb, i) => {
    let w = 0;
    for (let c = 0; c < ds.mask.length; c++) if (ds.mask[c]) w += sb.cellFractions[c]!;
    if (w > bestW) { bestW = w; best = i; }
  });
  return best;
}

export function buildHtmlReport(input: ReportInput): string {
  const { dataset: ds, evaluation: ev } = input;
  const rows = nseTable(ev);
  const css = 'body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}' +
    'table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}' +
    'td:first-child,th:first-child{text-align:left}tr.reference{color:#555;font-style:italic}' +
    '.maps{display:flex;flex-wrap:wrap;gap:12px}.note{color:#555;font-size:0.9em}.bad{color:#b00}.good{color:#060}';
  const tableRows = rows.map((r) => {
    const vs = r.vsClimatology === undefined ? '' : `<span class="${r.vsClimatology > 0 ? 'good' : 'bad'}">${r.vsClimatology >= 0 ? '+' : ''}${r.vsClimatology.toFixed(3)}</span>`;
    return `<tr class="${r.role}"><td>${escapeXml(r.label)}</td><td>${f2(r.median)}</td><td>${f2(r.q25)} .. ${f2(r.q75)}</td><td>${r.n}</td><td>${vs}</td></tr>`;
  });

  const maps = ev.entries.map((e) => gridMapSvg(ds.grid, e.metrics.nse, ev.commonCells, `${e.label}: median NSE ${f2(e.summary.nse.median)}`, 5));

  const classes = Object.entries(LAND_COVER_CLASSES).map(([code, name]) => ({ code: Number(code), name }));
  const present = classes.filter((c) => ev.entries.some((e) => e.byLandCover.some((b) => b.code === c.code)));
  const box = boxplotSvg(
    present.map((c) => ({ label: c.name, boxes: ev.entries.map((e) => e.byLandCover.find((b) => b.code === c.code)?.nse) })),
    ev.entries.map((e) => e.label),
    'Test-period NSE per cell, by vegetation type (boxes: quartiles; whiskers: 1.5 IQR; axis clipped at -1)',
  );

  let seriesFig = '<p class="note">No subbasins in this dataset.</p>';
  if (ds.subbasins.length > 0) {
    const sbi = pickSubbasin(ds);
    const sb = ds.subbasins[sbi]!;
    const { start, end } = ev.period;
    const len = end - start;
    const C = ds.mask.length;
    const series: LineSeries[] = [];
    // observations: subbasin mean over cells with a valid observation that day
    const obsDaily = new Float32Array(len * C).fill(NaN);
    const d = ds.observations.dayIndex;
    for (let k = 0; k < d.length; k++) {
      if (d[k]! < start || d[k]! >= end) continue;
      obsDaily.set(ds.observations.values.subarray(k * C, (k + 1) * C), (d[k]! - start) * C);
    }
    series.push({ label: 'Observed (subbasin mean of valid cells)', values: subbasinMeans(ds, obsDaily)[sbi]!, dots: true, color: '#000' });
    let i = 0;
    for (const [id, daily] of input.predictions) {
      const off = (start - input.seriesStart) * C;
      const slice = daily.subarray(off, off + len * C);
      const label = ev.entries.find((e) => e.id === id)?.label ?? id;
      series.push({ label, values: subbasinMeans(ds, slice)[sbi]!, color: ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e'][i++ % 5] });
    }
    const ticks: { index: number; label: string }[] = [];
    for (let t = 0; t < len; t++) {
      const iso = addDays(ds.startDate, start + t);
      if (iso.endsWith('-01-01')) ticks.push({ index: t, label: iso.slice(0, 4) });
    }
    seriesFig = timeSeriesSvg(series, len, `Subbasin '${sb.name}': mean LAI over the test period`, ticks, 'LAI (m2 m-2)');
  }

  const facts = input.facts.map(([k, v]) => `<tr><td>${escapeXml(k)}</td><td style="text-align:left">${escapeXml(v)}</td></tr>`).join('');
  const reductions = input.reductions.length
    ? `<h3>Reduced relative to the paper setup</h3><ul>${input.reductions.map((r) => `<li>${escapeXml(r)}</li>`).join('')}</ul>`
    : '';
  const notes = (input.notes ?? []).map((n) => `<p class="note">${escapeXml(n)}</p>`).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(input.title)}</title><style>${css}</style></head>
<body>
<h1>${escapeXml(input.title)}</h1>
<p>Run <code>${escapeXml(input.runId)}</code> on ${escapeXml(ds.source)}. Test period ${escapeXml(addDays(ds.startDate, ev.period.start))} to ${escapeXml(addDays(ds.startDate, ev.period.end - 1))}, ${ev.observationRows.length} observation dates, ${ev.commonCellCount} cells scored (every entry on the same cells).</p>
<h2>Median test NSE</h2>
<table><tr><th>model</th><th>median NSE</th><th>IQR</th><th>cells</th><th>vs climatology</th></tr>${tableRows.join('')}</table>
<p class="note">Climatology: day-of-year mean of the training-period observations. Noise ceiling: the noise-free truth scored against the noisy observations (virtual basin only), the best NSE any model could reach.</p>
${notes}
<h2>NSE maps</h2>
${nseColorBarSvg()}
<div class="maps">${maps.join('')}</div>
<h2>NSE by vegetation type</h2>
${box}
<h2>One subbasin</h2>
${seriesFig}
<h2>Run facts</h2>
<table>${facts}</table>
${reductions}
</body></html>
`;
}
