/**
 * Bench suite 'leaf': leaf solves per second (Newton Ci solve + An) at 1k, 10k and 100k leaves,
 * forward and forward + backward (implicit gradient of sum An with respect to Vcmax25), on the
 * backend in use. With /usr/bin/python3 + torch and VEGDYN_DIFFECOSYS_DIR naming a checkout of
 * hydroPKDN/diffEcosys, the authors' PyTorch solve is timed on the same inputs in the same run
 * (scripts/reference/diffecosys_leaf_bench.py) and the ratio printed; otherwise it says why not.
 * Inputs: the example leaf dataset's 446 rows repeated to N leaves.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { median, type BenchSuite } from './bench-reporter.ts';
import { initComputeBackend } from '../compute/backend.ts';
import { parseLeafCsv, leafEnvironmentOf, defaultTraitsOf } from '../leaf/leaf-dataset.ts';
import { solveLeaves } from '../physics/leaf-model.ts';
import { runLeafExperiment } from '../leaf/leaf-experiment.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DATASET = path.join(ROOT, 'test/fixtures/leaf/example_dataset.csv');
const PY_SCRIPT = path.join(ROOT, 'scripts/reference/diffecosys_leaf_bench.py');
const PYTHON = '/usr/bin/python3';

function tiledCsv(n: number): string {
  const lines = readFileSync(DATASET, 'utf8').trim().split(/\r?\n/);
  const rows = lines.slice(1);
  const out = [lines[0]!];
  for (let i = 0; i < n; i++) out.push(rows[i % rows.length]!);
  return `${out.join('\n')}\n`;
}

function timeIt(repeats: number, f: () => void): number {
  f(); // warm-up: kernels and wasm pages
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    f();
    samples.push((performance.now() - t0) / 1000);
  }
  return median(samples);
}

/** Why the PyTorch comparison cannot run, or undefined when it can. */
function pytorchUnavailable(): string | undefined {
  const dir = process.env.VEGDYN_DIFFECOSYS_DIR;
  if (!dir) return 'VEGDYN_DIFFECOSYS_DIR is not set (it names a checkout of hydroPKDN/diffEcosys)';
  if (!existsSync(path.join(dir, 'auxiliary_fn', 'predict.py'))) return `VEGDYN_DIFFECOSYS_DIR=${dir} holds no auxiliary_fn/predict.py`;
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const probe = spawnSync(PYTHON, ['-c', 'import torch, pandas, scipy'], { encoding: 'utf8' });
  if (probe.status !== 0) return `${PYTHON} cannot import torch, pandas and scipy: ${(probe.stderr || '').trim().split('\n').pop()}`;
  return undefined;
}

export const leafBench: BenchSuite = {
  name: 'leaf',
  description: 'leaf photosynthesis solves per second (Newton Ci, forward and forward+backward), vs the authors\' PyTorch solve',
  async run(report, { quick }) {
    const backend = await initComputeBackend();
    report.note(`backend ${backend.chosen} (${backend.version}, ${backend.threads} thread(s)); leaves = example dataset rows repeated`);
    const sizes = quick ? [1000, 10000] : [1000, 10000, 100000];
    const noTorch = pytorchUnavailable();
    if (noTorch) report.note(`PyTorch comparison skipped: ${noTorch}`);
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-leaf-bench-'));
    try {
      for (const n of sizes) {
        const text = tiledCsv(n);
        const ds = parseLeafCsv(text);
        const repeats = n >= 100000 ? 3 : 5;
        const env = leafEnvironmentOf(ds.records);
        const traits = defaultTraitsOf(ds.records, tf.ones([n]));
        let iterations = 0;
        const fwd = timeIt(repeats, () => tf.tidy(() => {
          const s = solveLeaves(env, traits);
          s.anet.dataSync();
          iterations = s.stats.iterations;
        }));
        const both = timeIt(repeats, () => tf.tidy(() => {
          const g = tf.grad((v: tf.Tensor) => tf.sum(solveLeaves(env, { ...traits, vcmax25: v }).anet))(traits.vcmax25);
          g.dataSync();
        }));
        tf.dispose([...Object.values(env), ...Object.values(traits)]);
        report.figure(`forward, ${n} leaves`, n / fwd, 'solves/s', `${(fwd * 1000).toFixed(1)} ms, ${iterations} Newton iterations`);
        report.figure(`forward+backward, ${n} leaves`, n / both, 'solves/s', `${(both * 1000).toFixed(1)} ms`);
        if (!noTorch) {
          const file = path.join(tmp, `leaves-${n}.csv`);
          writeFileSync(file, text);
          const threads = Math.min(2, os.cpus().length);
          const res = spawnSync(PYTHON, [PY_SCRIPT, file, String(repeats), String(threads)], { encoding: 'utf8', env: process.env, maxBuffer: 1 << 24 });
          const last = res.stdout.trim().split('\n').pop() ?? '';
          if (res.status !== 0 || !last.startsWith('{')) {
            report.note(`PyTorch run at ${n} leaves failed: ${(res.stderr || '').trim().split('\n').pop()}`);
            continue;
          }
          const py = JSON.parse(last) as { forward_s: number; forward_backward_s: number; torch: string };
          report.figure(`PyTorch (diffEcosys) forward, ${n} leaves`, n / py.forward_s, 'solves/s', `torch ${py.torch}, ${threads} threads`);
          report.figure(`PyTorch (diffEcosys) forward+backward, ${n} leaves`, n / py.forward_backward_s, 'solves/s');
          report.figure(`ratio VegDyn / PyTorch forward, ${n} leaves`, py.forward_s / fwd, 'x');
          report.figure(`ratio VegDyn / PyTorch forward+backward, ${n} leaves`, py.forward_backward_s / both, 'x');
        }
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    if (quick) {
      report.note('synthetic experiments skipped in --quick mode');
      return;
    }
    // issue target: each synthetic experiment finishes in under 2 minutes on this machine
    for (const experiment of ['vcmax-only', 'vcmax-b'] as const) {
      const r = await runLeafExperiment({ experiment, input: DATASET, backend: backend.chosen });
      const f = r.folds[0]!;
      const worst = Math.max(...f.vcmax.map((v) => Math.abs(v.relativeError)));
      report.figure(`synthetic ${experiment}: wall time`, r.seconds, 's',
        `${r.cpuSeconds.toFixed(1)} CPU s; worst Vcmax25 error ${(100 * worst).toFixed(2)} %` +
          (f.bCorrelation !== undefined ? `; B correlation ${f.bCorrelation.toFixed(3)}` : ''));
    }
  },
};
