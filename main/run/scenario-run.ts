/**
 * `vegdyn scenario run NAME --run RUNDIR`: every trained model of a finished run, and the process
 * model (physics-only with its prior parameters, and any calibrated physics kind the run trained),
 * predicts daily LAI on the baseline and on the scenario's delta-change forcing over the scenario's
 * period (or the run's test period); the run folder gains scenarios/<name>/ (run-folder.ts):
 * daily LAI as CF NetCDF4, change maps per season, basin and subbasin series, and how much of the
 * scenario's forcing lies outside the training envelope (extrapolation flags).
 *
 * Both predictions start SPIN_UP_DAYS before the period with the scenario applied to the spin-up
 * days too (docs/scenarios.md), so the models' states are in the changed climate when it starts.
 * Nothing is written until every prediction is done: a cancelled or failed run leaves the run
 * folder as it was (each file is also written atomically).
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Dataset } from '../data/dataset.ts';
import { openDataset } from '../data/store/netcdf-store.ts';
import { addDays, dayOfYear, type DayRange } from '../data/time-axis.ts';
import { regionWeights, regionMeans } from '../data/aggregate.ts';
import { monthsOfDays } from '../data/scenario/delta-change.ts';
import { changeMaps, SEASONS, type ChangeMap } from '../data/scenario/change-maps.ts';
import { extrapolationFlags, trainingEnvelope, type EnvelopeRule, type ExtrapolationFlags } from '../data/scenario/extrapolation.ts';
import { readScenario } from '../data/scenario/scenario-store.ts';
import type { Scenario } from '../data/scenario/scenario-definition.ts';
import { writeNetcdfSeries } from '../export/netcdf.ts';
import { createModel, modelKinds } from '../models/model-factory.ts';
import { hasNetwork, modelLabel } from '../models/model-kinds.ts';
import { co2Ppm } from '../physics/grid/calendar.ts';
import { co2Awareness, featureChannelNames } from '../training/features.ts';
import { predictRange } from '../training/predict.ts';
import type { RunConfig } from '../training/run-config.ts';
import { writeFileAtomic } from '../project/atomic-write.ts';
import { periodRange, prepareRunInputs, resolveRunClip, trainingView, type RunInputs } from './experiment.ts';
import { loadWeightsFile } from './model-folder-store.ts';
import { ncName, writeGridFile, type GridVariable } from './run-files.ts';
import { readableSync } from '../tfjs/readback.ts';
import { addScenarioToReport } from './scenario-report.ts';
import {
  RUN_RECORD_FILE, SCENARIO_CHANGES_FILE, SCENARIO_DAILY_DIR, SCENARIO_SERIES_FILE, WEIGHTS_FILE,
  modelDir, readModelRecord, readRunConfig, readRunRecord, scenarioRunDir, writeScenarioSummary, type ScenarioSummary,
} from './run-folder.ts';

/** days predicted before the period so the models' states spin up (in the scenario's climate for the scenario) */
export const SPIN_UP_DAYS = 365;

export interface ScenarioRunOptions {
  readonly runDir: string;
  readonly scenario: string;
  /** default: runDir/../.. */
  readonly projectDir?: string;
  readonly dataset?: Dataset;
  /** extrapolation envelope: training range (default) or a percentile p (p-th and (100-p)-th) */
  readonly envelope?: EnvelopeRule;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
  readonly onProgress?: (fraction: number, message: string) => void;
}

export interface ScenarioEntryResult {
  readonly id: string;
  readonly label: string;
  readonly co2: ScenarioSummary['entries'][number]['co2'];
  readonly maps: readonly ChangeMap[];
}

export interface ScenarioRunResult {
  readonly dir: string;
  readonly summary: ScenarioSummary;
  readonly flags: ExtrapolationFlags;
  readonly entries: readonly ScenarioEntryResult[];
  readonly tableText: string;
}

/** a model a scenario run predicts with: a trained kind (its weights file) or physics-only with its prior parameters */
export interface ScenarioEntry { id: string; label: string; weights?: string }
type Entry = ScenarioEntry;

