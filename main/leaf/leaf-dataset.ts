/**
 * Leaf datasets in the Lin et al. (2015) / seed example-dataset column layout: one row per leaf
 * measurement with its environment, PFT and top-soil properties. Parsing validates every value
 * and reports problems by file line and column; rows lacking a required input are skipped and
 * listed, never silently used.
 */
import * as tf from '@tensorflow/tfjs';
import { parseCsv } from './csv.ts';
import { findPft, medlynInterceptFor, pftKey, type PftParameters, type PhotosyntheticPathway } from '../physics/pft-parameters.ts';
import { O2_FRACTION, T_FREEZE_K } from '../physics/constants.ts';
import type { LeafEnvironment, LeafTraits } from '../physics/leaf-biochemistry.ts';
import { boundaryLayerFromMolar } from '../physics/boundary-layer.ts';

export interface SoilLayerValues {
  readonly sandPct: number;
  readonly clayPct: number;
  readonly fom: number;
  /** soil wetness S = theta / theta_sat (SMC_i) */
  readonly wetness: number;
  /** volumetric soil moisture (SM_i) [m3 m-3]; NaN when the column is absent */
  readonly moisture: number;
  /** root fraction r_(i+1); 1 for a single layer */
  readonly rootFraction: number;
}

export interface LeafRecord {
  /** 1-based line in the file (the header is line 1) */
  readonly line: number;
  readonly location: string;
  readonly date: string;
  /** measurement date as ms since epoch (UTC) */
  readonly time: number;
  /** the PFT name as written in the file */
  readonly pftLabel: string;
  readonly pft: PftParameters;
  readonly pathway: PhotosyntheticPathway;
  readonly tLeafC: number;
  readonly tAirC: number;
  /** umol photons m-2 s-1 */
  readonly par: number;
  readonly patmKPa: number;
  readonly co2Ppm: number;
  readonly vpdKPa: number;
  /** mol m-2 s-1 */
  readonly blCond: number;
  readonly lai: number;
  /** Vcmax25 from the file's vcmax_CLM45 column, else the CLM4.5 PFT default */
  readonly vcmaxDefault: number;
  readonly medlynSlope: number;
  readonly psiOpenMm: number;
  readonly psiCloseMm: number;
  readonly layers: readonly SoilLayerValues[];
  /** observed net photosynthesis, when an observed column was requested */
  readonly observedAn?: number;
}

export interface SkippedRow {
  readonly line: number;
  readonly column: string;
  readonly reason: string;
}

export interface LeafDataset {
  readonly records: LeafRecord[];
  readonly skipped: SkippedRow[];
  readonly soilLayers: number;
}

export interface LeafCsvOptions {
  /** column with observed net photosynthesis (e.g. 'Photo'); required in every used row */
  readonly observedColumn?: string;
  /** dataset PFT label -> CLM4.5 PFT name, for labels that differ from the CLM4.5 names */
  readonly pftMapping?: Readonly<Record<string, string>>;
  /** number of soil layers to read (default: every soil_clay_i column present) */
  readonly soilLayers?: number;
  /** name used in messages (the file path) */
  readonly source?: string;
}

/** Error naming the line and column of bad input. */
export class LeafInputError extends Error {
  constructor(readonly source: string, readonly line: number | undefined, readonly column: string | undefined, problem: string) {
    super(`${source}${line !== undefined ? `: line ${line}` : ''}${column ? `, column '${column}'` : ''}: ${problem}`);
    this.name = 'LeafInputError';
  }
}

const MISSING = new Set(['', '-9999', '-9999.0', '-9999.00', 'NA', 'NaN', 'nan']);

const REQUIRED = ['PFT', 'Tleaf', 'PARin', 'Patm', 'CO2S', 'VPD', 'BLCond'] as const;

/** Parses 'M/D/YYYY' or ISO 'YYYY-MM-DD' into ms since epoch (UTC); NaN when unparseable. */
export function parseLeafDate(s: string): number {
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{2,4})$/.exec(s.trim());
  if (us) {
    let y = Number(us[3]);
    if (y < 100) y += y < 50 ? 2000 : 1900;
    return Date.UTC(y, Number(us[1]) - 1, Number(us[2]));
  }
  const iso = /^(\d{4})-(\d{2})-(\d{2})/.exec(s.trim());
  if (iso) return Date.UTC(Number(iso[1]), Number(iso[2]) - 1, Number(iso[3]));
  return Number.NaN;
}

