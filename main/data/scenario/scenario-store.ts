/**
 * The scenarios of a project: one file each, <project>/scenarios/<name>.json, written atomically.
 * A scenario is checked completely before anything is written, so bad input leaves the project
 * as it was (no folder created, no file touched).
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../project/atomic-write.ts';
import { openProject } from '../../project/project-store.ts';
import { checkScenario, SCENARIO_SCHEMA_VERSION, scenarioNameSchema, type Scenario, type ScenarioInput } from './scenario-definition.ts';

export const SCENARIOS_DIR = 'scenarios';

export function scenarioPath(projectDir: string, name: string): string {
  return path.join(path.resolve(projectDir), SCENARIOS_DIR, `${name}.json`);
}

function checkName(name: string): void {
  const r = scenarioNameSchema.safeParse(name);
  if (!r.success) throw new Error(`scenario name '${name}': ${r.error.issues[0]?.message ?? 'invalid'}`);
}

/** Defines a scenario in the project; refuses a name in use unless `replace`. */
export async function createScenario(projectDir: string, input: ScenarioInput, options: { replace?: boolean } = {}): Promise<Scenario> {
  const project = await openProject(projectDir);
  checkName(input.name);
  const candidate = {
    schemaVersion: SCENARIO_SCHEMA_VERSION,
    name: input.name,
    description: input.description ?? '',
    createdAt: new Date().toISOString(),
    ...(input.period ? { period: input.period } : {}),
    changes: input.changes,
    ...(input.co2Ppm !== undefined ? { co2Ppm: input.co2Ppm } : {}),
    humidity: 'baseline-relative-humidity',
  };
  const scenario = (() => {
    try {
      return checkScenario(candidate);
    } catch (err) {
      throw new Error(`scenario '${input.name}': ${err instanceof Error ? err.message : String(err)}`);
    }
  })();
  const file = scenarioPath(project.dir, scenario.name);
  if (existsSync(file) && !options.replace) throw new Error(`scenario '${scenario.name}' already exists in ${project.dir} (${file}); choose another name or replace it`);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(scenario, null, 2)}\n`);
  return scenario;
}

async function readScenarioFile(file: string): Promise<Scenario> {
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${err instanceof SyntaxError ? `not valid JSON (${err.message})` : err instanceof Error ? err.message : String(err)}`);
  }
  try {
    const scenario = checkScenario(raw);
    if (`${scenario.name}.json` !== path.basename(file)) throw new Error(`name '${scenario.name}' does not match the file name`);
    return scenario;
  } catch (err) {
    throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export async function readScenario(projectDir: string, name: string): Promise<Scenario> {
  checkName(name);
  const file = scenarioPath(projectDir, name);
  if (!existsSync(file)) {
    const known = (await listScenarios(projectDir)).scenarios.map((s) => s.name);
    throw new Error(`no scenario '${name}' in ${path.resolve(projectDir)}${known.length ? ` (defined: ${known.join(', ')})` : ' (none defined yet: vegdyn scenario create)'}`);
  }
  return readScenarioFile(file);
}

/** Every scenario of the project, by name; files that do not read are listed with their problem. */
export async function listScenarios(projectDir: string): Promise<{ scenarios: Scenario[]; unreadable: { file: string; error: string }[] }> {
  const dir = path.join(path.resolve(projectDir), SCENARIOS_DIR);
  const scenarios: Scenario[] = [];
  const unreadable: { file: string; error: string }[] = [];
  if (!existsSync(dir)) return { scenarios, unreadable };
  for (const entry of (await fs.readdir(dir)).filter((f) => f.endsWith('.json') && !f.startsWith('.')).sort()) {
    const file = path.join(dir, entry);
    try {
      scenarios.push(await readScenarioFile(file));
    } catch (err) {
      unreadable.push({ file, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return { scenarios, unreadable };
}
