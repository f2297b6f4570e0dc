/**
 * The trainer's store (training/trainer.ts TrainingStore) on a model's folder of a run:
 * checkpoint.vdtb, best.vdtb and history.json, each written atomically. Also the final weights
 * (weights.vdtb) and their reading back for a re-evaluation.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LaiModel } from '../models/model.ts';
import { writeFileAtomic } from '../project/atomic-write.ts';
import { HISTORY_FILE } from './run-folder.ts';
import { assignWeightsBundle, weightsBundle, type EpochRecord, type TrainingStore } from '../training/trainer.ts';

export const CHECKPOINT_FILE = 'checkpoint.vdtb';
export const BEST_FILE = 'best.vdtb';

function readIfThere(file: string): Uint8Array | null {
  return existsSync(file) ? readFileSync(file) : null;
}

/** The store of a model's folder (created by the caller). */
export function modelFolderStore(dir: string): TrainingStore {
  return {
    where: dir,
    readCheckpoint: () => readIfThere(path.join(dir, CHECKPOINT_FILE)),
    writeCheckpoint: (bundle) => writeFileAtomic(path.join(dir, CHECKPOINT_FILE), bundle),
    readBest: () => readIfThere(path.join(dir, BEST_FILE)),
    writeBest: (bundle) => writeFileAtomic(path.join(dir, BEST_FILE), bundle),
    writeHistory: (history: readonly EpochRecord[]) => writeFileAtomic(path.join(dir, HISTORY_FILE), `${JSON.stringify(history, null, 2)}\n`),
  };
}

/** Writes the model's weights as a tensor bundle file (weights.vdtb, ...). */
export async function saveWeightsFile(model: LaiModel, file: string, meta: unknown): Promise<void> {
  await writeFileAtomic(file, await weightsBundle(model, meta));
}

/** Loads a weights bundle file into the model; returns its metadata. */
export function loadWeightsFile(model: LaiModel, file: string): unknown {
  return assignWeightsBundle(model, readFileSync(file));
}
