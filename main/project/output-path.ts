/**
 * Where a request may write a file it was given a path for: inside the open project's folder (or
 * a folder the caller adds, such as an export folder the user picked in a dialog), never onto
 * project.json, never through a symlink or onto something that is not a regular file. Relative
 * paths are relative to the project. Symlinks in the folder part are resolved before the check, so
 * `exports/link-to-etc/passwd` is outside. (leaf.forward's outCsv once replaced any file, project.json included.)
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PROJECT_FILE } from './project-manifest.ts';

export class OutputPathError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'OutputPathError';
  }
}

const inside = (file: string, root: string): boolean => file === root || file.startsWith(root + path.sep);

/** The real path to write `target` at, or an OutputPathError naming `field` and the reason. */
export async function checkOutputPath(target: string, projectDir: string, field: string, otherRoots: readonly string[] = []): Promise<string> {
  const project = await fs.realpath(projectDir);
  const abs = path.resolve(project, target);
  let folder: string;
  try {
    folder = await fs.realpath(path.dirname(abs));
  } catch {
    throw new OutputPathError(field, `the folder of '${target}' does not exist`);
  }
  const roots = [project, ...(await Promise.all(otherRoots.map((r) => fs.realpath(r).catch(() => undefined)))).filter((r): r is string => r !== undefined)];
  if (!roots.some((root) => inside(folder, root))) {
    throw new OutputPathError(field, `'${target}' is outside the project folder ${project}; write inside it (for example under exports/)`);
  }
  const file = path.join(folder, path.basename(abs));
  if (file === path.join(project, PROJECT_FILE)) throw new OutputPathError(field, `'${target}' is the project's ${PROJECT_FILE}, which only VegDyn writes`);
  const existing = await fs.lstat(file).catch(() => undefined);
  if (existing && !existing.isFile()) throw new OutputPathError(field, `'${target}' exists and is ${existing.isSymbolicLink() ? 'a symlink' : existing.isDirectory() ? 'a folder' : 'not a regular file'}; give a new or regular file`);
  return file;
}
