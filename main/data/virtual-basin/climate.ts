/**
 * Climate of the virtual basin: the static climatology of each cell (temperature, precipitation
 * and its seasonal regime) and a stochastic daily weather generator that produces the seven
 * NLDAS-2 forcings. Every formula and constant is listed with its source in docs/virtual-basin.md.
 */
import type { GridSpec } from '../grid.ts';
import { cellLat } from '../grid.ts';
import type { Terrain } from './terrain.ts';
import { CorrelatedField } from './noise-field.ts';
import { Rng, normalCdf, normalQuantile } from './prng.ts';

export const GRAVITY = 9.80665; // m s-2
export const R_DRY_AIR = 287.05; // J kg-1 K-1
export const STEFAN_BOLTZMANN = 5.670374e-8; // W m-2 K-4
export const SEA_LEVEL_PRESSURE = 101325; // Pa, standard atmosphere
export const SOLAR_CONSTANT_MJ = 0.082; // MJ m-2 min-1 (FAO-56 Gsc)
const TWO_PI = 2 * Math.PI;

/** Monthly precipitation weights (Jan..Dec) of the three regimes, before normalization to mean 1. */
const REGIME_WINTER = [1.25, 1.15, 1.25, 1.15, 0.95, 0.55, 0.6, 0.75, 0.8, 0.95, 1.15, 1.25];
const REGIME_BASIN = [0.6, 0.6, 0.8, 1.1, 1.45, 1.2, 0.9, 0.95, 1.1, 1.0, 0.7, 0.6];
const REGIME_MONSOON = [0.9, 0.8, 0.85, 0.55, 0.5, 0.35, 1.4, 1.8, 1.5, 1.25, 0.85, 0.95];

/** Daily (day of year 1..366 -> index 0..365) shape with annual mean 1, by circular interpolation of monthly weights. */
function dailyShape(monthly: readonly number[]): Float32Array {
  const mid = [15.5, 45, 74.5, 105, 135.5, 166, 196.5, 227.5, 258, 288.5, 319, 349.5];
  const out = new Float32Array(366);
  for (let d = 0; d < 366; d++) {
    const x = d + 0.5;
    let i = mid.findIndex((m) => m > x) - 1;
    if (i === -2) i = 11;
    const j = (i + 1) % 12;
    const x0 = i === -1 ? mid[11]! - 365 : mid[i]!;
    const x1 = i === 11 && j === 0 ? mid[0]! + 365 : mid[j]!;
    const t = (x - x0) / (x1 - x0);
    out[d] = monthly[(i + 12) % 12]! * (1 - t) + monthly[j]! * t;
  }
  let mean = 0;
  for (let d = 0; d < 365; d++) mean += out[d]!;
  mean /= 365;
  for (let d = 0; d < 366; d++) out[d]! /= mean;
  return out;
}

export interface Climatology {
  /** long-term mean annual precipitation, mm */
  readonly annualPrecipMm: Float32Array;
  /** annual mean near-surface temperature, deg C */
  readonly annualTempC: Float32Array;
  /** 0..1 weight of the summer-monsoon regime */
  readonly monsoonIndex: Float32Array;
  /** 0..1 weight of the mountain (winter-storm) regime */
  readonly mountainIndex: Float32Array;
  /** elevation above the 50-km regional mean, m (relief that lifts air) */
  readonly reliefM: Float32Array;
}

/** Sea-level-equivalent annual mean temperature (deg C) and half-range of the seasonal cycle (K) at a latitude. */
function seaLevelTemp(lat: number): [number, number] {
  return [19.8 - 0.85 * (lat - 39), 15.5 + 0.3 * (lat - 39)];
}

/** Environmental lapse rate (K per km) by day of year: ~4.6 in January, ~7.0 in July. */
export function lapseRate(doy: number): number {
  return 5.8 - 1.2 * Math.cos((TWO_PI * (doy - 15)) / 365.25);
}