export function parseLeafCsv(text: string, options: LeafCsvOptions = {}): LeafDataset {
  const source = options.source ?? 'leaf CSV';
  const rows = parseCsv(text);
  let headerAt = 0;
  while (headerAt < rows.length && rows[headerAt]![0]!.startsWith('#')) headerAt++;
  const header = rows[headerAt];
  if (!header) throw new LeafInputError(source, undefined, undefined, 'the file has no header row');
  const col = new Map(header.map((h, i) => [h.trim(), i]));
  for (const c of REQUIRED) if (!col.has(c)) throw new LeafInputError(source, headerAt + 1, c, 'required column is missing from the header');
  if (options.observedColumn && !col.has(options.observedColumn)) {
    throw new LeafInputError(source, headerAt + 1, options.observedColumn, 'the observed-An column is missing from the header');
  }
  let nLayers = 0;
  while (col.has(`soil_clay_${nLayers}`)) nLayers++;
  if (options.soilLayers !== undefined) {
    if (options.soilLayers > nLayers) throw new LeafInputError(source, headerAt + 1, `soil_clay_${nLayers}`, `${options.soilLayers} soil layers requested but the file has ${nLayers}`);
    nLayers = options.soilLayers;
  }
  const mapping = new Map(Object.entries(options.pftMapping ?? {}).map(([k, v]) => [pftKey(k), v]));
  const records: LeafRecord[] = [];
  const skipped: SkippedRow[] = [];

  for (let r = headerAt + 1; r < rows.length; r++) {
    const fields = rows[r]!;
    const line = r + 1;
    const raw = (c: string): string | undefined => {
      const i = col.get(c);
      return i === undefined ? undefined : (fields[i] ?? '').trim();
    };
    /** a number, undefined when missing; throws when present but not numeric */
    const num = (c: string): number | undefined => {
      const s = raw(c);
      if (s === undefined || MISSING.has(s)) return undefined;
      const v = Number(s);
      if (!Number.isFinite(v)) throw new LeafInputError(source, line, c, `'${s}' is not a number`);
      return v;
    };
    let missing: string | undefined;
    const need = (c: string): number => {
      const v = num(c);
      if (v === undefined) { missing ??= c; return Number.NaN; }
      return v;
    };
    const label = raw('PFT') ?? '';
    if (label === '' || MISSING.has(label)) { skipped.push({ line, column: 'PFT', reason: 'missing PFT' }); continue; }
    const pft = findPft(mapping.get(pftKey(label)) ?? label);
    if (!pft) {
      throw new LeafInputError(source, line, 'PFT', `unknown PFT '${label}' (map it to a CLM4.5 PFT with the PFT mapping; known: ${['NET Temperate', 'C3 grass', 'C4 grass', 'Crop R', '...'].join(', ')})`);
    }
    const tLeafC = need('Tleaf');
    const par = need('PARin');
    const patm = need('Patm');
    const co2 = need('CO2S');
    const vpd = need('VPD');
    const bl = need('BLCond');
    const observedAn = options.observedColumn ? need(options.observedColumn) : undefined;
    if (par < 0) throw new LeafInputError(source, line, 'PARin', `negative PAR (${par} umol m-2 s-1)`);
    if (patm <= 0) throw new LeafInputError(source, line, 'Patm', `air pressure must be positive (${patm} kPa)`);
    if (co2 <= 0) throw new LeafInputError(source, line, 'CO2S', `CO2 must be positive (${co2} ppm)`);
    if (vpd <= 0) throw new LeafInputError(source, line, 'VPD', `VPD must be positive (${vpd} kPa)`);
    if (bl <= 0) throw new LeafInputError(source, line, 'BLCond', `boundary-layer conductance must be positive (${bl} mol m-2 s-1)`);
    if (tLeafC < -60 || tLeafC > 70) throw new LeafInputError(source, line, 'Tleaf', `leaf temperature ${tLeafC} C is outside -60..70 C`);
    const layers: SoilLayerValues[] = [];
    for (let i = 0; i < nLayers; i++) {
      const sand = num(`soil_sand_${i}`);
      const clay = num(`soil_clay_${i}`);
      const fom = num(`soil_OM_${i}`);
      const wet = num(`SMC_${i}`);
      const sm = num(`SM_${i}`);
      const root = nLayers === 1 ? 1 : num(`r${i + 1}`);
      for (const [c, v, lo, hi] of [[`soil_sand_${i}`, sand, 0, 100], [`soil_clay_${i}`, clay, 0, 100], [`soil_OM_${i}`, fom, 0, 1], [`SMC_${i}`, wet, 0, 1.000001]] as const) {
        if (v !== undefined && !(v >= lo && v <= hi)) throw new LeafInputError(source, line, c, `${v} is outside ${lo}..${Math.round(hi)}`);
      }
      layers.push({ sandPct: sand ?? Number.NaN, clayPct: clay ?? Number.NaN, fom: fom ?? Number.NaN, wetness: wet ?? Number.NaN, moisture: sm ?? Number.NaN, rootFraction: root ?? Number.NaN });
    }
    if (missing) { skipped.push({ line, column: missing, reason: 'missing value' }); continue; }
    const date = raw('Date') ?? '';
    records.push({
      line, location: raw('Location') ?? '', date, time: parseLeafDate(date), pftLabel: label, pft,
      pathway: (raw('Pathway') === 'C4' || raw('Pathway') === 'C3' ? raw('Pathway') : pft.pathway) as PhotosyntheticPathway,
      tLeafC, tAirC: num('Tair') ?? tLeafC, par, patmKPa: patm, co2Ppm: co2, vpdKPa: vpd, blCond: bl,
      lai: num('LAI') ?? 1,
      vcmaxDefault: num('vcmax_CLM45') ?? pft.vcmax25,
      medlynSlope: num('medslope') ?? pft.medlynSlope,
      psiOpenMm: num('epsi_o') ?? pft.psiOpenMm,
      psiCloseMm: num('epsi_c') ?? pft.psiCloseMm,
      layers,
      ...(observedAn !== undefined ? { observedAn } : {}),
    });
  }
  if (records.length === 0) {
    const why = skipped.length ? `all ${skipped.length} data rows were skipped (first: line ${skipped[0]!.line}, column '${skipped[0]!.column}': ${skipped[0]!.reason})` : 'the file has no data rows';
    throw new LeafInputError(source, undefined, undefined, why);
  }
  return { records, skipped, soilLayers: nLayers };
}

