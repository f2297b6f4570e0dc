/**
 * Data commands: `vegdyn demo-data` generates the virtual Upper Colorado basin and writes it into a
 * project's dataset store (creating the project when the folder is new or empty).
 */
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { defaultProjectDir } from '../config/vegdyn-home.ts';
import { openOrCreateProject } from '../project/project-store.ts';
import { DEFAULT_END_DATE, DEFAULT_SEED, DEFAULT_START_DATE } from '../data/virtual-basin/generate.ts';
import { noiseCeilingNse } from '../data/virtual-basin/observations.ts';
import { describeClimateChange, parseClimateChange, type ClimateChange } from '../data/virtual-basin/changed-climate.ts';

const round3 = (v: number) => Math.round(v * 1000) / 1000;

function parseSeed(value: string): number {
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new Error(`--seed must be an integer, got '${value}'`);
  return Number(value);
}

export function registerDataCommands(program: Command): void {
  program
    .command('demo-data')
    .description('generate the virtual Upper Colorado River Basin (forcing, LAI, subbasins) into a project as CF NetCDF4')
    .option('--project <dir>', 'project folder (created when new or empty; default: the demo project)')
    .option('--seed <n>', `random seed (default ${DEFAULT_SEED}); the same seed gives the same data`, parseSeed)
    .option('--from <date>', `first day, YYYY-MM-DD (default ${DEFAULT_START_DATE})`)
    .option('--to <date>', `last day, YYYY-MM-DD (default ${DEFAULT_END_DATE})`)
    .option('--keep', 'keep an existing dataset instead of regenerating it')
    .option('--change <changes>', 'also grow the vegetation in a changed climate, e.g. dT=3,precip=0.85,co2=550 (sw= for shortwave); writes data/changed-climate.nc')
    .option('--change-from <year>', 'first changed day: a year (1 January) or YYYY-MM-DD (default: the first test year of the demo preset, 2009)')
    .option('--json', 'print a machine-readable summary')
    .action(async (opts: { project?: string; seed?: number; from?: string; to?: string; keep?: boolean; change?: string; changeFrom?: string; json?: boolean }) => {
      if (opts.changeFrom && !opts.change) throw new Error('--change-from needs --change');
      if (opts.change && opts.keep) throw new Error('--change regenerates the data: drop --keep');
      let change: ClimateChange | undefined;
      if (opts.change) {
        // the run config (and with it tfjs) loads only when a change needs its default first day
        const from = opts.changeFrom ?? (await import('../training/run-config.ts')).DEMO_PRESET.periods.test.from.slice(0, 4);
        change = parseClimateChange(opts.change, from, opts.to ?? DEFAULT_END_DATE);
      }
      const project = await openOrCreateProject(opts.project ?? defaultProjectDir(), opts.project ? undefined : 'demo');
      // the NetCDF writer (h5wasm) loads only when the command runs
      const { ensureDemoDataset } = await import('../data/virtual-basin/demo-dataset.ts');
      let lastPct = -1;
      const result = await ensureDemoDataset(project.dir, {
        force: !opts.keep,
        ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        ...(opts.from ? { startDate: opts.from } : {}),
        ...(opts.to ? { endDate: opts.to } : {}),
        ...(change ? { change } : {}),
        onProgress: (p) => {
          const pct = Math.floor(p.fraction * 100);
          if (pct !== lastPct && !opts.json) {
            lastPct = pct;
            process.stderr.write(`[${String(pct).padStart(3)}%] ${p.message}\n`);
          }
        },
      });
      const ds = result.dataset;
      // the changed truth, or removing a stale one (it described the data just replaced)
      const { recordChangedClimateTruth } = await import('../run/changed-climate-truth.ts');
      const changedFile = result.created ? await recordChangedClimateTruth(project.dir, ds) : undefined;
      const cells = ds.grid.ncols * ds.grid.nrows;
      let inside = 0;
      for (const m of ds.mask) inside += m;
      const summary: Record<string, unknown> = {
        project: project.dir,
        file: result.file,
        created: result.created,
        source: ds.source,
        startDate: ds.startDate,
        dayCount: ds.dayCount,
        basinCells: inside,
        subbasins: ds.subbasins.map((s) => s.name),
        observations: ds.observations.dayIndex.length,
        splits: ds.splits,
        fileBytes: statSync(result.file).size,
        generateSeconds: Math.round(result.generateSeconds * 10) / 10,
        writeSeconds: Math.round(result.writeSeconds * 10) / 10,
      };
      if (ds.changedClimate && changedFile) {
        const { fromDay, trueLai } = ds.changedClimate;
        const basinMean = (a: Float32Array) => {
          let s = 0;
          let k = 0;
          for (let t = fromDay; t < ds.dayCount; t++) for (let c = 0; c < cells; c++) if (ds.mask[c]) { s += a[t * cells + c]!; k++; }
          return s / k;
        };
        const base = basinMean(ds.trueLai!);
        const changed = basinMean(trueLai);
        summary.changedClimate = {
          file: changedFile, change: describeClimateChange(ds.changedClimate.change),
          trueBasinMeanLai: { baseline: round3(base), changed: round3(changed), change: round3(changed - base) },
        };
      }
      if (ds.trueLai) {
        const nse = Array.from(noiseCeilingNse(ds.observations, ds.trueLai, cells)).filter((v, c) => ds.mask[c] && Number.isFinite(v)).sort((a, b) => a - b);
        const q = (p: number) => Math.round(nse[Math.min(nse.length - 1, Math.floor(p * nse.length))]! * 1000) / 1000;
        summary.noiseCeilingNse = { p10: q(0.1), median: q(0.5), p90: q(0.9) };
      }
      if (opts.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      else for (const [k, v] of Object.entries(summary)) process.stdout.write(`${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}\n`);
    });
}
