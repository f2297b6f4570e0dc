// `vegdyn cluster` on a real Slurm: a single-node cluster started here (local-slurm.ts), a
// 2-member ensemble (LSTM, hidden 4, 1 epoch) submitted with `cluster submit`, followed with
// `cluster status`, merged with `cluster collect`; the spread maps are read with gdalinfo. Then
// a task requeued mid-training (scontrol requeue, as a preemption does) resumes from its checkpoint.
// Last, the app's way (the API the Training panel calls): cluster settings in project.json, a
// script preview, a submission with those settings, followed with cluster.status until it finishes.
// Skipped, with the reason, where Slurm and munge are not installed or the tests do not run as root.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeDataset } from '../../../main/data/store/netcdf-store.ts';
import { makeTinyDataset } from '../training/tiny-dataset.ts';
import { localSlurmUnavailable, startLocalSlurm, type LocalSlurm } from './local-slurm.ts';
import { inProcessApi } from '../in-process-api.ts';
import { ApiError } from '../../../main/api/api-error.ts';

const skip = localSlurmUnavailable();
let slurm: LocalSlurm | null = null;
const projectDir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-cluster-'));

const tinyConfig = {
  models: ['lstm'], hiddenSize: 4, windowDays: 60, warmupDays: 20, batchSize: 2, windowsPerEpoch: 3, epochs: 1, patience: 5,
  perModel: { lstm: { epochs: 1 } }, inferenceChunkDays: 400,
  periods: { record: { from: '2000-01-01', to: '2003-12-31' }, train: { from: '2000-01-01', to: '2001-12-31' }, validate: { from: '2002-01-01', to: '2002-12-31' }, test: { from: '2003-01-01', to: '2003-12-31' } },
};

function vegdyn(args: readonly string[], env: NodeJS.ProcessEnv = slurm!.env): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['bin/vegdyn.mjs', ...args], { encoding: 'utf8', env: { ...env, VEGDYN_BACKEND: 'wasm' }, timeout: 120_000 });
}

