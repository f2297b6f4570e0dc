import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

function vegdyn(...args: string[]) {
  return spawnSync(process.execPath, ['bin/vegdyn.mjs', ...args], { encoding: 'utf8' });
}

test('vegdyn --help lists the info command', () => {
  const r = vegdyn('--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /info/);
});

test('an unknown command exits non-zero with a one-line reason', () => {
  const r = vegdyn('no-such-command');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /unknown command/);
});
