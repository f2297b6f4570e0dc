/**
 * Child process of webgpu-worker.test.ts: two backend-check jobs forced to webgpu, one after the
 * other, each in its own worker thread of the job host (each thread loads dawn.node and installs
 * navigator.gpu for itself). Prints one JSON line with both results.
 */
import { Session } from '../../../main/api/session.ts';

const session = new Session({ jobs: { cancelGraceMs: 2000, isolation: 'thread' } });
const results: unknown[] = [];
for (let i = 0; i < 2; i++) {
  const id = session.startJob('backend-check', { size: 64, backend: 'webgpu' });
  const s = await session.jobs.wait(id);
  results.push({ state: s.state, error: s.error, result: s.result });
}
process.stdout.write(`${JSON.stringify(results)}\n`);
process.exit(0);
