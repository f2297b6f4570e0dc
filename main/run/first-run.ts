/**
 * The first start of the demo project: generate the virtual basin (when the project has no dataset)
 * and install the pretrained demo run with its predictions and scores (when it is not installed),
 * so a new user sees observed LAI, the three models' LAI and their NSE maps without any command.
 * Progress names the stage and estimates the time left.
 */
import { existsSync } from 'node:fs';
import { ensureDemoDataset } from '../data/virtual-basin/demo-dataset.ts';
import { hasDataset } from '../data/store/netcdf-store.ts';
import { bundledPretrainedDir, installPretrainedRun, isPretrainedInstalled, PRETRAINED_MANIFEST } from './pretrained-demo.ts';
import path from 'node:path';

export type FirstRunStage = 'data' | 'install';

export interface FirstRunProgress {
  readonly stage: FirstRunStage;
  /** 0..1 over everything this first run does */
  readonly fraction: number;
  readonly message: string;
  /** seconds left, extrapolated from the time taken so far (absent at the very start) */
  readonly etaSeconds?: number;
}

export interface FirstRunOptions {
  readonly projectDir: string;
  /** a shorter demo period than the generator's default (tests); it must cover the pretrained run's record */
  readonly startDate?: string;
  readonly endDate?: string;
  /** default: the build's resources/pretrained-demo */
  readonly pretrainedDir?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: FirstRunProgress) => void;
}

export interface FirstRunResult {
  readonly generatedData: boolean;
  readonly installedRun: boolean;
  /** why the pretrained run was not installed (absent from this build), or why its scores are suspect */
  readonly note?: string;
  readonly seconds: number;
}

/** What a first run of this project would do: nothing when both the data and the pretrained run are there. */
export function firstRunNeeds(projectDir: string, pretrainedDir = bundledPretrainedDir()): { data: boolean; run: boolean } {
  const shipped = existsSync(path.join(pretrainedDir, PRETRAINED_MANIFEST));
  return { data: !hasDataset(projectDir), run: shipped && !isPretrainedInstalled(projectDir) };
}

/**
 * Share of the work per stage, estimated from docs/first-run.md: generating and
 * writing the basin (~150 s of the 432 s browser test), then predicting 2007-2012 and scoring.
 */
const DATA_SHARE = 0.45;

export async function runFirstStart(opts: FirstRunOptions): Promise<FirstRunResult> {
  const t0 = performance.now();
  const pretrainedDir = opts.pretrainedDir ?? bundledPretrainedDir();
  const needs = firstRunNeeds(opts.projectDir, pretrainedDir);
  const dataShare = needs.data ? (needs.run ? DATA_SHARE : 1) : 0;
  const report = (stage: FirstRunStage, fraction: number, message: string): void => {
    const elapsed = (performance.now() - t0) / 1000;
    // a linear extrapolation: rough at first, close once a few percent are done
    const eta = fraction > 0.02 ? (elapsed / fraction) * (1 - fraction) : undefined;
    opts.onProgress?.({ stage, fraction, message, ...(eta !== undefined ? { etaSeconds: eta } : {}) });
  };
  const data = await ensureDemoDataset(opts.projectDir, {
    ...(opts.startDate ? { startDate: opts.startDate } : {}),
    ...(opts.endDate ? { endDate: opts.endDate } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    onProgress: (p) => report('data', dataShare * p.fraction, `Generating the virtual basin: ${p.message}`),
  });
  if (!needs.run) {
    const shipped = existsSync(path.join(pretrainedDir, PRETRAINED_MANIFEST));
    return {
      generatedData: data.created, installedRun: false, seconds: (performance.now() - t0) / 1000,
      ...(shipped ? {} : { note: `this build has no pretrained demo run (${pretrainedDir}): train a model to see model LAI` }),
    };
  }
  const installed = await installPretrainedRun({
    projectDir: opts.projectDir, dataset: data.dataset, sourceDir: pretrainedDir,
    ...(opts.signal ? { signal: opts.signal } : {}),
    onProgress: (f, message) => report('install', dataShare + (1 - dataShare) * f, `Scoring the pretrained models: ${message}`),
  });
  return {
    generatedData: data.created, installedRun: true, seconds: (performance.now() - t0) / 1000,
    ...(installed.scoreDrift.length ? { note: `the pretrained run scores differently than when it was made (${installed.scoreDrift.join('; ')}); remake it with scripts/make-pretrained-demo.ts` } : {}),
  };
}
