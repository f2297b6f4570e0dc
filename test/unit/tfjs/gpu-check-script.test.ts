/** scripts/gpu-check.sh on a machine without a GPU stops at once with its "no GPU" line. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const hasGpu = existsSync('/dev/dri') || spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8' }).status === 0 || process.platform === 'darwin';

test('gpu-check.sh says "no GPU" and exits 2 on a machine without one, before installing anything', { skip: hasGpu ? 'this machine has a GPU (the script would run the check)' : false }, () => {
  const r = spawnSync('bash', ['scripts/gpu-check.sh'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stdout, /^gpu-check: no GPU: no NVIDIA GPU \(nvidia-smi\), no \/dev\/dri render node and not macOS; nothing for WebGPU to run on\n$/);
  assert.ok(!existsSync('.gpu-check-venv'), 'it installed something');
});
