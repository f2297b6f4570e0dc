#!/usr/bin/env node
// Runs node's built-in test runner over test/<suite>/**/*.test.ts with tsx as the TypeScript loader.
// (Node 20's --test does not expand globs or pick up .ts files by itself.)
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const suite = process.argv[2] ?? 'unit';
const root = join('test', suite);
const filter = process.argv[3];

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...collect(p));
    else if (name.endsWith('.test.ts') && (!filter || p.includes(filter))) out.push(p);
  }
  return out;
}

const files = collect(root);
if (files.length === 0) {
  console.error(`no test files under ${root}`);
  process.exit(1);
}
const concurrency = suite === 'e2e' ? '1' : String(Math.max(1, Number(process.env.VEGDYN_TEST_CONCURRENCY ?? 2)));
const res = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
process.exit(res.status ?? 1);
