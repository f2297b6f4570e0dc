/**
 * Files a user or a request names as input must be regular files of bounded size. A FIFO named as
 * input once hung every file-backed request until something wrote to it; a device or a folder
 * fails in odd ways. The file is opened without blocking (O_NONBLOCK: opening a FIFO for reading
 * returns at once) and checked on the open descriptor, so what is checked is what is read.
 */
import { constants, promises as fs } from 'node:fs';

/** whole-file reads (CSV, zip, GeoJSON) above this are refused: they are held in memory */
export const MAX_INPUT_BYTES = 512 * 1024 * 1024;

export class InputFileError extends Error {
  constructor(readonly file: string, reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'InputFileError';
  }
}

function kindOf(stat: import('node:fs').Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

async function openRegular(file: string, maxBytes: number): Promise<{ handle: import('node:fs/promises').FileHandle; size: number }> {
  let handle;
  try {
    handle = await fs.open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputFileError(file, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot be opened (${code ?? String(err)})`);
  }
  const stat = await handle.stat();
  if (!stat.isFile()) {
    await handle.close();
    throw new InputFileError(file, `is ${kindOf(stat)}; give a regular file`);
  }
  if (stat.size > maxBytes) {
    await handle.close();
    throw new InputFileError(file, `is ${stat.size} bytes, more than the ${maxBytes} bytes an input file may have`);
  }
  return { handle, size: stat.size };
}

/** Checks that `file` is a regular file of at most `maxBytes` (for readers that open it by path). */
export async function checkInputFile(file: string, maxBytes = Number.MAX_SAFE_INTEGER): Promise<void> {
  const { handle } = await openRegular(file, maxBytes);
  await handle.close();
}

/** Reads a regular file of at most `maxBytes` whole. */
export async function readInputFile(file: string, maxBytes = MAX_INPUT_BYTES): Promise<Buffer> {
  const { handle } = await openRegular(file, maxBytes);
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

export async function readInputText(file: string, maxBytes = MAX_INPUT_BYTES): Promise<string> {
  return (await readInputFile(file, maxBytes)).toString('utf8');
}
