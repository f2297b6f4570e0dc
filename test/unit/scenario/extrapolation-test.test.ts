/**
 * `vegdyn scenario extrapolation-test --quick` through its typed job, end to end on a real (tiny)
 * run: the virtual basin with its changed climate is generated, every model kind is trained for
 * one epoch on the historic climate and scored with physics-only against the generator's truth;
 * the table has one row per model with every column, and the truth's change is not zero. Bad
 * input is refused before anything is written. The report section is added once and replaced.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { initComputeBackend } from '../../../main/compute/backend.ts';
import { runExtrapolationTest } from '../../../main/run/extrapolation-test.ts';
import { readExtrapolationSummary } from '../../../main/run/run-folder.ts';
import { withReportSection } from '../../../main/report/replace-report-section.ts';
import { inProcessApi } from '../in-process-api.ts';
import { runJob } from '../job-run.ts';

process.env.VEGDYN_BACKEND = 'wasm';
const { tmp, api } = inProcessApi('vegdyn-extrapolation-');
const projectDir = path.join(tmp, 'project');

test('bad input is refused before anything is written', async () => {
  await api.request('project.create', { dir: projectDir, name: 'extrapolation' });
  await assert.rejects(runExtrapolationTest({ projectDir, quick: true, changeFrom: '1980-06-01' }), /--change-from: 1980-06-01 is inside the training period \(to 1980-08-31\)/);
  await assert.rejects(runExtrapolationTest({ projectDir, quick: true, change: 'dT=3,co2=5000' }), /CO2 must be within 150-2000 ppm/);
  await assert.rejects(runExtrapolationTest({ projectDir, quick: true, runDir: path.join(projectDir, 'runs', 'x') }), /give --run or --quick, not both/);
  await assert.rejects(runExtrapolationTest({ runDir: path.join(projectDir, 'runs', 'none') }), /config\.json: missing \(the run config\)/);
  await assert.rejects(runExtrapolationTest({ runDir: path.join(projectDir, 'runs', 'none'), overrides: { models: ['physics-calibrated'] } }), /--models \(run settings\) apply to the run trained here with --project/);
  assert.ok(!existsSync(path.join(projectDir, 'runs')) || readdirSync(path.join(projectDir, 'runs')).length === 0, 'no run folder was made');
});

test('the quick extrapolation-test job trains every model kind and writes the table with the truth change', async () => {
  await initComputeBackend({ prefer: 'wasm' });
  const { end, progress } = await runJob(api, { kind: 'extrapolation-test', params: { projectDir, quick: true } });
  assert.equal(end.kind, 'extrapolation-test');
  if (end.kind !== 'extrapolation-test') return;
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i]!.fraction >= progress[i - 1]!.fraction, 'progress does not go back');
  const s = end.result.summary;
  assert.equal(s.change, 'Tair +3 K, Rainf x0.85, CO2 550 ppm from 1981-01-01');
  assert.deepEqual(s.scored, { from: '1981-01-01', to: '1981-06-30', days: 181 });
  assert.equal(s.grid.quick, true);
  // its time: the training here is one of the stages, and CPU time was counted
  assert.ok(s.stageSeconds!.generate > 0 && s.stageSeconds!.train > 0 && s.stageSeconds!.predict > 0, JSON.stringify(s.stageSeconds));
  assert.ok(s.cpuSeconds! > 0 && s.stageSeconds!.generate + s.stageSeconds!.train + s.stageSeconds!.predict <= s.seconds + 0.3, `${s.cpuSeconds} s CPU, ${s.seconds} s wall`);
  assert.ok(s.grid.basinCells > 0 && s.grid.basinCells <= 25);
  assert.deepEqual(s.entries.map((e) => e.id), ['lstm', 'conv-lstm', 'phys-conv-lstm', 'physics-calibrated', 'physics-only']);
  const trueChange = s.entries[0]!.trueChange!;
  assert.ok(Number.isFinite(trueChange) && Math.abs(trueChange) > 1e-3, `the truth changes: ${trueChange}`);
  for (const e of s.entries) {
    assert.equal(e.trueChange, trueChange, `${e.id}: one truth for every model`);
    for (const k of ['nseChanged', 'nseBaseline', 'biasChanged', 'predictedChange', 'changeError', 'cellChangeErrorMedian', 'cellChangeAbsErrorMedian'] as const) {
      assert.equal(typeof e[k], 'number', `${e.id}.${k} is a number (${e[k]})`);
    }
    assert.ok(Math.abs(e.changeError! - (e.predictedChange! - trueChange)) < 2e-4, `${e.id}: change error = predicted - true`);
    assert.ok(e.cellChangeAbsErrorMedian! >= 0);
  }
  assert.equal(s.entries.find((e) => e.id === 'lstm')!.co2, 'blind-no-channel', 'the demo preset has no CO2 channel');
  assert.equal(s.entries.find((e) => e.id === 'physics-only')!.co2, 'process-model');
  // the files: the summary reads back as written, the table has a row per model with every column
  assert.deepEqual(readExtrapolationSummary(end.result.runDir), JSON.parse(JSON.stringify(s)));
  const table = readFileSync(path.join(end.result.runDir, 'extrapolation', 'table.md'), 'utf8').trim().split('\n');
  const rows = table.filter((l) => l.startsWith('| ') && !l.startsWith('| model'));
  assert.equal(rows.length, 5);
  for (const r of rows) assert.equal(r.split('|').length - 2, 10, r);
  assert.equal(end.result.tableText.trim(), table.join('\n'));
});

test('the report section is added before </body> once and replaced by a later test', () => {
  const html = '<html><body><h1>r</h1></body></html>';
  const once = withReportSection(html, 'extrapolation', '<p>one</p>');
  assert.equal(once, '<html><body><h1>r</h1><section id="extrapolation">\n<p>one</p>\n</section>\n</body></html>');
  const twice = withReportSection(once, 'extrapolation', '<p>two</p>');
  assert.equal(twice, once.replace('<p>one</p>', '<p>two</p>'));
  assert.throws(() => withReportSection('<p>no body</p>', 'x', ''), /no <\/body>/);
});
