/**
 * Where VegDyn keeps its per-user state: VEGDYN_HOME (default ~/.vegdyn) holds config.json,
 * recent-projects.json and projects/ (projects/demo is the default project).
 */
import os from 'node:os';
import path from 'node:path';
import { readFileSync, existsSync } from 'node:fs';
import { z } from 'zod';
import { describeIssues } from '../util/zod-issues.ts';

export function vegdynHome(): string {
  const fromEnv = process.env.VEGDYN_HOME;
  return fromEnv && fromEnv.trim() !== '' ? path.resolve(fromEnv) : path.join(os.homedir(), '.vegdyn');
}

export function defaultProjectDir(): string {
  return path.join(vegdynHome(), 'projects', 'demo');
}

/** The user's settings file. Unknown keys are rejected so a typo is reported, not ignored. */
export const appConfigSchema = z.object({
  /** force a compute backend, as VEGDYN_BACKEND does */
  backend: z.enum(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).optional(),
  /** background jobs (training, evaluation, imports, ...) running at once; more wait queued (default 2) */
  maxConcurrentJobs: z.number().int().min(1).max(64).optional(),
}).strict();

export type AppConfig = z.infer<typeof appConfigSchema>;

export function appConfigPath(): string {
  return path.join(vegdynHome(), 'config.json');
}

/** Reads config.json; a missing file is an empty config, a malformed one is an error naming the file and field. */
export function readAppConfig(): AppConfig {
  const file = appConfigPath();
  if (!existsSync(file)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const parsed = appConfigSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${file}: ${describeIssues(parsed.error).text}`);
  return parsed.data;
}
