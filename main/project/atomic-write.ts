/**
 * Atomic file writes: data goes to a temporary file in the same directory (same filesystem),
 * is fsynced, then renamed over the target, and the directory is fsynced so the rename itself
 * survives a power cut. A crash or kill at any point leaves either the old file or the new one,
 * never a half-written file; what it can leave is a temporary file, named by tempPathFor (with the
 * writer's pid), which removeStaleTempFiles (project-temp-files.ts) clears when a project opens.
 */
import { promises as fs, openSync, writeSync, fsyncSync, closeSync, renameSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/** `.<name>.<pid>.<8 hex>.tmp`: TEMP_NAME matches it and gives the pid */
export const TEMP_NAME = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;

export function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Makes a rename in `dir` durable. Directories cannot be opened for fsync on Windows: skipped there. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function syncDirectorySync(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsync of a file another library wrote by path */
async function syncFile(file: string): Promise<void> {
  const handle = await fs.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempPathFor(target);
  const handle = await fs.open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await syncDirectory(path.dirname(target));
}

export function writeFileAtomicSync(target: string, data: string | Uint8Array): void {
  const tmp = tempPathFor(target);
  const fd = openSync(tmp, 'w');
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, target);
  } catch (err) {
    try { closeSync(fd); } catch { /* already closed */ }
    try { unlinkSync(tmp); } catch { /* never created or already renamed */ }
    throw err;
  }
  syncDirectorySync(path.dirname(target));
}

/**
 * For writers that need a real path (h5wasm, gdal3.js): call `write(tmpPath)`, then the result is
 * renamed over `target`. On failure the temporary file is removed and `target` is untouched.
 */
export async function withAtomicPath<T>(target: string, write: (tmpPath: string) => Promise<T> | T): Promise<T> {
  const tmp = tempPathFor(target);
  try {
    const result = await write(tmp);
    await syncFile(tmp);
    await fs.rename(tmp, target);
    await syncDirectory(path.dirname(target));
    return result;
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}
