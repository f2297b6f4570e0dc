/**
 * Jobs run in worker threads (main/compute/job-host.ts): the webgpu backend must start there too,
 * and in a second worker of the same process. On SwiftShader here (see webgpu-env.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { swiftshaderEnv } from './webgpu-env.ts';

test('two jobs, one after the other, each start webgpu in their worker thread and compute on it', { skip: swiftshaderEnv.skip }, () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-webgpu-jobs-'));
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/unit/tfjs/webgpu-worker-child.ts'], {
      encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...swiftshaderEnv.env, VEGDYN_HOME: home, VEGDYN_BACKEND: undefined },
    });
    assert.equal(r.status, 0, r.stderr);
    const jobs = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { state: string; error?: string; result?: { report: { chosen: string; webgpuAdapter?: { architecture: string } }; tfBackend: string; checksum: number } }[];
    assert.equal(jobs.length, 2);
    for (const j of jobs) {
      assert.equal(j.state, 'finished', j.error);
      assert.equal(j.result?.report.chosen, 'webgpu');
      assert.equal(j.result?.tfBackend, 'webgpu');
      assert.ok(j.result?.report.webgpuAdapter, 'no adapter in the report');
      assert.ok(Number.isFinite(j.result?.checksum), `checksum ${j.result?.checksum}`);
    }
    // both jobs multiplied the same seeded matrices
    assert.equal(jobs[0]!.result!.checksum, jobs[1]!.result!.checksum);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
