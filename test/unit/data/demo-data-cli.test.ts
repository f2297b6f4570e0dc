import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureDemoDataset } from '../../../main/data/virtual-basin/demo-dataset.ts';

test('vegdyn demo-data creates a project with the virtual basin and prints progress', async () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-demo-'));
  const dir = path.join(home, 'proj');
  try {
    const r = spawnSync(process.execPath, ['bin/vegdyn.mjs', 'demo-data', '--project', dir, '--seed', '3', '--from', '1981-01-01', '--to', '1981-06-30', '--json'], {
      encoding: 'utf8', env: { ...process.env, VEGDYN_HOME: home },
    });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { file: string; dayCount: number; subbasins: string[]; created: boolean; fileBytes: number };
    assert.equal(out.dayCount, 181);
    assert.ok(out.subbasins.length >= 8);
    assert.equal(out.created, true);
    assert.ok(existsSync(path.join(dir, 'project.json')));
    assert.ok(existsSync(out.file) && out.fileBytes > 1e6);
    // the app's first-run path opens what is there instead of regenerating
    const again = await ensureDemoDataset(dir);
    assert.equal(again.created, false);
    assert.equal(again.dataset.dayCount, 181);
    assert.match(again.dataset.source, /seed 3/);
    const bad = spawnSync(process.execPath, ['bin/vegdyn.mjs', 'demo-data', '--project', dir, '--seed', 'x'], { encoding: 'utf8' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /--seed must be an integer/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
