/**
 * Leaf-scale parameter learning (seed 004): NN_V and / or NN_B trained through the differentiable
 * leaf model so that simulated An matches observed (or synthetic) An.
 *   synthetic 'vcmax-only': truth = CLM4.5 Vcmax25, btran = 1; NN_V learns Vcmax25.
 *   synthetic 'vcmax-b':    truth = CLM4.5 Vcmax25 and B = 0.1 f_om + 0.45 (sand + clay) on the
 *                           top layer; NN_V and NN_B (PFT left out) learn both.
 *   observed: 'vdef-bdef' (no learning), 'vdef-b', 'v-bdef', 'v-b' (def = CLM4.5 defaults).
 * Results go to a run folder, each file written atomically.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir } from 'node:fs/promises';
import { readInputText } from '../util/input-file.ts';
import path from 'node:path';
import { writeFileAtomic } from '../project/atomic-write.ts';
import { solveLeaves } from '../physics/leaf-model.ts';
import { syntheticB } from '../physics/btran.ts';
import { defineRange } from '../physics/parameter-range.ts';
import { countSkipped, defaultTraitsOf, describeSkipped, leafEnvironmentOf, missingSoilColumn, parseLeafCsv, LeafInputError, type LeafDataset, type LeafRecord, type SkipCount } from './leaf-dataset.ts';
import { describeDateFormat } from './leaf-dates.ts';
import { btranFor, btranFromLayerB, layerSoil } from './leaf-btran.ts';
import { parseLeafExperimentConfig, type LeafExperimentConfig } from './leaf-config.ts';
import { kFoldSplits, seededNormal, temporalSplit, type Split } from './leaf-splits.ts';
import { fitMetrics, type FitMetrics } from './leaf-metrics.ts';
import { pftOneHot, SoilBNetwork, VcmaxNetwork } from './leaf-networks.ts';
import { formatCsv } from './csv.ts';
import { initComputeBackend, type BackendReport } from '../compute/backend.ts';
import { readAndDispose } from '../tfjs/readback.ts';

export interface LeafExperimentContext {
  readonly signal?: AbortSignal;
  readonly progress?: (fraction: number, message: string) => void;
  readonly log?: (line: string) => void;
}

export interface PftVcmax { readonly pft: string; readonly learned: number; readonly clm45: number; readonly relativeError: number }

export interface SetMetrics { readonly overall: FitMetrics; readonly byPft: Record<string, FitMetrics> }

export interface LeafExperimentResult {
  readonly experiment: string;
  readonly backend: string;
  /** wall-clock seconds */
  readonly seconds: number;
  /** CPU seconds of this process (user + system): the cost of the run when cores are shared */
  readonly cpuSeconds: number;
  readonly epochs: number;
  /** per fold; trainLoss: the training RMSE of each epoch (before that epoch's update) */
  readonly folds: { readonly train: SetMetrics; readonly test: SetMetrics; readonly vcmax: PftVcmax[]; readonly trainLoss: number[]; readonly bCorrelation?: number }[];
  readonly skippedRows: number;
  /** skipped rows counted by reason and column */
  readonly skippedByReason: SkipCount[];
  /** role -> where its values came from: a column, a constant, or how it was derived */
  readonly inputs: Readonly<Record<string, string>>;
  /** how dates were read, e.g. 'DMY (inferred from line 2: 21/09/2010)' */
  readonly dateFormat?: string;
  readonly runDir?: string;
}

const SYNTHETIC = new Set(['vcmax-only', 'vcmax-b']);

function defaultEpochs(c: LeafExperimentConfig): number {
  if (c.epochs) return c.epochs;
  return c.experiment === 'vcmax-only' ? 100 : c.experiment === 'vcmax-b' ? 600 : 300;
}

/** Synthetic An (noise-free) with CLM4.5 Vcmax25 and the experiment's btran. */
async function syntheticAn(ds: LeafDataset, experiment: string): Promise<Float32Array> {
  const [an] = await readAndDispose([tf.tidy(() => {
    const bt = btranFor(ds, ds.records, experiment === 'vcmax-b' ? 'synthetic-B' : 'one');
    return solveLeaves(leafEnvironmentOf(ds.records), defaultTraitsOf(ds.records, bt)).anet;
  })]);
  return an!;
}

function setMetrics(sim: Float32Array, obs: Float32Array, recs: readonly LeafRecord[]): SetMetrics {
  const byPft: Record<string, FitMetrics> = {};
  for (const name of [...new Set(recs.map((r) => r.pft.name))].sort()) {
    const idx = recs.flatMap((r, i) => (r.pft.name === name ? [i] : []));
    byPft[name] = fitMetrics(idx.map((i) => sim[i]!), idx.map((i) => obs[i]!));
  }
  return { overall: fitMetrics(sim, obs), byPft };
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return fitMetrics(a, b).r;
}

