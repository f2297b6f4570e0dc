/**
 * Writes an import result into a project's dataset store. The importers themselves never touch the
 * project; this step opens the current dataset (if any), builds the new one in memory, and hands it
 * to the store, whose write is atomic (temporary file renamed over data/dataset.nc). Anything that
 * fails before that rename leaves the project byte-for-byte as it was.
 *
 * What each kind replaces:
 * - forcing: the daily axis and the seven forcings. LAI observations are kept where their dates
 *   fall on the new axis; the noise-free LAI of a virtual basin is dropped (it belongs to the old
 *   forcing); splits and training-period normalization are recomputed. With no dataset yet, a new
 *   one is created whose mask is the cells with complete forcing.
 * - lai: the observations (dates must fall on the dataset's axis); normalization recomputed.
 * - landcover: the majority class and the per-class area fractions.
 * - soil: the static layers given.
 * - basins: the subbasins, or with role 'outline' the basin outline and the mask.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FORCING_NAMES, type Dataset, type ForcingName, type LaiObservations, type StaticLayers, type Subbasin } from '../dataset.ts';
import { cellCount, describeGrid, sameGrid } from '../grid.ts';
import { daysBetween } from '../time-axis.ts';
import { computeSplits } from '../splits.ts';
import { computeNormalization } from '../normalization.ts';
import { InMemoryDataset, type DatasetParts } from '../store/in-memory-dataset.ts';
import { hasDataset, openDataset, writeDataset } from '../store/netcdf-store.ts';
import { cellsToGeometry } from '../virtual-basin/cell-polygons.ts';
import { fractionsFromClassMap, mergeLandCover } from '../land-cover-fractions.ts';
import { writeFileAtomic } from '../../project/atomic-write.ts';
import { PROJECT_FILE } from '../../project/project-manifest.ts';
import { polygonCellFractions } from '../polygon-fractions.ts';
import { OUTLINE_FILE, readProjectGrid, readProjectOutline, recordProjectGrid } from '../project-grid.ts';
import { ImportError } from './errors.ts';
import type { ImportResult, ImportedBasins, ImportedForcing, ImportedLai, LayerProvenance } from './types.ts';

export interface ApplyOptions {
  /** for basins: replace the subbasins (default) or set the basin outline and mask */
  readonly basinRole?: 'subbasins' | 'outline';
  /** make every check and build the new dataset in memory, write nothing */
  readonly dryRun?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (fraction: number, message: string) => void;
}

export interface ApplySummary {
  readonly file: string;
  readonly kind: ImportResult['kind'];
  readonly startDate: string;
  readonly dayCount: number;
  readonly observations: number;
  readonly maskCells: number;
  readonly notes: readonly string[];
}

/** Import log kept next to the dataset: what came from where, one entry per import. */
export const IMPORT_LOG = path.join('data', 'imports.json');

function partsOf(ds: Dataset): DatasetParts {
  const forcing = Object.fromEntries(FORCING_NAMES.map((f) => [f, ds.forcing(f)])) as Record<ForcingName, Float32Array>;
  return {
    id: ds.id, source: ds.source, grid: ds.grid, startDate: ds.startDate, dayCount: ds.dayCount, mask: ds.mask,
    staticLayers: ds.staticLayers, basin: ds.basin, subbasins: ds.subbasins, splits: ds.splits, normalization: ds.normalization,
    forcing, observations: ds.observations, ...(ds.trueLai ? { trueLai: ds.trueLai } : {}),
    attributes: (ds as { attributes?: Readonly<Record<string, string | number>> }).attributes ?? {},
  };
}

/** Splits and normalization follow from the axis, the mask, the forcing and the observations. */
function finish(p: Omit<DatasetParts, 'splits' | 'normalization'> & Partial<Pick<DatasetParts, 'splits' | 'normalization'>>): InMemoryDataset {
  const { splits, rule } = computeSplits(p.startDate, p.dayCount);
  const n = cellCount(p.grid);
  const normalization = computeNormalization((f) => p.forcing[f], n, p.mask, splits.train, p.observations);
  return new InMemoryDataset({ ...p, splits, normalization, attributes: { ...(p.attributes ?? {}), split_rule: rule } });
}

