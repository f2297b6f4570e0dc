import path from 'node:path';
import type { HandlersFor } from '../define.ts';
import type { clusterRequests } from '../requests/cluster.ts';
import { ApiError } from '../api-error.ts';
import { sessionOf } from '../session.ts';
import { appVegdynCommand, clusterStatus, submitToSlurm } from '../../run/cluster.ts';
import { runDir } from '../../run/run-folder.ts';

function settingsOf(ctx: Parameters<HandlersFor<typeof clusterRequests>['cluster.settings']>[1]) {
  const project = sessionOf(ctx).project;
  if (!project) throw new Error('no project is open');
  return project.manifest.cluster ?? null;
}

export const clusterHandlers: HandlersFor<typeof clusterRequests> = {
  'cluster.settings': async (_req, ctx) => ({ settings: settingsOf(ctx) }),
  'cluster.setSettings': async (req, ctx) => {
    const project = await sessionOf(ctx).updateProject({ cluster: req.settings });
    return { settings: project.manifest.cluster ?? null };
  },
  'cluster.submit': async (req, ctx) => {
    const settings = settingsOf(ctx);
    if (!settings) throw new ApiError({ code: 'invalid-request', message: "the project's settings name no cluster: set one first (cluster.setSettings)" });
    const r = await submitToSlurm({
      projectDir: ctx.projectDir(), preset: req.preset, overrides: req.overrides,
      ...(req.runId ? { runId: req.runId } : {}), ...(req.ensemble !== undefined ? { ensemble: req.ensemble } : {}),
      ...(settings.partition ? { partition: settings.partition } : {}), ...(settings.cpusPerTask ? { cpusPerTask: settings.cpusPerTask } : {}),
      ...(settings.gpusPerTask ? { gpusPerTask: settings.gpusPerTask } : {}), ...(settings.time ? { time: settings.time } : {}),
      vegdyn: settings.vegdyn ?? appVegdynCommand(), ...(req.dryRun ? { dryRun: true } : {}),
    });
    return { runId: path.basename(r.runDir), script: r.script, jobId: r.jobId };
  },
  'cluster.status': async (req, ctx) => {
    const s = clusterStatus(runDir(ctx.projectDir(), req.runId));
    return {
      runId: req.runId, jobId: s.record.jobId, notes: [...s.notes],
      tasks: s.tasks.map((t) => ({
        task: t.task, member: t.member, finished: t.finished,
        scheduler: t.scheduler ? { state: t.scheduler.state, elapsed: t.scheduler.elapsed, detail: t.scheduler.detail } : null,
        progress: t.progress ? { state: t.progress.state, fraction: t.progress.fraction, message: t.progress.message, at: t.progress.at, ...(t.progress.epoch !== undefined ? { epoch: t.progress.epoch } : {}) } : null,
      })),
    };
  },
};
