/**
 * Leaf datasets: one row per leaf measurement with its environment, PFT and soil properties, in
 * the Lin et al. (2015) / seed example-dataset column layout or in any other lab's, through a
 * column mapping, constants and derived inputs (leaf-columns.ts, leaf-derived.ts) and a date
 * format (leaf-dates.ts). Parsing validates every value and reports problems by file line and
 * column; rows lacking a required input are skipped and counted by reason, never silently used.
 */
import * as tf from '@tensorflow/tfjs';
import { parseCsv } from './csv.ts';
import { CLM45_PFTS, findPft, medlynInterceptFor, pftKey, type PftParameters, type PhotosyntheticPathway } from '../physics/pft-parameters.ts';
import { LeafInputError } from './leaf-input-error.ts';
import { canonicalRole, LeafColumns, LEAF_ROLES, type LeafColumnOptions } from './leaf-columns.ts';
import { inferDateFormat, parseDateAs, type DateFormatChoice, type LeafDateFormat } from './leaf-dates.ts';
import { DEFAULT_BL_COND, pressureFromElevationKPa, vpdFromRelativeHumidityKPa } from './leaf-derived.ts';
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

/** How many rows were skipped for one reason (and column). */
export interface SkipCount {
  readonly column: string;
  readonly reason: string;
  readonly rows: number;
  readonly firstLine: number;
}

/** Where each input came from, for the user to check what was read. */
export interface LeafReadReport {
  /** role -> its source: a column, a constant, or how it was derived */
  readonly inputs: Readonly<Record<string, string>>;
  /** role -> number of rows that used the user's constant or a derived value */
  readonly filled: Readonly<Record<string, number>>;
  /** how the dates were read (absent without a Date column) */
  readonly dateFormat?: DateFormatChoice;
}

export interface LeafDataset {
  readonly records: LeafRecord[];
  readonly skipped: SkippedRow[];
  readonly soilLayers: number;
  readonly report?: LeafReadReport;
}

export interface LeafCsvOptions extends LeafColumnOptions {
  /** column with observed net photosynthesis (e.g. 'Photo'), required in every used row; a --column An=NAME mapping takes precedence */
  readonly observedColumn?: string;
  /** dataset PFT label -> CLM4.5 PFT name, for labels that differ from the CLM4.5 names */
  readonly pftMapping?: Readonly<Record<string, string>>;
  /** number of soil layers to read (default: every soil_clay_i column present) */
  readonly soilLayers?: number;
  /** how to read numeric dates; default: settled by the file's own dates, else refused */
  readonly dateFormat?: LeafDateFormat;
  /** name used in messages (the file path) */
  readonly source?: string;
}

export { LeafInputError };

/** Counts of skipped rows by column and reason, most frequent first. */
export function countSkipped(skipped: readonly SkippedRow[]): SkipCount[] {
  const by = new Map<string, { column: string; reason: string; rows: number; firstLine: number }>();
  for (const s of skipped) {
    const k = `${s.column}\u0000${s.reason}`;
    const c = by.get(k);
    if (c) { c.rows++; c.firstLine = Math.min(c.firstLine, s.line); } else by.set(k, { column: s.column, reason: s.reason, rows: 1, firstLine: s.line });
  }
  return [...by.values()].sort((a, b) => b.rows - a.rows || a.firstLine - b.firstLine);
}

/** One line per reason: "12 rows: missing value in column 'BLCond' (first: line 5)". */
export function describeSkipped(skipped: readonly SkippedRow[]): string[] {
  return countSkipped(skipped).map((c) => `${c.rows} row${c.rows === 1 ? '' : 's'}: ${c.reason}, column '${c.column}' (first: line ${c.firstLine})`);
}

const HOW_TO_PROVIDE: Record<string, string> = {
  Patm: 'map a pressure column [kPa] with --column Patm=NAME, or give --fill Patm=KPA or the site elevation --fill elevation=METRES (or --column elevation=NAME)',
  VPD: 'map a VPD column [kPa] with --column VPD=NAME, or relative humidity [%] with --column RH=NAME',
  BLCond: `map a boundary-layer conductance column [mol m-2 s-1] with --column BLCond=NAME, or give --fill BLCond=VALUE, or --fill BLCond=default (${DEFAULT_BL_COND})`,
  PFT: 'map the PFT column with --column PFT=NAME, or give one PFT for every row with --fill PFT=NAME',
};

/** The leaf-dataset roles every row needs, with the alternatives that can stand in for them. */
const REQUIRED: readonly (readonly [string, ...string[]])[] = [['PFT'], ['Tleaf'], ['PARin'], ['CO2S'], ['Patm', 'elevation'], ['VPD', 'RH'], ['BLCond']];