function completeForcingMask(f: ImportedForcing, n: number): Uint8Array {
  const mask = new Uint8Array(n).fill(1);
  for (const name of FORCING_NAMES) {
    const a = f.variables[name];
    for (let i = 0; i < a.length; i++) if (Number.isNaN(a[i]!)) mask[i % n] = 0;
  }
  return mask;
}

/**
 * The mask of a new dataset: cells with complete forcing, and (when the project was created from
 * an outline, --basin) at least half inside the outline, whose geometry becomes the basin.
 */
function newDatasetMask(f: ImportedForcing, complete: Uint8Array, outline: GeoJSON.Feature<GeoJSON.Polygon | GeoJSON.MultiPolygon> | undefined, notes: string[]): { mask: Uint8Array; basin: Dataset['basin'] } {
  if (!outline) return { mask: complete, basin: cellsToGeometry(f.grid, (c) => complete[c] === 1) };
  const fractions = polygonCellFractions(f.grid, outline.geometry);
  const mask = Uint8Array.from(complete, (m, c) => (m && fractions[c]! >= 0.5 ? 1 : 0));
  const inside = fractions.reduce((a, fr) => a + (fr >= 0.5 ? 1 : 0), 0);
  const cells = mask.reduce((a, m) => a + m, 0);
  if (cells === 0) throw new ImportError(f.provenance.Rainf.files[0]!, `has no complete forcing in any of the ${inside} cells at least half inside the project's outline (${OUTLINE_FILE})`);
  notes.push(`mask: ${cells} cells at least half inside the project's outline with complete forcing${cells < inside ? ` (${inside - cells} outline cells lack complete forcing)` : ''}`);
  return { mask, basin: outline.geometry };
}

function withForcing(old: Dataset | undefined, f: ImportedForcing, notes: string[], outline?: GeoJSON.Feature<GeoJSON.Polygon | GeoJSON.MultiPolygon>): InMemoryDataset {
  const n = cellCount(f.grid);
  const dayCount = f.dates.length;
  if (dayCount < 3) throw new ImportError(f.provenance.Rainf.files[0] ?? '(forcing)', `holds ${dayCount} day(s); a dataset needs at least 3 to split into training, validation and test periods`);
  const complete = completeForcingMask(f, n);
  const source = `forcing imported from ${f.provenance.Rainf.files.map((x) => path.basename(x)).join(', ')}`;
  if (!old) {
    let cells = 0;
    for (const m of complete) cells += m;
    if (cells === 0) throw new ImportError(f.provenance.Rainf.files[0]!, 'has no project cell with complete forcing on every day, so there is nothing to model');
    const { mask, basin } = newDatasetMask(f, complete, outline, notes);
    if (!outline) notes.push(`new dataset: mask = the ${cells} cells with complete forcing; no LAI, land cover, soil or subbasins yet`);
    const staticLayers: StaticLayers = {
      elevation: new Float32Array(n).fill(NaN),
      landCover: new Uint8Array(n),
      sandPercent: new Float32Array(n).fill(NaN),
      clayPercent: new Float32Array(n).fill(NaN),
      organicFraction: new Float32Array(n).fill(NaN),
    };
    return finish({
      id: `imported-${f.dates[0]}-${f.dates.at(-1)}`,
      source, grid: f.grid, startDate: f.dates[0]!, dayCount, mask, staticLayers,
      basin, subbasins: [],
      forcing: f.variables, observations: { dayIndex: new Int32Array(0), values: new Float32Array(0) },
      attributes: {},
    });
  }
  const p = partsOf(old);
  // keep observations whose dates fall on the new axis
  const shift = daysBetween(f.dates[0]!, old.startDate);
  const keep: number[] = [];
  old.observations.dayIndex.forEach((d, k) => { if (d + shift >= 0 && d + shift < dayCount) keep.push(k); });
  const obs = old.observations as LaiObservations & { periodStart?: Int32Array; periodEnd?: Int32Array };
  const values = new Float32Array(keep.length * n);
  keep.forEach((k, i) => values.set(obs.values.subarray(k * n, (k + 1) * n), i * n));
  const observations = {
    dayIndex: Int32Array.from(keep, (k) => obs.dayIndex[k]! + shift),
    values,
    ...(obs.periodStart && obs.periodEnd ? { periodStart: Int32Array.from(keep, (k) => obs.periodStart![k]! + shift), periodEnd: Int32Array.from(keep, (k) => obs.periodEnd![k]! + shift) } : {}),
  } as LaiObservations;
  if (keep.length < old.observations.dayIndex.length) notes.push(`${old.observations.dayIndex.length - keep.length} LAI observation dates fall outside the new forcing period and were dropped`);
  if (old.trueLai) notes.push('the noise-free LAI of the previous (virtual) forcing was dropped: it does not belong to the imported forcing');
  const mask = Uint8Array.from(p.mask, (m, c) => (m && complete[c] ? 1 : 0));
  const lost = p.mask.reduce((a, m, c) => a + (m && !complete[c] ? 1 : 0), 0);
  if (lost > 0) notes.push(`${lost} basin cells lack complete forcing and left the mask`);
  if (!mask.some((m) => m === 1)) throw new ImportError(f.provenance.Rainf.files[0]!, 'leaves no basin cell with complete forcing (does the source cover the basin?)');
  const { trueLai: _dropped, ...rest } = p;
  return finish({ ...rest, source: `${p.source}; ${source}`, startDate: f.dates[0]!, dayCount, mask, forcing: f.variables, observations });
}

