/** Every command of the `vegdyn` CLI, including those other domains register, answers --help. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CommanderError, type Command } from 'commander';
import { buildProgram } from '../../../main/cli.ts';

function commandPaths(cmd: Command, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const sub of cmd.commands) {
    const p = [...prefix, sub.name()];
    out.push(p, ...commandPaths(sub, p));
  }
  return out;
}

function setOutput(cmd: Command, sink: { text: string }): void {
  cmd.configureOutput({ writeOut: (s) => { sink.text += s; }, writeErr: (s) => { sink.text += s; } });
  for (const sub of cmd.commands) setOutput(sub, sink);
}

const paths = commandPaths(buildProgram());

test('the CLI has the foundation commands', () => {
  const names = paths.map((p) => p.join(' '));
  for (const needed of ['info', 'serve', 'job', 'project create', 'project info']) assert.ok(names.includes(needed), `missing ${needed}`);
});

for (const p of paths) {
  test(`vegdyn ${p.join(' ')} --help prints usage and a description`, async () => {
    const program = buildProgram();
    const sink = { text: '' };
    setOutput(program, sink);
    await assert.rejects(program.parseAsync(['node', 'vegdyn', ...p, '--help']), (err: unknown) => err instanceof CommanderError && err.code === 'commander.helpDisplayed');
    assert.match(sink.text, new RegExp(`Usage: vegdyn ${p.join(' ')}`));
    let cmd: Command = program;
    for (const name of p) cmd = cmd.commands.find((c) => c.name() === name)!;
    assert.ok(cmd.description().length > 10, `vegdyn ${p.join(' ')} has no description`);
  });
}

test('the real binary prints help for serve and exits 0', () => {
  const r = spawnSync(process.execPath, ['bin/vegdyn.mjs', 'serve', '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /--port <n>/);
});

test('a bad option value exits non-zero with a one-line reason', () => {
  const r = spawnSync(process.execPath, ['bin/vegdyn.mjs', 'serve', '--port', 'eighty'], { encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /--port: 'eighty' is not a port number/);
});

test('vegdyn job self-test runs a job in a worker and prints its result', () => {
  const r = spawnSync(process.execPath, ['bin/vegdyn.mjs', 'job', 'self-test', '--params', '{"steps":2,"stepMs":5}', '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { steps: number }).steps, 2);
});

test('vegdyn serve --project on a folder that is not a project refuses with a one-line reason', () => {
  const plain = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-plain-'));
  try {
    const r = spawnSync(process.execPath, ['bin/vegdyn.mjs', 'serve', '--project', plain], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /not a VegDyn project \(no project\.json\)/);
  } finally {
    rmSync(plain, { recursive: true, force: true });
  }
});
