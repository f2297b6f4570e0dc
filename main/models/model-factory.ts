/**
 * The model zoo behind one factory. Each kind has a strict zod config schema (unknown keys are
 * rejected, defaults filled in); `parseModelConfig` validates JSON from run configs and saved
 * models, `createModel` builds a fresh model with seeded initial weights.
 *
 * Adding a kind (e.g. the physics-encoded models): export `<kind>ConfigSchema` and a class
 * implementing LaiModel from its own module, then add one entry to MODEL_KINDS below.
 */
import { z } from 'zod';
import { formatIssues } from '../util/zod-issues.ts';
import { ConvLstmModel, convLstmConfigSchema } from './conv-lstm.ts';
import { LstmModel, lstmConfigSchema } from './lstm.ts';
import { PhysicsOnlyModel, physicsCalibratedConfigSchema, physicsOnlyConfigSchema } from './physics-only.ts';
import { PhysConvLstmModel, physConvLstmConfigSchema } from './phys-conv-lstm.ts';
import type { LaiModel, ModelContext } from './model.ts';
import type { ModelKind } from './model-kinds.ts';

/** Every model kind: its config schema and how to build it. */
const MODEL_KINDS = {
  lstm: { schema: lstmConfigSchema, create: (c: z.infer<typeof lstmConfigSchema>, ctx: ModelContext) => new LstmModel(c, ctx) },
  'conv-lstm': { schema: convLstmConfigSchema, create: (c: z.infer<typeof convLstmConfigSchema>) => new ConvLstmModel(c) },
  'phys-conv-lstm': { schema: physConvLstmConfigSchema, create: (c: z.infer<typeof physConvLstmConfigSchema>, ctx: ModelContext) => new PhysConvLstmModel(c, ctx) },
  'physics-only': { schema: physicsOnlyConfigSchema, create: (c: z.infer<typeof physicsOnlyConfigSchema>, ctx: ModelContext) => new PhysicsOnlyModel(c, ctx) },
  'physics-calibrated': { schema: physicsCalibratedConfigSchema, create: (c: z.infer<typeof physicsCalibratedConfigSchema>, ctx: ModelContext) => new PhysicsOnlyModel(c, ctx) },
} as const satisfies Record<ModelKind, unknown>;

export type FactoryModelKind = keyof typeof MODEL_KINDS;

/** The union of every kind's config, discriminated on `kind`. */
export const modelConfigSchema = z.discriminatedUnion('kind', [lstmConfigSchema, convLstmConfigSchema, physConvLstmConfigSchema, physicsOnlyConfigSchema, physicsCalibratedConfigSchema]);
export type ModelConfig = z.infer<typeof modelConfigSchema>;
/** what callers may write: defaults (hidden, seed, ...) may be left out */
export type ModelConfigInput = z.input<typeof modelConfigSchema>;

export function modelKinds(): FactoryModelKind[] {
  return Object.keys(MODEL_KINDS) as FactoryModelKind[];
}

/** Validates a config (throws a readable message naming the bad keys); fills defaults. */
export function parseModelConfig(json: unknown): ModelConfig {
  const r = modelConfigSchema.safeParse(json);
  if (!r.success) {
    const kind = typeof json === 'object' && json && 'kind' in json ? String((json as { kind: unknown }).kind) : '?';
    throw new Error(`invalid model config (kind '${kind}'): ${formatIssues(r.error.issues).join('; ')}`);
  }
  return r.data;
}

/** Builds a fresh model (seeded initial weights) from a config. */
export function createModel(config: ModelConfigInput, context: ModelContext = {}): LaiModel<ModelConfig> {
  const parsed = parseModelConfig(config);
  const entry = MODEL_KINDS[parsed.kind];
  // each entry's create accepts exactly its own schema's output; the discriminant picked it
  return (entry.create as (c: ModelConfig, ctx: ModelContext) => LaiModel<ModelConfig>)(parsed, context);
}
