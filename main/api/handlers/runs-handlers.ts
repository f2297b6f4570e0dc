import { existsSync } from 'node:fs';
import path from 'node:path';
import type { HandlersFor } from '../define.ts';
import type { runsRequests } from '../requests/runs.ts';
import { RUN_CONFIG_FILE, listRunIds, readRunConfig, readRunRecord, readRunSummary, runDir, runFileIndex } from '../../run/run-folder.ts';
import { DEMO_PRESET, PAPER_PRESET, RunConfigError, describeReductions, resolveRunConfig } from '../../training/run-config.ts';

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
    const projectDir = ctx.projectDir();
    const runs = listRunIds(projectDir).map((id) => {
      const dir = runDir(projectDir, id);
      const info = readRunRecord(dir);
      const config = existsSync(path.join(dir, RUN_CONFIG_FILE)) ? readRunConfig(dir) : null;
      const summary = readRunSummary(dir);
      return {
        id,
        status: info?.status ?? 'unknown',
        createdAt: info?.createdAt ?? null,
        preset: config?.preset ?? null,
        seed: info?.seed ?? null,
        medianNse: Object.fromEntries((summary?.entries ?? []).map((e) => [e.id, e.summary.nse.median ?? null])),
        failed: info?.failed ?? [],
        hasReport: runFileIndex(dir).report,
      };
    });
    runs.sort((a, b) => (a.id < b.id ? 1 : -1));
    return { runs };
  },
};
