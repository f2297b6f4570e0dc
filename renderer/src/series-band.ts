/**
 * The ensemble band of the series chart: the engine sends each band as two series of kind
 * 'spread' (the members' 5th and 95th percentiles, main/map/series.ts) that name the mean series
 * they surround. Here they become faint edge lines in the mean's colour and a uPlot band filled
 * between them, so the band reads as belonging to its mean line. Kept apart from series-chart.ts,
 * which only asks this module how to draw them.
 */
import type uPlot from 'uplot';

interface BandSeries {
  readonly id: string;
  readonly label: string;
  readonly kind: string;
  readonly band?: { readonly of: string; readonly edge: 'lower' | 'upper' } | undefined;
}

/** '#RRGGBB' with an alpha, as an rgba() colour. */
function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}

/** The colour of the series `id` in the chart (its mean's, for a band edge). */
function colourOf(series: readonly BandSeries[], id: string, colours: readonly string[]): string {
  const i = series.findIndex((s) => s.id === id);
  return colours[Math.max(0, i) % colours.length]!;
}

/** uPlot's options for a band edge: a faint line in its mean's colour; null for any other series. */
export function bandEdgeSeries(s: BandSeries, series: readonly BandSeries[], colours: readonly string[]): uPlot.Series | null {
  if (s.kind !== 'spread' || !s.band) return null;
  const stroke = withAlpha(colourOf(series, s.band.of, colours), 0.45);
  return { label: s.label, stroke, width: 0.6, points: { show: false }, spanGaps: false, value: (_u, v) => (v === null ? '–' : v.toFixed(2)) };
}

/** The band edges paired per mean series: uPlot series indices (data column + 1) and the mean's id. */
export function bandPairs(series: readonly BandSeries[]): { of: string; upper: number; lower: number }[] {
  const out: { of: string; upper: number; lower: number }[] = [];
  for (const [i, s] of series.entries()) {
    if (s.kind !== 'spread' || s.band?.edge !== 'upper') continue;
    const of = s.band.of;
    const lower = series.findIndex((x) => x.kind === 'spread' && x.band?.of === of && x.band.edge === 'lower');
    if (lower >= 0) out.push({ of, upper: i + 1, lower: lower + 1 });
  }
  return out;
}

/** uPlot bands filling between each pair of edges, in their mean's colour. */
export function ensembleBands(series: readonly BandSeries[], colours: readonly string[]): uPlot.Band[] {
  return bandPairs(series).map((p) => ({ series: [p.upper, p.lower], fill: withAlpha(colourOf(series, p.of, colours), 0.18) }));
}
