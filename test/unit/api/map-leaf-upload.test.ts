/**
 * map.leafUpload (web mode's way to hand the engine a leaf CSV): the authors' example file is
 * stored in <project>/leaf-inputs/ under its own name, and bad uploads are refused with the file
 * name and the problem before anything is written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { inProcessApi } from '../in-process-api.ts';

const LEAF_CSV = path.resolve('test/fixtures/leaf/example_dataset.csv');
const { tmp, session, api } = inProcessApi('vegdyn-leaf-upload-');

test('an uploaded leaf CSV is checked, then stored in the project under its base name', async () => {
  await session.openOrCreateProject(path.join(tmp, 'p1'));
  const text = readFileSync(LEAF_CSV, 'utf8');
  const res = await api.request('map.leafUpload', { name: 'C:\\Users\\me\\data\\example dataset.csv', text });
  assert.equal(res.path, path.join(tmp, 'p1', 'leaf-inputs', 'example_dataset.csv'));
  assert.equal(readFileSync(res.path, 'utf8'), text);
  assert.equal(res.bytes, Buffer.byteLength(text));
  assert.ok(res.rows > 100, `${res.rows} rows`);
});

test('a CSV without the leaf columns, an empty one, and a non-CSV name are refused and nothing is written', async () => {
  await session.openOrCreateProject(path.join(tmp, 'p2'));
  await assert.rejects(api.request('map.leafUpload', { name: 'plots.csv', text: 'site,value\nA,1\n' }), /plots\.csv: line 1, column 'PFT': required column is missing/);
  await assert.rejects(api.request('map.leafUpload', { name: 'notes.txt', text: 'PFT,Tleaf\n' }), /'notes\.txt': a leaf CSV must be a \.csv file/);
  await assert.rejects(api.request('map.leafUpload', { name: 'empty.csv', text: '' }), /invalid request payload for map\.leafUpload/);
  assert.equal(existsSync(path.join(tmp, 'p2', 'leaf-inputs')), false);
});

test('another lab\'s layout is refused without its column mapping and stored with it (D/M/Y dates, one PFT, no BLCond)', async () => {
  await session.openOrCreateProject(path.join(tmp, 'p3'));
  const text = 'Site,SampleDate,Elev,Tleaf_C,PARi,Cs,VpdL\nA,21/09/2010,150,21.3,794,374,1.46\nA,05/10/2010,150,20.4,,370,1.28\nA,12/10/2010,150,20.6,583,377,0.97\n';
  await assert.rejects(api.request('map.leafUpload', { name: 'lab.csv', text }), /lab\.csv: line 1, column 'PFT': required column is missing/);
  const columns = { Location: 'Site', Date: 'SampleDate', elevation: 'Elev', Tleaf: 'Tleaf_C', PARin: 'PARi', CO2S: 'Cs', VPD: 'VpdL' };
  await assert.rejects(api.request('map.leafUpload', { name: 'lab.csv', text, columns, fill: { PFT: 'C3 grass' } }), /column 'BLCond': required column is missing.*--fill BLCond=default/);
  const res = await api.request('map.leafUpload', { name: 'lab.csv', text, columns, fill: { PFT: 'C3 grass', BLCond: 'default' } });
  assert.deepEqual([res.rows, res.skipped], [2, 1]);
  assert.equal(readFileSync(res.path, 'utf8'), text);
});
