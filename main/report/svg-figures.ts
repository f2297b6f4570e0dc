/**
 * Small self-contained SVG figure builders for the offline HTML report: a raster map of a grid
 * layer with a colour bar, grouped boxplots, and a multi-series time-series chart. No external
 * fonts, scripts or network: every figure is a string of SVG markup.
 */
import type { GridSpec } from '../data/grid.ts';
import type { Spread } from '../evaluation/metrics.ts';

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const fmt = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');

/** Colour stops of the NSE scale: below 0 (worse than the mean) red, 0..1 yellow -> green -> blue. */
const NSE_STOPS: ReadonlyArray<[number, [number, number, number]]> = [
  [-1, [165, 0, 38]],
  [0, [244, 109, 67]],
  [0.25, [254, 224, 139]],
  [0.5, [217, 239, 139]],
  [0.75, [102, 189, 99]],
  [1, [26, 90, 160]],
];

export function nseColor(v: number): string {
  if (!Number.isFinite(v)) return '#d9d9d9';
  const x = Math.max(NSE_STOPS[0]![0], Math.min(1, v));
  for (let i = 1; i < NSE_STOPS.length; i++) {
    const [x1, c1] = NSE_STOPS[i]!;
    const [x0, c0] = NSE_STOPS[i - 1]!;
    if (x <= x1) {
      const f = (x - x0) / (x1 - x0);
      const c = c0.map((a, k) => Math.round(a + f * (c1[k]! - a)));
      return `rgb(${c[0]},${c[1]},${c[2]})`;
    }
  }
  return 'rgb(26,90,160)';
}

/**
 * A grid layer drawn cell by cell (row 0 = north at the top). Cells outside `mask` are left
 * blank; masked-in cells with NaN are grey (`colorOf`: the NSE scale unless given).
 */
