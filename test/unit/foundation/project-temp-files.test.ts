/**
 * Leftover temporary files of interrupted atomic writes are removed when the app opens a project;
 * a live writer's file is kept. Real files, a real dead pid (a child process that has exited).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Session } from '../../../main/api/session.ts';
import { createProject } from '../../../main/project/project-store.ts';
import { TEMP_NAME, tempPathFor, writeFileAtomic, withAtomicPath } from '../../../main/project/atomic-write.ts';

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

test('temporary names carry the writer pid and match TEMP_NAME', () => {
  const name = path.basename(tempPathFor('/x/dataset.nc'));
  assert.equal(TEMP_NAME.exec(name)?.[1], String(process.pid));
});

test('opening a project removes stale .tmp files of dead writers and old ones; keeps a live writer\'s and foreign files', async () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-tmpfiles-'));
  process.env.VEGDYN_HOME = path.join(tmp, 'home');
  try {
    const dir = path.join(tmp, 'project');
    await createProject(dir);
    const dead = deadPid();
    const files = {
      deadInData: path.join(dir, 'data', `.dataset.nc.${dead}.0a1b2c3d.tmp`),
      deadInRun: path.join(dir, 'runs', 'r1', 'lstm', `.weights.bin.${dead}.deadbeef.tmp`),
      liveOld: path.join(dir, `.project.json.${process.pid}.00000000.tmp`),
      live: path.join(dir, 'data', `.dataset.nc.${process.pid}.12345678.tmp`),
      foreign: path.join(dir, 'exports', 'notes.tmp'),
    };
    mkdirSync(path.dirname(files.deadInRun), { recursive: true });
    for (const f of Object.values(files)) writeFileSync(f, 'partial');
    const twoDaysAgo = new Date(Date.now() - 48 * 3600 * 1000);
    utimesSync(files.liveOld, twoDaysAgo, twoDaysAgo);

    const session = new Session();
    await session.openProject(dir);
    await session.close();
    assert.equal(existsSync(files.deadInData), false, 'a dead writer\'s temp file in data/');
    assert.equal(existsSync(files.deadInRun), false, 'a dead writer\'s temp file in a run folder');
    assert.equal(existsSync(files.liveOld), false, 'a temp file untouched for 48 h');
    assert.equal(existsSync(files.live), true, 'a live writer\'s temp file stays');
    assert.equal(existsSync(files.foreign), true, 'a .tmp file VegDyn did not name stays');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('atomic writes land their data and leave no temporary file', async () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-atomic-'));
  try {
    const a = path.join(tmp, 'a.json');
    await writeFileAtomic(a, '{"a":1}');
    assert.equal(readFileSync(a, 'utf8'), '{"a":1}');
    const b = path.join(tmp, 'b.bin');
    await withAtomicPath(b, (p) => writeFileSync(p, 'by path'));
    assert.equal(readFileSync(b, 'utf8'), 'by path');
    await assert.rejects(withAtomicPath(path.join(tmp, 'c.bin'), () => { throw new Error('writer failed'); }), /writer failed/);
    assert.deepEqual((await import('node:fs')).readdirSync(tmp).sort(), ['a.json', 'b.bin']);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
