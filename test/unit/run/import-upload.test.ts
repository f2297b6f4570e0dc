// Uploads for the Import data form (web mode): written into the project's imports/ folder under
// their base name; names that could leave the folder or hide the file, non-base64 content, empty
// and over-large files are refused with the reason, and nothing is written.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { saveImportUpload, UPLOAD_MAX_BYTES, UPLOADS_DIR } from '../../../main/run/import-upload.ts';

const project = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-upload-'));
after(() => rmSync(project, { recursive: true, force: true }));

test('an upload lands in imports/ with its bytes', async () => {
  const content = Buffer.from('GeoTIFF stand-in bytes \u0000\u00ff');
  const saved = await saveImportUpload(project, 'lai_1981-07-15.tif', content.toString('base64'));
  assert.equal(saved.path, path.join(project, UPLOADS_DIR, 'lai_1981-07-15.tif'));
  assert.equal(saved.bytes, content.length);
  assert.deepEqual(readFileSync(saved.path), content);
});

test('bad names, content and sizes are refused, naming the upload', async () => {
  const ok = Buffer.from('x').toString('base64');
  for (const name of ['../project.json', '/etc/passwd', '.hidden.nc', 'a/b.nc', 'a\\b.nc', '..', 'x'.repeat(201)]) {
    await assert.rejects(saveImportUpload(project, name, ok), /the file name may hold only/, name);
  }
  await assert.rejects(saveImportUpload(project, 'f.nc', 'not base64!'), /upload 'f\.nc': the content is not base64/);
  await assert.rejects(saveImportUpload(project, 'f.nc', ''), /upload 'f\.nc': the content is not base64|the file is empty/);
  const big = Buffer.alloc(UPLOAD_MAX_BYTES + 1).toString('base64');
  await assert.rejects(saveImportUpload(project, 'big.nc', big), /upload 'big\.nc': 25165825 bytes, over the 25165824-byte upload limit/);
  assert.deepEqual(readdirSync(path.join(project, UPLOADS_DIR)), ['lai_1981-07-15.tif']);
  assert.ok(!existsSync(path.join(project, 'project.json')));
});
