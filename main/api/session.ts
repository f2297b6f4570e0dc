/**
 * The running engine as request handlers see it (HandlerContext): the open project, the event
 * fan-out to every connected client, and the job host. One Session per engine process; the
 * server, the Electron main side, the CLI and tests each create one.
 */
import { describeIssues } from './api-error.ts';
import { events, isEventName, type EventName, type EventOf } from './contract.ts';
import type { HandlerContext } from './define.ts';
import type { JobKind, JobParams } from './job-map.ts';
import { JobHost, type JobHostOptions } from '../compute/job-host.ts';
import { JOB_KINDS } from '../run/job-kinds.ts';
import { createProjectFromRequest, type GridRequest } from './project-grid-request.ts';
import { createProject, openOrCreateProject, openProject, saveProject, type OpenProject } from '../project/project-store.ts';
import { rememberProject } from '../project/recent-projects.ts';
import { removeStaleTempFiles } from '../project/project-temp-files.ts';
import type { ClusterSettings } from '../project/cluster-settings.ts';

export type EventListener = (event: EventName, payload: unknown) => void;

export interface SessionOptions {
  jobs?: JobHostOptions;
}

export class Session implements HandlerContext {
  readonly jobs: JobHost;
  private current: OpenProject | undefined;
  private readonly listeners = new Set<EventListener>();

  constructor(options: SessionOptions = {}) {
    // the host's payloads are the contract's job.* events; emit() checks each against its schema
    this.jobs = new JobHost((event, payload) => this.emit(event, payload as EventOf<typeof event>), { kinds: JOB_KINDS, ...options.jobs });
  }

  get project(): OpenProject | undefined {
    return this.current;
  }

  projectDir(): string {
    if (!this.current) throw new Error('no project is open: open or create one first (project.open / project.create)');
    return this.current.dir;
  }

  async openProject(dir: string): Promise<OpenProject> {
    // openProject throws before anything changes, so a refused folder leaves the session as it was
    const project = await openProject(dir);
    return this.adopt(project);
  }

  /** Creates and opens a project; `notes` say what its grid was made from (none without a grid choice). */
  async createProject(dir: string, options: { name?: string; description?: string } = {}, grid?: GridRequest): Promise<{ project: OpenProject; notes: string[] }> {
    if (!grid) return { project: await this.adopt(await createProject(dir, options)), notes: [] };
    const created = await createProjectFromRequest(dir, options, grid);
    return { project: await this.adopt(created.project), notes: created.notes };
  }

  /** Opens `dir`, creating an empty project there first when the folder is new or empty. */
  async openOrCreateProject(dir: string, name?: string): Promise<OpenProject> {
    return this.adopt(await openOrCreateProject(dir, name));
  }

  /** Saves changed manifest fields of the open project (atomically) and keeps the result open. */
  async updateProject(changes: { name?: string | undefined; description?: string | undefined; cluster?: ClusterSettings | null | undefined }): Promise<OpenProject> {
    if (!this.current) throw new Error('no project is open');
    const clean: { name?: string; description?: string; cluster?: ClusterSettings | null } = {};
    if (changes.name !== undefined) clean.name = changes.name;
    if (changes.description !== undefined) clean.description = changes.description;
    if (changes.cluster !== undefined) clean.cluster = changes.cluster;
    this.current = await saveProject(this.current, clean);
    await rememberProject(this.current.dir, this.current.manifest.name);
    return this.current;
  }

  private async adopt(project: OpenProject): Promise<OpenProject> {
    // what interrupted writes left behind (the rule is in project-temp-files.ts)
    await removeStaleTempFiles(project.dir);
    this.current = project;
    await rememberProject(project.dir, project.manifest.name);
    this.emit('project.opened', { dir: project.dir, name: project.manifest.name });
    return project;
  }

  emit<E extends EventName>(event: E, payload: EventOf<E>): void {
    if (!isEventName(event)) throw new Error(`unknown event '${String(event)}'`);
    const checked = events[event].payload.safeParse(payload);
    if (!checked.success) throw new Error(`invalid payload for event ${event}: ${describeIssues(checked.error).text}`);
    for (const listener of this.listeners) {
      try {
        listener(event, checked.data);
      } catch (err) {
        // one broken client must not stop the others from hearing the event
        process.stderr.write(`vegdyn: event listener failed on ${event}: ${err instanceof Error ? err.message : String(err)}\n`);
      }
    }
  }

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  startJob<K extends JobKind>(kind: K, params: JobParams<K>): string {
    return this.jobs.start(kind, params);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.jobs.closeAll();
  }
}

/** Foundation handlers need more of the session than HandlerContext offers. */
export function sessionOf(ctx: HandlerContext): Session {
  if (!(ctx instanceof Session)) throw new Error('this request needs the engine session');
  return ctx;
}
