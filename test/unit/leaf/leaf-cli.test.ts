// `vegdyn leaf ...` as a user runs it: a real process, files on disk, exit codes and messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsv } from '../../../main/leaf/csv.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const input = path.join(root, 'test/fixtures/leaf/example_dataset.csv');

function vegdyn(args: string[]) {
  return spawnSync(process.execPath, [path.join(root, 'bin/vegdyn.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, VEGDYN_BACKEND: 'cpu' } });
}

test('vegdyn leaf forward writes An, Ci, gs, limiting rate and btran for every row', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-leaf-cli-'));
  try {
    const out = path.join(dir, 'out.csv');
    const r = vegdyn(['leaf', 'forward', '--input', input, '--out', out, '--btran-from', 'synthetic-B']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /446 leaves solved on cpu/);
    const rows = parseCsv(readFileSync(out, 'utf8'));
    assert.deepEqual(rows[0], ['line', 'pft', 'btran', 'vcmax25_umol_m2_s', 'an_umol_m2_s', 'ci_pa', 'gs_mol_m2_s', 'limiting', 'newton_residual_pa']);
    assert.equal(rows.length, 447);
    for (const row of rows.slice(1)) {
      const [bt, an, ci, gs] = [2, 4, 5, 6].map((i) => Number(row[i]));
      assert.ok(bt! > 0 && bt! <= 1 && an! > 0 && ci! > 0 && gs! > 0, row.join(','));
      assert.ok(['rubisco', 'light', 'pep'].includes(row[7]!));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('vegdyn leaf forward exits 1 naming the line and column of bad input', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-leaf-cli-'));
  try {
    const lines = readFileSync(input, 'utf8').trim().split(/\r?\n/).slice(0, 3);
    lines[2] = lines[2]!.replace(',Crop R,', ',Moss,');
    const bad = path.join(dir, 'bad.csv');
    writeFileSync(bad, `${lines.join('\n')}\n`);
    const r = vegdyn(['leaf', 'forward', '--input', bad, '--out', path.join(dir, 'o.csv')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /line 3, column 'PFT': unknown PFT 'Moss'/);
    const r2 = vegdyn(['leaf', 'forward', '--input', input, '--out', path.join(dir, 'o.csv'), '--btran-from', 'wet']);
    assert.equal(r2.status, 1);
    assert.match(r2.stderr, /--btran-from must be one of one, synthetic-B, default-B/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
