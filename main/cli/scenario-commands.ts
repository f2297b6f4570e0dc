/**
 * Scenario commands: `vegdyn scenario create NAME`, `vegdyn scenario list`, `vegdyn scenario run NAME --run RUNDIR`, `vegdyn scenario extrapolation-test`. A scenario is
 * delta-change forcing stored in the project (data/scenario/); options take one value or 12
 * comma-separated monthly values (January first).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { defaultProjectDir } from '../config/vegdyn-home.ts';
import { createScenario, listScenarios } from '../data/scenario/scenario-store.ts';
import { DEFAULT_TEST_CHANGE } from '../data/virtual-basin/changed-climate.ts';
import { describeChanges, parsePeriod, type MonthlyValue, type Scenario } from '../data/scenario/scenario-definition.ts';

/** '2' or '1,1,2,2,3,3,3,3,2,2,1,1' -> a number or 12 numbers; the option is named in the error */
function monthlyOption(option: string) {
  return (text: string): MonthlyValue => {
    const parts = text.split(',').map((p) => p.trim());
    const values = parts.map(Number);
    const bad = parts.findIndex((p, i) => p === '' || !Number.isFinite(values[i]));
    if (bad >= 0) throw new Error(`${option}: '${parts[bad]}' is not a number`);
    if (values.length === 1) return values[0]!;
    if (values.length !== 12) throw new Error(`${option}: give one value or 12 monthly values (January first), got ${values.length}`);
    return values;
  };
}

/** --change VAR=VALUE (repeatable): any scenario variable by its forcing name */
function collectChange(text: string, acc: Record<string, MonthlyValue>): Record<string, MonthlyValue> {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(text);
  if (!m) throw new Error(`--change: '${text}' is not VAR=VALUE (e.g. Tair=2 or Rainf=0.8)`);
  return { ...acc, [m[1]!]: monthlyOption(`--change ${m[1]}`)(m[2]!) };
}

function describe(s: Scenario): string {
  return `${s.name}  ${describeChanges(s) || '(no change)'}  period ${s.period ? `${s.period.from}..${s.period.to}` : "(the run's test period)"}${s.description ? `  ${s.description}` : ''}`;
}

