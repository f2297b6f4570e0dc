// Bad leaf input must fail with an error naming the line and the column; missing values are
// reported and the rows skipped, never silently used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseLeafCsv, LeafInputError } from '../../../main/leaf/leaf-dataset.ts';
import { parseLeafExperimentConfig } from '../../../main/leaf/leaf-config.ts';
import { temporalSplit, kFoldSplits } from '../../../main/leaf/leaf-splits.ts';

const full = readFileSync(new URL('../../fixtures/leaf/example_dataset.csv', import.meta.url), 'utf8');
const lines = full.trim().split(/\r?\n/);
const header = lines[0]!.split(',');
const col = (name: string) => header.indexOf(name);

/** the header plus the first n data rows, with row k's column c replaced */
function withField(n: number, edits: { row: number; column: string; value: string }[]): string {
  const rows = lines.slice(1, n + 1).map((l) => l.split(','));
  for (const e of edits) rows[e.row]![col(e.column)] = e.value;
  return [lines[0], ...rows.map((r) => r.join(','))].join('\n');
}

function expectInputError(text: string, line: number | undefined, column: string | undefined, pattern: RegExp, options = {}): void {
  assert.throws(() => parseLeafCsv(text, { source: 'leaf.csv', ...options }), (err: unknown) => {
    assert.ok(err instanceof LeafInputError, `LeafInputError, got ${String(err)}`);
    assert.equal(err.line, line);
    assert.equal(err.column, column);
    assert.match(err.message, pattern);
    return true;
  });
}

test('the example dataset parses: 446 rows, 7 PFTs, one soil layer, nothing skipped', () => {
  const ds = parseLeafCsv(full);
  assert.equal(ds.records.length, 446);
  assert.equal(ds.skipped.length, 0);
  assert.equal(ds.soilLayers, 1);
  assert.equal(new Set(ds.records.map((r) => r.pft.name)).size, 7);
  assert.equal(ds.records.filter((r) => r.pathway === 'C4').length, 21);
});

test('unknown PFT names its line and column; a PFT mapping resolves it', () => {
  const text = withField(5, [{ row: 2, column: 'PFT', value: 'Tall shrub' }]);
  expectInputError(text, 4, 'PFT', /unknown PFT 'Tall shrub'/);
  const ds = parseLeafCsv(text, { pftMapping: { 'Tall shrub': 'BDS Temperate' } });
  assert.equal(ds.records[2]!.pft.name, 'BDS Temperate');
});

test('a non-numeric field names its line and column', () => {
  expectInputError(withField(5, [{ row: 3, column: 'Tleaf', value: 'warm' }]), 5, 'Tleaf', /'warm' is not a number/);
});

test('negative PAR names its line and column', () => {
  expectInputError(withField(5, [{ row: 0, column: 'PARin', value: '-12' }]), 2, 'PARin', /negative PAR/);
});

test('rows with -9999 or empty required inputs are skipped and reported', () => {
  const ds = parseLeafCsv(withField(6, [{ row: 1, column: 'VPD', value: '-9999' }, { row: 4, column: 'CO2S', value: '' }]));
  assert.equal(ds.records.length, 4);
  assert.deepEqual(ds.skipped.map((s) => [s.line, s.column]), [[3, 'VPD'], [6, 'CO2S']]);
});

test('all rows filtered out is an error that says why', () => {
  const text = withField(3, [0, 1, 2].map((row) => ({ row, column: 'BLCond', value: '-9999' })));
  expectInputError(text, undefined, undefined, /all 3 data rows were skipped \(first: line 2, column 'BLCond'/);
});

test('a missing observed-An column and missing observed values are reported', () => {
  expectInputError(withField(3, []), 1, 'Photo', /observed-An column is missing/, { observedColumn: 'Photo' });
  const text = withField(3, []).split('\n').map((l, i) => `${l},${i === 0 ? 'Photo' : i === 2 ? '-9999' : '12.5'}`).join('\n');
  const ds = parseLeafCsv(text, { observedColumn: 'Photo' });
  assert.deepEqual(ds.records.map((r) => r.observedAn), [12.5, 12.5]);
  assert.deepEqual(ds.skipped.map((s) => [s.line, s.column]), [[3, 'Photo']]);
});

test('experiment config rejects unknown keys and bad values, naming them', () => {
  assert.throws(() => parseLeafExperimentConfig({ experiment: 'vcmax-only', input: 'x.csv', learningrate: 0.1 }), /Unrecognized key.*learningrate|learningrate/);
  assert.throws(() => parseLeafExperimentConfig({ experiment: 'vcmax-z', input: 'x.csv' }), /experiment/);
  const c = parseLeafExperimentConfig({ experiment: 'v-b', input: 'x.csv' });
  assert.equal(c.learningRate, 0.045);
  assert.equal(c.observedColumn, 'Photo');
});

test('temporal holdout trains on the oldest 80 % of dates of every location and PFT', () => {
  const ds = parseLeafCsv(full);
  const { train, test: held } = temporalSplit(ds.records, 0.8);
  assert.equal(train.length + held.length, ds.records.length);
  const groups = new Map<string, { train: number[]; test: number[] }>();
  for (const [set, idx] of [['train', train], ['test', held]] as const) {
    for (const i of idx) {
      const r = ds.records[i]!;
      const k = `${r.location}|${r.pft.name}`;
      const g = groups.get(k) ?? { train: [], test: [] };
      g[set].push(r.time);
      groups.set(k, g);
    }
  }
  for (const [k, g] of groups) {
    if (g.test.length) assert.ok(Math.max(...g.train) < Math.min(...g.test), `${k}: a training date is newer than a test date`);
    const dates = new Set([...g.train, ...g.test]).size;
    if (dates > 1) assert.equal(new Set(g.train).size, Math.floor(0.8 * dates), k);
  }
});

test('5-fold cross validation: folds partition the rows, are seeded, and differ by seed', () => {
  const ds = parseLeafCsv(full);
  const a = kFoldSplits(ds.records, 5, 7);
  const b = kFoldSplits(ds.records, 5, 7);
  const c = kFoldSplits(ds.records, 5, 8);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.map((f) => f.test), c.map((f) => f.test));
  const seen = a.flatMap((f) => f.test).sort((x, y) => x - y);
  assert.deepEqual(seen, ds.records.map((_, i) => i));
  for (const f of a) assert.ok(f.test.length >= 80 && f.test.length <= 100, `fold size ${f.test.length}`);
});
