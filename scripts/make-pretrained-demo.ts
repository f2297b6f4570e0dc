/**
 * Makes the pretrained demo run shipped in resources/pretrained-demo/: trains the demo preset's
 * three models (LSTM, ConvLSTM, physics-encoded ConvLSTM) on the demo virtual basin exactly as
 * `vegdyn demo` does, then copies only what re-scoring needs (the resolved config, the run record,
 * each model's configuration, weights, history and learned parameters) plus a manifest that
 * records the run seed, the generator (name, version, seed, period) the weights were trained on,
 * the git commit the script ran from, and the median test NSE the run reached, so the app's
 * installed copy can be checked against it (main/run/pretrained-demo.ts).
 *
 *   npx tsx scripts/make-pretrained-demo.ts [--work DIR] [--out DIR] [--package-only]
 *
 * --work          the scratch project the run trains in (default .tmp/pretrained-demo; rerunning
 *                 resumes from its checkpoints)
 * --out           where the shipped copy goes (default resources/pretrained-demo)
 * --package-only  copy from an already trained --work run without training again
 * --compact-only  only store the large weights of the already shipped --out copy as 8-bit
 *                 differences from their initial values (what packaging does anyway); for a
 *                 copy shipped in float32 before that step existed
 *
 * Packaging stores the LSTM's 22 MB input kernel as its 8-bit difference from the seeded initial
 * value (main/run/compact-weights.ts); the manifest records the largest error that costs.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDemo } from '../main/run/demo.ts';
import { openOrCreateProject } from '../main/project/project-store.ts';
import { DEFAULT_END_DATE, DEFAULT_SEED, DEFAULT_START_DATE, GENERATOR_NAME, GENERATOR_VERSION } from '../main/data/virtual-basin/generate.ts';
import { compactShippedWeights, packagePretrainedRun, PRETRAINED_MANIFEST, PRETRAINED_RUN_ID, pretrainedManifestSchema, readPretrainedManifest } from '../main/run/pretrained-demo.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
}

const work = path.resolve(arg('--work') ?? path.join(repo, '.tmp', 'pretrained-demo'));
const out = path.resolve(arg('--out') ?? path.join(repo, 'resources', 'pretrained-demo'));
const runDir = path.join(work, 'runs', PRETRAINED_RUN_ID);
const originFile = path.join(work, 'made-from.json');

if (process.argv.includes('--compact-only')) {
  const manifest = readPretrainedManifest(out);
  if (manifest.compactWeights.length) throw new Error(`${out}: already compact (${manifest.compactWeights.map((w) => `${w.model} ${w.weight}`).join(', ')})`);
  // the commit and tree state before the weights files change
  const compactedBy = { commit: git('rev-parse', 'HEAD'), uncommittedChanges: git('status', '--porcelain').length > 0, script: 'scripts/make-pretrained-demo.ts --compact-only', at: new Date().toISOString() };
  const compactWeights = await compactShippedWeights(out, manifest.models);
  writeFileSync(path.join(out, PRETRAINED_MANIFEST), `${JSON.stringify(pretrainedManifestSchema.parse({ ...manifest, compactWeights, compactedBy }), null, 2)}\n`);
  for (const w of compactWeights) console.log(`${w.model} ${w.weight}: ${w.values} values, largest error ${w.maxAbsError.toExponential(2)} (training moved it by up to ${w.maxAbsTrained.toExponential(2)})`);
  process.exit(0);
}

if (!process.argv.includes('--package-only')) {
  // the commit is the one training ran from; a dirty tree is recorded, not hidden
  await openOrCreateProject(work, 'Demo');
  writeFileSync(originFile, JSON.stringify({ commit: git('rev-parse', 'HEAD'), uncommittedChanges: git('status', '--porcelain').length > 0, startedAt: new Date().toISOString() }, null, 2));
  const result = await runDemo({ projectDir: work, runId: PRETRAINED_RUN_ID, log: (line) => console.log(line) });
  console.log(result.tableText);
}

const origin = JSON.parse(readFileSync(originFile, 'utf8')) as { commit: string; uncommittedChanges: boolean };
const manifest = await packagePretrainedRun(runDir, out, {
  generator: { name: GENERATOR_NAME, version: GENERATOR_VERSION, seed: DEFAULT_SEED, startDate: DEFAULT_START_DATE, endDate: DEFAULT_END_DATE },
  madeFrom: { commit: origin.commit, uncommittedChanges: origin.uncommittedChanges, script: 'scripts/make-pretrained-demo.ts' },
});
console.log(`wrote ${out} (${manifest.models.join(', ')}) from commit ${origin.commit}${origin.uncommittedChanges ? ' with uncommitted changes' : ''}`);