/** The entries a scenario run predicts: trained kinds with weights, and physics-only. Throws when no model has weights. */
export function scenarioEntries(runDir: string, config: RunConfig): Entry[] {
  const known = new Set<string>(modelKinds());
  const trained = config.models.map((kind) => ({ id: kind, label: modelLabel(kind), weights: path.join(modelDir(runDir, kind), WEIGHTS_FILE) }));
  const withWeights = trained.filter((e) => existsSync(e.weights));
  if (withWeights.length === 0) {
    throw new Error(`${runDir}: the run has no trained model with saved weights (${trained.map((e) => e.weights).join(', ') || 'no models'}); train it first`);
  }
  for (const e of withWeights) if (!known.has(e.id)) throw new Error(`${modelDir(runDir, e.id)}: model kind '${e.id}' is not in the model factory of this build`);
  const out: Entry[] = withWeights;
  if (known.has('physics-only') && !out.some((e) => e.id === 'physics-only')) out.push({ id: 'physics-only', label: modelLabel('physics-only') });
  return out;
}

export function co2Response(id: string, channels: readonly string[]): ScenarioSummary['entries'][number]['co2'] {
  // the physics-encoded ConvLSTM has the process model inside: it responds through it
  if (!hasNetwork(id) || id === 'phys-conv-lstm') return 'process-model';
  return co2Awareness(channels) === 'no-channel' ? 'blind-no-channel' : 'blind-constant-in-training';
}

/** The historic CO2 (ppm) of a day index, as the process model uses it for the record. */
function historicCo2Of(startDate: string): (day: number) => number {
  return (day) => {
    const iso = addDays(startDate, day);
    return co2Ppm(Number(iso.slice(0, 4)) + (dayOfYear(iso) - 0.5) / 365.25);
  };
}

/** Daily LAI of one entry over `record` on the given inputs (baseline or changed forcing). */
export async function predictEntry(entry: Entry, runDir: string, config: RunConfig, inputs: RunInputs, record: DayRange, signal: AbortSignal | undefined, onChunk: (done: number, total: number) => void): Promise<Float32Array> {
  const ds = inputs.runDataset;
  const modelConfig = entry.weights
    ? readModelRecord(runDir, entry.id).config
    : { kind: 'physics-only', rows: ds.grid.nrows, cols: ds.grid.ncols, inputChannels: inputs.features.channelCount, seed: config.seed, ...(config.modelOptions['physics-only'] ?? {}) };
  const model = createModel(modelConfig as unknown as Parameters<typeof createModel>[0], { dataset: ds });
  try {
    if (entry.weights) {
      // webgpu: weights stored as a difference from the initial values read those synchronously
      await readableSync(model.namedVariables().map((v) => v.variable));
      loadWeightsFile(model, entry.weights);
    }
    return await predictRange(model, inputs.featuresFor(entry.id), record, { chunkDays: config.inferenceChunkDays, onChunk, ...(signal ? { signal } : {}) });
  } finally {
    model.dispose();
  }
}

function regionTable(ds: Dataset, map: ChangeMap): { region: string; baseline: number; scenario: number; change: number; relative: number }[] {
  const regions = [{ name: 'basin', fractions: Float32Array.from(ds.mask) as ArrayLike<number> }, ...ds.subbasins.map((s) => ({ name: s.name, fractions: s.cellFractions }))];
  return regions.map((r) => {
    const w = regionWeights(ds.grid, r.fractions, ds.mask);
    const b = regionMeans(w, map.baselineMean)[0]!;
    const s = regionMeans(w, map.scenarioMean)[0]!;
    return { region: r.name, baseline: b, scenario: s, change: s - b, relative: b > 0 ? (s - b) / b : NaN };
  });
}

