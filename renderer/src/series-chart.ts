/**
 * Time-series chart of LAI at a cell or a subbasin (uPlot): observations as points at their dates,
 * daily series (truth, models, physics-only) as lines, the train / validate / test periods of the
 * charted run shaded (the dataset's when no run is charted), a legend that wraps to show every series,
 * drag to zoom (double-click or "Reset zoom" to zoom out), and CSV export of what is charted.
 */
import uPlot from 'uplot';
import type { ResponseOf } from '../../main/api/contract.ts';
import { h } from './dom.ts';
import { dayToIso, dayToUnixSeconds } from './dates.ts';
import { formatUnits } from './units.ts';
import { bandEdgeSeries, bandPairs, ensembleBands } from './series-band.ts';
import { overlayDash } from './scenario-overlay.ts';

export type SeriesResponse = ResponseOf<'map.series'>;

/** Okabe-Ito, in the order series arrive (observed first). */
const SERIES_COLORS = ['#000000', '#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];
const SPLIT_FILL: Record<string, string> = { train: 'rgba(0,114,178,0.07)', validate: 'rgba(230,159,0,0.12)', test: 'rgba(0,158,115,0.10)' };

/** The charted table: one row per day, a column per series (null where missing). */
export function seriesTable(data: SeriesResponse): { days: number[]; columns: (number | null)[][] } {
  const days = Array.from({ length: data.dayCount }, (_, i) => i);
  const columns = data.series.map((s) => {
    if (!s.days) return s.values;
    const col = new Array<number | null>(data.dayCount).fill(null);
    s.days.forEach((d, i) => {
      if (d >= 0 && d < data.dayCount) col[d] = s.values[i] ?? null;
    });
    return col;
  });
  return { days, columns };
}

export function seriesCsv(data: SeriesResponse): string {
  const { days, columns } = seriesTable(data);
  const header = ['date', ...data.series.map((s) => `${s.label} [${data.units}]`)];
  const quote = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [`# ${data.title}`, header.map(quote).join(',')];
  for (const d of days) {
    const cells = columns.map((c) => c[d]);
    if (cells.every((v) => v === null || v === undefined)) continue;
    lines.push([dayToIso(data.startDate, d), ...cells.map((v) => (v === null || v === undefined ? '' : String(Number(v.toPrecision(6)))))].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Builds a uPlot whose canvas is CPU-backed (willReadFrequently): line charts raster quickly on the
 * CPU, whereas an accelerated 2D canvas is drawn in the GPU process, which under a software GL
 * (SwiftShader) cost ~110 ms of CPU per chart update in the ui bench. uPlot takes no context
 * attributes, so its getContext('2d') call is given them while it is constructed.
 */
function cpuBackedPlot(opts: uPlot.Options, data: uPlot.AlignedData, target: HTMLElement): uPlot {
  const proto = HTMLCanvasElement.prototype;
  const original = proto.getContext;
  const call = original as unknown as (this: HTMLCanvasElement, type: string, attrs?: unknown) => RenderingContext | null;
  proto.getContext = function (this: HTMLCanvasElement, type: string, attrs?: unknown) {
    return call.call(this, type, type === '2d' ? { ...(attrs as object | undefined), willReadFrequently: true } : attrs);
  } as typeof proto.getContext;
  try {
    return new uPlot(opts, data, target);
  } finally {
    proto.getContext = original;
  }
}

export class SeriesChart {
  readonly element: HTMLElement;
  private readonly titleEl: HTMLElement;
  private readonly body: HTMLElement;
  private readonly status: HTMLElement;
  private plot: uPlot | null = null;
  private data: SeriesResponse | null = null;
  onClose: () => void = () => undefined;

  constructor() {
    this.titleEl = h('h2', { 'data-testid': 'chart-title', text: 'Time series' });
    const exportCsv = h('button', { type: 'button', text: 'Export CSV', 'data-testid': 'chart-export-csv' });
    const resetZoom = h('button', { type: 'button', text: 'Reset zoom' });
    const close = h('button', { type: 'button', 'aria-label': 'Close chart', text: '×' });
    this.status = h('span', { class: 'status-line', 'data-testid': 'chart-status' });
    this.body = h('div', { class: 'dock-body', 'data-testid': 'series-chart' });
    this.element = h('div', {}, h('div', { class: 'dock-header' }, this.titleEl, this.status, resetZoom, exportCsv, close), this.body);
    exportCsv.addEventListener('click', () => this.exportCsv());
    resetZoom.addEventListener('click', () => {
      if (this.plot && this.data) this.plot.setScale('x', { min: dayToUnixSeconds(this.data.startDate, 0), max: dayToUnixSeconds(this.data.startDate, this.data.dayCount - 1) });
    });
    close.addEventListener('click', () => this.onClose());
    new ResizeObserver(() => {
      if (this.plot) this.plot.setSize(this.size());
    }).observe(this.body);
  }

  setLoading(title: string): void {
    this.titleEl.textContent = title;
    this.status.textContent = 'loading…';
    this.status.removeAttribute('data-kind');
  }

  setError(message: string): void {
    this.status.textContent = message;
    this.status.setAttribute('data-kind', 'error');
  }

  /** the plot area: the dock body less the legend below it (which wraps onto as many lines as it needs) */
  private size(): { width: number; height: number } {
    const legend = this.body.querySelector<HTMLElement>('.u-legend');
    const legendH = legend ? legend.offsetHeight + 8 : 40;
    return { width: Math.max(200, this.body.clientWidth - 16), height: Math.max(120, this.body.clientHeight - legendH) };
  }

  render(data: SeriesResponse, visibleDays?: [number, number]): void {
    const previous = this.data;
    this.data = data;
    this.titleEl.textContent = data.title;
    // whose periods are shaded, in the header: on the canvas it would cover the narrow periods' names
    this.status.textContent = data.splitsOf ? `shaded: periods of ${data.splitsOf}` : '';
    // what is shaded, for people reading the DOM (tests, assistive tools): whose periods, which days
    this.body.setAttribute('data-splits-of', data.splitsOf ?? 'dataset');
    this.body.setAttribute('data-splits', JSON.stringify(data.splits));
    const { days, columns } = seriesTable(data);
    // how many values the chart draws (all series), for people reading the DOM: an empty chart says 0
    this.body.setAttribute('data-points', String(columns.reduce((n, c) => n + c.filter((v) => v !== null && Number.isFinite(v)).length, 0)));
    const xs = days.map((d) => dayToUnixSeconds(data.startDate, d));
    const sameShape = this.plot && previous && previous.dayCount === data.dayCount && previous.startDate === data.startDate
      && previous.series.map((s) => `${s.id}|${s.label}|${s.kind}`).join() === data.series.map((s) => `${s.id}|${s.label}|${s.kind}`).join()
      && JSON.stringify(previous.splits) === JSON.stringify(data.splits);
    if (sameShape && this.plot) {
      // same series, another place: swap the data and keep the chart (much cheaper than rebuilding it)
      this.plot.setData([xs, ...columns] as uPlot.AlignedData, false);
      if (visibleDays) this.plot.setScale('x', { min: dayToUnixSeconds(data.startDate, visibleDays[0]), max: dayToUnixSeconds(data.startDate, visibleDays[1]) });
      else this.plot.redraw();
      return;
    }
    this.plot?.destroy();
    const splits = data.splits;
    const series: uPlot.Series[] = [{ label: 'Date', value: (_u, v) => (v === null ? '–' : new Date(v * 1000).toISOString().slice(0, 10)) }];
    data.series.forEach((s, i) => {
      const stroke = SERIES_COLORS[i % SERIES_COLORS.length]!;
      const edge = bandEdgeSeries(s, data.series, SERIES_COLORS);
      // the uncalibrated process model (defaults) dashed, beside its calibrated line; in a scenario
      // overlay the baselines are dashed instead (scenario-overlay.ts)
      const overlay = overlayDash(s.id);
      const dash = overlay !== undefined ? (overlay ? { dash: overlay } : {}) : s.id.endsWith(':physics-only') ? { dash: [6, 4] } : {};
      series.push(edge ?? (s.kind === 'observed'
        ? { label: s.label, stroke, width: 0, paths: () => null, points: { show: true, size: 5, fill: stroke, stroke }, value: (_u, v) => (v === null ? '–' : v.toFixed(2)) }
        : { label: s.label, stroke, width: 1.4, ...dash, points: { show: false }, spanGaps: false, value: (_u, v) => (v === null ? '–' : v.toFixed(2)) }));
    });
    const opts: uPlot.Options = {
      ...this.size(),
      series,
      bands: ensembleBands(data.series, SERIES_COLORS),
      scales: { x: { time: true } },
      axes: [{}, { label: `LAI [${formatUnits(data.units)}]`, size: 50 }],
      cursor: { drag: { x: true, y: false } },
      legend: { live: true },
      hooks: {
        drawClear: [(u: uPlot) => {
          const ctx = u.ctx;
          const { top, height } = u.bbox;
          for (const [name, range] of Object.entries(splits)) {
            const x0 = u.valToPos(dayToUnixSeconds(data.startDate, range.start), 'x', true);
            const x1 = u.valToPos(dayToUnixSeconds(data.startDate, range.end), 'x', true);
            const left = Math.max(u.bbox.left, Math.min(x0, x1));
            const right = Math.min(u.bbox.left + u.bbox.width, Math.max(x0, x1));
            if (right <= left) continue;
            ctx.fillStyle = SPLIT_FILL[name] ?? 'rgba(0,0,0,0.05)';
            ctx.fillRect(left, top, right - left, height);
            ctx.fillStyle = '#5b6575';
            ctx.font = `${Math.round(11 * devicePixelRatio)}px sans-serif`;
            ctx.fillText(name, left + 4, top + 12 * devicePixelRatio);
          }
        }],
      },
    };
    const aligned = [xs, ...columns] as uPlot.AlignedData;
    this.plot = cpuBackedPlot(opts, aligned, this.body);
    // the legend's height is known only once it is laid out: shrink the plot so all of it shows
    this.plot.setSize(this.size());
    requestAnimationFrame(() => this.plot?.setSize(this.size()));
    this.body.setAttribute('data-series', data.series.map((s) => s.id).join(','));
    // the ensemble bands drawn: the mean series each surrounds (tests read it)
    this.body.setAttribute('data-bands', bandPairs(data.series).map((b) => b.of).join(','));
    if (visibleDays) this.plot.setScale('x', { min: dayToUnixSeconds(data.startDate, visibleDays[0]), max: dayToUnixSeconds(data.startDate, visibleDays[1]) });
  }

  exportCsv(): void {
    if (!this.data) return;
    const blob = new Blob([seriesCsv(this.data)], { type: 'text/csv' });
    const a = h('a', { href: URL.createObjectURL(blob), download: `${this.data.title.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase() || 'series'}.csv` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  destroy(): void {
    this.plot?.destroy();
    this.plot = null;
  }
}