/** The first soil column of layers 0..layers-1 that a record lacks for this btran form, or undefined. */
export function missingSoilColumn(r: LeafRecord, layers: number, what: 'wetness' | 'moisture'): string | undefined {
  for (let i = 0; i < layers; i++) {
    const l = r.layers[i];
    if (!l) return `soil_clay_${i}`;
    const bad = Number.isNaN(l.sandPct) ? `soil_sand_${i}` : Number.isNaN(l.clayPct) ? `soil_clay_${i}` : Number.isNaN(l.fom) ? `soil_OM_${i}`
      : Number.isNaN(what === 'wetness' ? l.wetness : l.moisture) ? (what === 'wetness' ? `SMC_${i}` : `SM_${i}`) : Number.isNaN(l.rootFraction) ? `r${i + 1}` : undefined;
    if (bad) return bad;
  }
  return undefined;
}

/** Checks that the soil columns a btran mode needs are present in every record. */
export function requireSoil(ds: LeafDataset, what: 'wetness' | 'moisture', source = 'leaf CSV'): void {
  if (ds.soilLayers === 0) throw new LeafInputError(source, 1, 'soil_clay_0', 'btran from soil needs soil layer columns');
  for (const r of ds.records) {
    const bad = missingSoilColumn(r, ds.soilLayers, what);
    if (bad) throw new LeafInputError(source, r.line, bad, 'missing value needed for btran');
  }
}

/** The leaf environment tensors [N] of these records (FATES units). */
export function leafEnvironmentOf(records: readonly LeafRecord[]): LeafEnvironment {
  const col = (f: (r: LeafRecord) => number) => tf.tensor1d(records.map(f), 'float32');
  return tf.tidy(() => {
    const pressurePa = col((r) => r.patmKPa * 1000);
    return {
      parUmol: col((r) => r.par),
      tLeafK: col((r) => r.tLeafC + T_FREEZE_K),
      tAirK: col((r) => r.tAirC + T_FREEZE_K),
      pressurePa,
      o2Pa: tf.mul(pressurePa, O2_FRACTION),
      // ppm x kPa / 1000 = Pa
      co2Pa: col((r) => (r.co2Ppm * r.patmKPa) / 1000),
      vpdKPa: col((r) => r.vpdKPa),
      gb: boundaryLayerFromMolar(col((r) => r.blCond)),
      isC3: col((r) => (r.pathway === 'C3' ? 1 : 0)),
    };
  });
}

/** Default traits [N]: Vcmax25 from the file (CLM4.5), the file's / PFT's Medlyn slope, FATES intercepts. */
export function defaultTraitsOf(records: readonly LeafRecord[], btran: tf.Tensor, vcmax25?: tf.Tensor): LeafTraits {
  return {
    vcmax25: vcmax25 ?? tf.tensor1d(records.map((r) => r.vcmaxDefault)),
    btran,
    medlynSlope: tf.tensor1d(records.map((r) => r.medlynSlope)),
    medlynIntercept: tf.tensor1d(records.map((r) => medlynInterceptFor(r.pathway))),
  };
}

/** [L, N] tensor of one soil-layer field. */
export function layerTensor(records: readonly LeafRecord[], layers: number, f: (l: SoilLayerValues) => number): tf.Tensor2D {
  const data = new Float32Array(layers * records.length);
  for (let i = 0; i < layers; i++) for (let n = 0; n < records.length; n++) data[i * records.length + n] = f(records[n]!.layers[i]!);
  return tf.tensor2d(data, [layers, records.length]);
}