function withLai(old: Dataset, lai: ImportedLai, notes: string[]): InMemoryDataset {
  const n = cellCount(old.grid);
  const idx: number[] = [];
  const rows: number[] = [];
  lai.dates.forEach((d, k) => {
    const day = daysBetween(old.startDate, d);
    if (day >= 0 && day < old.dayCount) { idx.push(day); rows.push(k); }
  });
  if (idx.length === 0) {
    throw new ImportError(lai.provenance.files[0]!, `has no observation date inside the dataset's period ${old.startDate} + ${old.dayCount} days (found ${lai.dates[0]} .. ${lai.dates.at(-1)})`);
  }
  if (idx.length < lai.dates.length) notes.push(`${lai.dates.length - idx.length} LAI dates outside the forcing period were left out`);
  const values = new Float32Array(idx.length * n);
  rows.forEach((k, i) => values.set(lai.values.subarray(k * n, (k + 1) * n), i * n));
  const p = partsOf(old);
  const { trueLai: _dropped, ...rest } = p;
  if (old.trueLai) notes.push('the virtual basin\'s noise-free LAI was dropped: it does not describe the imported observations');
  return finish({ ...rest, source: `${p.source}; LAI imported from ${lai.provenance.files.map((x) => path.basename(x)).join(', ')}`, observations: { dayIndex: Int32Array.from(idx), values } });
}

