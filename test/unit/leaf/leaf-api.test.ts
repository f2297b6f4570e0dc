// The leaf requests and the 'leaf-experiment' job through the typed API client (in-process transport).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inProcessApi } from '../in-process-api.ts';

const input = fileURLToPath(new URL('../../fixtures/leaf/example_dataset.csv', import.meta.url));
process.env.VEGDYN_BACKEND = 'cpu';
const { tmp, api, session } = inProcessApi('vegdyn-leaf-api-', { jobs: { cancelGraceMs: 2000 } }, true);

test('leaf.forward solves every row and writes the CSV; leaf.pfts lists CLM4.5 PFTs with ranges', async () => {
  // outCsv must be inside the open project (output-path.ts)
  await session.createProject(path.join(tmp, 'project'));
  const out = path.join(tmp, 'project', 'exports', 'forward.csv');
  const r = await api.request('leaf.forward', { input, btranFrom: 'default-B', outCsv: out, maxRows: 10 });
  assert.equal(r.leaves, 446);
  assert.equal(r.rows.length, 10);
  assert.ok(r.converged);
  for (const row of r.rows) assert.ok(row.btran > 0 && row.btran <= 1 && row.an > 0 && Math.abs(row.residual) < 1e-3);
  assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 447);
  const p = await api.request('leaf.pfts', {});
  assert.equal(p.pfts.find((x) => x.name === 'C4 grass')?.pathway, 'C4');
  assert.deepEqual(p.ranges.find((x) => x.name === 'vcmax25'), { name: 'vcmax25', units: 'umol CO2 m-2 s-1', min: 20, max: 150, description: p.ranges.find((x) => x.name === 'vcmax25')!.description });
});

test('leaf.forward on bad input fails naming the line and column; a missing file names the path', async () => {
  const lines = readFileSync(input, 'utf8').trim().split(/\r?\n/).slice(0, 4);
  const header = lines[0]!.split(',');
  const row = lines[2]!.split(',');
  row[header.indexOf('PARin')] = '-5';
  lines[2] = row.join(',');
  const bad = path.join(tmp, 'bad.csv');
  writeFileSync(bad, `${lines.join('\n')}\n`);
  await assert.rejects(api.request('leaf.forward', { input: bad }), /line 3, column 'PARin': negative PAR/);
  await assert.rejects(api.request('leaf.forward', { input: path.join(tmp, 'missing.csv') }), /missing\.csv/);
});

test('leaf-experiment job reports progress and can be cancelled; a short one finishes and writes its run folder', async () => {
  const wait = (jobId: string) => new Promise<string>((resolve) => {
    for (const ev of ['job.finished', 'job.failed', 'job.cancelled'] as const) api.on(ev, (p) => { if (p.jobId === jobId) resolve(ev); });
  });
  const runDir = path.join(tmp, 'run');
  const short = await api.request('jobs.start', { kind: 'leaf-experiment', params: { experiment: 'vcmax-only', input, epochs: 3, backend: 'cpu', runDir } });
  assert.equal(await wait(short.jobId), 'job.finished');
  assert.ok(existsSync(path.join(runDir, 'metrics.json')));
  const long = await api.request('jobs.start', { kind: 'leaf-experiment', params: { experiment: 'vcmax-b', input, epochs: 5000, backend: 'cpu' } });
  const progressed = new Promise<void>((resolve) => api.on('job.progress', (p) => { if (p.jobId === long.jobId && p.fraction > 0) resolve(); }));
  const ended = wait(long.jobId);
  await progressed;
  await api.request('jobs.cancel', { jobId: long.jobId });
  assert.equal(await ended, 'job.cancelled');
});

test('leaf-experiment job reads another lab\'s single-PFT layout from its params and returns the skipped-row counts', async () => {
  const file = path.join(tmp, 'lab.csv');
  writeFileSync(file, [
    'Site,SampleDate,Elev,Tleaf_C,PARi,Cs,VpdL,Photo',
    'A,21/09/2010,150,21.3,794,374,1.46,18',
    'A,28/09/2010,150,19.3,878,373,1.35,19',
    'A,05/10/2010,150,20.4,NA,370,1.28,17',
    'A,12/10/2010,150,20.6,583,377,0.97,15',
  ].join('\n'));
  const done = new Promise<unknown>((resolve, reject) => {
    api.on('job.finished', (p) => { if (p.kind === 'leaf-experiment') resolve(p.result); });
    api.on('job.failed', (p) => { if (p.kind === 'leaf-experiment') reject(new Error(p.message)); });
  });
  await api.request('jobs.start', {
    kind: 'leaf-experiment',
    params: {
      experiment: 'v-bdef', input: file, epochs: 2, backend: 'cpu', defaultBtran: 'one', dateFormat: 'DMY',
      columns: { Location: 'Site', Date: 'SampleDate', elevation: 'Elev', Tleaf: 'Tleaf_C', PARin: 'PARi', CO2S: 'Cs', VPD: 'VpdL', An: 'Photo' },
      fill: { PFT: 'C3 grass', BLCond: 'default' },
    },
  });
  const result = await done as { skippedByReason: unknown; folds: { vcmax: { pft: string }[] }[]; dateFormat: string };
  assert.deepEqual(result.skippedByReason, [{ column: 'PARi', reason: 'missing value', rows: 1, firstLine: 4 }]);
  assert.deepEqual(result.folds[0]!.vcmax.map((v) => v.pft), ['C3 grass']);
  assert.equal(result.dateFormat, 'DMY (stated)');
});
