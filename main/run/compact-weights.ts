/**
 * Shrinks a model's weights file for shipping (the pretrained demo run): every weight of at least
 * DELTA_MIN_VALUES values is stored as its 8-bit quantised difference from the model's seeded
 * initial value (tensor-bundle.ts), the rest exactly. The LSTM baseline's basin-wide input kernel
 * (5.4 M values, trained at a thousandth of the learning rate) goes from 22 MB to ~1.5 MB. The file
 * is read back into a fresh model and compared with the float32 weights before it is accepted.
 */
import { readFileSync } from 'node:fs';
import { createModel } from '../models/model-factory.ts';
import type { LaiModel } from '../models/model.ts';
import { writeFileAtomic } from '../project/atomic-write.ts';
import { assignWeightsBundle, weightsBundle } from '../training/trainer.ts';
import { decodeBundle } from '../training/tensor-bundle.ts';

/** weights this large are stored as a difference; smaller ones are not worth the error */
export const DELTA_MIN_VALUES = 1 << 20;

export interface CompactedWeight {
  readonly weight: string;
  readonly values: number;
  /** largest |stored - float32| over the weight's values */
  readonly maxAbsError: number;
  /** largest |float32 - initial|: what training changed, for scale */
  readonly maxAbsTrained: number;
}

export interface CompactResult {
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  readonly weights: readonly CompactedWeight[];
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

async function valuesOf(model: LaiModel): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const { name, variable } of model.namedVariables()) out.set(name, (await variable.data()) as Float32Array);
  return out;
}

/**
 * Rewrites `weightsFile` (a float32 weights bundle of a model with configuration `config`, from its
 * model.json) in the compact form, atomically; leaves it as is when no weight has `minValues` values.
 */
export async function compactWeightsFile(weightsFile: string, config: unknown, minValues = DELTA_MIN_VALUES): Promise<CompactResult> {
  const bytes = readFileSync(weightsFile);
  const { arrays, meta } = decodeBundle(bytes);
  if (arrays.some((a) => a.deltaFrom)) throw new Error(`${weightsFile}: already compact; compact the float32 weights of the trained run instead`);
  const large = arrays.filter((a) => a.data instanceof Float32Array && a.data.length >= minValues).map((a) => a.name);
  if (!large.length) return { bytesBefore: bytes.length, bytesAfter: bytes.length, weights: [] };
  const make = (): LaiModel => createModel(config as Parameters<typeof createModel>[0]);
  const initial = make();
  const trained = make();
  const reread = make();
  try {
    assignWeightsBundle(trained, bytes);
    const compact = await weightsBundle(trained, meta, { initial, names: large });
    // accepted only once read back the way the app reads it: into a freshly created model
    assignWeightsBundle(reread, compact);
    const [init, want, got] = await Promise.all([valuesOf(initial), valuesOf(trained), valuesOf(reread)]);
    const weights = [...want.keys()].map((name) => ({ name, err: maxAbsDiff(want.get(name)!, got.get(name)!) }));
    const inexact = weights.filter((w) => !large.includes(w.name) && w.err !== 0);
    if (inexact.length) throw new Error(`${weightsFile}: ${inexact.map((w) => w.name).join(', ')} changed on the round trip`);
    await writeFileAtomic(weightsFile, compact);
    return {
      bytesBefore: bytes.length, bytesAfter: compact.length,
      weights: large.map((name) => ({
        weight: name, values: want.get(name)!.length,
        maxAbsError: weights.find((w) => w.name === name)!.err,
        maxAbsTrained: maxAbsDiff(want.get(name)!, init.get(name)!),
      })),
    };
  } finally {
    for (const m of [initial, trained, reread]) m.dispose();
  }
}
