/**
 * Files uploaded for an import in web mode (the browser cannot name a path on the engine's
 * machine): each is written atomically into the project's `imports/` folder under its own base
 * name, and the import job then reads it from there like any other input. The request body cap
 * of the web server (32 MiB of base64) bounds the size; UPLOAD_MAX_BYTES says so with a message.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../project/atomic-write.ts';

export const UPLOADS_DIR = 'imports';
/** the largest decoded upload: what 32 MiB of base64 holds */
export const UPLOAD_MAX_BYTES = 24 * 1024 * 1024;

/** letters, digits, dot, dash, underscore, space; no leading dot: never a hidden file, never a path */
const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._ -]{0,199}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export interface SavedUpload {
  readonly path: string;
  readonly bytes: number;
}

export async function saveImportUpload(projectDir: string, name: string, base64: string): Promise<SavedUpload> {
  return saveUpload(path.join(projectDir, UPLOADS_DIR), name, base64);
}

/**
 * Checks an uploaded file (its name, base64 content and size) and writes it atomically into
 * `dir` under its own name. Also used for the file a new project's grid is made from
 * (api/project-grid-request.ts), which has no project folder to go into yet.
 */
export async function saveUpload(dir: string, name: string, base64: string): Promise<SavedUpload> {
  if (!SAFE_NAME.test(name) || name.includes('..')) {
    throw new Error(`upload '${name}': the file name may hold only letters, digits, '.', '-', '_' and spaces, and may not start with a dot`);
  }
  if (!BASE64.test(base64) || base64.length % 4 !== 0) throw new Error(`upload '${name}': the content is not base64`);
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length === 0) throw new Error(`upload '${name}': the file is empty`);
  if (bytes.length > UPLOAD_MAX_BYTES) {
    throw new Error(`upload '${name}': ${bytes.length} bytes, over the ${UPLOAD_MAX_BYTES}-byte upload limit; import it by path on the engine's machine (or with vegdyn import)`);
  }
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  await writeFileAtomic(file, bytes);
  return { path: file, bytes: bytes.length };
}
