/**
 * The layer order of main/ and the folder-cycle check (`npm run lint:deps`, part of `npm run lint`).
 * docs/architecture.md explains the layers; this file is the rule.
 *
 * A folder may import only folders of a LOWER rank (and itself). Folders of the same rank do not
 * import each other. Besides, no folder cycle anywhere (scope: folder, subfolders included), and
 * the pure layers (physics, models, training, evaluation) do no file I/O beyond the exceptions
 * named below.
 */
const RANKS = {
  util: 0, // tiny pure helpers (seeded RNG, the zod-error formatter)
  tfjs: 0, // VegDyn's tfjs patches and engine helpers (kernels, threads, gradient checkpointing)
  config: 1, // VEGDYN_HOME and config.json
  project: 2, // the project folder: manifest, store, recent projects, atomic writes
  compute: 3, // the tfjs backend choice and the worker machinery that runs jobs
  data: 4, // datasets, the NetCDF store, importers, grids, time axis, virtual basin
  physics: 5, // the process model (leaf and grid), pure tensors
  export: 5, // CSV, GeoTIFF, NetCDF writers
  models: 6, // LSTM, ConvLSTM, physics-encoded ConvLSTM, physics only
  training: 7, // features, optimizer, trainer, run config
  evaluation: 8, // metrics and scoring
  leaf: 8, // leaf-scale experiments
  report: 9, // HTML report and SVG figures
  run: 10, // the application layer: experiments, run folders, job kinds
  map: 11, // map layer sources (dataset variables, run outputs, parameters, NSE, clip)
  api: 12, // the typed contract and its thin handlers
  server: 13, // web mode
  bench: 13, // npm run bench
  cli: 14, // the vegdyn command (starts the server and the bench too)
};

const folders = Object.keys(RANKS);
const rule = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to });

const layerRules = folders.map((f) => {
  const notAllowed = folders.filter((g) => g !== f && RANKS[g] >= RANKS[f]);
  return rule(
    `layer-${f}`,
    `main/${f}/ (rank ${RANKS[f]}) may import only lower layers: ${folders.filter((g) => RANKS[g] < RANKS[f]).join(', ') || 'none'}`,
    { path: `^main/${f}/` },
    { path: `^main/(${notAllowed.join('|')})/` },
  );
});

module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      comment: 'Folders (and subfolders) of main/ never form a cycle.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^main/' },
      to: { circular: true },
    },
    {
      name: 'no-module-cycle',
      comment: 'Modules never import each other in a circle at run time (type-only cycles, like the ' +
        "contract's types used by define.ts, are harmless and allowed; folder cycles are not, even type-only).",
      severity: 'error',
      from: { path: '^(main|electron)/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    ...layerRules,
    rule(
      'main-root-is-an-entry',
      'main/cli.ts is the command entry; nothing under main/ imports it.',
      { path: '^main/.+/' },
      { path: '^main/cli\\.ts$' },
    ),
    rule(
      'pure-layers-do-no-file-io',
      'physics, models, training and evaluation compute; files are read and written by data/ and run/. ' +
        'Remaining exception: models/model-io.ts (the portable model file format). The trainer keeps its ' +
        'checkpoints through a TrainingStore that run/model-folder-store.ts implements.',
      { path: '^main/(physics|models|training|evaluation)/', pathNot: '^main/models/model-io\\.ts$' },
      { path: ['^(node:)?fs(/promises)?$', '^main/project/atomic-write\\.ts$'] },
    ),
    rule(
      'every-folder-has-a-rank',
      'A new folder of main/ gets its place in RANKS above before anything imports it or it imports anything.',
      { path: '^main/[^/]+/', pathNot: `^main/(${folders.join('|')})/` },
      { path: '^main/' },
    ),
    rule(
      'every-folder-has-a-rank-as-target',
      'A new folder of main/ gets its place in RANKS above before anything imports it.',
      { path: '^(main|electron)/' },
      { path: '^main/[^/]+/', pathNot: `^main/(${folders.join('|')})/` },
    ),
    rule(
      'no-unresolvable',
      'Every import resolves (a moved file leaves no dangling path behind).',
      { path: '^(main|electron)/' },
      { couldNotResolve: true },
    ),
    rule(
      'main-never-imports-the-shells',
      'main/ is the portable engine: no electron, no renderer.',
      { path: '^main/' },
      { path: '^(electron|renderer)/' },
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