function withBasins(old: Dataset, b: ImportedBasins, role: 'subbasins' | 'outline', notes: string[]): InMemoryDataset {
  const p = partsOf(old);
  if (role === 'outline') {
    if (b.features.length !== 1) throw new ImportError(b.provenance.files[0]!, `holds ${b.features.length} features; a basin outline must be exactly one (Multi)Polygon: choose one by name (--feature NAME; names: ${b.features.slice(0, 10).map((f) => `'${f.name}'`).join(', ')}${b.features.length > 10 ? ', ...' : ''}) or merge them (--dissolve)`);
    const f = b.features[0]!;
    // a cell belongs to the basin when at least half of it is inside the outline and it already had data
    const mask = Uint8Array.from(f.cellFractions, (fr, c) => (fr >= 0.5 && p.mask[c] ? 1 : 0));
    if (!mask.some((m) => m === 1)) throw new ImportError(b.provenance.files[0]!, 'covers no dataset cell by at least half of its area');
    notes.push(`mask: ${mask.reduce((a, m) => a + m, 0)} cells at least half inside the outline`);
    return finish({ ...p, basin: f.geometry, mask, source: `${p.source}; outline from ${path.basename(b.provenance.files[0]!)}` });
  }
  const subbasins: Subbasin[] = b.features.map((f) => ({ id: f.id, name: f.name, geometry: f.geometry, cellFractions: f.cellFractions }));
  const outsideMask = b.features.filter((f) => f.cellFractions.some((v) => v > 0) && !f.cellFractions.some((v, c) => v > 0 && p.mask[c] === 1));
  if (outsideMask.length > 0) notes.push(`${outsideMask.length} of ${b.features.length} features cover no basin (mask) cell, so their series and exports will be refused: ${outsideMask.map((f) => `'${f.name}'`).join(', ')}`);
  return new InMemoryDataset({ ...p, subbasins, source: `${p.source}; subbasins from ${path.basename(b.provenance.files[0]!)}` });
}

function provenanceEntries(r: ImportResult): Record<string, LayerProvenance> {
  switch (r.kind) {
    case 'forcing': return { ...r.provenance };
    case 'lai': return { LAI: r.provenance };
    case 'landcover': return { land_cover: r.provenance };
    case 'soil': return Object.fromEntries(Object.entries(r.provenance).filter(([, v]) => v !== undefined)) as Record<string, LayerProvenance>;
    case 'basins': return { basins: r.provenance };
  }
}

const LAYER_LABELS: Record<string, string> = { elevation: 'elevation', sandPercent: 'sand %', clayPercent: 'clay %', organicFraction: 'organic fraction' };

/**
 * A static-layer import fills the cells the file covers and keeps the others as they were (a small
 * DEM must not blank the rest of the grid), and reports per layer how many basin cells it filled
 * and how many stay missing. Land cover is merged the same way (land-cover-fractions.ts).
 */
function mergeStaticLayers(old: StaticLayers, incoming: Readonly<Partial<Record<string, Float32Array>>>, mask: Uint8Array, notes: string[]): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [name, values] of Object.entries(incoming)) {
    if (!values) continue;
    const prev = (old as unknown as Record<string, Float32Array | undefined>)[name];
    const merged = Float32Array.from(values, (v, c) => (Number.isNaN(v) && prev ? prev[c]! : v));
    notes.push(mergeCounts(LAYER_LABELS[name] ?? name, mask, values.map((v) => (Number.isNaN(v) ? 0 : 1)), (c) => !Number.isNaN(merged[c]!)));
    out[name] = merged;
  }
  return out;
}

/**
 * The note of a static-layer merge: basin cells the file filled (`fromFile` non-zero), cells that
 * keep their previous value, and cells that stay missing.
 */
function mergeCounts(label: string, mask: Uint8Array, fromFile: ArrayLike<number>, hasValue: (c: number) => boolean): string {
  const basin = mask.reduce((a, m) => a + m, 0);
  let filled = 0, kept = 0, missing = 0;
  for (let c = 0; c < mask.length; c++) {
    if (!mask[c]) continue;
    if (fromFile[c] !== 0) filled++;
    else if (hasValue(c)) kept++;
    else missing++;
  }
  return `${label}: filled ${filled} of ${basin} basin cells from the file${kept ? `, ${kept} keep their previous values` : ''}; ${missing} basin cells stay missing`;
}