export function registerScenarioCommands(program: Command): void {
  const scenario = program.command('scenario').description('what-if climate scenarios (delta-change forcing) stored in a project');
  scenario
    .command('create')
    .description('define a scenario: additive temperature change, precipitation and shortwave multipliers, CO2; humidity keeps the baseline relative humidity')
    .argument('<name>', 'scenario name (letters, digits, _ . -)')
    .option('--project <dir>', 'project folder (default: the demo project)')
    .option('--dT <K>', 'temperature change, K (one value or 12 monthly values)', monthlyOption('--dT'))
    .option('--precip <x>', 'precipitation multiplier, >= 0 (0.8 = 20 % less)', monthlyOption('--precip'))
    .option('--sw <x>', 'shortwave multiplier, >= 0', monthlyOption('--sw'))
    .option('--co2 <ppm>', 'atmospheric CO2, ppm (150-2000)', monthlyOption('--co2'))
    .option('--change <VAR=VALUE>', 'a change by forcing name (Tair, Rainf, SWdown); repeatable', collectChange, {})
    .option('--period <A..B>', "baseline period, years (2009..2016) or dates (default: the test period of the run it is applied to)")
    .option('--description <text>', 'free-text description')
    .option('--replace', 'replace a scenario of the same name')
    .action(async (name: string, opts: { project?: string; dT?: MonthlyValue; precip?: MonthlyValue; sw?: MonthlyValue; co2?: MonthlyValue; change: Record<string, MonthlyValue>; period?: string; description?: string; replace?: boolean }) => {
      const changes: Record<string, MonthlyValue> = { ...opts.change };
      if (opts.dT !== undefined) changes.Tair = opts.dT;
      if (opts.precip !== undefined) changes.Rainf = opts.precip;
      if (opts.sw !== undefined) changes.SWdown = opts.sw;
      const s = await createScenario(opts.project ?? defaultProjectDir(), {
        name,
        changes,
        ...(opts.co2 !== undefined ? { co2Ppm: opts.co2 } : {}),
        ...(opts.period ? { period: parsePeriod(opts.period) } : {}),
        ...(opts.description !== undefined ? { description: opts.description } : {}),
      }, { replace: opts.replace ?? false });
      process.stdout.write(`created scenario ${describe(s)}\n`);
    });
  scenario
    .command('run')
    .description('run a scenario on a finished run: every trained model and physics-only predict baseline and scenario LAI; writes daily LAI (NetCDF4), change maps, basin and subbasin series and extrapolation flags into <run>/scenarios/<name>/')
    .argument('<name>', 'scenario name (vegdyn scenario list)')
    .requiredOption('--run <dir>', 'the run folder (<project>/runs/<id>)')
    .option('--project <dir>', 'project folder the run belongs to (default: the folder above runs/)')
    .option('--percentile <p>', 'flag forcing beyond the p-th / (100-p)-th training percentiles instead of the training range', (v: string) => {
      const p = Number(v);
      if (!(p > 0 && p < 50)) throw new Error(`--percentile: expected a number in (0, 50), got '${v}'`);
      return p;
    })
    .action(async (name: string, opts: { run: string; project?: string; percentile?: number }) => {
      // the engine (tfjs, h5wasm) loads only when the command runs
      const [{ initComputeBackend, formatBackendReport }, { runScenario }] = await Promise.all([import('../compute/backend.ts'), import('../run/scenario-run.ts')]);
      process.stderr.write(`${formatBackendReport(await initComputeBackend())}\n`);
      const abort = new AbortController();
      const onSigint = () => abort.abort(new Error('cancelled (Ctrl-C); the run folder is unchanged'));
      process.once('SIGINT', onSigint);
      let lastPct = -1;
      try {
        const r = await runScenario({
          runDir: path.resolve(opts.run), scenario: name, signal: abort.signal,
          ...(opts.project ? { projectDir: path.resolve(opts.project) } : {}),
          ...(opts.percentile !== undefined ? { envelope: opts.percentile } : {}),
          log: (line) => process.stderr.write(`${line}\n`),
          onProgress: (f, message) => {
            const pct = Math.floor(f * 100);
            if (pct !== lastPct) { lastPct = pct; process.stderr.write(`[${String(pct).padStart(3)}%] ${message}\n`); }
          },
        });
        process.stdout.write(`${r.tableText}\nwritten: ${r.dir}\n`);
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
  scenario
    .command('extrapolation-test')
    .description('the extrapolation test on the virtual basin: the generator grows its vegetation in a changed climate over the test years; every model of a run trained on the historic climate (--run, or one trained here with the demo preset) and physics-only are scored against that truth (NSE, bias, error of the predicted change); writes <run>/extrapolation/ and a report section (docs/extrapolation.md)')
    .option('--run <dir>', 'a finished run trained on the virtual basin (<project>/runs/<id>); nothing is trained')
    .option('--project <dir>', 'project to train a new run in (without --run)')
    .option('--change <changes>', `the changed climate (default ${DEFAULT_TEST_CHANGE}); keys dT, precip, sw, co2`)
    .option('--change-from <year>', 'first changed day, a year or YYYY-MM-DD (default: the first test year)')
    .option('--models <kinds>', 'with --project: train only these model kinds of the demo preset, comma-separated (default: all of the preset\'s, e.g. lstm,conv-lstm,phys-conv-lstm,physics-calibrated), each with the preset\'s settings')
    .option('--quick', 'tiny variant: a 5 x 5 window, 1980-01..1981-06, hidden 4, one epoch (checks the pipeline; not a measurement)')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: { run?: string; project?: string; change?: string; changeFrom?: string; models?: string; quick?: boolean; json?: boolean }) => {
      const [{ initComputeBackend, formatBackendReport }, { runExtrapolationTest, describeTestTime }] = await Promise.all([import('../compute/backend.ts'), import('../run/extrapolation-test.ts')]);
      process.stderr.write(`${formatBackendReport(await initComputeBackend())}\n`);
      const abort = new AbortController();
      const onSigint = () => abort.abort(new Error('cancelled (Ctrl-C)'));
      process.once('SIGINT', onSigint);
      let lastPct = -1;
      try {
        const r = await runExtrapolationTest({
          ...(opts.run ? { runDir: path.resolve(opts.run) } : {}),
          ...(opts.project ? { projectDir: path.resolve(opts.project) } : {}),
          ...(opts.change ? { change: opts.change } : {}),
          ...(opts.changeFrom ? { changeFrom: opts.changeFrom } : {}),
          ...(opts.models !== undefined ? { overrides: { models: opts.models.split(',').map((k) => k.trim()).filter((k) => k !== '') } } : {}),
          quick: opts.quick ?? false,
          signal: abort.signal,
          log: (line) => process.stderr.write(`${line}\n`),
          onProgress: (f, message) => {
            const pct = Math.floor(f * 100);
            if (pct !== lastPct) { lastPct = pct; process.stderr.write(`[${String(pct).padStart(3)}%] ${message}\n`); }
          },
        });
        if (opts.json) process.stdout.write(`${JSON.stringify({ runDir: r.runDir, files: r.files, summary: r.summary }, null, 2)}\n`);
        else process.stdout.write(`${r.tableText}\nwritten: ${r.files.join(', ')}\n`);
        process.stderr.write(`${describeTestTime(r.summary)}\n`);
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
  scenario
    .command('list')
    .description('list the scenarios of a project')
    .option('--project <dir>', 'project folder (default: the demo project)')
    .option('--json', 'print the scenarios as JSON')
    .action(async (opts: { project?: string; json?: boolean }) => {
      const { scenarios, unreadable } = await listScenarios(opts.project ?? defaultProjectDir());
      if (opts.json) process.stdout.write(`${JSON.stringify({ scenarios, unreadable }, null, 2)}\n`);
      else {
        for (const s of scenarios) process.stdout.write(`${describe(s)}\n`);
        for (const u of unreadable) process.stdout.write(`unreadable: ${u.error}\n`);
        if (scenarios.length + unreadable.length === 0) process.stdout.write('no scenarios (vegdyn scenario create NAME --dT 2 --precip 0.8 --co2 550)\n');
      }
    });
}