export function buildClimatology(grid: GridSpec, terrain: Terrain): Climatology {
  const { ncols, nrows } = grid;
  const n = ncols * nrows;
  const z = terrain.elevation;
  // regional mean elevation: box mean over +-4 cells (about 50 km)
  const regional = new Float32Array(n);
  for (let r = 0; r < nrows; r++) {
    for (let c = 0; c < ncols; c++) {
      let s = 0;
      let k = 0;
      for (let rr = Math.max(0, r - 4); rr <= Math.min(nrows - 1, r + 4); rr++) {
        for (let cc = Math.max(0, c - 4); cc <= Math.min(ncols - 1, c + 4); cc++) {
          s += z[rr * ncols + cc]!;
          k++;
        }
      }
      regional[r * ncols + c] = s / k;
    }
  }
  const annualPrecipMm = new Float32Array(n);
  const annualTempC = new Float32Array(n);
  const monsoonIndex = new Float32Array(n);
  const mountainIndex = new Float32Array(n);
  const reliefM = new Float32Array(n);
  for (let r = 0; r < nrows; r++) {
    const lat = cellLat(grid, r);
    const [t0] = seaLevelTemp(lat);
    const m = clamp((40.3 - lat) / 2.8, 0, 1);
    for (let c = 0; c < ncols; c++) {
      const i = r * ncols + c;
      const relief = z[i]! - regional[i]!;
      reliefM[i] = relief;
      const windward = clamp(terrain.eastwardSlope[i]! / 20, -1, 1);
      annualPrecipMm[i] = (150 + 0.12 * Math.max(z[i]! - 1200, 0) + 0.55 * Math.max(relief, 0) + 60 * m) * (1 + 0.2 * windward);
      annualTempC[i] = t0 - 5.8 * (z[i]! / 1000);
      monsoonIndex[i] = m;
      mountainIndex[i] = clamp(relief / 700, 0, 1) * clamp((z[i]! - 2100) / 1000, 0, 1);
    }
  }
  return { annualPrecipMm, annualTempC, monsoonIndex, mountainIndex, reliefM };
}

/** Year-to-year climate anomalies, fixed per calendar year for a seed (independent of the period generated). */
export interface YearAnomaly {
  /** multiplicative precipitation factor of the whole basin (drought episodes included) */
  readonly precipFactor: number;
  /** north-south dipole of precipitation (ENSO-like; > 0 wetter south) */
  readonly dipole: number;
  /** monsoon strength anomaly (log factor) */
  readonly monsoon: number;
  /** temperature anomaly, K (includes a warming trend) */
  readonly tempK: number;
  /** whether the year belongs to a multi-year drought episode */
  readonly drought: boolean;
}

export const FIRST_CLIMATE_YEAR = 1950;
export const LAST_CLIMATE_YEAR = 2100;

export function yearAnomalies(seed: number): Map<number, YearAnomaly> {
  const rng = new Rng(seed, 'climate/years');
  // multi-year droughts, one wholly inside each paper period (train 1981-2001, validate 2002-2008,
  // test 2009-2016) so that every split sees one; the second echoes the real 2000-2004 drought
  const droughts: Array<[number, number, number]> = [
    [rng.int(1987, 1992), rng.int(2, 3), 0.8],
    [rng.int(2002, 2004), rng.int(3, 5), 0.72],
    [rng.int(2010, 2013), rng.int(2, 3), 0.78],
  ];
  const out = new Map<number, YearAnomaly>();
  let a = 0;
  for (let y = FIRST_CLIMATE_YEAR; y <= LAST_CLIMATE_YEAR; y++) {
    a = 0.4 * a + Math.sqrt(1 - 0.16) * rng.normal();
    const dipole = rng.normal();
    const monsoon = 0.3 * rng.normal();
    const tempK = 0.5 * rng.normal() + 0.03 * (y - 1981);
    let d = 1;
    for (const [start, len, f] of droughts) if (y >= start && y < start + len) d = Math.min(d, f);
    out.set(y, { precipFactor: d * Math.exp(0.16 * a - 0.0128), dipole, monsoon, tempK: tempK + (d < 1 ? 0.4 : 0), drought: d < 1 });
  }
  return out;
}

/** Daily top-of-atmosphere radiation (FAO-56 eq. 21), MJ m-2 day-1, at latitude `lat` and day of year `doy`. */
export function extraterrestrialRadiation(lat: number, doy: number): number {
  const phi = (lat * Math.PI) / 180;
  const dr = 1 + 0.033 * Math.cos((TWO_PI * doy) / 365);
  const delta = 0.409 * Math.sin((TWO_PI * doy) / 365 - 1.39);
  const ws = Math.acos(clamp(-Math.tan(phi) * Math.tan(delta), -1, 1));
  return ((24 * 60) / Math.PI) * SOLAR_CONSTANT_MJ * dr * (ws * Math.sin(phi) * Math.sin(delta) + Math.cos(phi) * Math.cos(delta) * Math.sin(ws));
}

/** Saturation vapour pressure over water, Pa (Bolton 1980), `tc` in deg C. */
export function saturationVapourPressure(tc: number): number {
  return 611.2 * Math.exp((17.67 * tc) / (tc + 243.5));
}

