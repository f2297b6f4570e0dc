/**
 * Scenarios stored in a project: `vegdyn scenario create/list` on a real project folder; bad input
 * (unknown variable, negative precipitation multiplier, CO2 outside 150-2000 ppm, malformed monthly
 * values, a name in use) is refused naming the problem, and the project's files stay byte-identical.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createProject } from '../../../main/project/project-store.ts';
import { createScenario, listScenarios, readScenario, scenarioPath } from '../../../main/data/scenario/scenario-store.ts';
import { hashTree } from '../importers/project-hash.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-scenario-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

function vegdyn(...args: string[]) {
  return spawnSync(process.execPath, ['bin/vegdyn.mjs', ...args], { encoding: 'utf8' });
}

test('vegdyn scenario create stores the scenario; scenario list shows it', async () => {
  const dir = path.join(root, 'cli');
  await createProject(dir);
  const r = vegdyn('scenario', 'create', 'warm-dry', '--project', dir, '--dT', '2', '--precip', '0.8', '--co2', '550', '--period', '2009..2016');
  assert.equal(r.status, 0, r.stderr);
  const stored = JSON.parse(readFileSync(scenarioPath(dir, 'warm-dry'), 'utf8'));
  assert.deepEqual(stored.changes, { Tair: 2, Rainf: 0.8 });
  assert.equal(stored.co2Ppm, 550);
  assert.deepEqual(stored.period, { from: '2009-01-01', to: '2016-12-31' });
  assert.equal(stored.humidity, 'baseline-relative-humidity');
  const monthly = vegdyn('scenario', 'create', 'seasonal', '--project', dir, '--dT', '1,1,2,2,3,3,3,3,2,2,1,1', '--sw', '1.05');
  assert.equal(monthly.status, 0, monthly.stderr);
  assert.deepEqual((await readScenario(dir, 'seasonal')).changes.Tair, [1, 1, 2, 2, 3, 3, 3, 3, 2, 2, 1, 1]);
  const list = vegdyn('scenario', 'list', '--project', dir);
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, /^seasonal .*SWdown x1\.05/m);
  assert.match(list.stdout, /^warm-dry {2}Tair \+2, Rainf x0\.8, CO2 550 ppm {2}period 2009-01-01\.\.2016-12-31/m);
  // bad input through the CLI: non-zero exit, the problem named, the project unchanged
  const before = hashTree(dir);
  const bad = vegdyn('scenario', 'create', 'x', '--project', dir, '--precip', '-0.2');
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /changes\.Rainf: must not be negative/);
  assert.equal(hashTree(dir), before);
});

test('bad scenarios are refused with the field named and leave the project unchanged', async () => {
  const dir = path.join(root, 'bad');
  await createProject(dir);
  await createScenario(dir, { name: 'kept', changes: { Tair: 1 } });
  const before = hashTree(dir);
  const cases: [Parameters<typeof createScenario>[1], RegExp][] = [
    [{ name: 'a', changes: { Qair: 0.001 } }, /changes: unknown variable 'Qair'.*Qair follows Tair at the baseline relative humidity/],
    [{ name: 'a', changes: { Tsoil: 1 } }, /unknown variable 'Tsoil'; a scenario changes Tair .*Rainf .*SWdown/],
    [{ name: 'a', changes: { Rainf: -0.1 } }, /changes\.Rainf: must not be negative/],
    [{ name: 'a', changes: { Rainf: [1, 1, 1, 1, 1, -1, 1, 1, 1, 1, 1, 1] } }, /changes\.Rainf: month 6: must not be negative/],
    [{ name: 'a', changes: {}, co2Ppm: 149 }, /co2Ppm: CO2 must be within 150-2000 ppm \(got 149\)/],
    [{ name: 'a', changes: {}, co2Ppm: 2001 }, /co2Ppm: CO2 must be within 150-2000 ppm \(got 2001\)/],
    [{ name: 'a', changes: { Tair: [1, 2, 3] } }, /changes\.Tair: give one value or 12 monthly values/],
    [{ name: 'a', changes: {}, period: { from: '2016-01-01', to: '2009-12-31' } }, /period: period\.from must not be after period\.to/],
    [{ name: 'a', changes: {}, period: { from: '2016-02-30', to: '2017-01-01' } }, /period\.from: '2016-02-30' is not a calendar date/],
    [{ name: '../escape', changes: { Tair: 1 } }, /scenario name '\.\.\/escape'/],
    [{ name: 'kept', changes: { Tair: 2 } }, /scenario 'kept' already exists/],
  ];
  for (const [input, message] of cases) {
    await assert.rejects(createScenario(dir, input), message, JSON.stringify(input));
    assert.equal(hashTree(dir), before, `project unchanged after ${JSON.stringify(input)}`);
  }
  // a project without any scenario folder stays without one after a refusal
  const empty = path.join(root, 'empty');
  await createProject(empty);
  const emptyBefore = hashTree(empty);
  await assert.rejects(createScenario(empty, { name: 'a', changes: {}, co2Ppm: 100 }), /co2Ppm/);
  assert.equal(hashTree(empty), emptyBefore);
  await assert.rejects(createScenario(path.join(root, 'nowhere'), { name: 'a', changes: {} }), /no such folder/);
});

test('a hand-edited scenario file that does not check is listed as unreadable with its problem', async () => {
  const dir = path.join(root, 'edited');
  await createProject(dir);
  await createScenario(dir, { name: 'good', changes: { Rainf: 0.9 }, co2Ppm: 700 });
  const file = scenarioPath(dir, 'good');
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  writeFileSync(scenarioPath(dir, 'edited'), JSON.stringify({ ...raw, name: 'edited', changes: { Wind: 1.2 } }));
  const { scenarios, unreadable } = await listScenarios(dir);
  assert.deepEqual(scenarios.map((s) => s.name), ['good']);
  assert.equal(unreadable.length, 1);
  assert.match(unreadable[0]!.error, /edited\.json: changes: unknown variable 'Wind'/);
  await assert.rejects(readScenario(dir, 'missing'), /no scenario 'missing' in .*\(defined: good\)/);
});
