/**
 * Saving and loading LAI models.
 *
 * A saved model is a folder with
 * - `model.json`: { format, version, kind, config, weightsFile, sha256, weights: [{ name, shape,
 *   offset, length }] } (offset and length in float32 elements), and
 * - `weights-<hash>.bin`: every weight as little-endian float32, concatenated in that order.
 * The weights file is named after its content hash and written first; model.json, written
 * atomically after it, is the commit point. A crash at any moment leaves either the old model
 * or the new one readable, never a mix; stale weight files are removed after the commit.
 * Reloading gives bit-identical weights, so identical predictions on the same backend.
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { formatIssues } from '../util/zod-issues.ts';
import { writeFileAtomic } from '../project/atomic-write.ts';
import { readableSync } from '../tfjs/readback.ts';
import type { LaiModel, ModelContext } from './model.ts';
import { createModel, parseModelConfig, type ModelConfig } from './model-factory.ts';

export const MODEL_FORMAT = 'vegdyn-lai-model';
export const MODEL_FORMAT_VERSION = 1;

const manifestSchema = z.strictObject({
  format: z.literal(MODEL_FORMAT),
  version: z.literal(MODEL_FORMAT_VERSION),
  kind: z.string(),
  config: z.record(z.string(), z.unknown()),
  weightsFile: z.string().regex(/^weights-[0-9a-f]{16}\.bin$/),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  weights: z.array(z.strictObject({
    name: z.string().min(1),
    shape: z.array(z.number().int().nonnegative()),
    offset: z.number().int().nonnegative(),
    length: z.number().int().nonnegative(),
  })),
});
export type ModelManifest = z.infer<typeof manifestSchema>;

/**
 * Serializes every weight of `model` (float32, little-endian) and its manifest entries. On a
 * backend without synchronous read-back (webgpu) await readableSync(the variables) first, as
 * saveModel does.
 */
export function serializeWeights(model: LaiModel): { bytes: Uint8Array; entries: ModelManifest['weights'] } {
  const vars = model.namedVariables();
  const entries: ModelManifest['weights'] = [];
  let total = 0;
  for (const { name, variable } of vars) {
    if (variable.dtype !== 'float32') throw new Error(`weight '${name}' is ${variable.dtype}; only float32 is saved`);
    entries.push({ name, shape: [...variable.shape], offset: total, length: variable.size });
    total += variable.size;
  }
  const all = new Float32Array(total);
  vars.forEach(({ variable }, i) => all.set(variable.dataSync() as Float32Array, entries[i]!.offset));
  const bytes = new Uint8Array(all.buffer);
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('big-endian hosts are not supported');
  return { bytes, entries };
}

/** Writes `model` into folder `dir` (created if missing); atomic, see the module comment. */
export async function saveModel(dir: string, model: LaiModel): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await readableSync(model.namedVariables().map((v) => v.variable));
  const { bytes, entries } = serializeWeights(model);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const weightsFile = `weights-${sha256.slice(0, 16)}.bin`;
  await writeFileAtomic(path.join(dir, weightsFile), bytes);
  const manifest: ModelManifest = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    kind: model.kind,
    config: { ...model.config } as Record<string, unknown>,
    weightsFile,
    sha256,
    weights: entries,
  };
  await writeFileAtomic(path.join(dir, 'model.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const name of await fs.readdir(dir)) {
    if (/^weights-[0-9a-f]{16}\.bin$/.test(name) && name !== weightsFile) await fs.rm(path.join(dir, name), { force: true });
  }
}

/** Reads and checks a saved model's manifest (no weights loaded). */
export async function readModelManifest(dir: string): Promise<ModelManifest & { modelConfig: ModelConfig }> {
  const file = path.join(dir, 'model.json');
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read saved model ${file}: ${(err as Error).message}`);
  }
  const r = manifestSchema.safeParse(json);
  if (!r.success) throw new Error(`${file} is not a VegDyn model: ${formatIssues(r.error.issues).join('; ')}`);
  return { ...r.data, modelConfig: parseModelConfig(r.data.config) };
}

/**
 * Loads a model saved by saveModel. `context` is passed to the factory (physics models read
 * static layers from it); weights, including non-trainable ones such as the LSTM mask, come
 * from the file.
 */
export async function loadModel(dir: string, context: ModelContext = {}): Promise<LaiModel<ModelConfig>> {
  const manifest = await readModelManifest(dir);
  const bytes = await fs.readFile(path.join(dir, manifest.weightsFile));
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== manifest.sha256) throw new Error(`saved model ${dir}: ${manifest.weightsFile} does not match model.json (checksum)`);
  if (bytes.byteLength % 4 !== 0) throw new Error(`saved model ${dir}: ${manifest.weightsFile} is not a whole number of float32 values`);
  // copy into a fresh, 4-byte-aligned buffer (Node may hand back a pooled, unaligned Buffer)
  const floats = new Float32Array(Uint8Array.from(bytes).buffer);
  const model = createModel(manifest.modelConfig, context);
  try {
    const byName = new Map(manifest.weights.map((w) => [w.name, w]));
    const vars = model.namedVariables();
    for (const { name, variable } of vars) {
      const w = byName.get(name);
      if (!w) throw new Error(`saved model ${dir} has no weight '${name}'`);
      if (w.shape.join('x') !== variable.shape.join('x')) {
        throw new Error(`saved model ${dir}: weight '${name}' is [${w.shape}], the model expects [${variable.shape}]`);
      }
      if (w.offset + w.length > floats.length) throw new Error(`saved model ${dir}: weight '${name}' lies past the end of the file`);
    }
    if (byName.size !== vars.length) {
      const known = new Set(vars.map((v) => v.name));
      const extra = [...byName.keys()].filter((n) => !known.has(n));
      throw new Error(`saved model ${dir} has weights this model does not: ${extra.join(', ')}`);
    }
    for (const { name, variable } of vars) {
      const w = byName.get(name)!;
      tf.tidy(() => variable.assign(tf.tensor(floats.slice(w.offset, w.offset + w.length), variable.shape, 'float32')));
    }
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}