export interface DayForcing {
  readonly Rainf: Float32Array;
  readonly Tair: Float32Array;
  readonly PSurf: Float32Array;
  readonly Qair: Float32Array;
  readonly LWdown: Float32Array;
  readonly SWdown: Float32Array;
  readonly Wind: Float32Array;
  /** 0..1 daily cloud fraction (drives radiation; used by the satellite observation model) */
  readonly cloud: Float32Array;
}

export function allocateDayForcing(n: number): DayForcing {
  return {
    Rainf: new Float32Array(n), Tair: new Float32Array(n), PSurf: new Float32Array(n), Qair: new Float32Array(n),
    LWdown: new Float32Array(n), SWdown: new Float32Array(n), Wind: new Float32Array(n), cloud: new Float32Array(n),
  };
}

/** Stochastic weather: call `day()` once per consecutive day. */
export class WeatherGenerator {
  private readonly tLarge: CorrelatedField;
  private readonly tLocal: CorrelatedField;
  private readonly pLarge: CorrelatedField;
  private readonly pLocal: CorrelatedField;
  private readonly wind: CorrelatedField;
  private readonly press: CorrelatedField;
  private readonly shapeWinter = dailyShape(REGIME_WINTER);
  private readonly shapeBasin = dailyShape(REGIME_BASIN);
  private readonly shapeMonsoon = dailyShape(REGIME_MONSOON);
  private readonly years: Map<number, YearAnomaly>;
  private readonly lat: Float64Array;

  constructor(private readonly grid: GridSpec, private readonly terrain: Terrain, private readonly clim: Climatology, seed: number) {
    this.tLarge = new CorrelatedField(grid, 16, 0.75, seed, 'weather/temperature-synoptic');
    this.tLocal = new CorrelatedField(grid, 6, 0.5, seed, 'weather/temperature-local');
    this.pLarge = new CorrelatedField(grid, 14, 0.5, seed, 'weather/precip-synoptic');
    this.pLocal = new CorrelatedField(grid, 4, 0.3, seed, 'weather/precip-convective');
    this.wind = new CorrelatedField(grid, 12, 0.55, seed, 'weather/wind');
    this.press = new CorrelatedField(grid, 18, 0.7, seed, 'weather/pressure');
    this.years = yearAnomalies(seed);
    this.lat = new Float64Array(grid.nrows);
    for (let r = 0; r < grid.nrows; r++) this.lat[r] = cellLat(grid, r);
  }

  yearAnomaly(year: number): YearAnomaly {
    const y = this.years.get(year);
    if (!y) throw new Error(`virtual basin: year ${year} is outside ${FIRST_CLIMATE_YEAR}..${LAST_CLIMATE_YEAR}`);
    return y;
  }