/** Applies an import result to the project's dataset. */
export async function applyImport(projectDir: string, result: ImportResult, options: ApplyOptions = {}): Promise<ApplySummary> {
  const notes: string[] = [...('notes' in result ? result.notes : [])];
  const old = hasDataset(projectDir) ? await openDataset(projectDir, options.signal ? { signal: options.signal } : {}) : undefined;
  if (old && !sameGrid(old.grid, result.grid)) throw new ImportError(projectDir, `holds a dataset on a different grid (${describeGrid(old.grid)}) from the imported data (${describeGrid(result.grid)})`);
  const own = old ? undefined : await readProjectGrid(projectDir);
  if (own && !sameGrid(own.grid, result.grid)) throw new ImportError(projectDir, `has its grid in ${PROJECT_FILE} (${describeGrid(own.grid)}), but the data were imported onto another (${describeGrid(result.grid)})`);
  if (!old && result.kind !== 'forcing') {
    throw new ImportError(projectDir, `has no dataset yet: import forcing first (it defines the daily time axis), or run 'vegdyn demo-data --project ${projectDir}'`);
  }
  let next: InMemoryDataset;
  switch (result.kind) {
    case 'forcing': next = withForcing(old, result, notes, old ? undefined : await readProjectOutline(projectDir)); break;
    case 'lai': next = withLai(old!, result, notes); break;
    case 'landcover': {
      const p = partsOf(old!);
      const merged = mergeLandCover(
        { landCover: p.staticLayers.landCover, fractions: p.staticLayers.landCoverFractions },
        { landCover: result.majority, fractions: fractionsFromClassMap(result.fractions, result.majority) },
      );
      next = new InMemoryDataset({ ...p, staticLayers: { ...p.staticLayers, landCover: merged.landCover, landCoverFractions: merged.fractions }, source: `${p.source}; land cover from ${path.basename(result.provenance.files[0]!)}` });
      notes.push(`stored the majority class and the area fractions of ${merged.fractions.classes.length} classes (${merged.fractions.classes.join(', ')})`);
      notes.push(mergeCounts('land cover', p.mask, result.majority, (c) => merged.landCover[c] !== 0));
      break;
    }
    case 'soil': {
      const p = partsOf(old!);
      const merged = mergeStaticLayers(p.staticLayers, result.layers, p.mask, notes);
      next = new InMemoryDataset({ ...p, staticLayers: { ...p.staticLayers, ...merged }, source: `${p.source}; soil from ${Object.values(result.provenance).map((v) => path.basename(v!.files[0]!)).join(', ')}` });
      break;
    }
    case 'basins': next = withBasins(old!, result, options.basinRole ?? 'subbasins', notes); break;
  }
  options.signal?.throwIfAborted();
  if (!old && !own) notes.push(`project grid: ${describeGrid(next.grid)}, from the forcing file`);
  if (options.dryRun) {
    return {
      file: path.join(projectDir, 'data', 'dataset.nc'), kind: result.kind, startDate: next.startDate, dayCount: next.dayCount,
      observations: next.observations.dayIndex.length, maskCells: next.mask.reduce((a, m) => a + m, 0), notes,
    };
  }
  const file = await writeDataset(projectDir, next, {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: (p) => options.onProgress!(p.fraction, p.message) } : {}),
  });
  if (!old) {
    await recordProjectGrid(projectDir, next.grid, own ? 'project create' : result.kind === 'forcing' ? `forcing ${path.basename(result.provenance.Rainf.files[0] ?? '')}` : result.kind);
  }
  // the log is written after the dataset so that it never describes data that is not there
  const logPath = path.join(projectDir, IMPORT_LOG);
  const log = await fs.readFile(logPath, 'utf8').then((t) => JSON.parse(t) as unknown[]).catch(() => [] as unknown[]);
  log.push({ kind: result.kind, at: new Date().toISOString(), provenance: provenanceEntries(result), notes });
  await writeFileAtomic(logPath, `${JSON.stringify(log, null, 2)}\n`);
  return {
    file, kind: result.kind, startDate: next.startDate, dayCount: next.dayCount,
    observations: next.observations.dayIndex.length, maskCells: next.mask.reduce((a, m) => a + m, 0), notes,
  };
}
