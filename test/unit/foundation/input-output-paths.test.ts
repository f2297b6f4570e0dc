/**
 * Inputs must be regular files of bounded size (a FIFO once hung every file-backed request), and a
 * request's output path stays inside the open project and never replaces project.json
 * (leaf.forward's outCsv once replaced any file). Real FIFO (mkfifo), real symlinks, real API.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inProcessApi } from '../in-process-api.ts';
import { InputFileError, readInputFile } from '../../../main/util/input-file.ts';
import { ApiError } from '../../../main/api/api-error.ts';
import { UCRB_GRID } from '../../../main/data/grid.ts';

const example = fileURLToPath(new URL('../../fixtures/leaf/example_dataset.csv', import.meta.url));
process.env.VEGDYN_BACKEND = 'cpu';
const { tmp, api, session } = inProcessApi('vegdyn-paths-', {}, true);

const fieldError = (field: string, pattern: RegExp) => (err: unknown): boolean => {
  assert.ok(err instanceof ApiError, String(err));
  assert.equal(err.field, field);
  assert.match(err.message, pattern);
  return true;
};

test('a FIFO, a folder and a device named as input are refused at once, naming the path', { timeout: 20_000 }, async () => {
  const fifo = path.join(tmp, 'pipe.csv');
  const made = spawnSync('mkfifo', [fifo]);
  assert.equal(made.status, 0, `mkfifo: ${made.stderr}`);
  // nothing ever writes to the FIFO: reading it would hang until the test's timeout
  await assert.rejects(readInputFile(fifo), (err: unknown) => err instanceof InputFileError && err.message === `${fifo}: is a FIFO (named pipe); give a regular file`);
  await assert.rejects(readInputFile(tmp), (err: unknown) => err instanceof InputFileError && err.message.startsWith(`${tmp}: `) && /folder/.test(err.message));
  await assert.rejects(readInputFile('/dev/zero'), /\/dev\/zero: is a device; give a regular file/);
  await assert.rejects(readInputFile(path.join(tmp, 'missing.csv')), /missing\.csv: no such file/);
  // a symlink to the FIFO is the FIFO
  const link = path.join(tmp, 'link.csv');
  symlinkSync(fifo, link);
  await assert.rejects(readInputFile(link), /link\.csv: is a FIFO/);
  // through the API: leaf.forward answers with a field error instead of hanging
  await assert.rejects(api.request('leaf.forward', { input: fifo }), fieldError('input', /pipe\.csv: is a FIFO/));
});

test('an input over the size cap is refused before it is read', async () => {
  const big = path.join(tmp, 'big.csv');
  writeFileSync(big, 'x'.repeat(2048));
  await assert.rejects(readInputFile(big, 1024), /big\.csv: is 2048 bytes, more than the 1024 bytes an input file may have/);
  assert.equal((await readInputFile(big, 4096)).length, 2048);
});

test('leaf.forward writes outCsv only inside the project, never onto project.json', { timeout: 120_000 }, async () => {
  const project = path.join(tmp, 'project');
  await session.createProject(project);
  const manifest = readFileSync(path.join(project, 'project.json'), 'utf8');
  const outside = path.join(tmp, 'victim.txt');
  writeFileSync(outside, 'keep me');
  await assert.rejects(api.request('leaf.forward', { input: example, outCsv: outside }), fieldError('outCsv', /is outside the project folder/));
  await assert.rejects(api.request('leaf.forward', { input: example, outCsv: '../victim.txt' }), fieldError('outCsv', /is outside the project folder/));
  await assert.rejects(api.request('leaf.forward', { input: example, outCsv: path.join(project, 'project.json') }), fieldError('outCsv', /project's project\.json/));
  await assert.rejects(api.request('leaf.forward', { input: example, outCsv: 'exports/../project.json' }), fieldError('outCsv', /project's project\.json/));
  // a symlinked folder inside the project that leads outside it is outside
  symlinkSync(tmp, path.join(project, 'exports', 'escape'));
  await assert.rejects(api.request('leaf.forward', { input: example, outCsv: 'exports/escape/victim.txt' }), fieldError('outCsv', /is outside the project folder/));
  // a symlink as the file itself is not followed
  symlinkSync(outside, path.join(project, 'exports', 'link.csv'));
  await assert.rejects(api.request('leaf.forward', { input: example, outCsv: 'exports/link.csv' }), fieldError('outCsv', /exists and is a symlink/));
  assert.equal(readFileSync(outside, 'utf8'), 'keep me');
  assert.equal(readFileSync(path.join(project, 'project.json'), 'utf8'), manifest);

  // inside the project (relative to it) it is written
  mkdirSync(path.join(project, 'exports', 'leaf'), { recursive: true });
  const r = await api.request('leaf.forward', { input: example, outCsv: 'exports/leaf/forward.csv', maxRows: 1 });
  assert.equal(r.leaves, 446);
  assert.ok(existsSync(path.join(project, 'exports', 'leaf', 'forward.csv')));
  assert.equal(readFileSync(path.join(project, 'exports', 'leaf', 'forward.csv'), 'utf8').trim().split('\n').length, 447);
});

test('the importers refuse a FIFO named directly or found in a folder, without hanging', { timeout: 30_000 }, async () => {
  const [{ importForcingNetcdf }, { importLai }, { importLandCover }] = await Promise.all([
    import('../../../main/data/importers/forcing-netcdf.ts'), import('../../../main/data/importers/lai.ts'), import('../../../main/data/importers/static-layers.ts'),
  ]);
  const dir = path.join(tmp, 'inputs');
  mkdirSync(dir);
  const fifo = path.join(dir, 'forcing.nc');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  await assert.rejects(importForcingNetcdf([fifo]), /forcing\.nc: is a FIFO \(named pipe\); give a regular file/);
  await assert.rejects(importForcingNetcdf([dir]), /forcing\.nc: is a FIFO/);
  const laiFifo = path.join(tmp, 'lai_2001-01-01.tif');
  assert.equal(spawnSync('mkfifo', [laiFifo]).status, 0);
  await assert.rejects(importLai([laiFifo], { grid: UCRB_GRID }), /lai_2001-01-01\.tif: is a FIFO/);
  await assert.rejects(importLandCover(laiFifo, { grid: UCRB_GRID }), /lai_2001-01-01\.tif: is a FIFO/);
});
