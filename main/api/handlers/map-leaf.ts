/**
 * Leaf experiment runs of a project (<project>/leaf-runs/<id>/, written by the leaf-experiment job)
 * read for the workspace: config, metrics, learned Vcmax25 against CLM4.5, and the observed vs
 * simulated net photosynthesis of every row.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCsv } from '../../leaf/csv.ts';
import { parseLeafCsv } from '../../leaf/leaf-dataset.ts';
import type { LeafColumnOptions } from '../../leaf/leaf-columns.ts';
import type { LeafDateFormat } from '../../leaf/leaf-dates.ts';
import { writeFileAtomic } from '../../project/atomic-write.ts';

export const LEAF_RUNS_DIR = 'leaf-runs';
/** where leaf CSVs uploaded from the page are kept, inside the project */
export const LEAF_INPUTS_DIR = 'leaf-inputs';

/**
 * Stores an uploaded leaf CSV in <project>/leaf-inputs/ (atomically) once it parses as a leaf CSV,
 * so a bad file is refused with its line and column before any experiment starts.
 */
export async function storeLeafUpload(projectDir: string, name: string, text: string, read: LeafColumnOptions & { dateFormat?: LeafDateFormat } = {}): Promise<{ path: string; bytes: number; rows: number; skipped: number }> {
  const base = path.basename(name.replace(/\\/g, '/'));
  const safe = base.replace(/[^A-Za-z0-9._-]+/g, '_');
  if (!/\.csv$/i.test(safe) || safe.startsWith('.')) throw new Error(`'${base}': a leaf CSV must be a .csv file`);
  const parsed = parseLeafCsv(text, { source: base, ...read });
  if (parsed.records.length === 0) throw new Error(`${base}: no usable rows (${parsed.skipped.length} skipped${parsed.skipped[0] ? `, e.g. line ${parsed.skipped[0].line}: ${parsed.skipped[0].reason}` : ''})`);
  const target = path.join(projectDir, LEAF_INPUTS_DIR, safe);
  mkdirSync(path.dirname(target), { recursive: true });
  await writeFileAtomic(target, text);
  return { path: target, bytes: Buffer.byteLength(text), rows: parsed.records.length, skipped: parsed.skipped.length };
}

function leafRunDir(projectDir: string, id: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(id) || id === '.' || id === '..') throw new Error(`'${id}' is not a leaf run id`);
  return path.join(projectDir, LEAF_RUNS_DIR, id);
}

function rowsOf(file: string): Record<string, string>[] {
  if (!existsSync(file)) return [];
  const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'));
  if (!header) return [];
  return rows.filter((r) => r.length === header.length).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]!])));
}

const numOrNull = (s: string | undefined): number | null => {
  const v = s === undefined || s === '' ? Number.NaN : Number(s);
  return Number.isFinite(v) ? v : null;
};

export function listLeafRuns(projectDir: string): { id: string; experiment: string | null }[] {
  const dir = path.join(projectDir, LEAF_RUNS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, 'config.json')))
    .map((d) => {
      const cfg = JSON.parse(readFileSync(path.join(dir, d.name, 'config.json'), 'utf8')) as { experiment?: string };
      return { id: d.name, experiment: cfg.experiment ?? null };
    })
    .sort((a, b) => b.id.localeCompare(a.id));
}

export function readLeafRun(projectDir: string, id: string) {
  const dir = leafRunDir(projectDir, id);
  if (!existsSync(path.join(dir, 'config.json'))) throw new Error(`no leaf run '${id}' in this project`);
  const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  const metrics = existsSync(path.join(dir, 'metrics.json')) ? (JSON.parse(readFileSync(path.join(dir, 'metrics.json'), 'utf8')) as unknown) : null;
  const vcmax = rowsOf(path.join(dir, 'vcmax25.csv')).map((r) => ({
    fold: Number(r['fold']), pft: r['pft'] ?? '', learned: numOrNull(r['vcmax25_learned']), clm45: numOrNull(r['vcmax25_clm45']), relativeError: numOrNull(r['relative_error']),
  }));
  const predictions = rowsOf(path.join(dir, 'predictions.csv')).map((r) => ({
    fold: Number(r['fold']), set: r['set'] ?? '', pft: r['pft'] ?? '', observed: numOrNull(r['an_observed']), simulated: numOrNull(r['an_simulated']),
  }));
  return { id, experiment: typeof config['experiment'] === 'string' ? config['experiment'] : '', config, metrics, vcmax, predictions, dir };
}
