/** The recently opened projects list in VEGDYN_HOME/recent-projects.json (newest first, at most 20). */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { vegdynHome } from '../config/vegdyn-home.ts';
import { writeFileAtomic } from './atomic-write.ts';

const MAX_RECENT = 20;

const recentFileSchema = z.object({
  projects: z.array(z.object({ dir: z.string(), name: z.string(), openedAt: z.string() })),
});

export type RecentProject = z.infer<typeof recentFileSchema>['projects'][number];

function recentFile(): string {
  return path.join(vegdynHome(), 'recent-projects.json');
}

/** A missing or unreadable list is treated as empty: losing the history must not stop the app. */
export async function readRecentProjects(): Promise<RecentProject[]> {
  const file = recentFile();
  if (!existsSync(file)) return [];
  try {
    const parsed = recentFileSchema.safeParse(JSON.parse(await fs.readFile(file, 'utf8')));
    return parsed.success ? parsed.data.projects : [];
  } catch {
    return [];
  }
}

export async function rememberProject(dir: string, name: string): Promise<RecentProject[]> {
  const list = (await readRecentProjects()).filter((p) => p.dir !== dir);
  list.unshift({ dir, name, openedAt: new Date().toISOString() });
  const kept = list.slice(0, MAX_RECENT);
  await fs.mkdir(vegdynHome(), { recursive: true });
  await writeFileAtomic(recentFile(), `${JSON.stringify({ projects: kept }, null, 2)}\n`);
  return kept;
}