  /** Fills `out` with the forcing of one day (`doy` 1..366 of calendar `year`). */
  day(year: number, doy: number, out: DayForcing): void {
    const { grid, terrain, clim } = this;
    const ya = this.yearAnomaly(year);
    const tl = this.tLarge.step();
    const tloc = this.tLocal.step();
    const pl = this.pLarge.step();
    const ploc = this.pLocal.step();
    const wf = this.wind.step();
    const pf = this.press.step();
    const d = Math.min(doy, 366) - 1;
    const seasonCos = Math.cos((TWO_PI * (doy - 18)) / 365.25);
    const gamma = lapseRate(doy) / 1000; // K per m
    const sigmaT = 3.0 + 0.8 * Math.cos((TWO_PI * (doy - 15)) / 365.25);
    const monsoonSeason = Math.exp(-0.5 * ((doy - 220) / 30) ** 2);
    const springWind = 0.6 * Math.exp(-0.5 * ((doy - 105) / 35) ** 2);
    const rhSeason = 0.17 * Math.cos((TWO_PI * (doy - 15)) / 365.25);
    const monsoonYear = Math.exp(ya.monsoon) - 1;
    // locals for the hot loop (3402 cells x 13 000+ days)
    const elev = terrain.elevation;
    const monsoonIdx = clim.monsoonIndex;
    const mountainIdx = clim.mountainIndex;
    const annualP = clim.annualPrecipMm;
    const relief = clim.reliefM;
    const sMonsoon = this.shapeMonsoon[d]!;
    const sWinter = this.shapeWinter[d]!;
    const sBasin = this.shapeBasin[d]!;
    const { Rainf: oRain, Tair: oTair, PSurf: oPs, Qair: oQ, LWdown: oLw, SWdown: oSw, Wind: oWind, cloud: oCloud } = out;
    const ncols = grid.ncols;
    for (let r = 0; r < grid.nrows; r++) {
      const lat = this.lat[r]!;
      const [t0, amp] = seaLevelTemp(lat);
      const tSea = t0 - amp * seasonCos + ya.tempK;
      const rso0 = extraterrestrialRadiation(lat, doy) * (1e6 / 86400); // W m-2 at the top of the atmosphere
      const dip = clamp((39.5 - lat) / 3, -1, 1);
      for (let c = 0; c < ncols; c++) {
        const i = r * ncols + c;
        const z = elev[i]!;
        const m = monsoonIdx[i]!;
        const u = mountainIdx[i]!;
        // precipitation: regime shape, year factors, Gaussian-copula occurrence and amount
        const mw = m * (1 - 0.45 * u);
        const shape = mw * sMonsoon + (1 - mw) * (u * sWinter + (1 - u) * sBasin);
        const yf = ya.precipFactor * Math.exp(0.12 * ya.dipole * dip) * (1 + mw * monsoonSeason * monsoonYear);
        const pMean = (annualP[i]! / 365.25) * shape * yf;
        const reliefIdx = clamp(relief[i]! / 800, 0, 1);
        const p0 = 0.17 + 0.1 * reliefIdx + 0.05 * clamp((z - 1500) / 1500, 0, 1);
        const pWet = clamp(p0 * (0.55 + 0.45 * shape) * (0.85 + 0.15 * yf), 0.02, 0.75);
        // convective (small-scale) share grows in the monsoon season
        const conv = 0.36 + 0.4 * m * monsoonSeason;
        const zp = Math.sqrt(1 - conv) * pl[i]! + Math.sqrt(conv) * ploc[i]!;
        const zThr = normalQuantile(1 - pWet);
        let rain = 0;
        if (zp > zThr) {
          const uu = (normalCdf(zp) - (1 - pWet)) / pWet;
          rain = Math.min(-(pMean / pWet) * Math.log(1 - Math.min(uu, 0.999999)), 200);
        }
        const cloud = 1 / (1 + Math.exp(-1.7 * (zp - zThr + 1.0)));
        // temperature: sea-level climatology, seasonal lapse rate, synoptic + local anomalies, wet-day cooling
        const tc = tSea - gamma * z + sigmaT * (0.88 * tl[i]! + 0.47 * tloc[i]!) - 1.5 * Math.min(Math.max(zp - zThr, 0), 1.5);
        const tk = tc + 273.15;
        // pressure: hypsometric equation with the mean temperature of the column below the cell
        const psl = 101500 + 700 * pf[i]! - 350 * pl[i]!;
        const tMeanColumn = tk + 0.5 * gamma * z;
        const ps = psl * Math.exp((-GRAVITY * z) / (R_DRY_AIR * tMeanColumn));
        // humidity: relative humidity by season, monsoon moisture, elevation and cloudiness
        const rh = clamp(0.4 + rhSeason + 0.15 * m * monsoonSeason + 0.04 * ((z - 1500) / 1000) + 0.3 * cloud, 0.06, 0.98);
        const e = rh * saturationVapourPressure(tc);
        const q = (0.622 * e) / (ps - 0.378 * e);
        // radiation: FAO-56 clear-sky (eq. 37) with Kasten & Czeplak cloud attenuation; Brutsaert longwave
        const sw = rso0 * (0.75 + 2e-5 * z) * (1 - 0.75 * Math.pow(cloud, 3.4));
        const epsClear = 1.24 * Math.pow(e / 100 / tk, 1 / 7);
        const lw = (epsClear * (1 - cloud) + cloud) * STEFAN_BOLTZMANN * tk ** 4;
        // wind: stronger on exposed relief and in spring, log-normal day to day, stormy with precipitation
        const wMean = 2.6 + 1.2 * reliefIdx + 0.5 * clamp((z - 2500) / 1000, 0, 1) + springWind;
        const zw = 0.85 * wf[i]! + 0.53 * pl[i]!;
        const wind = clamp(wMean * Math.exp(0.38 * zw - 0.072), 0.3, 25);
        oRain[i] = rain;
        oTair[i] = tk;
        oPs[i] = ps;
        oQ[i] = q;
        oLw[i] = lw;
        oSw[i] = sw;
        oWind[i] = wind;
        oCloud[i] = cloud;
      }
    }
  }
}

export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
