/**
 * Temporary files an interrupted atomic write left in a project (kill -9 during an import leaves
 * tens of MB each time). Rule, applied when a project opens: a file named by tempPathFor
 * (`.<name>.<pid>.<8 hex>.tmp`) is removed when its writer's pid is not a live process, or when it
 * has not been modified for STALE_AFTER_MS (a pid reused since then by another process). A live
 * writer (another VegDyn on the same project, or this process) keeps its file. Other *.tmp files
 * are not ours and are left alone.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { TEMP_NAME } from './atomic-write.ts';

/** no atomic write holds its temporary file this long */
export const STALE_AFTER_MS = 24 * 3600 * 1000;
/** temporary files sit next to their targets: project/, data/, exports/, runs/<id>/<model>/ */
const MAX_DEPTH = 4;

function processIsAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes stale temporary files under `projectDir`; returns their paths. */
export async function removeStaleTempFiles(projectDir: string, now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return; // unreadable folder: nothing of ours to clear there
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (depth < MAX_DEPTH) await walk(full, depth + 1);
        continue;
      }
      const m = entry.isFile() ? TEMP_NAME.exec(entry.name) : null;
      if (!m) continue;
      const stat = await fs.stat(full).catch(() => undefined);
      if (!stat) continue;
      if (processIsAlive(Number(m[1])) && now - stat.mtimeMs < STALE_AFTER_MS) continue;
      await fs.rm(full, { force: true });
      removed.push(full);
    }
  };
  await walk(path.resolve(projectDir), 0);
  return removed;
}