export function parseLeafCsv(text: string, options: LeafCsvOptions = {}): LeafDataset {
  const source = options.source ?? 'leaf CSV';
  // spreadsheets often save UTF-8 with a byte-order mark, which would stick to the first column name
  const rows = parseCsv(text.replace(/^\uFEFF/, ''));
  let headerAt = 0;
  while (headerAt < rows.length && rows[headerAt]![0]!.startsWith('#')) headerAt++;
  const header = rows[headerAt];
  if (!header) throw new LeafInputError(source, undefined, undefined, 'the file has no header row');
  const observedMapped = Object.keys(options.columns ?? {}).some((k) => canonicalRole(k) === 'An');
  if (options.observedColumn && !observedMapped && !header.some((h) => h.trim() === options.observedColumn)) {
    throw new LeafInputError(source, headerAt + 1, options.observedColumn, 'the observed-An column is missing from the header (map it with --column An=NAME)');
  }
  const cols = new LeafColumns(header, {
    columns: { ...(options.observedColumn && !observedMapped ? { An: options.observedColumn } : {}), ...options.columns },
    ...(options.fill ? { fill: options.fill } : {}),
  }, source, headerAt + 1);
  for (const need of REQUIRED) {
    if (!need.some((r) => cols.has(r))) {
      throw new LeafInputError(source, headerAt + 1, need[0], `required column is missing from the header (${HOW_TO_PROVIDE[need[0]] ?? `map it with --column ${need[0]}=NAME or give --fill ${need[0]}=VALUE`})`);
    }
  }
  let nLayers = 0;
  while (cols.has(`soil_clay_${nLayers}`)) nLayers++;
  if (options.soilLayers !== undefined) {
    if (options.soilLayers > nLayers) throw new LeafInputError(source, headerAt + 1, `soil_clay_${nLayers}`, `${options.soilLayers} soil layers requested but the file has ${nLayers}`);
    nLayers = options.soilLayers;
  }
  const dateFormat = cols.has('Date') ? chooseDateFormat(rows, headerAt, cols, options.dateFormat, source) : undefined;
  const mapping = new Map(Object.entries(options.pftMapping ?? {}).map(([k, v]) => [pftKey(k), v]));
  const records: LeafRecord[] = [];
  const skipped: SkippedRow[] = [];
  const derived = new Map<string, number>();
  const derive = (role: string) => derived.set(role, (derived.get(role) ?? 0) + 1);

  for (let r = headerAt + 1; r < rows.length; r++) {
    const fields = rows[r]!;
    const line = r + 1;
    const text = (c: string): string | undefined => cols.value(fields, c)?.text;
    const num = (c: string): number | undefined => cols.number(fields, c, line);
    let missing: string | undefined;
    const need = (c: string, v = num(c)): number => {
      if (v === undefined) { missing ??= c; return Number.NaN; }
      return v;
    };
    const fail = (role: string, problem: string): never => { throw new LeafInputError(source, line, cols.label(role), problem); };
    const label = text('PFT') ?? '';
    if (label === '') { skipped.push({ line, column: cols.label('PFT'), reason: 'missing PFT' }); continue; }
    const pft = findPft(mapping.get(pftKey(label)) ?? label);
    if (!pft) fail('PFT', `unknown PFT '${label}' (accepted: ${CLM45_PFTS.map((p) => p.name).join(', ')}; map other labels with --pft-map '${label}=CLM45_PFT')`);
    const tLeafC = need('Tleaf');
    const tAirC = num('Tair') ?? tLeafC;
    const par = need('PARin');
    const co2 = need('CO2S');
    let patm = num('Patm');
    // derived only when the file gives no pressure (or VPD) at all: a row's missing value is skipped, not replaced unasked
    if (!cols.has('Patm') && cols.has('elevation')) {
      const z = num('elevation');
      if (z !== undefined && !(z >= -500 && z <= 9000)) fail('elevation', `elevation ${z} m is outside -500..9000 m`);
      if (z !== undefined) { patm = pressureFromElevationKPa(z); derive('Patm'); }
    }
    patm = need('Patm', patm);
    let vpd = num('VPD');
    let vpdFromRh = false;
    if (!cols.has('VPD') && cols.has('RH')) {
      const rh = num('RH');
      if (rh !== undefined && !(rh >= 0 && rh <= 100)) fail('RH', `relative humidity ${rh} is outside 0..100 %`);
      if (rh !== undefined && Number.isFinite(tLeafC)) { vpd = vpdFromRelativeHumidityKPa(rh, tLeafC, tAirC); vpdFromRh = true; derive('VPD'); }
    }
    vpd = need('VPD', vpd);
    const bl = need('BLCond');
    const observedAn = options.observedColumn ? need('An') : undefined;
    if (par < 0) fail('PARin', `negative PAR (${par} umol m-2 s-1)`);
    if (patm <= 0) fail('Patm', `air pressure must be positive (${patm} kPa)`);
    if (co2 <= 0) fail('CO2S', `CO2 must be positive (${co2} ppm)`);
    if (vpd <= 0 && !vpdFromRh) fail('VPD', `VPD must be positive (${vpd} kPa)`);
    if (bl <= 0) fail('BLCond', `boundary-layer conductance must be positive (${bl} mol m-2 s-1)`);
    if (tLeafC < -60 || tLeafC > 70) fail('Tleaf', `leaf temperature ${tLeafC} C is outside -60..70 C`);
    const layers: SoilLayerValues[] = [];
    for (let i = 0; i < nLayers; i++) {
      const sand = num(`soil_sand_${i}`);
      const clay = num(`soil_clay_${i}`);
      const fom = num(`soil_OM_${i}`);
      const wet = num(`SMC_${i}`);
      const sm = num(`SM_${i}`);
      const root = nLayers === 1 ? 1 : num(`r${i + 1}`);
      for (const [c, v, lo, hi] of [[`soil_sand_${i}`, sand, 0, 100], [`soil_clay_${i}`, clay, 0, 100], [`soil_OM_${i}`, fom, 0, 1], [`SMC_${i}`, wet, 0, 1.000001]] as const) {
        if (v !== undefined && !(v >= lo && v <= hi)) fail(c, `${v} is outside ${lo}..${Math.round(hi)}`);
      }
      layers.push({ sandPct: sand ?? Number.NaN, clayPct: clay ?? Number.NaN, fom: fom ?? Number.NaN, wetness: wet ?? Number.NaN, moisture: sm ?? Number.NaN, rootFraction: root ?? Number.NaN });
    }
    if (missing) { skipped.push({ line, column: cols.label(missing), reason: 'missing value' }); continue; }
    if (vpdFromRh && vpd <= 0) { skipped.push({ line, column: cols.label('RH'), reason: 'VPD from RH is not positive (leaf at or below the dew point of the air)' }); continue; }
    const date = text('Date') ?? '';
    let time = Number.NaN;
    if (date !== '' && dateFormat) {
      const t = parseDateAs(date, dateFormat.format);
      if (typeof t === 'string') fail('Date', t);
      time = t as number;
    }
    const pathway = text('Pathway');
    records.push({
      line, location: text('Location') ?? '', date, time, pftLabel: label, pft: pft!,
      pathway: (pathway === 'C4' || pathway === 'C3' ? pathway : pft!.pathway) as PhotosyntheticPathway,
      tLeafC, tAirC, par, patmKPa: patm, co2Ppm: co2, vpdKPa: vpd, blCond: bl,
      lai: num('LAI') ?? 1,
      vcmaxDefault: num('vcmax_CLM45') ?? pft!.vcmax25,
      medlynSlope: num('medslope') ?? pft!.medlynSlope,
      psiOpenMm: num('epsi_o') ?? pft!.psiOpenMm,
      psiCloseMm: num('epsi_c') ?? pft!.psiCloseMm,
      layers,
      ...(observedAn !== undefined ? { observedAn } : {}),
    });
  }
  if (records.length === 0) {
    const why = skipped.length ? `all ${skipped.length} data rows were skipped (first: line ${skipped[0]!.line}, column '${skipped[0]!.column}': ${skipped[0]!.reason})` : 'the file has no data rows';
    throw new LeafInputError(source, undefined, undefined, why);
  }
  const report: LeafReadReport = {
    inputs: readInputs(cols, nLayers, options.observedColumn !== undefined),
    filled: Object.fromEntries([...cols.filledRows, ...derived]),
    ...(dateFormat ? { dateFormat } : {}),
  };
  return { records, skipped, soilLayers: nLayers, report };
}

