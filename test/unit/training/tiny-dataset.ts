/**
 * A small, fully specified Dataset for training and evaluation tests (a few cells, a few years),
 * so tests exercise real training on CI's 2 cores in seconds. LAI follows a lagged response to
 * temperature and rain that a recurrent model can learn; observations every 8 days with gaps.
 */
import { FORCING_NAMES, type Dataset, type ForcingName } from '../../../main/data/dataset.ts';
import { addDays, daysBetween, type DayRange } from '../../../main/data/time-axis.ts';
import { mulberry32 } from '../../../main/util/mulberry32.ts';


export interface TinyOptions { rows?: number; cols?: number; startDate?: string; endDate?: string; seed?: number }

export function makeTinyDataset(opts: TinyOptions = {}): Dataset {
  const rows = opts.rows ?? 4;
  const cols = opts.cols ?? 5;
  const startDate = opts.startDate ?? '2000-01-01';
  const endDate = opts.endDate ?? '2003-12-31';
  const rand = mulberry32(opts.seed ?? 7);
  const C = rows * cols;
  const T = daysBetween(startDate, endDate) + 1;
  const mask = new Uint8Array(C).fill(1);
  mask[0] = 0; // one cell outside the basin
  const landCover = new Uint8Array(C);
  const codes = [1, 7, 10, 12];
  for (let c = 0; c < C; c++) landCover[c] = mask[c] ? codes[c % codes.length]! : 0;
  const elevation = Float32Array.from({ length: C }, (_, c) => 1500 + 100 * (c % cols) + 50 * Math.floor(c / cols));
  const forc: Record<ForcingName, Float32Array> = Object.fromEntries(FORCING_NAMES.map((n) => [n, new Float32Array(T * C)])) as Record<ForcingName, Float32Array>;
  const lai = new Float32Array(T * C);
  const pool = new Float32Array(C).fill(1);
  for (let t = 0; t < T; t++) {
    const season = Math.sin((2 * Math.PI * (t - 100)) / 365.25);
    const yearAnom = Math.sin(t / 300);
    for (let c = 0; c < C; c++) {
      const i = t * C + c;
      const tair = 280 + 12 * season + 3 * yearAnom - elevation[c]! / 400 + 2 * (rand() - 0.5);
      const rain = rand() < 0.3 ? 8 * rand() : 0;
      forc.Tair[i] = tair;
      forc.Rainf[i] = rain;
      forc.PSurf[i] = 85000 - elevation[c]! * 5;
      forc.Qair[i] = 0.004 + 0.002 * season;
      forc.LWdown[i] = 280 + 40 * season;
      forc.SWdown[i] = 200 + 120 * season + 20 * (rand() - 0.5);
      forc.Wind[i] = 3 + rand();
      const growth = Math.max(0, tair - 278) * 0.01 * (1 + rain / 8);
      pool[c] = pool[c]! + growth - 0.02 * pool[c]!;
      lai[i] = mask[c] ? pool[c]! * (landCover[c] === 1 ? 1.5 : 1) : NaN;
    }
  }
  const obsDays: number[] = [];
  for (let d = 0; d < T; d += 8) obsDays.push(d);
  const obsValues = new Float32Array(obsDays.length * C);
  obsDays.forEach((d, k) => {
    for (let c = 0; c < C; c++) {
      obsValues[k * C + c] = !mask[c] || rand() < 0.1 ? NaN : lai[d * C + c]! + 0.1 * (rand() - 0.5);
    }
  });
  const stats = (a: Float32Array) => {
    let s = 0; let n = 0;
    for (const v of a) if (Number.isFinite(v)) { s += v; n++; }
    const mean = s / n;
    let q = 0;
    for (const v of a) if (Number.isFinite(v)) q += (v - mean) ** 2;
    return { mean, std: Math.sqrt(q / n) || 1 };
  };
  const yearDay = (y: number) => daysBetween(startDate, `${y}-01-01`);
  const y0 = Number(startDate.slice(0, 4));
  const y1 = Number(endDate.slice(0, 4));
  const train: DayRange = { start: 0, end: yearDay(y0 + 2) };
  const validate: DayRange = { start: train.end, end: yearDay(y1) };
  const test: DayRange = { start: validate.end, end: T };
  const trainRows = train.end * C;
  const normalization = {
    forcing: Object.fromEntries(FORCING_NAMES.map((n) => [n, stats(forc[n].subarray(0, trainRows))])) as Dataset['normalization']['forcing'],
    lai: stats(obsValues.subarray(0, obsDays.filter((d) => d < train.end).length * C)),
  };
  const lon0 = -110;
  const latTop = 40;
  const box: GeoJSON.Polygon = {
    type: 'Polygon',
    coordinates: [[[lon0 - 0.0625, latTop + 0.0625], [lon0 + cols * 0.125, latTop + 0.0625], [lon0 + cols * 0.125, latTop - rows * 0.125], [lon0 - 0.0625, latTop - rows * 0.125], [lon0 - 0.0625, latTop + 0.0625]]],
  };
  const west = new Float32Array(C);
  for (let c = 0; c < C; c++) west[c] = mask[c] && c % cols < 3 ? 1 : 0;
  return {
    id: 'tiny',
    source: `tiny test basin ${rows}x${cols}, ${startDate}..${endDate}`,
    grid: { nrows: rows, ncols: cols, lon0, latTop, cellSize: 0.125 },
    startDate,
    dayCount: T,
    mask,
    staticLayers: {
      elevation,
      landCover,
      sandPercent: Float32Array.from({ length: C }, (_, c) => 30 + (c % 7) * 5),
      clayPercent: Float32Array.from({ length: C }, (_, c) => 20 + (c % 3) * 5),
      organicFraction: new Float32Array(C).fill(0.05),
    },
    basin: box,
    subbasins: [{ id: 1, name: 'West', geometry: box, cellFractions: west }],
    splits: { train, validate, test },
    normalization,
    forcing(name, range) {
      const r = range ?? { start: 0, end: T };
      if (r.start < 0 || r.end > T || r.start > r.end) throw new Error(`tiny dataset: range [${r.start}, ${r.end}) outside [0, ${T})`);
      return forc[name].slice(r.start * C, r.end * C);
    },
    observations: { dayIndex: Int32Array.from(obsDays), values: obsValues },
    trueLai: lai,
  };
}

export const tinyEndDate = (d: Dataset) => addDays(d.startDate, d.dayCount - 1);
