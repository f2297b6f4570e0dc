/**
 * The run folder's owner (main/run/run-folder.ts): records are validated on read and on write with
 * errors naming the file and the field, run ids never start with a dot, and a re-evaluation's
 * clean-up removes exactly what the new evaluation does not stand behind.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  listRunIds, readRunRecord, readRunSummary, removeStaleOutputs, runDir, runFileIndex, writeRunRecord, type RunRecord,
} from '../../../main/run/run-folder.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-run-folder-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const range = { start: 0, end: 10 };
function record(id: string): RunRecord {
  return {
    id, status: 'finished', createdAt: '2026-12-03T10:00:00.000Z', seed: 7, backend: { chosen: 'cpu' }, versions: { node: 'v20' },
    dataset: { id: 'd', source: 'virtual', startDate: '2000-01-01', dayCount: 10 },
    periods: { record: range, train: range, validate: range, test: range },
    clip: { name: 'west', source: 'drawn', cells: 3, sha256: 'a'.repeat(64) },
    featureChannels: ['Rainf'], normalization: {}, reductions: [], models: ['lstm'], skipped: [], failed: [], optimizers: {}, timings: { total: 1.5 },
  };
}

test('a run record round-trips, keeps fields it does not know, and a bad one is refused naming file and field', async () => {
  const dir = path.join(tmp, 'project', 'runs', 'r1');
  mkdirSync(dir, { recursive: true });
  assert.equal(readRunRecord(dir), null, 'no run.json yet: the run is starting');
  await writeRunRecord(dir, { ...record('r1'), pretrained: { madeAt: 'x' } });
  const back = readRunRecord(dir)!;
  assert.equal(back.clip?.sha256, 'a'.repeat(64));
  assert.deepEqual(back['pretrained'], { madeAt: 'x' });

  writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ ...record('r1'), status: 'done' }));
  assert.throws(() => readRunRecord(dir), (e: unknown) => e instanceof Error && e.message.startsWith(path.join(dir, 'run.json')) && /status: /.test(e.message));
  await assert.rejects(writeRunRecord(dir, { ...record('r1'), seed: 1.5 }), /refusing to write an invalid run record: seed: /);
  writeFileSync(path.join(dir, 'run.json'), '{ not json');
  assert.throws(() => readRunRecord(dir), /run\.json: not valid JSON/);
});

test('a summary without scores is refused naming the field; an absent one is null', () => {
  const dir = path.join(tmp, 'project', 'runs', 'r2');
  mkdirSync(path.join(dir, 'evaluation'), { recursive: true });
  assert.equal(readRunSummary(dir), null);
  writeFileSync(path.join(dir, 'evaluation', 'summary.json'), JSON.stringify({ runId: 'r2', evaluated: { at: 'x', period: { from: 'a', to: 'b' }, clip: null } }));
  assert.throws(() => readRunSummary(dir), /summary\.json: entries: /);
});

test('run ids: dot folders (installs being built) are not runs, and a path is not an id', () => {
  const project = path.join(tmp, 'ids');
  for (const d of ['a-1', '.installing', 'b.2']) mkdirSync(path.join(project, 'runs', d), { recursive: true });
  assert.deepEqual(listRunIds(project).sort(), ['a-1', 'b.2']);
  assert.throws(() => runDir(project, '../x'), /'\.\.\/x' is not a run id/);
  assert.throws(() => runDir(project, '.installing'), /is not a run id/);
});

test('after a re-evaluation, predictions of entries it did not score and the files made from the old scores are removed', () => {
  const dir = path.join(tmp, 'stale');
  mkdirSync(path.join(dir, 'predictions'), { recursive: true });
  mkdirSync(path.join(dir, 'maps'), { recursive: true });
  for (const f of ['predictions/lstm.nc', 'predictions/conv-lstm.nc', 'predictions/physics-only.nc', 'report.html', 'maps/test-nse.tif']) writeFileSync(path.join(dir, f), 'x');
  const removed = removeStaleOutputs(dir, ['lstm', 'physics-only']);
  assert.deepEqual(removed.sort(), [path.join('maps', 'test-nse.tif'), path.join('predictions', 'conv-lstm.nc'), 'report.html']);
  assert.deepEqual(runFileIndex(dir).predictions, ['lstm', 'physics-only']);
  assert.equal(runFileIndex(dir).report, false);
  assert.ok(!existsSync(path.join(dir, 'maps', 'test-nse.tif')));
  assert.equal(readFileSync(path.join(dir, 'predictions', 'lstm.nc'), 'utf8'), 'x', 'a scored entry is kept');
});