export function gridMapSvg(grid: GridSpec, values: ArrayLike<number>, mask: ArrayLike<number>, title: string, cell = 5, colorOf: (v: number) => string = nseColor): string {
  const w = grid.ncols * cell;
  const h = grid.nrows * cell;
  const parts: string[] = [];
  for (let r = 0; r < grid.nrows; r++) {
    for (let c = 0; c < grid.ncols; c++) {
      const i = r * grid.ncols + c;
      if (!mask[i]) continue;
      parts.push(`<rect x="${c * cell}" y="${r * cell}" width="${cell}" height="${cell}" fill="${colorOf(values[i]!)}"/>`);
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w + 2}" height="${h + 22}" viewBox="-1 -20 ${w + 2} ${h + 22}" role="img" aria-label="${escapeXml(title)}">` +
    `<text x="0" y="-6" font-size="12" font-family="sans-serif">${escapeXml(title)}</text>` +
    `<rect x="0" y="0" width="${w}" height="${h}" fill="white" stroke="#999" stroke-width="0.5"/>` +
    `<g shape-rendering="crispEdges">${parts.join('')}</g></svg>`;
}

export function nseColorBarSvg(width = 300): string {
  const n = 50;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const v = -1 + (2 * i) / (n - 1);
    parts.push(`<rect x="${(i * width) / n}" y="0" width="${width / n + 0.5}" height="12" fill="${nseColor(v)}"/>`);
  }
  const ticks = [-1, -0.5, 0, 0.5, 1].map((v) => {
    const x = ((v + 1) / 2) * width;
    return `<line x1="${x}" x2="${x}" y1="12" y2="16" stroke="#333"/><text x="${x}" y="28" font-size="10" text-anchor="middle" font-family="sans-serif">${v <= -1 ? '≤ -1' : v}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width + 20}" height="32" viewBox="-10 0 ${width + 20} 32" role="img" aria-label="NSE colour scale">${parts.join('')}${ticks.join('')}</svg>`;
}

const PALETTE = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#666666'];
export const seriesColor = (i: number): string => PALETTE[i % PALETTE.length]!;

export interface BoxGroup {
  readonly label: string;
  /** one box per series, in the order of `seriesLabels` (undefined = no data) */
  readonly boxes: readonly (Spread | undefined)[];
}

/** Grouped vertical boxplots (Tukey whiskers) on a shared y axis, clipped to [yMin, 1]. */
export function boxplotSvg(groups: readonly BoxGroup[], seriesLabels: readonly string[], title: string, yMin = -1): string {
  const boxW = 12;
  const gap = 4;
  const groupW = Math.max(seriesLabels.length * (boxW + gap) + 20, 110);
  const left = 40;
  const top = 24;
  const plotH = 200;
  const w = left + groups.length * groupW + 10;
  const legendH = 16 * Math.ceil(seriesLabels.length / 3);
  const h = top + plotH + 60 + legendH;
  const y = (v: number) => top + ((1 - Math.max(yMin, Math.min(1, v))) / (1 - yMin)) * plotH;
  const out: string[] = [];
  out.push(`<text x="0" y="14" font-size="12" font-family="sans-serif">${escapeXml(title)}</text>`);
  for (let t = yMin; t <= 1.0001; t += 0.5) {
    out.push(`<line x1="${left}" x2="${w - 10}" y1="${y(t)}" y2="${y(t)}" stroke="${Math.abs(t) < 1e-9 ? '#999' : '#eee'}"/>`);
    out.push(`<text x="${left - 4}" y="${y(t) + 3}" font-size="10" text-anchor="end" font-family="sans-serif">${t.toFixed(1)}</text>`);
  }
  groups.forEach((g, gi) => {
    const gx = left + gi * groupW + 10;
    g.boxes.forEach((b, si) => {
      if (!b || b.n === 0) return;
      const x = gx + si * (boxW + gap);
      const col = seriesColor(si);
      out.push(`<line x1="${x + boxW / 2}" x2="${x + boxW / 2}" y1="${y(b.whiskerHigh)}" y2="${y(b.whiskerLow)}" stroke="${col}"/>`);
      out.push(`<rect x="${x}" y="${y(b.q75)}" width="${boxW}" height="${Math.max(1, y(b.q25) - y(b.q75))}" fill="${col}" fill-opacity="0.35" stroke="${col}"><title>${escapeXml(`${seriesLabels[si]} / ${g.label}: median ${fmt(b.median)}, IQR ${fmt(b.q25)}..${fmt(b.q75)}, n=${b.n}`)}</title></rect>`);
      out.push(`<line x1="${x}" x2="${x + boxW}" y1="${y(b.median)}" y2="${y(b.median)}" stroke="${col}" stroke-width="2"/>`);
    });
    // long class names wrap onto two lines so neighbouring groups do not overlap
    const words = g.label.split(' ');
    const half = Math.ceil(words.length / 2);
    const lines = words.length > 1 ? [words.slice(0, half).join(' '), words.slice(half).join(' ')] : [g.label];
    const cx = gx + (seriesLabels.length * (boxW + gap)) / 2;
    lines.forEach((ln, li) => out.push(`<text x="${cx}" y="${top + plotH + 14 + li * 11}" font-size="10" text-anchor="middle" font-family="sans-serif">${escapeXml(ln)}</text>`));
  });
  seriesLabels.forEach((s, i) => {
    const lx = left + (i % 3) * 230;
    const ly = top + plotH + 44 + Math.floor(i / 3) * 16;
    out.push(`<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${seriesColor(i)}"/><text x="${lx + 14}" y="${ly}" font-size="11" font-family="sans-serif">${escapeXml(s)}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${escapeXml(title)}">${out.join('')}</svg>`;
}

export interface LineSeries {
  readonly label: string;
  /** values per x position; NaN = gap */
  readonly values: ArrayLike<number>;
  /** draw as dots (observations) instead of a line */
  readonly dots?: boolean;
  readonly color?: string;
}

/** A time-series chart; x positions are day offsets, labelled with `xLabel(i)` at year starts. */
export function timeSeriesSvg(series: readonly LineSeries[], length: number, title: string, xTicks: readonly { index: number; label: string }[], yLabel: string): string {
  const left = 44;
  const top = 24;
  const plotW = 760;
  const plotH = 220;
  let yMax = 0;
  for (const s of series) for (let i = 0; i < s.values.length; i++) if (Number.isFinite(s.values[i]!)) yMax = Math.max(yMax, s.values[i]!);
  yMax = yMax > 0 ? Math.ceil(yMax * 2) / 2 : 1;
  const x = (i: number) => left + (i / Math.max(1, length - 1)) * plotW;
  const y = (v: number) => top + (1 - v / yMax) * plotH;
  const legendH = 16 * Math.ceil(series.length / 3);
  const out: string[] = [`<text x="0" y="14" font-size="12" font-family="sans-serif">${escapeXml(title)}</text>`];
  for (let k = 0; k <= 4; k++) {
    const v = (yMax * k) / 4;
    out.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/><text x="${left - 4}" y="${y(v) + 3}" font-size="10" text-anchor="end" font-family="sans-serif">${v.toFixed(1)}</text>`);
  }
  out.push(`<text x="10" y="${top + plotH / 2}" font-size="10" font-family="sans-serif" transform="rotate(-90 10 ${top + plotH / 2})" text-anchor="middle">${escapeXml(yLabel)}</text>`);
  for (const t of xTicks) out.push(`<line x1="${x(t.index)}" x2="${x(t.index)}" y1="${top}" y2="${top + plotH}" stroke="#f2f2f2"/><text x="${x(t.index)}" y="${top + plotH + 14}" font-size="10" text-anchor="middle" font-family="sans-serif">${escapeXml(t.label)}</text>`);
  series.forEach((s, si) => {
    const col = s.color ?? seriesColor(si);
    if (s.dots) {
      const dots: string[] = [];
      for (let i = 0; i < s.values.length; i++) if (Number.isFinite(s.values[i]!)) dots.push(`<circle cx="${x(i).toFixed(1)}" cy="${y(s.values[i]!).toFixed(1)}" r="1.8"/>`);
      out.push(`<g fill="${col}">${dots.join('')}</g>`);
      return;
    }
    let d = '';
    let pen = false;
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i]!;
      if (!Number.isFinite(v)) { pen = false; continue; }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)} ${y(v).toFixed(1)}`;
      pen = true;
    }
    out.push(`<path d="${d}" fill="none" stroke="${col}" stroke-width="1.2"/>`);
  });
  series.forEach((s, i) => {
    const lx = left + (i % 3) * 260;
    const ly = top + plotH + 34 + Math.floor(i / 3) * 16;
    out.push(`<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${s.color ?? seriesColor(i)}"/><text x="${lx + 14}" y="${ly}" font-size="11" font-family="sans-serif">${escapeXml(s.label)}</text>`);
  });
  const h = top + plotH + 40 + legendH;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + plotW + 10}" height="${h}" viewBox="0 0 ${left + plotW + 10} ${h}" role="img" aria-label="${escapeXml(title)}">${out.join('')}</svg>`;
}
