/**
 * Starts the demo project's first run (job 'first-run': main/run/first-run.ts) once per
 * project and session: `vegdyn serve` calls it as soon as the demo project is open, so the data is
 * being made before a browser connects, and the renderer asks through `data.firstRun` to find
 * the running job (or to start it from an empty state's "Generate demo data").
 */
import path from 'node:path';
import { defaultProjectDir } from '../config/vegdyn-home.ts';
import { firstRunNeeds } from '../run/first-run.ts';
import type { Session } from './session.ts';

export interface FirstRunStatus {
  /** the running (or just started) first-run job of the open project, if any */
  readonly jobId: string | null;
  /** the open project is the default demo project of VEGDYN_HOME */
  readonly demoProject: boolean;
  /** what is still missing: the dataset, the pretrained run */
  readonly needs: { readonly data: boolean; readonly run: boolean };
}

/** this session's first-run job per project folder */
const started = new Map<string, string>();

/**
 * VEGDYN_DEMO_PERIOD=FROM..TO: a shorter demo period than the generator's 1981-2016 (the browser
 * test uses the pretrained run's record, 1996-2012); the same code path, less data to make.
 */
export function demoPeriodFromEnv(env: NodeJS.ProcessEnv = process.env): { startDate: string; endDate: string } | null {
  const v = env['VEGDYN_DEMO_PERIOD'];
  if (!v) return null;
  const m = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(v.trim());
  if (!m || m[1]! > m[2]!) throw new Error(`VEGDYN_DEMO_PERIOD='${v}': expected FROM..TO, two ISO dates YYYY-MM-DD, first <= last`);
  return { startDate: m[1]!, endDate: m[2]! };
}

/**
 * `start`: 'auto' starts the first run only in the default demo project, 'yes' in any project
 * (the user asked), 'no' only reports.
 */
export function ensureFirstRun(session: Session, start: 'auto' | 'yes' | 'no'): FirstRunStatus {
  const projectDir = session.projectDir();
  const demoProject = path.resolve(projectDir) === path.resolve(defaultProjectDir());
  const running = started.get(projectDir);
  if (running && session.jobs.list().some((j) => j.jobId === running && j.state === 'running')) {
    return { jobId: running, demoProject, needs: firstRunNeeds(projectDir) };
  }
  const needs = firstRunNeeds(projectDir);
  const wanted = start === 'yes' || (start === 'auto' && demoProject);
  if (!wanted || (!needs.data && !needs.run)) return { jobId: null, demoProject, needs };
  const period = demoPeriodFromEnv();
  const jobId = session.startJob('first-run', { projectDir, ...(period ?? {}) });
  started.set(projectDir, jobId);
  return { jobId, demoProject, needs };
}
