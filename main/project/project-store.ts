/**
 * Create, open and save project folders. Opening never writes: a folder that is not a project,
 * holds a malformed manifest or one written by a newer VegDyn is refused with a message naming
 * the file, and nothing on disk changes. Every write is atomic (temporary file + rename).
 */
import { existsSync, promises as fs, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describeIssues } from '../util/zod-issues.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { PROJECT_FILE, PROJECT_SCHEMA_VERSION, projectManifestSchema, type ProjectGrid, type ProjectManifest } from './project-manifest.ts';

/** The sub-folders every project has (see docs/architecture.md, Data). */
export const PROJECT_SUBDIRS = ['data', 'runs', 'exports'] as const;

export interface OpenProject {
  dir: string;
  manifest: ProjectManifest;
}

export class ProjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectError';
  }
}

export async function createProject(dir: string, options: { name?: string; description?: string; grid?: ProjectGrid } = {}): Promise<OpenProject> {
  const abs = path.resolve(dir);
  if (existsSync(abs)) {
    if (!statSync(abs).isDirectory()) throw new ProjectError(`${abs}: exists and is not a folder`);
    if (existsSync(path.join(abs, PROJECT_FILE))) throw new ProjectError(`${abs}: already holds a project (${PROJECT_FILE}); open it instead`);
    if (readdirSync(abs).length > 0) throw new ProjectError(`${abs}: folder is not empty; a new project needs an empty or new folder`);
  }
  await fs.mkdir(abs, { recursive: true });
  for (const sub of PROJECT_SUBDIRS) await fs.mkdir(path.join(abs, sub), { recursive: true });
  const now = new Date().toISOString();
  const manifest: ProjectManifest = {
    schemaVersion: PROJECT_SCHEMA_VERSION,
    app: 'vegdyn',
    name: options.name ?? path.basename(abs),
    description: options.description ?? '',
    createdAt: now,
    modifiedAt: now,
    ...(options.grid ? { grid: options.grid } : {}),
  };
  await writeManifest(abs, manifest);
  return { dir: abs, manifest };
}

/** Reads and checks project.json without writing anything. */
export async function openProject(dir: string): Promise<OpenProject> {
  const abs = path.resolve(dir);
  const file = path.join(abs, PROJECT_FILE);
  if (!existsSync(abs)) throw new ProjectError(`${abs}: no such folder`);
  if (!statSync(abs).isDirectory()) throw new ProjectError(`${abs}: not a folder`);
  if (!existsSync(file)) throw new ProjectError(`${abs}: not a VegDyn project (no ${PROJECT_FILE})`);
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new ProjectError(`${file}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const version = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version > PROJECT_SCHEMA_VERSION) {
    throw new ProjectError(`${file}: schemaVersion ${version} was written by a newer VegDyn (this one reads up to ${PROJECT_SCHEMA_VERSION}); upgrade VegDyn to open it`);
  }
  const parsed = projectManifestSchema.safeParse(raw);
  if (!parsed.success) throw new ProjectError(`${file}: ${describeIssues(parsed.error).text}`);
  return { dir: abs, manifest: parsed.data };
}

/** Writes project.json atomically, stamping modifiedAt. */
export async function saveProject(project: OpenProject, changes: Partial<Pick<ProjectManifest, 'name' | 'description' | 'grid'>> & { cluster?: ProjectManifest['cluster'] | null } = {}): Promise<OpenProject> {
  // cluster: null removes the section
  const { cluster, ...rest } = changes;
  const manifest: ProjectManifest = { ...project.manifest, ...rest, modifiedAt: new Date().toISOString() };
  if (cluster === null) delete manifest.cluster;
  else if (cluster !== undefined) manifest.cluster = cluster;
  await writeManifest(project.dir, manifest);
  return { dir: project.dir, manifest };
}

async function writeManifest(dir: string, manifest: ProjectManifest): Promise<void> {
  const checked = projectManifestSchema.parse(manifest);
  await writeFileAtomic(path.join(dir, PROJECT_FILE), `${JSON.stringify(checked, null, 2)}\n`);
}

/** Opens the project in `dir`, creating it first when the folder is absent or empty (the default demo project). */
export async function openOrCreateProject(dir: string, name?: string): Promise<OpenProject> {
  const abs = path.resolve(dir);
  const empty = !existsSync(abs) || (statSync(abs).isDirectory() && readdirSync(abs).length === 0);
  return empty ? createProject(abs, name ? { name } : {}) : openProject(abs);
}
