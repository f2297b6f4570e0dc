/**
 * Expands the paths a user gives (files and folders) into a sorted list of input files. Each file
 * must be a regular file (checkInputFile): a FIFO would hang its reader, a device never ends. No
 * size cap here: the readers open forcing files by path and read them in slabs.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ImportError } from './errors.ts';
import { checkInputFile } from '../../util/input-file.ts';

/** `file` as a regular file, or an ImportError naming it and what it is instead */
export async function requireRegularFile(file: string): Promise<string> {
  await checkInputFile(file).catch((err: unknown) => {
    throw new ImportError(file, err instanceof Error ? err.message.replace(`${file}: `, '') : String(err));
  });
  return file;
}

export async function expandInputs(inputs: readonly string[], extensions: readonly string[], what: string): Promise<string[]> {
  if (inputs.length === 0) throw new ImportError('(no input)', `no ${what} files given`);
  const out: string[] = [];
  for (const input of inputs) {
    let stat;
    try {
      stat = await fs.stat(input);
    } catch {
      throw new ImportError(input, 'does not exist');
    }
    if (stat.isDirectory()) {
      const names = (await fs.readdir(input)).filter((n) => !n.startsWith('.') && extensions.some((e) => n.toLowerCase().endsWith(e))).sort();
      if (names.length === 0) throw new ImportError(input, `is a folder without ${what} files (looked for ${extensions.join(', ')})`);
      out.push(...names.map((n) => path.join(input, n)));
    } else {
      out.push(input);
    }
  }
  for (const file of out) await requireRegularFile(file);
  return out;
}
