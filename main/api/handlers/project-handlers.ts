import type { HandlersFor } from '../define.ts';
import type { projectRequests } from '../requests/project.ts';
import { sessionOf } from '../session.ts';
import type { OpenProject } from '../../project/project-store.ts';
import { readRecentProjects } from '../../project/recent-projects.ts';

function infoOf(p: OpenProject) {
  const m = p.manifest;
  return { dir: p.dir, name: m.name, schemaVersion: m.schemaVersion, createdAt: m.createdAt, modifiedAt: m.modifiedAt, description: m.description };
}

export const projectHandlers: HandlersFor<typeof projectRequests> = {
  'project.create': async (req, ctx) => {
    const { project, notes } = await sessionOf(ctx).createProject(req.dir, { name: req.name, description: req.description }, req.grid);
    return { ...infoOf(project), notes };
  },
  'project.open': async (req, ctx) => infoOf(await sessionOf(ctx).openProject(req.dir)),
  'project.info': async (_req, ctx) => {
    const project = sessionOf(ctx).project;
    if (!project) throw new Error('no project is open');
    return infoOf(project);
  },
  'project.update': async (req, ctx) => infoOf(await sessionOf(ctx).updateProject(req)),
  'project.recent': async () => ({ projects: await readRecentProjects() }),
};