export async function runScenario(opts: ScenarioRunOptions): Promise<ScenarioRunResult> {
  const runDir = path.resolve(opts.runDir);
  const log = opts.log ?? (() => undefined);
  const config = readRunConfig(runDir);
  const info = readRunRecord(runDir);
  if (!info) throw new Error(`${path.join(runDir, RUN_RECORD_FILE)}: missing (the run record)`);
  if (info.status !== 'finished') throw new Error(`${path.join(runDir, RUN_RECORD_FILE)}: the run is '${info.status}', not finished`);
  const projectDir = path.resolve(opts.projectDir ?? path.dirname(path.dirname(runDir)));
  const scenario: Scenario = await readScenario(projectDir, opts.scenario);
  const entries = scenarioEntries(runDir, config);
  const baseline = opts.dataset ?? await openDataset(projectDir, opts.signal ? { signal: opts.signal } : {});
  const periodDates = scenario.period ?? config.periods.test;
  const period = periodRange(baseline, periodDates, `scenario '${scenario.name}'`);
  const train = periodRange(baseline, config.periods.train, 'train');
  const record: DayRange = { start: Math.max(0, period.start - SPIN_UP_DAYS), end: period.end };

  const clip = await resolveRunClip(config, projectDir, runDir, baseline);
  const view = trainingView(baseline, clip);
  const base = prepareRunInputs(view, config, record, train);
  const changed = prepareRunInputs(view, config, record, train, undefined, scenario);

  const shares = entries.length * 2 + 1;
  let done = 0;
  const progress = (label: string) => (d: number, total: number) => opts.onProgress?.((done + d / total) / shares, `${label}: ${d} of ${total} days`);
  const C = baseline.mask.length;
  const skip = (period.start - record.start) * C;
  const predicted: { entry: Entry; baseline: Float32Array; scenario: Float32Array }[] = [];
  for (const entry of entries) {
    log(`${entry.label}: baseline`);
    const b = await predictEntry(entry, runDir, config, base, record, opts.signal, progress(`${entry.label}, baseline`));
    done++;
    log(`${entry.label}: scenario '${scenario.name}'`);
    const s = await predictEntry(entry, runDir, config, changed, record, opts.signal, progress(`${entry.label}, scenario`));
    done++;
    predicted.push({ entry, baseline: b.subarray(skip), scenario: s.subarray(skip) });
  }
  opts.signal?.throwIfAborted();
  opts.onProgress?.(done / shares, 'change maps, extrapolation flags, files');

  const months = monthsOfDays(baseline.startDate, period);
  const historic = historicCo2Of(baseline.startDate);
  const envelope = trainingEnvelope(view, train, historic, opts.envelope ?? 'range');
  const co2At = changed.runDataset.atmosphericCo2Ppm;
  const flags = extrapolationFlags(changed.runDataset, period, envelope, co2At ? (d) => co2At(addDays(baseline.startDate, d)) : undefined);
  const channels = featureChannelNames(config.features);
  const results: ScenarioEntryResult[] = predicted.map((p) => ({
    id: p.entry.id, label: p.entry.label, co2: co2Response(p.entry.id, channels), maps: changeMaps(p.baseline, p.scenario, months, C),
  }));

  const dir = scenarioRunDir(runDir, scenario.name);
  await fs.mkdir(path.join(dir, SCENARIO_DAILY_DIR), { recursive: true });
  const dates = Array.from({ length: period.end - period.start }, (_, t) => addDays(baseline.startDate, period.start + t));
  const globals = { vegdyn_run_id: path.basename(runDir), vegdyn_scenario: scenario.name, vegdyn_scenario_definition: JSON.stringify({ changes: scenario.changes, co2Ppm: scenario.co2Ppm ?? null, humidity: scenario.humidity }) };
  for (const p of predicted) {
    await writeNetcdfSeries(path.join(dir, SCENARIO_DAILY_DIR, `${p.entry.id}.nc`), {
      grid: baseline.grid, dates,
      variables: [
        { name: 'lai', units: 'm2 m-2', standardName: 'leaf_area_index', longName: `daily leaf area index, ${p.entry.label}, scenario '${scenario.name}'`, cellMethods: 'time: mean', data: p.scenario },
        { name: 'lai_baseline', units: 'm2 m-2', standardName: 'leaf_area_index', longName: `daily leaf area index, ${p.entry.label}, baseline`, cellMethods: 'time: mean', data: p.baseline },
      ],
      attributes: { title: `VegDyn scenario '${scenario.name}': daily LAI of ${p.entry.label}`, ...globals, vegdyn_entry: p.entry.id, time_coverage_start: dates[0]!, time_coverage_end: dates[dates.length - 1]! },
    });
  }
  const variables: GridVariable[] = results.flatMap((r) => r.maps.flatMap((m) => [
    { name: `change_${ncName(r.id)}_${m.season}`, values: m.absolute, units: 'm2 m-2', longName: `${r.label}: ${m.season} mean LAI, scenario '${scenario.name}' minus baseline, ${periodDates.from}..${periodDates.to}`, attributes: { vegdyn_entry: r.id, vegdyn_season: m.season, vegdyn_change: 'absolute' } },
    { name: `relchange_${ncName(r.id)}_${m.season}`, values: m.relative, units: '1', longName: `${r.label}: ${m.season} mean LAI change relative to the baseline mean, scenario '${scenario.name}'`, attributes: { vegdyn_entry: r.id, vegdyn_season: m.season, vegdyn_change: 'relative' } },
  ]));
  variables.push({ name: 'extrapolation_fraction', values: flags.fraction, units: '1', longName: `fraction of days with any forcing outside the training envelope (${envelope.rule === 'range' ? 'training range' : `${envelope.rule}th-${100 - envelope.rule}th percentiles`}), scenario '${scenario.name}'` });
  for (const [v, f] of Object.entries(flags.perVariable)) variables.push({ name: `extrapolation_fraction_${v}`, values: f, units: '1', longName: `fraction of days with ${v} outside the training envelope, scenario '${scenario.name}'` });
  await writeGridFile(path.join(dir, SCENARIO_CHANGES_FILE), baseline.grid, { title: `VegDyn scenario '${scenario.name}': change maps and extrapolation flags`, ...globals }, variables);

  // basin and subbasin daily series
  const regions = [{ name: 'basin', fractions: Float32Array.from(baseline.mask) as ArrayLike<number> }, ...baseline.subbasins.map((s) => ({ name: s.name, fractions: s.cellFractions }))];
  const lines = ['date,entry,region,baseline,scenario'];
  for (const p of predicted) {
    for (const r of regions) {
      const w = regionWeights(baseline.grid, r.fractions, baseline.mask);
      const b = regionMeans(w, p.baseline);
      const s = regionMeans(w, p.scenario);
      const name = r.name.includes(',') ? `"${r.name}"` : r.name;
      for (let t = 0; t < dates.length; t++) lines.push(`${dates[t]},${p.entry.id},${name},${b[t]!.toFixed(4)},${s[t]!.toFixed(4)}`);
    }
  }
  await writeFileAtomic(path.join(dir, SCENARIO_SERIES_FILE), `${lines.join('\n')}\n`);

  const summary: ScenarioSummary = {
    runId: path.basename(runDir), scenario, period: periodDates, spinUpFrom: addDays(baseline.startDate, record.start), envelope: envelope.rule,
    outsideEnvelope: { share: flags.share, perVariable: { ...flags.sharePerVariable } },
    entries: results.map((r) => ({ id: r.id, label: r.label, co2: r.co2, changes: Object.fromEntries(r.maps.map((m) => [m.season, regionTable(baseline, m)])) })),
    createdAt: new Date().toISOString(),
  };
  await writeScenarioSummary(runDir, JSON.parse(JSON.stringify(summary)) as ScenarioSummary);
  await addScenarioToReport(runDir, baseline, scenario, summary, results.map((r) => ({ label: r.label, annualChange: r.maps.find((m) => m.season === 'annual')!.absolute })));
  opts.onProgress?.(1, 'written');
  return { dir, summary, flags, entries: results, tableText: scenarioTable(summary) };
}

/** The basin table: per entry, period-mean LAI baseline and scenario, change, and the share outside the envelope. */
export function scenarioTable(s: ScenarioSummary): string {
  const f = (v: number | null | undefined, d = 3) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(d) : 'n/a');
  const head = `scenario '${s.scenario.name}', ${s.period.from}..${s.period.to}; ${(100 * s.outsideEnvelope.share).toFixed(1)} % of basin cell-days outside the training envelope (${Object.entries(s.outsideEnvelope.perVariable).map(([k, v]) => `${k} ${(100 * v).toFixed(1)} %`).join(', ')})`;
  const rows = s.entries.map((e) => {
    const basin = e.changes.annual?.find((r) => r.region === 'basin');
    const seasons = SEASONS.slice(1).map((season) => `${season} ${f(e.changes[season]?.find((r) => r.region === 'basin')?.change)}`).join(' ');
    return `${e.label.padEnd(34)} baseline ${f(basin?.baseline)}  scenario ${f(basin?.scenario)}  change ${f(basin?.change)} (${f(basin?.relative === null || basin?.relative === undefined ? null : 100 * basin.relative, 1)} %)  ${seasons}  CO2: ${e.co2}`;
  });
  return [head, ...rows].join('\n');
}