export async function runLeafExperiment(rawConfig: unknown, ctx: LeafExperimentContext = {}): Promise<LeafExperimentResult> {
  const config = parseLeafExperimentConfig(rawConfig);
  const runDir = config.runDir;
  const backend = await initComputeBackend(config.backend ? { prefer: config.backend } : {});
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const log = ctx.log ?? (() => undefined);
  const synthetic = SYNTHETIC.has(config.experiment);
  const text = await readInputText(config.input);
  const parsed = parseLeafCsv(text, {
    source: config.input, pftMapping: config.pftMapping, ...(synthetic ? {} : { observedColumn: config.observedColumn }),
    ...(config.columns ? { columns: config.columns } : {}), ...(config.fill ? { fill: config.fill } : {}), ...(config.dateFormat ? { dateFormat: config.dateFormat } : {}),
  });
  const trainV = ['vcmax-only', 'vcmax-b', 'v-bdef', 'v-b'].includes(config.experiment);
  const trainB = ['vcmax-b', 'vdef-b', 'v-b'].includes(config.experiment);
  const defaultBtran = config.experiment === 'vcmax-only' ? 'one' : synthetic ? 'default-B' : config.defaultBtran;
  if (config.defaultBtran !== 'default-B' && (synthetic || trainB)) throw new Error(`defaultBtran (--btran-from) applies to the formulations with the default btran (vdef-bdef, v-bdef), not to ${config.experiment}`);
  if (defaultBtran === 'default-B' && parsed.soilLayers === 0) {
    throw new LeafInputError(config.input, 1, 'soil_clay_0', `${config.experiment} computes the CLM4.5 btran from soil, but the file has no soil columns: map them (--column soil_clay_0=NAME, soil_sand_0, soil_OM_0, SM_0), give constants (--fill), or assume unstressed leaves (btran = 1) with --btran-from one`);
  }
  const layers = config.soilLayers;
  if (synthetic && layers !== 1) throw new Error('the synthetic experiments use the top soil layer only (soilLayers = 1)');
  if (trainB && layers > parsed.soilLayers) throw new Error(`${config.input}: soilLayers = ${layers} but the file has ${parsed.soilLayers} soil layer(s)`);
  // rows lacking the soil inputs their btran form needs are reported and skipped, like any other missing input
  const soilNeed = trainB ? { layers, what: 'wetness' as const } : defaultBtran === 'default-B' ? { layers: parsed.soilLayers, what: 'moisture' as const } : undefined;
  const kept: LeafRecord[] = [];
  const skipped = [...parsed.skipped];
  for (const r of parsed.records) {
    const bad = soilNeed ? missingSoilColumn(r, soilNeed.layers, soilNeed.what) : undefined;
    if (bad) skipped.push({ line: r.line, column: bad, reason: 'missing value needed for btran' });
    // a temporal split orders each site's dates; a row without one cannot be placed
    else if (config.split === 'temporal' && Number.isNaN(r.time)) skipped.push({ line: r.line, column: 'Date', reason: 'missing date (temporal split)' });
    else kept.push(r);
  }
  if (config.split === 'temporal' && parsed.records.every((r) => Number.isNaN(r.time))) {
    throw new LeafInputError(config.input, 1, 'Date', 'the temporal split needs measurement dates: map the date column (--column Date=NAME) or use --split kfold');
  }
  if (kept.length === 0) throw new LeafInputError(config.input, undefined, undefined, `all data rows were skipped (first: line ${skipped[0]?.line}, column '${skipped[0]?.column}': ${skipped[0]?.reason})`);
  const ds: LeafDataset = { records: kept, skipped: skipped.sort((a, b) => a.line - b.line), soilLayers: parsed.soilLayers };
  for (const line of describeSkipped(ds.skipped)) log(`skipped ${line}`);
  const recs = ds.records;
  const pftNames = [...new Set(recs.map((r) => r.pft.name))].sort();
  const pftIndex = recs.map((r) => pftNames.indexOf(r.pft.name));

  let observed: Float32Array;
  if (synthetic) {
    const clean = await syntheticAn(ds, config.experiment);
    const mean = clean.reduce((s, v) => s + v, 0) / clean.length;
    const normal = seededNormal(config.seed);
    observed = Float32Array.from(clean, (v) => v + config.noiseFraction * mean * normal());
  } else {
    observed = Float32Array.from(recs, (r) => r.observedAn!);
  }
  const epochs = trainV || trainB ? defaultEpochs(config) : 0;
  const embedding = config.bEmbedding ?? (synthetic ? 0 : Math.min(50, Math.ceil(pftNames.length / 2)));
  const vRange = defineRange({ name: 'vcmax25', units: 'umol CO2 m-2 s-1', min: config.vcmaxMin, max: config.vcmaxMax, description: 'NN_V output range' });
  const splits: Split[] = config.split === 'temporal' ? [temporalSplit(recs, config.trainFraction)] : kFoldSplits(recs, config.folds, config.seed);
  const folds: LeafExperimentResult['folds'][number][] = [];
  const predictionRows: (string | number)[][] = [];

  for (let f = 0; f < splits.length; f++) {
    const split = splits[f]!;
    if (split.train.length === 0) throw new Error(`fold ${f + 1}: no training rows`);
    const nnV = trainV ? new VcmaxNetwork(pftNames.length, config.seed, vRange) : undefined;
    const nnB = trainB ? new SoilBNetwork(pftNames.length, embedding, config.seed) : undefined;
    const build = (idx: number[]) => {
      const rs = idx.map((i) => recs[i]!);
      const soil = trainB ? layerSoil(rs, layers) : undefined;
      return {
        rs,
        env: leafEnvironmentOf(rs),
        base: defaultTraitsOf(rs, trainB ? tf.ones([rs.length]) : btranFor(ds, rs, defaultBtran, config.input)),
        oneHot: tf.tidy(() => pftOneHot(tf.tensor1d(idx.map((i) => pftIndex[i]!), 'int32'), pftNames.length)),
        pft: tf.tensor1d(idx.map((i) => pftIndex[i]!), 'int32'),
        soil,
        // NN_B inputs as the seed's: clay and sand as fractions, f_om; one row per (layer, leaf), layer-major
        soilX: soil ? tf.tidy(() => tf.stack([tf.div(soil.clayPct, 100), tf.div(soil.sandPct, 100), soil.fom].map((t) => tf.reshape(t, [-1])), 1) as tf.Tensor2D) : undefined,
        pftByLayer: tf.tensor1d(Array.from({ length: layers }, () => idx.map((i) => pftIndex[i]!)).flat(), 'int32'),
        obs: tf.tensor1d(idx.map((i) => observed[i]!)),
      };
    };
    const train = build(split.train);
    const test = build(split.test);
    type Batch = typeof train;
    const simulate = (b: Batch) => {
      const vcmax25 = nnV ? nnV.apply(b.oneHot) : b.base.vcmax25;
      const bValues = nnB && b.soil ? tf.reshape(nnB.apply(b.soilX!, b.pftByLayer), [layers, -1]) : undefined;
      const btran = bValues ? btranFromLayerB(b.soil!, bValues) : b.base.btran;
      return { an: solveLeaves(b.env, { ...b.base, vcmax25, btran }).anet, vcmax25, b: bValues };
    };
    const optimizer = tf.train.adam(config.learningRate);
    const vars = [...(nnV?.variables() ?? []), ...(nnB?.variables() ?? [])];
    const trainLoss: number[] = [];
    for (let e = 0; e < epochs; e++) {
      if (ctx.signal?.aborted) throw Object.assign(new Error('leaf experiment cancelled'), { name: 'AbortError' });
      const loss = optimizer.minimize(() => tf.sqrt(tf.mean(tf.square(tf.sub(simulate(train).an, train.obs)))) as tf.Scalar, true, vars);
      const [lossValue] = await readAndDispose([loss!]);
      const l = lossValue![0]!;
      trainLoss.push(l);
      if (e % 25 === 0 || e === epochs - 1) log(`fold ${f + 1}/${splits.length} epoch ${e + 1}/${epochs} RMSE ${l.toFixed(4)}`);
      ctx.progress?.((f + (e + 1) / epochs) / splits.length, `fold ${f + 1} epoch ${e + 1}`);
      if (e % 10 === 0) await new Promise((r) => setImmediate(r)); // lets cancellation and progress through
    }
    optimizer.dispose();
    // read back with data(), which every backend has (webgpu has no dataSync() in Node: main/tfjs/readback.ts)
    const evaluate = async (b: Batch) => {
      const s = tf.tidy(() => simulate(b));
      const [an, v, bv] = await readAndDispose([s.an, s.vcmax25, ...(s.b ? [s.b] : [])]);
      return { an: an!, v: v!, b: bv };
    };
    const tr = await evaluate(train);
    const te = test.rs.length ? await evaluate(test) : { an: new Float32Array(), v: new Float32Array(), b: undefined };
    // NN_V's Vcmax25 per PFT: one row per PFT, all PFTs in one forward
    const learnedByPft = nnV ? (await readAndDispose([tf.tidy(() => nnV.apply(pftOneHot(tf.tensor1d(pftNames.map((_, p) => p), 'int32'), pftNames.length)))]))[0] : undefined;
    const vcmax: PftVcmax[] = pftNames.map((name, p) => {
      const clm45 = recs.find((r) => r.pft.name === name)!.vcmaxDefault;
      const learned = learnedByPft ? learnedByPft[p]! : clm45;
      return { pft: name, learned, clm45, relativeError: (learned - clm45) / clm45 };
    });
    let bCorrelation: number | undefined;
    if (nnB && tr.b && config.experiment === 'vcmax-b') {
      const [truth] = await readAndDispose([tf.tidy(() => syntheticB(train.soil!.sandPct, train.soil!.clayPct, train.soil!.fom))]);
      bCorrelation = pearson(tr.b.slice(0, train.rs.length), truth!.slice(0, train.rs.length));
    }
    const obsOf = (idx: readonly number[]) => Float32Array.from(idx, (i) => observed[i]!);
    folds.push({ train: setMetrics(tr.an, obsOf(split.train), train.rs), test: setMetrics(te.an, obsOf(split.test), test.rs), vcmax, trainLoss, ...(bCorrelation !== undefined ? { bCorrelation } : {}) });
    for (const [set, b, r] of [['train', train, tr], ['test', test, te]] as const) {
      b.rs.forEach((rec, i) => predictionRows.push([f + 1, set, rec.line, rec.location, rec.date, rec.pftLabel, observed[set === 'train' ? split.train[i]! : split.test[i]!]!, r.an[i]!, r.v[i] ?? Number.NaN, r.b?.[i] ?? Number.NaN]));
    }
    for (const b of [train, test]) tf.dispose([b.env.parUmol, b.env.tLeafK, b.env.tAirK, b.env.pressurePa, b.env.o2Pa, b.env.co2Pa, b.env.vpdKPa, b.env.gb, b.env.isC3, b.base.vcmax25, b.base.btran, b.base.medlynSlope, b.base.medlynIntercept, b.oneHot, b.pft, b.pftByLayer, b.obs, ...(b.soilX ? [b.soilX] : []), ...(b.soil ? Object.values(b.soil) : [])]);
    tf.dispose(vars);
  }
  const result: LeafExperimentResult = {
    experiment: config.experiment, backend: tf.getBackend(), seconds: (performance.now() - t0) / 1000, cpuSeconds: cpuSecondsSince(cpu0), epochs, folds, skippedRows: ds.skipped.length,
    skippedByReason: countSkipped(ds.skipped), inputs: parsed.report?.inputs ?? {},
    ...(parsed.report?.dateFormat ? { dateFormat: describeDateFormat(parsed.report.dateFormat) } : {}),
    ...(runDir ? { runDir } : {}),
  };
  if (runDir) await writeRunFolder(runDir, config, result, predictionRows, ds, backend);
  return result;
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

async function writeRunFolder(dir: string, config: LeafExperimentConfig, result: LeafExperimentResult, predictions: (string | number)[][], ds: LeafDataset, backend: BackendReport): Promise<void> {
  await mkdir(dir, { recursive: true });
  const versions = { vegdyn: process.env.npm_package_version ?? 'unknown', tfjs: tf.version.tfjs, node: process.versions.node };
  await writeFileAtomic(path.join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  await writeFileAtomic(path.join(dir, 'run.json'), `${JSON.stringify({ seed: config.seed, backend: result.backend, backendReport: backend, versions, seconds: result.seconds, cpuSeconds: result.cpuSeconds, epochs: result.epochs, skipped: ds.skipped }, null, 2)}\n`);
  await writeFileAtomic(path.join(dir, 'metrics.json'), `${JSON.stringify(result.folds.map((f, i) => ({ fold: i + 1, train: f.train, test: f.test, bCorrelation: f.bCorrelation })), null, 2)}\n`);
  await writeFileAtomic(path.join(dir, 'vcmax25.csv'), formatCsv(['fold', 'pft', 'vcmax25_learned', 'vcmax25_clm45', 'relative_error'], result.folds.flatMap((f, i) => f.vcmax.map((v) => [i + 1, v.pft, v.learned, v.clm45, v.relativeError]))));
  await writeFileAtomic(path.join(dir, 'predictions.csv'), formatCsv(['fold', 'set', 'line', 'location', 'date', 'pft', 'an_observed', 'an_simulated', 'vcmax25', 'b'], predictions));
}
