/**
 * The main job (`npm run demo`, `vegdyn demo`): on the demo project's virtual basin (generated
 * and stored on first use), train the models of the demo preset, evaluate them with physics-only,
 * climatology and the noise ceiling, print the median-NSE table, and write NSE maps as GeoTIFF
 * and an offline HTML report into the run folder.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { initComputeBackend, formatBackendReport } from '../compute/backend.ts';
import { ensureDemoDataset } from '../data/virtual-basin/demo-dataset.ts';
import { openOrCreateProject } from '../project/project-store.ts';
import { writeFileAtomic } from '../project/atomic-write.ts';
import { writeGeoTiff } from '../export/geotiff.ts';
import { buildHtmlReport, formatNseTable, nseTable, type TableRow } from '../report/html-report.ts';
import { resolveRunConfig, describeReductions, type RunConfig } from '../training/run-config.ts';
import { hasNetwork } from '../models/model-kinds.ts';
import { NSE_MAP_FILE, REPORT_FILE } from './run-folder.ts';
import { runExperiment, type ExperimentProgress, type ExperimentResult } from './experiment.ts';

export interface DemoOptions {
  readonly projectDir: string;
  /** overrides on top of the demo preset (validated strictly) */
  readonly overrides?: Record<string, unknown>;
  /** run folder name; default: UTC timestamp + '-demo' */
  readonly runId?: string;
  readonly signal?: AbortSignal;
  /** one line per message, for the terminal */
  readonly log?: (line: string) => void;
  readonly onProgress?: (p: ExperimentProgress | { stage: 'data'; fraction: number; message: string }) => void;
}

export interface DemoResult {
  readonly runDir: string;
  readonly reportPath: string;
  readonly geotiffPath: string;
  readonly table: readonly TableRow[];
  readonly tableText: string;
  readonly seconds: number;
  /**
   * trained networks whose median test NSE does not beat the climatology, and the calibrated
   * process model when it does not beat its own defaults (should be empty; demoShortfalls)
   */
  readonly notBeatingClimatology: readonly string[];
  readonly experiment: ExperimentResult;
  readonly config: RunConfig;
}

/**
 * What `--check` fails on: a network (a kind with hasNetwork) whose median test NSE does not beat
 * the day-of-year climatology, or a calibrated process model that does not beat the same process
 * model with its default parameters. The calibrated process model is not held to the climatology
 * nor to NSE >= 0: per-PFT parameters cannot give cells of one PFT different LAI levels, and a
 * calibrated canopy that dies back never regrows in the grid model (docs/physics-grid-model.md,
 * "Calibrated physics-only line" and "Why the calibrated line dies back").
 */
export function demoShortfalls(table: readonly TableRow[]): string[] {
  const out = table.filter((r) => r.role === 'model' && hasNetwork(r.id) && !(r.vsClimatology! > 0)).map((r) => r.label);
  const calibrated = table.find((r) => r.id === 'physics-calibrated');
  const defaults = table.find((r) => r.id === 'physics-only');
  if (calibrated && defaults && !(calibrated.median > defaults.median)) out.push(`${calibrated.label} (does not beat ${defaults.label})`);
  return out;
}

export function defaultRunId(prefix = 'demo'): string {
  return `${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${prefix}`;
}

export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const t0 = performance.now();
  const log = opts.log ?? (() => undefined);
  const config = resolveRunConfig(opts.overrides ?? {}, 'demo');
  const backend = await initComputeBackend();
  log(formatBackendReport(backend));
  const reductions = describeReductions(config);
  if (reductions.length) log(`demo preset, reduced vs the paper: ${reductions.join('; ')}`);

  await openOrCreateProject(opts.projectDir, 'Demo');
  const data = await ensureDemoDataset(opts.projectDir, {
    ...(opts.signal ? { signal: opts.signal } : {}),
    onProgress: (p) => opts.onProgress?.({ stage: 'data', fraction: p.fraction, message: p.message }),
  });
  const dataset = data.dataset;
  log(data.created
    ? `generated the virtual basin in ${data.generateSeconds.toFixed(0)} s, wrote ${data.file} in ${data.writeSeconds.toFixed(0)} s`
    : `opened ${data.file}`);

  const runDir = path.join(opts.projectDir, 'runs', opts.runId ?? defaultRunId());
  const experiment = await runExperiment({
    dataset, config, runDir, backend, resume: true, log,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  const ev = experiment.evaluation;

  // NSE maps: one band per entry, nodata outside the cells every entry is scored on
  const geotiffPath = path.join(runDir, NSE_MAP_FILE);
  mkdirSync(path.dirname(geotiffPath), { recursive: true });
  await writeGeoTiff(geotiffPath, {
    grid: dataset.grid,
    mask: ev.commonCells,
    bands: ev.entries.map((e) => ({ data: e.metrics.nse, description: e.label, metadata: { entry: e.id, metric: 'NSE', median: String(e.summary.nse.median) } })),
    metadata: { metric: 'Nash-Sutcliffe efficiency of daily LAI at observed dates, test period', period: `${config.periods.test.from}/${config.periods.test.to}`, run: path.basename(runDir) },
  });

  const table = nseTable(ev);
  const tableText = formatNseTable(ev);
  const notBeating = demoShortfalls(table);
  const seconds = (performance.now() - t0) / 1000;
  const facts: [string, string][] = [
    ['preset', config.preset],
    ['backend', `${backend.chosen} (${backend.version}, ${backend.threads} thread(s))`],
    ['seed', String(config.seed)],
    ['hidden size', String(config.hiddenSize)],
    ['periods', `train ${config.periods.train.from}..${config.periods.train.to}, validate ${config.periods.validate.from}..${config.periods.validate.to}, test ${config.periods.test.from}..${config.periods.test.to}`],
    ...Object.entries(experiment.training).map(([k, r]): [string, string] => [`training ${k}`, `${r.history.length} epochs, best epoch ${r.bestEpoch} (validation loss ${r.bestValLoss.toFixed(4)}), ${r.seconds.toFixed(0)} s${r.stoppedEarly ? ', stopped early' : ''}`]),
    ...experiment.skipped.map((s): [string, string] => [`not run: ${s.kind}`, s.reason]),
    ...experiment.failed.map((s): [string, string] => [`FAILED: ${s.kind}`, s.reason]),
    ['wall time', `${seconds.toFixed(0)} s (data ${data.created ? `${(data.generateSeconds + data.writeSeconds).toFixed(0)} s generated` : 'opened'})`],
  ];
  const html = buildHtmlReport({
    title: 'VegDyn demo: daily LAI models on the virtual Upper Colorado River Basin',
    runId: path.basename(runDir),
    dataset,
    evaluation: ev,
    predictions: experiment.predictions,
    seriesStart: experiment.record.start,
    facts,
    reductions,
    notes: [
      ...(notBeating.length ? [`Not beating the climatology: ${notBeating.join(', ')}.`] : []),
      ...experiment.failed.map((f) => `${f.kind} failed and is missing from the comparison: ${f.reason}`),
    ],
  });
  const reportPath = path.join(runDir, REPORT_FILE);
  await writeFileAtomic(reportPath, html);
  return { runDir, reportPath, geotiffPath, table, tableText, seconds, notBeatingClimatology: notBeating, experiment, config };
}
