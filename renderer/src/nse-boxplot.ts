/**
 * Boxplots of per-cell NSE by vegetation (land-cover) class, one box per model (the seed's
 * Figure 3b): box = interquartile range, line = median, whiskers = 1.5 IQR (clipped to the axis,
 * an arrow marks values beyond it). Drawn as SVG so that it scales and is readable by tests.
 */
import type { RunSummary } from '../../main/api/requests/map.ts';

const SVG = 'http://www.w3.org/2000/svg';
const COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];

export function el(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Grid lines every 0.5 NSE from `top` down to the tick labels, and the axis title at the bottom of a `height` tall plot. */
export function nseAxis(svg: SVGSVGElement, x: (v: number) => number, lo: number, hi: number, top: number, height: number, centre: number, title: string): void {
  for (let t = lo; t <= hi + 1e-9; t += 0.5) {
    svg.append(el('line', { x1: x(t), x2: x(t), y1: top, y2: height - 30, stroke: t === 0 ? '#888' : '#ddd', 'stroke-width': 1 }));
    svg.append(el('text', { x: x(t), y: height - 18, 'font-size': 9, 'text-anchor': 'middle', fill: '#333' }, t.toFixed(1)));
  }
  svg.append(el('text', { x: centre, y: height - 4, 'font-size': 10, 'text-anchor': 'middle', fill: '#333' }, title));
}

export function nseBoxplot(run: RunSummary, lo = -1, hi = 1): SVGSVGElement {
  const models = run.entries.filter((e) => e.role === 'model');
  const classes = new Map<number, string>();
  for (const m of models) for (const b of m.byLandCover) classes.set(b.code, b.name);
  const rowH = 10 + models.length * 9;
  const left = 128;
  const width = 300;
  const plotW = width - left - 8;
  const height = 24 + classes.size * rowH + 34;
  const svg = document.createElementNS(SVG, 'svg') as SVGSVGElement;
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', '100%');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `NSE by land cover for ${models.map((m) => m.label).join(', ')}`);
  svg.setAttribute('data-testid', 'nse-boxplot');
  const x = (v: number) => left + ((Math.max(lo, Math.min(hi, v)) - lo) / (hi - lo)) * plotW;
  nseAxis(svg, x, lo, hi, 16, height, left + plotW / 2, 'NSE on the test period (per cell)');
  let row = 0;
  for (const [code, name] of classes) {
    const y0 = 18 + row * rowH;
    svg.append(el('text', { x: 2, y: y0 + rowH / 2 + 3, 'font-size': 9, fill: '#222' }, name.length > 26 ? `${name.slice(0, 25)}…` : name));
    models.forEach((m, i) => {
      const b = m.byLandCover.find((q) => q.code === code)?.nse;
      if (!b || b.median === null || b.q25 === null || b.q75 === null) return;
      const y = y0 + 5 + i * 9;
      const c = COLORS[i % COLORS.length]!;
      const wl = b.whiskerLow ?? b.q25;
      const wh = b.whiskerHigh ?? b.q75;
      const g = el('g', { 'data-model': m.id, 'data-class': code });
      g.append(el('line', { x1: x(wl), x2: x(wh), y1: y + 3, y2: y + 3, stroke: c, 'stroke-width': 1 }));
      g.append(el('rect', { x: x(b.q25), y, width: Math.max(1, x(b.q75) - x(b.q25)), height: 6, fill: c, 'fill-opacity': 0.35, stroke: c }));
      g.append(el('line', { x1: x(b.median), x2: x(b.median), y1: y - 1, y2: y + 7, stroke: '#000', 'stroke-width': 1.5 }));
      if (wl < lo) g.append(el('text', { x: left - 1, y: y + 6, 'font-size': 8, fill: c, 'text-anchor': 'end' }, '◀'));
      g.append(el('title', {}, `${m.label}, ${name}: median ${b.median.toFixed(2)}, IQR ${b.q25.toFixed(2)}..${b.q75.toFixed(2)}, n=${b.n}`));
      svg.append(g);
    });
    row++;
  }
  // legend
  models.forEach((m, i) => {
    svg.append(el('rect', { x: left + i * 80, y: 2, width: 8, height: 8, fill: COLORS[i % COLORS.length]! }));
    svg.append(el('text', { x: left + i * 80 + 11, y: 10, 'font-size': 9, fill: '#222' }, m.label));
  });
  return svg;
}