/** The stated format, or the one the file's own dates settle; refuses naming the row. */
function chooseDateFormat(rows: readonly string[][], headerAt: number, cols: LeafColumns, stated: LeafDateFormat | undefined, source: string): DateFormatChoice {
  if (stated) return { format: stated, basis: 'stated' };
  const dates: [number, string][] = [];
  for (let r = headerAt + 1; r < rows.length; r++) {
    const d = cols.peek(rows[r]!, 'Date');
    if (d !== undefined) dates.push([r + 1, d]);
  }
  const choice = inferDateFormat(dates);
  if ('problem' in choice) throw new LeafInputError(source, choice.line, cols.label('Date'), choice.problem);
  return choice;
}

/** role -> source, for every input read (the report a user checks against the file). */
function readInputs(cols: LeafColumns, layers: number, observed: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  const soil = Array.from({ length: layers }, (_, i) => [`soil_clay_${i}`, `soil_sand_${i}`, `soil_OM_${i}`, `SM_${i}`, `SMC_${i}`, `r${i + 1}`]).flat();
  for (const role of [...LEAF_ROLES, ...soil]) {
    if (role === 'An' && !observed) continue;
    const d = cols.describe(role);
    if (d) out[role] = d;
  }
  if (!cols.has('Patm') && cols.has('elevation')) out['Patm'] = 'from elevation (ICAO standard atmosphere: 101.325 (1 - 0.0065 z / 288.15)^5.25588 kPa)';
  if (!cols.has('VPD') && cols.has('RH')) out['VPD'] = 'from RH: es(Tleaf) - RH/100 es(Tair) (FAO-56 es; Tair = Tleaf where absent)';
  if (!cols.has('Tair')) out['Tair'] = 'Tleaf (no air temperature column)';
  return out;
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