interface StatusJson { tasks: { task: number; finished: boolean; scheduler: { state: string } | null; progress: { state: string; epoch?: number; resumedAfterEpoch?: number } | null }[] }
const status = (run: string): StatusJson => {
  const r = vegdyn(['cluster', 'status', run, '--project', projectDir, '--json']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as StatusJson;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until every task of the run is finished and out of the queue; fails after `seconds`. */
async function waitFinished(run: string, seconds: number): Promise<StatusJson> {
  const t0 = Date.now();
  for (;;) {
    const s = status(run);
    if (s.tasks.every((t) => t.finished && (t.scheduler === null || /COMPLETED/.test(t.scheduler.state)))) return s;
    if (s.tasks.some((t) => t.progress?.state === 'failed' || /FAILED|TIMEOUT|CANCELLED/.test(t.scheduler?.state ?? ''))) {
      assert.fail(`a task failed: ${JSON.stringify(s.tasks)}\n${logs(run)}`);
    }
    if (Date.now() - t0 > seconds * 1000) assert.fail(`run ${run} did not finish within ${seconds} s: ${JSON.stringify(s.tasks)}\n${logs(run)}\n${queueState()}`);
    await sleep(1000);
  }
}

/** What Slurm itself says about every job, for a failure message. */
function queueState(): string {
  const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8', env: slurm!.env });
  const q = run('squeue', ['-a', '-r', '-o', '%i|%T|%M|%R|%S']);
  const j = run('scontrol', ['show', 'job']);
  const log = path.join(slurm!.dir, 'log', 'slurmctld.log');
  const ctld = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-40).join('\n') : '(no slurmctld.log)';
  return `squeue:\n${q.stdout}${q.stderr}\nscontrol show job:\n${j.stdout}${j.stderr}\nslurmctld.log (last lines):\n${ctld}`;
}

function logs(run: string): string {
  const dir = path.join(projectDir, 'runs', run, 'cluster', 'logs');
  return [0, 1].map((i) => path.join(dir, `task-${i}.log`)).filter(existsSync).map((f) => `${f}:\n${readFileSync(f, 'utf8').slice(-1500)}`).join('\n');
}

before(async () => {
  if (skip) return;
  slurm = await startLocalSlurm();
  const tiny = makeTinyDataset();
  await writeDataset(projectDir, { ...tiny, grid: { ...tiny.grid, lon0: -112.4375, latTop: 43.0625 } });
  writeFileSync(path.join(projectDir, 'tiny.json'), JSON.stringify(tinyConfig));
  writeFileSync(path.join(projectDir, 'resume.json'), JSON.stringify({ ...tinyConfig, epochs: 6, patience: 20, minDelta: 0, windowsPerEpoch: 8, perModel: { lstm: { epochs: 6, patience: 20, windowsPerEpoch: 8 } } }));
});

after(async () => {
  await slurm?.stop();
  rmSync(projectDir, { recursive: true, force: true });
});

test('cluster submit: clear errors for a missing sbatch and an unknown partition; --dry-run prints the job array', { skip: skip ?? false }, () => {
  const noSlurm = vegdyn(['cluster', 'submit', '--scheduler', 'slurm', '--project', projectDir, '--ensemble', '2', '--run-id', 'x'], { ...slurm!.env, PATH: '/nonexistent' });
  assert.equal(noSlurm.status, 1);
  assert.match(noSlurm.stderr, /'sbatch' is not on PATH/);
  const badPartition = vegdyn(['cluster', 'submit', '--scheduler', 'slurm', '--project', projectDir, '--ensemble', '2', '--run-id', 'x', '--partition', 'nope']);
  assert.equal(badPartition.status, 1);
  assert.match(badPartition.stderr, new RegExp(`--partition 'nope': the cluster has no such partition \\(sinfo lists: ${slurm!.partition}\\)`));
  assert.equal(existsSync(path.join(projectDir, 'runs', 'x')), false, 'a refused submission leaves no run folder');
  const dry = vegdyn(['cluster', 'submit', '--scheduler', 'slurm', '--project', projectDir, '--ensemble', '3', '--run-id', 'x', '--gpus-per-task', '1', '--time', '02:00:00', '--dry-run']);
  assert.equal(dry.status, 0, dry.stderr);
  for (const line of ['#SBATCH --array=0-2', '#SBATCH --requeue', '#SBATCH --gpus-per-task=1', '#SBATCH --time=02:00:00', '--ensemble 3 --member "$SLURM_ARRAY_TASK_ID"']) assert.ok(dry.stdout.includes(line), `dry run lacks '${line}':\n${dry.stdout}`);
  assert.equal(existsSync(path.join(projectDir, 'runs', 'x')), false, 'a dry run writes nothing');
});

test('a 2-member ensemble trained through sbatch, followed, collected; spread maps read by gdalinfo', { skip: skip ?? false, timeout: 240_000 }, async () => {
  const sub = vegdyn(['cluster', 'submit', '--scheduler', 'slurm', '--project', projectDir, '--config', path.join(projectDir, 'tiny.json'), '--ensemble', '2', '--run-id', 'ens', '--partition', slurm!.partition, '--cpus-per-task', '1']);
  assert.equal(sub.status, 0, sub.stderr);
  const jobId = /submitted Slurm job (\d+)/.exec(sub.stdout)?.[1];
  assert.ok(jobId, sub.stdout);
  const runDir = path.join(projectDir, 'runs', 'ens');
  assert.equal(JSON.parse(readFileSync(path.join(runDir, 'cluster', 'cluster.json'), 'utf8')).jobId, jobId);
  assert.match(readFileSync(path.join(runDir, 'cluster', 'job.sbatch'), 'utf8'), /#SBATCH --array=0-1/);

  const done = await waitFinished('ens', 180);
  assert.deepEqual(done.tasks.map((t) => t.progress?.state), ['finished', 'finished']);
  assert.match(readFileSync(path.join(runDir, 'cluster', 'logs', 'task-1.log'), 'utf8'), new RegExp(`vegdyn: task 1 of job ${jobId}`));

  const col = vegdyn(['cluster', 'collect', 'ens', '--project', projectDir]);
  assert.equal(col.status, 0, col.stderr);
  assert.match(col.stdout, /Ensemble mean of 2 members \(m00, m01\)/);
  assert.match(col.stdout, /lstm +-?\d\.\d{3} \/ -?\d\.\d{3} \/ -?\d\.\d{3}/);
  const again = vegdyn(['cluster', 'collect', 'ens', '--project', projectDir]);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8')).status, 'finished');
  assert.deepEqual(JSON.parse(readFileSync(path.join(runDir, 'ensemble.json'), 'utf8')).collected.members, ['m00', 'm01']);

  const info = JSON.parse(spawnSync('gdalinfo', ['-json', `NETCDF:"${path.join(runDir, 'spread', 'lstm.nc')}":lai_std`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).stdout);
  assert.deepEqual(info.geoTransform, [-112.5, 0.125, 0, 43.125, 0, -0.125]);
  assert.equal(info.bands.length, 365);
  const maps = spawnSync('gdalinfo', [path.join(runDir, 'spread', 'test-period.nc')], { encoding: 'utf8' }).stdout;
  for (const v of ['lai_std_lstm', 'lai_range_5_95_lstm', 'nse_std_lstm', 'nse_range_lstm']) assert.match(maps, new RegExp(`test-period\\.nc":${v}\\n`));
  const stats = spawnSync('gdalinfo', ['-stats', `NETCDF:"${path.join(runDir, 'spread', 'test-period.nc')}":lai_std_lstm`], { encoding: 'utf8' }).stdout;
  const max = Number(/STATISTICS_MAXIMUM=([-\d.e]+)/.exec(stats)?.[1]);
  assert.ok(max > 0, `the members (seeds 42, 43) should differ somewhere: max mean std ${max}`);
});

/**
 * Submits the 2-member resume run RUN, requeues task 0 after its first checkpoint and brings the
 * requeued task's BeginTime forward; says whether Slurm ran the task again within 60 s.
 */
async function requeueMidTraining(run: string): Promise<{ epochsBefore: number; restarted: boolean; polls: string }> {
  const sub = vegdyn(['cluster', 'submit', '--scheduler', 'slurm', '--project', projectDir, '--config', path.join(projectDir, 'resume.json'), '--ensemble', '2', '--run-id', run, '--cpus-per-task', '1']);
  assert.equal(sub.status, 0, sub.stderr);
  const jobId = /submitted Slurm job (\d+)/.exec(sub.stdout)![1]!;
  const history = path.join(projectDir, 'runs', run, 'members', 'm00', 'models', 'lstm', 'history.json');
  // wait for member 0's first checkpoint (history.json is written with it), then requeue its task
  const t0 = Date.now();
  let epochsBefore = 0;
  while (epochsBefore < 1) {
    if (Date.now() - t0 > 120_000) assert.fail(`member 0 wrote no checkpoint within 120 s\n${logs(run)}`);
    await sleep(200);
    try {
      epochsBefore = (JSON.parse(readFileSync(history, 'utf8')) as unknown[]).length;
    } catch {
      epochsBefore = 0;
    }
  }
  const rq = spawnSync('scontrol', ['requeue', `${jobId}_0`], { encoding: 'utf8', env: slurm!.env });
  assert.equal(rq.status, 0, rq.stderr);
  // Slurm makes a requeued task eligible only ~120 s later (its BeginTime); bring that forward. The
  // update is repeated while the task still waits for its BeginTime.
  const polls: string[] = [];
  for (let i = 0; i <= 120; i++) {
    await sleep(500);
    const shown = spawnSync('scontrol', ['show', 'job', `${jobId}_0`], { encoding: 'utf8', env: slurm!.env });
    const show = shown.stdout + shown.stderr;
    polls.push(`${i}: ${(show.match(/JobState=\S+|Reason=\S+|Restarts=\d+|StartTime=\S+/g) ?? [show.trim()]).join(' ')}`);
    // running (or done) again, not still the killed first start: Slurm counts the restart
    if (/JobState=(RUNNING|COMPLETING|COMPLETED)/.test(show) && /Restarts=[1-9]/.test(show)) return { epochsBefore, restarted: true, polls: '' };
    if (/JobState=PENDING/.test(show) && /Reason=BeginTime/.test(show) && i % 4 === 0) {
      const up = spawnSync('scontrol', ['update', `JobId=${jobId}_0`, 'StartTime=now'], { encoding: 'utf8', env: slurm!.env });
      assert.equal(up.status, 0, up.stderr);
    }
  }
  return { epochsBefore, restarted: false, polls: `${polls.join('\n')}\n${queueState()}` };
}

test('a task requeued mid-training (as by preemption) resumes from its checkpoint', { skip: skip ?? false, timeout: 330_000 }, async () => {
  // Slurm on this single node has, rarely, not run a requeued task again (2 of 12 local runs; the
  // diagnostics below say what it showed). That is the scheduler, not VegDyn's resume: such an
  // attempt is reported and the scenario is run once more on a fresh run.
  let rq = 'rq';
  let attempt = await requeueMidTraining(rq);
  if (!attempt.restarted) {
    console.log(`Slurm did not run the requeued task of run ${rq} again within 60 s; trying once more:\n${attempt.polls}`);
    rq = 'rq2';
    attempt = await requeueMidTraining(rq);
    assert.ok(attempt.restarted, `Slurm did not run the requeued task again within 60 s, twice:\n${attempt.polls}`);
  }
  const { epochsBefore } = attempt;
  const history = path.join(projectDir, 'runs', rq, 'members', 'm00', 'models', 'lstm', 'history.json');
  const done = await waitFinished(rq, 200);
  const log = readFileSync(path.join(projectDir, 'runs', rq, 'cluster', 'logs', 'task-0.log'), 'utf8');
  assert.match(log, /restart 1/, `the task was not restarted:\n${log}`);
  const resumed = done.tasks[0]!.progress?.resumedAfterEpoch;
  assert.ok(resumed !== undefined && resumed >= epochsBefore && resumed < 6, `member 0 resumed after epoch ${resumed}; it had ${epochsBefore} epochs when requeued, of 6`);
  assert.match(log, new RegExp(`m00: lstm: resumed after epoch ${resumed}`));
  const summary = JSON.parse(readFileSync(path.join(projectDir, 'runs', rq, 'members', 'm00', 'evaluation', 'summary.json'), 'utf8'));
  assert.equal(summary.training.lstm.resumedAfterEpoch, resumed);
  // every epoch ran once: the history continues from the checkpoint, not from the start
  const epochs = (JSON.parse(readFileSync(history, 'utf8')) as { epoch: number }[]).map((h) => h.epoch);
  assert.deepEqual(epochs, [1, 2, 3, 4, 5, 6]);
  assert.equal(done.tasks[1]!.progress?.resumedAfterEpoch, undefined, 'member 1 was not requeued');
});

const app = inProcessApi('vegdyn-cluster-app-');

test('the app submits to the cluster named in the project settings: settings validated and saved, script preview, submission, task states followed to the end', { skip: skip ?? false, timeout: 240_000 }, async () => {
  const { api } = app;
  const dir = path.join(app.tmp, 'project');
  await api.request('project.create', { dir, name: 'cluster app' });
  const tiny = makeTinyDataset();
  await writeDataset(dir, { ...tiny, grid: { ...tiny.grid, lon0: -112.4375, latTop: 43.0625 } });
  // the tasks inherit this process's environment through sbatch (its default --export=ALL)
  Object.assign(process.env, { SLURM_CONF: slurm!.env.SLURM_CONF, VEGDYN_BACKEND: 'wasm' });

  assert.deepEqual(await api.request('cluster.settings', {}), { settings: null });
  await assert.rejects(api.request('cluster.submit', { preset: 'demo', overrides: tinyConfig, dryRun: true }), /the project's settings name no cluster/);
  await assert.rejects(api.request('cluster.setSettings', { settings: { scheduler: 'slurm', time: '2 hours' } }),
    (err: unknown) => err instanceof ApiError && /time/.test(err.message) && /HH:MM:SS/.test(err.message));
  const settings = { scheduler: 'slurm' as const, partition: slurm!.partition, cpusPerTask: 1, time: '00:10:00' };
  assert.deepEqual((await api.request('cluster.setSettings', { settings })).settings, settings);
  assert.deepEqual(JSON.parse(readFileSync(path.join(dir, 'project.json'), 'utf8')).cluster, settings);

  const preview = await api.request('cluster.submit', { preset: 'demo', overrides: tinyConfig, runId: 'app1', ensemble: 2, dryRun: true });
  assert.equal(preview.jobId, null);
  for (const line of ['#SBATCH --array=0-1', `#SBATCH --partition=${slurm!.partition}`, '#SBATCH --cpus-per-task=1', '#SBATCH --time=00:10:00', 'bin/vegdyn.mjs train']) {
    assert.ok(preview.script.includes(line), `the preview lacks '${line}':\n${preview.script}`);
  }
  assert.equal(existsSync(path.join(dir, 'runs', 'app1')), false, 'a preview writes nothing');

  const sub = await api.request('cluster.submit', { preset: 'demo', overrides: tinyConfig, runId: 'app1' });
  assert.match(sub.jobId ?? '', /^\d+$/);
  assert.equal(sub.runId, 'app1');
  const t0 = Date.now();
  const seen = new Set<string>();
  for (;;) {
    const s = await api.request('cluster.status', { runId: 'app1' });
    assert.equal(s.jobId, sub.jobId);
    assert.equal(s.tasks.length, 1);
    const t = s.tasks[0]!;
    if (t.scheduler) seen.add(t.scheduler.state);
    if (t.finished && (t.scheduler === null || /COMPLETED/.test(t.scheduler.state))) break;
    if (t.progress?.state === 'failed' || /FAILED|TIMEOUT|CANCELLED/.test(t.scheduler?.state ?? '')) assert.fail(`the task failed: ${JSON.stringify(t)}`);
    if (Date.now() - t0 > 180_000) assert.fail(`run app1 did not finish within 180 s: ${JSON.stringify(s)}`);
    await sleep(1000);
  }
  assert.ok([...seen].some((st) => /PENDING|RUNNING|COMPLETED/.test(st)), `Slurm states seen: ${[...seen].join(', ')}`);
  assert.equal(JSON.parse(readFileSync(path.join(dir, 'runs', 'app1', 'run.json'), 'utf8')).status, 'finished');
});
