/**
 * The demo project's data: the virtual UCRB generated once and kept in the project's dataset store.
 * The app calls ensureDemoDataset on first run of the demo project; `vegdyn demo-data` calls it with
 * `force` to (re)generate.
 */
import path from 'node:path';
import { describeGrid, sameGrid, UCRB_GRID } from '../grid.ts';
import { readProjectGrid, recordProjectGrid } from '../project-grid.ts';
import type { Dataset } from '../dataset.ts';
import { generateVirtualBasinAsync, type GenerationProgress, type VirtualBasinDataset } from './generate.ts';
import type { ClimateChange } from './changed-climate.ts';
import { datasetPath, hasDataset, openDataset, writeDataset } from '../store/netcdf-store.ts';

export interface DemoDataProgress {
  readonly phase: GenerationProgress['phase'] | 'writing' | 'reading';
  /** 0..1 over generation and writing together */
  readonly fraction: number;
  readonly message: string;
}

export interface DemoDataOptions {
  readonly seed?: number;
  readonly startDate?: string;
  readonly endDate?: string;
  /** regenerate even when the project already has a dataset */
  readonly force?: boolean;
  /** also grow the vegetation in a changed climate (the result's dataset.changedClimate); implies force */
  readonly change?: ClimateChange;
  readonly onProgress?: (p: DemoDataProgress) => void;
  readonly signal?: AbortSignal;
}

export interface DemoDataResult {
  /** with changedClimate when the options asked for a changed climate */
  readonly dataset: VirtualBasinDataset;
  /** true when this call generated and wrote the data, false when it opened existing data */
  readonly created: boolean;
  readonly file: string;
  /** seconds spent generating and writing (0 when opened) */
  readonly generateSeconds: number;
  readonly writeSeconds: number;
}

/** Share of the progress bar taken by generation; writing takes the rest. */
const GENERATION_SHARE = 0.8;
const inFlight = new Map<string, Promise<DemoDataResult>>();

/**
 * Returns the project's dataset, generating and writing the virtual basin first when the project
 * has none (or when `force`). An existing dataset is returned as it is, whatever seed or period the
 * options name (it may even be imported data): pass `force` to replace it. Concurrent calls for
 * one folder share one run.
 */
export function ensureDemoDataset(projectDir: string, options: DemoDataOptions = {}): Promise<DemoDataResult> {
  const dir = path.resolve(projectDir);
  let p = inFlight.get(dir);
  if (!p) {
    p = run(dir, options).finally(() => inFlight.delete(dir));
    inFlight.set(dir, p);
  }
  return p;
}

async function run(dir: string, options: DemoDataOptions): Promise<DemoDataResult> {
  const report = options.onProgress ?? (() => undefined);
  const file = datasetPath(dir);
  if (!options.force && !options.change && hasDataset(dir)) {
    report({ phase: 'reading', fraction: 0, message: `opening ${file}` });
    const dataset = await openDataset(dir, options.signal ? { signal: options.signal } : {});
    report({ phase: 'done', fraction: 1, message: `opened ${file}` });
    return { dataset, created: false, file, generateSeconds: 0, writeSeconds: 0 };
  }
  const own = await readProjectGrid(dir);
  if (own && !sameGrid(own.grid, UCRB_GRID)) {
    throw new Error(`${path.resolve(dir)}: the project's grid (${describeGrid(own.grid)}) is not the virtual basin's (${describeGrid(UCRB_GRID)}); generate the demo data in a new project`);
  }
  const t0 = performance.now();
  const dataset = await generateVirtualBasinAsync({
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.startDate ? { startDate: options.startDate } : {}),
    ...(options.endDate ? { endDate: options.endDate } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.change ? { change: options.change } : {}),
    onProgress: (g) => report({ phase: g.phase === 'done' ? 'writing' : g.phase, fraction: GENERATION_SHARE * g.fraction, message: g.message }),
  });
  const t1 = performance.now();
  await writeDataset(dir, dataset, {
    ...(options.signal ? { signal: options.signal } : {}),
    onProgress: (w) => report({ phase: 'writing', fraction: GENERATION_SHARE + (1 - GENERATION_SHARE) * w.fraction, message: w.message }),
  });
  await recordProjectGrid(dir, dataset.grid, 'virtual demo basin');
  const t2 = performance.now();
  report({ phase: 'done', fraction: 1, message: `wrote ${file}` });
  return { dataset, created: true, file, generateSeconds: (t1 - t0) / 1000, writeSeconds: (t2 - t1) / 1000 };
}

/** For the map and other readers: the project's dataset, or null when it has none yet. */
export async function openDatasetIfPresent(projectDir: string): Promise<Dataset | null> {
  return hasDataset(projectDir) ? openDataset(projectDir) : null;
}
