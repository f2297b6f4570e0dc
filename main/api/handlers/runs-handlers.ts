import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { HandlersFor } from '../define.ts';
import type { runsRequests } from '../requests/runs.ts';
import { DEMO_PRESET, PAPER_PRESET, RunConfigError, describeReductions, resolveRunConfig } from '../../training/run-config.ts';

function readJson(file: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

export const runsHandlers: HandlersFor<typeof runsRequests> = {
  'runs.presets': async () => ({
    presets: { demo: structuredClone(DEMO_PRESET) as Record<string, unknown>, paper: structuredClone(PAPER_PRESET) as Record<string, unknown> },
    demoReductions: describeReductions(),
  }),
  'runs.validateConfig': async (req) => {
    try {
      return { ok: true, config: resolveRunConfig(req.overrides, req.preset) as unknown as Record<string, unknown>, problems: [] };
    } catch (err) {
      if (err instanceof RunConfigError) return { ok: false, config: null, problems: err.problems };
      throw err;
    }
  },
  'runs.list': async (_req, ctx) => {
    const dir = path.join(ctx.projectDir(), 'runs');
    if (!existsSync(dir)) return { runs: [] };
    const runs = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => {
      const runDir = path.join(dir, d.name);
      const info = readJson(path.join(runDir, 'run.json')) ?? {};
      const config = readJson(path.join(runDir, 'config.json')) ?? {};
      const summary = readJson(path.join(runDir, 'evaluation', 'summary.json'));
      const entries = (summary?.entries ?? []) as { id: string; summary: { nse: { median: number | null } } }[];
      return {
        id: d.name,
        status: typeof info.status === 'string' ? info.status : 'unknown',
        createdAt: typeof info.createdAt === 'string' ? info.createdAt : null,
        preset: typeof config.preset === 'string' ? config.preset : null,
        seed: typeof info.seed === 'number' ? info.seed : null,
        medianNse: Object.fromEntries(entries.map((e) => [e.id, e.summary.nse.median ?? null])),
        failed: Array.isArray(info.failed) ? (info.failed as { kind: string; reason: string }[]) : [],
        hasReport: existsSync(path.join(runDir, 'report.html')),
      };
    });
    runs.sort((a, b) => (a.id < b.id ? 1 : -1));
    return { runs };
  },
};
