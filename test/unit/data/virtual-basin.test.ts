import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Dataset } from '../../../main/data/dataset.ts';
import { FORCING_NAMES } from '../../../main/data/dataset.ts';
import { generateVirtualBasin } from '../../../main/data/virtual-basin/generate.ts';
import { compositePeriods, noiseCeilingNse } from '../../../main/data/virtual-basin/observations.ts';
import { polygonCellFractions } from '../../../main/data/polygon-fractions.ts';
import { saturationVapourPressure, yearAnomalies } from '../../../main/data/virtual-basin/climate.ts';
import { daysBetween } from '../../../main/data/time-axis.ts';

let ds: Dataset;
const N = 63 * 54;

before(() => {
  ds = generateVirtualBasin({ seed: 7, startDate: '1981-01-01', endDate: '1983-12-31' });
});

/** Per-cell time mean of a [day][cell] series. */
function cellMeans(series: Float32Array, days: number): Float64Array {
  const m = new Float64Array(N);
  for (let t = 0; t < days; t++) for (let c = 0; c < N; c++) m[c]! += series[t * N + c]!;
  for (let c = 0; c < N; c++) m[c]! /= days;
  return m;
}

/** Least-squares slope of y on x. */
function slope(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let mx = 0;
  let my = 0;
  for (let i = 0; i < x.length; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= x.length;
  my /= x.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  return sxy / sxx;
}

test('the dataset has the UCRB grid, a daily axis and forcing in NLDAS-2 units and physical ranges', () => {
  assert.equal(ds.grid.ncols, 63);
  assert.equal(ds.grid.nrows, 54);
  assert.equal(ds.startDate, '1981-01-01');
  assert.equal(ds.dayCount, daysBetween('1981-01-01', '1983-12-31') + 1);
  const ranges = { Rainf: [0, 250], Tair: [220, 320], PSurf: [50000, 105000], Qair: [0, 0.03], LWdown: [80, 550], SWdown: [0, 450], Wind: [0, 30] } as const;
  for (const name of FORCING_NAMES) {
    const a = ds.forcing(name);
    assert.equal(a.length, ds.dayCount * N);
    const [lo, hi] = ranges[name];
    for (let i = 0; i < a.length; i += 97) assert.ok(a[i]! >= lo && a[i]! <= hi, `${name}[${i}] = ${a[i]} outside ${lo}..${hi}`);
  }
  const window = ds.forcing('Tair', { start: 10, end: 20 });
  assert.equal(window.length, 10 * N);
  assert.equal(window[0], ds.forcing('Tair')[10 * N]);
});

test('temperature and pressure fall with elevation; precipitation rises with it', () => {
  const z = ds.staticLayers.elevation;
  const t = cellMeans(ds.forcing('Tair'), ds.dayCount);
  const p = cellMeans(ds.forcing('PSurf'), ds.dayCount);
  const r = cellMeans(ds.forcing('Rainf'), ds.dayCount);
  const lapse = slope(z, t) * 1000; // K per km
  assert.ok(lapse < -4 && lapse > -8, `mean temperature lapse ${lapse.toFixed(2)} K/km`);
  assert.ok(slope(z, p) < 0, 'pressure must fall with elevation');
  // hypsometric check: the scale height RT/g is about 8 km near 280 K
  const low = [...z.keys()].filter((c) => z[c]! < 1600);
  const high = [...z.keys()].filter((c) => z[c]! > 3000);
  assert.ok(low.length > 50 && high.length > 50);
  const mean = (cells: number[], v: ArrayLike<number>) => cells.reduce((s, c) => s + v[c]!, 0) / cells.length;
  const ratio = mean(high, p) / mean(low, p);
  const dz = mean(high, z) - mean(low, z);
  assert.ok(Math.abs(ratio - Math.exp(-dz / 8000)) < 0.03, `pressure ratio ${ratio} for ${dz} m`);
  const annualLow = mean(low, r) * 365.25;
  const annualHigh = mean(high, r) * 365.25;
  assert.ok(annualHigh > 2 * annualLow, `precipitation ${annualLow.toFixed(0)} mm below 1600 m vs ${annualHigh.toFixed(0)} mm above 3000 m`);
  assert.ok(annualLow > 100 && annualLow < 400 && annualHigh < 1600);
});

test('humidity stays below saturation and shortwave below the clear-sky bound', () => {
  const q = ds.forcing('Qair');
  const ta = ds.forcing('Tair');
  const ps = ds.forcing('PSurf');
  const sw = ds.forcing('SWdown');
  for (let i = 0; i < q.length; i += 31) {
    const es = saturationVapourPressure(ta[i]! - 273.15);
    const qs = (0.622 * es) / (ps[i]! - 0.378 * es);
    assert.ok(q[i]! > 0 && q[i]! <= qs * 1.0001, `Qair ${q[i]} vs saturation ${qs}`);
    assert.ok(sw[i]! > 0 && sw[i]! < 420);
  }
  // summer days are brighter than winter days
  const jan = cellMeans(sw.subarray(0, 31 * N), 31);
  const jun = cellMeans(sw.subarray(151 * N, 181 * N), 30);
  for (let c = 0; c < N; c += 50) assert.ok(jun[c]! > 1.5 * jan[c]!);
});

test('true LAI lies within 0..8, is seasonal in deciduous cells, and observations follow it', () => {
  const lai = ds.trueLai!;
  for (let i = 0; i < lai.length; i++) assert.ok(lai[i]! >= 0 && lai[i]! <= 8, `LAI ${lai[i]} at ${i}`);
  const deciduous = [...ds.staticLayers.landCover.keys()].filter((c) => ds.staticLayers.landCover[c] === 4 && ds.mask[c]);
  assert.ok(deciduous.length >= 10, `${deciduous.length} deciduous cells`);
  for (const c of deciduous) {
    // 1982: mid-January against the summer peak (days 150-260)
    const jan = lai[(365 + 15) * N + c]!;
    let peak = 0;
    for (let d = 365 + 150; d < 365 + 260; d++) peak = Math.max(peak, lai[d * N + c]!);
    assert.ok(peak > 3 * jan && peak > 0.8, `deciduous cell ${c}: January ${jan}, summer peak ${peak}`);
  }
  const obs = ds.observations;
  let valid = 0;
  for (let i = 0; i < obs.values.length; i++) {
    const v = obs.values[i]!;
    if (Number.isFinite(v)) {
      valid++;
      assert.ok(v >= 0 && v <= 8);
      assert.equal(ds.mask[i % N], 1, 'observations only inside the basin');
    }
  }
  assert.ok(valid > 0.5 * obs.dayIndex.length * ds.mask.reduce((s, m) => s + m, 0));
});

test('the noise ceiling NSE is below 1 everywhere and above 0.9 over most vegetated cells', () => {
  const nse = noiseCeilingNse(ds.observations, ds.trueLai!, N);
  let vegetated = 0;
  let above = 0;
  for (let c = 0; c < N; c++) {
    if (!ds.mask[c] || !Number.isFinite(nse[c]!)) continue;
    assert.ok(nse[c]! < 1, `cell ${c} NSE ${nse[c]}`);
    if (ds.staticLayers.landCover[c] === 16) continue;
    vegetated++;
    if (nse[c]! > 0.9) above++;
  }
  assert.ok(vegetated > 1000);
  assert.ok(above / vegetated > 0.75, `${above} of ${vegetated} vegetated cells above 0.9`);
});

test('snow hides the ground in winter: mountain observations have more gaps in January than in July', () => {
  const obs = ds.observations;
  const high = [...ds.staticLayers.elevation.keys()].filter((c) => ds.mask[c] && ds.staticLayers.elevation[c]! > 3000);
  let janGaps = 0;
  let julGaps = 0;
  obs.dayIndex.forEach((d, k) => {
    const doy = d % 365;
    for (const c of high) {
      const missing = Number.isNaN(obs.values[k * N + c]!);
      if (doy < 31 && missing) janGaps++;
      if (doy >= 181 && doy < 212 && missing) julGaps++;
    }
  });
  assert.ok(janGaps > 5 * Math.max(julGaps, 1), `January gaps ${janGaps}, July gaps ${julGaps}`);
});

test('observations follow the GLOBMAP cadence: half-monthly to 2000, 8-day from 2001', () => {
  const p = compositePeriods('2000-11-01', daysBetween('2000-11-01', '2001-02-28') + 1);
  const lengths = p.map((x) => x.end - x.start);
  // Nov 1-15, Nov 16-30, Dec 1-15, Dec 16-31, then DOY 1, 9, 17, ... of 2001
  assert.deepEqual(lengths.slice(0, 4), [15, 15, 15, 16]);
  assert.ok(lengths.slice(4).every((l) => l === 8));
  assert.equal(p[4]!.start, daysBetween('2000-11-01', '2001-01-01'));
  assert.equal(p.at(-1)!.end, daysBetween('2000-11-01', '2001-02-26'), 'the composite starting 2001-02-18 ends 2001-02-25');
  for (let k = 0; k < ds.observations.dayIndex.length; k++) {
    const o = ds.observations;
    assert.ok(o.periodStart![k]! <= o.dayIndex[k]! && o.dayIndex[k]! < o.periodEnd![k]!);
  }
});

test('at least 8 named subbasins partition the basin mask, and their polygons rasterize back to their cells', () => {
  assert.ok(ds.subbasins.length >= 8);
  assert.equal(new Set(ds.subbasins.map((s) => s.name)).size, ds.subbasins.length);
  const sum = new Float32Array(N);
  for (const s of ds.subbasins) {
    let cells = 0;
    for (let c = 0; c < N; c++) {
      sum[c]! += s.cellFractions[c]!;
      cells += s.cellFractions[c]!;
    }
    assert.ok(cells >= 40, `${s.name} has ${cells} cells`);
    assert.deepEqual(Array.from(polygonCellFractions(ds.grid, s.geometry)), Array.from(s.cellFractions), `${s.name} polygon`);
  }
  for (let c = 0; c < N; c++) assert.equal(sum[c], ds.mask[c], `cell ${c}`);
  assert.deepEqual(Array.from(polygonCellFractions(ds.grid, ds.basin)), Array.from(ds.mask, Number));
  const inside = ds.mask.reduce((s, m) => s + m, 0);
  assert.ok(inside > 0.35 * N && inside < 0.8 * N, `basin covers ${inside} of ${N} cells`);
});

test('land cover uses every class and places forest higher and wetter than shrubland', () => {
  const lc = ds.staticLayers.landCover;
  const z = ds.staticLayers.elevation;
  const classes = new Set<number>();
  const meanZ = new Map<number, number[]>();
  for (let c = 0; c < N; c++) {
    if (!ds.mask[c]) continue;
    classes.add(lc[c]!);
    (meanZ.get(lc[c]!) ?? meanZ.set(lc[c]!, []).get(lc[c]!)!).push(z[c]!);
  }
  assert.deepEqual([...classes].sort((a, b) => a - b), [1, 4, 7, 10, 12, 16]);
  const avg = (k: number) => meanZ.get(k)!.reduce((s, v) => s + v, 0) / meanZ.get(k)!.length;
  assert.ok(avg(1) > avg(7) + 500, `forest ${avg(1)} m vs shrubland ${avg(7)} m`);
  for (let c = 0; c < N; c++) {
    const s = ds.staticLayers.sandPercent[c]!;
    const k = ds.staticLayers.clayPercent[c]!;
    const o = ds.staticLayers.organicFraction[c]!;
    assert.ok(s >= 0 && k >= 0 && s + k <= 100 && o >= 0 && o <= 1);
  }
});

test('splits are proportional for a short period and normalization uses the training days only', () => {
  const { train, validate, test: testRange } = ds.splits;
  assert.equal(train.start, 0);
  assert.equal(train.end, validate.start);
  assert.equal(validate.end, testRange.start);
  assert.equal(testRange.end, ds.dayCount);
  const t = ds.forcing('Tair', train);
  let s = 0;
  let n = 0;
  for (let i = 0; i < t.length; i++) {
    if (ds.mask[i % N]) {
      s += t[i]!;
      n++;
    }
  }
  assert.ok(Math.abs(s / n - ds.normalization.forcing.Tair.mean) < 1e-6);
});

test('the south gets a summer monsoon: a larger July-September share of precipitation than the north', () => {
  const r = ds.forcing('Rainf');
  const share = (rows: (row: number) => boolean) => {
    let summer = 0;
    let total = 0;
    for (let t = 0; t < ds.dayCount; t++) {
      const doy = t % 365;
      const isSummer = doy >= 181 && doy < 273;
      for (let c = 0; c < N; c++) {
        if (!ds.mask[c] || !rows(Math.floor(c / 63))) continue;
        total += r[t * N + c]!;
        if (isSummer) summer += r[t * N + c]!;
      }
    }
    return summer / total;
  };
  const south = share((row) => row >= 40); // south of ~38.1 N
  const north = share((row) => row < 20); // north of ~40.6 N
  assert.ok(south > north + 0.05, `July-September share: south ${south.toFixed(2)}, north ${north.toFixed(2)}`);
});

test('day-to-day weather is spatially correlated: neighbours agree, distant cells much less', () => {
  const t = ds.forcing('Tair');
  // daily anomalies from a 31-day running mean remove the shared seasonal cycle
  const anomalies = (c: number) => {
    const out: number[] = [];
    for (let d = 15; d < ds.dayCount - 15; d++) {
      let m = 0;
      for (let k = -15; k <= 15; k++) m += t[(d + k) * N + c]!;
      out.push(t[d * N + c]! - m / 31);
    }
    return out;
  };
  const corr = (a: number[], b: number[]) => {
    const ma = a.reduce((s, v) => s + v, 0) / a.length;
    const mb = b.reduce((s, v) => s + v, 0) / b.length;
    let sab = 0;
    let saa = 0;
    let sbb = 0;
    for (let i = 0; i < a.length; i++) {
      sab += (a[i]! - ma) * (b[i]! - mb);
      saa += (a[i]! - ma) ** 2;
      sbb += (b[i]! - mb) ** 2;
    }
    return sab / Math.sqrt(saa * sbb);
  };
  const here = anomalies(20 * 63 + 20);
  const near = corr(here, anomalies(20 * 63 + 21));
  const far = corr(here, anomalies(50 * 63 + 60));
  assert.ok(near > 0.9, `neighbour correlation ${near}`);
  assert.ok(far < near - 0.2, `distant correlation ${far} vs neighbour ${near}`);
  // and from one day to the next (persistence of synoptic anomalies)
  const lag1 = corr(here.slice(0, -1), here.slice(1));
  assert.ok(lag1 > 0.4 && lag1 < 0.95, `lag-one autocorrelation ${lag1}`);
});

test('every paper period holds a multi-year drought with reduced precipitation', () => {
  for (const seed of [1, 42, 2024]) {
    const years = yearAnomalies(seed);
    // the long-run mean factor stays near 1: droughts are episodes, not a trend
    let longRun = 0;
    for (let y = 1950; y <= 2100; y++) longRun += years.get(y)!.precipFactor / 151;
    assert.ok(longRun > 0.9 && longRun < 1.05, `seed ${seed}: long-run precipitation factor ${longRun}`);
    for (const [from, to] of [[1981, 2001], [2002, 2008], [2009, 2016]] as const) {
      const dry: number[] = [];
      for (let y = from; y <= to; y++) if (years.get(y)!.drought) dry.push(y);
      assert.ok(dry.length >= 2, `seed ${seed}: drought years ${dry.join(',')} in ${from}-${to}`);
      assert.ok(dry.every((y, i) => i === 0 || y === dry[i - 1]! + 1), `seed ${seed}: one consecutive episode in ${from}-${to}`);
      const mean = (ys: number[]) => ys.reduce((s, y) => s + years.get(y)!.precipFactor, 0) / ys.length;
      assert.ok(mean(dry) < 0.92, `seed ${seed} ${from}-${to}: drought precipitation factor ${mean(dry)}`);
    }
  }
});
