/**
 * Runs the grid process model over a dataset's days with given per-cell parameter maps (or the
 * PFT defaults) and returns its daily LAI: the "truth" of an identical-twin experiment, or a
 * forward run of saved parameter maps. Spun up on the training-period climatology with those
 * parameters, as the physics models are (grid-physics-runner.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/dataset.ts';
import type { DayRange } from '../../data/time-axis.ts';
import { GridPhysicsRunner } from './grid-physics-runner.ts';
import type { ConductanceScheme } from './canopy.ts';
import type { LearnedParameterName } from './pft-params.ts';
import type { RawForcing } from './process-model.ts';

export interface SimulateLaiOptions {
  /** per parameter [cells] in physical units, each inside its declared range; absent: the PFT defaults */
  readonly parameterMaps?: Readonly<Record<LearnedParameterName, ArrayLike<number>>>;
  /** days to simulate, [start, end) day indices of the dataset; default all */
  readonly range?: DayRange;
  readonly conductance?: ConductanceScheme;
  readonly spinUpYears?: number;
  /** days per process-model call (bounds memory); the state carries over */
  readonly chunkDays?: number;
  readonly signal?: AbortSignal;
}

const FORCINGS = ['Rainf', 'Tair', 'PSurf', 'Qair', 'LWdown', 'SWdown'] as const;

/** daily LAI [day][cell] (vegetated fraction applied, 0 outside the basin) over `range` */
export function simulateLai(dataset: Dataset, options: SimulateLaiOptions = {}): Float32Array {
  const range = options.range ?? { start: 0, end: dataset.dayCount };
  const n = dataset.grid.nrows * dataset.grid.ncols;
  const runner = new GridPhysicsRunner(dataset, {
    conductance: options.conductance ?? 'jarvis',
    learnParameters: false,
    spinUpYears: options.spinUpYears ?? 3,
    refreshSteps: 1,
    ...(options.parameterMaps ? { fixedCellParameters: options.parameterMaps } : {}),
  });
  const out = new Float32Array((range.end - range.start) * n);
  const chunk = options.chunkDays ?? 365;
  const params = runner.params.values();
  let state = runner.initialState([range.start], false);
  try {
    for (let d0 = range.start; d0 < range.end; d0 += chunk) {
      options.signal?.throwIfAborted();
      const d1 = Math.min(range.end, d0 + chunk);
      const forcing = {} as Record<(typeof FORCINGS)[number], tf.Tensor3D>;
      for (const name of FORCINGS) {
        // a missing forcing value (gap in the data) takes the variable's training mean
        const mean = dataset.normalization.forcing[name].mean;
        forcing[name] = tf.tensor3d(dataset.forcing(name, { start: d0, end: d1 }).map((v) => (Number.isFinite(v) ? v : mean)), [1, d1 - d0, n]);
      }
      const r = runner.process.run(forcing as unknown as RawForcing, dataset.startDate, [d0], params, state);
      out.set(r.lai.dataSync(), (d0 - range.start) * n);
      r.lai.dispose();
      tf.dispose(Object.values(forcing));
      tf.dispose(Object.values(state));
      state = r.state;
    }
  } finally {
    tf.dispose(Object.values(state));
    tf.dispose(params as unknown as tf.TensorContainer);
    runner.dispose();
  }
  return out;
}
