/**
 * Project folders: created with a schema-versioned manifest, opened without writing, refused
 * with a clear message when they are not projects (or are newer), and never left with a broken
 * project.json, even when the writing process is killed half way.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createProject, openProject, saveProject, openOrCreateProject } from '../../../main/project/project-store.ts';
import { projectManifestSchema } from '../../../main/project/project-manifest.ts';
import { Session } from '../../../main/api/session.ts';
import { createApiClient } from '../../../main/api/client.ts';
import { createInProcessTransport } from '../../../main/api/in-process-transport.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-project-'));
process.env.VEGDYN_HOME = path.join(tmp, 'home');
after(() => rmSync(tmp, { recursive: true, force: true }));

/** name -> size and mtime of every file below dir: proof that nothing changed */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = `${s.size}:${s.mtimeMs}:${readFileSync(p, 'utf8')}`;
    }
  };
  walk(dir);
  return out;
}

test('create writes a valid manifest and the project folders; open reads it back', async () => {
  const dir = path.join(tmp, 'alpha');
  const created = await createProject(dir, { name: 'Alpha', description: 'first' });
  assert.equal(created.manifest.schemaVersion, 1);
  for (const sub of ['data', 'runs', 'exports']) assert.ok(statSync(path.join(dir, sub)).isDirectory());
  const onDisk = projectManifestSchema.parse(JSON.parse(readFileSync(path.join(dir, 'project.json'), 'utf8')));
  assert.equal(onDisk.name, 'Alpha');
  const opened = await openProject(dir);
  assert.deepEqual(opened.manifest, created.manifest);
  const saved = await saveProject(opened, { description: 'second' });
  assert.equal((await openProject(dir)).manifest.description, 'second');
  assert.ok(saved.manifest.modifiedAt >= created.manifest.modifiedAt);
  // no temporary files are left behind by atomic writes
  assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.tmp')), []);
});

test('create refuses a folder that already holds files or a project', async () => {
  const busy = path.join(tmp, 'busy');
  mkdirSync(busy);
  writeFileSync(path.join(busy, 'notes.txt'), 'mine');
  await assert.rejects(createProject(busy), /folder is not empty/);
  await assert.rejects(createProject(path.join(tmp, 'alpha')), /already holds a project/);
});

test('a folder that is not a project is refused and left unchanged', async () => {
  const plain = path.join(tmp, 'plain');
  mkdirSync(plain);
  writeFileSync(path.join(plain, 'data.csv'), 'a,b\n1,2\n');
  const before = snapshot(plain);
  await assert.rejects(openProject(plain), (err: Error) => err.message.includes(plain) && /not a VegDyn project \(no project\.json\)/.test(err.message));
  assert.deepEqual(snapshot(plain), before);
  await assert.rejects(openProject(path.join(tmp, 'missing')), /no such folder/);
});

test('a project from a newer VegDyn is refused with the versions named, and left unchanged', async () => {
  const dir = path.join(tmp, 'future');
  await createProject(dir);
  const manifest = JSON.parse(readFileSync(path.join(dir, 'project.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(path.join(dir, 'project.json'), JSON.stringify({ ...manifest, schemaVersion: 7 }));
  const before = snapshot(dir);
  await assert.rejects(openProject(dir), /schemaVersion 7 was written by a newer VegDyn \(this one reads up to 1\)/);
  assert.deepEqual(snapshot(dir), before);
});

test('a malformed manifest is refused naming the file and the field', async () => {
  const dir = path.join(tmp, 'broken');
  await createProject(dir);
  const file = path.join(dir, 'project.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...manifest, name: 3 }));
  await assert.rejects(openProject(dir), (err: Error) => err.message.startsWith(`${file}: name: `));
  writeFileSync(file, '{"schemaVersion": 1,');
  await assert.rejects(openProject(dir), /not valid JSON/);
});

test('the session refuses a non-project and keeps the project it had open', async () => {
  const session = new Session();
  const api = createApiClient(createInProcessTransport(session));
  try {
    const alpha = await api.request('project.open', { dir: path.join(tmp, 'alpha') });
    await assert.rejects(api.request('project.open', { dir: path.join(tmp, 'plain') }), /not a VegDyn project/);
    assert.equal((await api.request('project.info', {})).dir, alpha.dir);
    const renamed = await api.request('project.update', { name: 'Alpha renamed' });
    assert.equal(renamed.name, 'Alpha renamed');
    assert.equal((await openProject(alpha.dir)).manifest.name, 'Alpha renamed');
    const recent = await api.request('project.recent', {});
    assert.equal(recent.projects[0]?.dir, alpha.dir);
  } finally {
    api.close();
    await session.close();
  }
});

test('the default project is created on first use and opened afterwards', async () => {
  const dir = path.join(tmp, 'home', 'projects', 'demo');
  const first = await openOrCreateProject(dir, 'demo');
  const second = await openOrCreateProject(dir, 'demo');
  assert.equal(second.manifest.createdAt, first.manifest.createdAt);
  assert.equal(second.manifest.name, 'demo');
});

test('a project write killed half way (kill -9) leaves the previous project.json intact', async () => {
  const dir = path.join(tmp, 'killed');
  await createProject(dir, { name: 'Killed', description: 'the original' });
  const SIZE = 48 * 1024 * 1024;
  // A child process saves one large manifest; we kill it while its temporary file is being
  // written (a .tmp file next to project.json, not yet full). If the write finished before we
  // saw it, that attempt proves nothing and we try again with a fresh child.
  for (let attempt = 1; attempt <= 5; attempt++) {
    const before = readFileSync(path.join(dir, 'project.json'), 'utf8');
    const script = `
      import { openProject, saveProject } from ${JSON.stringify(path.resolve('main/project/project-store.ts'))};
      const p = await openProject(${JSON.stringify(dir)});
      const big = 'x'.repeat(${SIZE});
      process.stdout.write('ready\\n');
      await saveProject(p, { description: big });
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    let caughtMidWrite = false;
    while (child.exitCode === null) {
      const tmpFile = readdirSync(dir).find((n) => n.startsWith('.project.json.') && n.endsWith('.tmp'));
      if (!tmpFile) continue;
      try {
        const size = statSync(path.join(dir, tmpFile)).size;
        if (size < SIZE) {
          child.kill('SIGKILL');
          caughtMidWrite = true;
          break;
        }
      } catch { /* renamed between readdir and stat */ }
    }
    await exited;
    if (!caughtMidWrite) continue;
    assert.equal(readFileSync(path.join(dir, 'project.json'), 'utf8'), before, 'project.json changed although the write was killed');
    const reopened = await openProject(dir);
    assert.equal(reopened.manifest.name, 'Killed');
    assert.ok(readdirSync(dir).some((n) => n.endsWith('.tmp')), 'the killed write left its temporary file, not project.json, incomplete');
    return;
  }
  assert.fail('never caught the writer in the middle of a write in 5 attempts');
});
