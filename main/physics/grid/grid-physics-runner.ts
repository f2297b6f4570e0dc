/**
 * What both physics LAI models (physics-only, phys-conv-lstm) need around the process model:
 * - raw forcing recovered from the model inputs: channels FORCING_CHANNEL_OFFSET.. hold the 7
 *   NLDAS forcings in FORCING_NAMES order, normalized with the dataset's training statistics
 *   (main/training/features.ts); raw = x * std + mean. So no extra raw channels are needed.
 * - the learned parameters (a ParameterSource): per PFT (PftParameters), per cell from a network
 *   of the static attributes (CellParameterNetwork), or fixed per-cell maps (FixedCellParameters),
 * - the initial state of a chunk: a spin-up over a climatological year (day-of-year means of the
 *   training-period forcing), repeated `spinUpYears` times with the current parameters; the state
 *   after every day of the last year is tabulated, and a chunk starting on day-of-year d starts
 *   from that day's row.
 *
 * The spin-up is recomputed when the parameters have changed: at once outside training, and at
 * most every `refreshSteps` forward calls while training (a spin-up costs ~ spinUpYears * 365
 * simulated days). It runs with the gradient tape paused, so a spin-up triggered inside
 * optimizer.minimize neither enters the gradient nor keeps tensors alive for backprop.
 */
import * as tf from '@tensorflow/tfjs';
import { withoutTape } from '../../tfjs/engine-tape.ts';
import { hasSyncReadback, storageIdentity } from '../../tfjs/readback.ts';
import { FORCING_NAMES, type Dataset, type ForcingName } from '../../data/dataset.ts';
import { addDays, dayOfYear } from '../../data/time-axis.ts';
import { isPerCell, parameterList, parametersFromList, PftParameters, type LearnedParameterReport, type Parameterization, type ParameterSource } from './learned-parameters.ts';
import { CellParameterNetwork } from './cell-parameter-network.ts';
import { FixedCellParameters } from './fixed-cell-parameters.ts';
import { staticAttributes } from './static-attributes.ts';
import { GridProcessModel, processCellsFromDataset, STATE_NAMES, type ProcessState, type RawForcing } from './process-model.ts';
import type { ConductanceScheme } from './canopy.ts';
import { LEARNED_PARAMETER_NAMES, type LearnedParameterName } from './pft-params.ts';

/** A model's recurrent state as models/model.ts passes it: opaque tensors (structurally its ModelState; physics does not import models). */
interface ModelState {
  readonly tensors: readonly tf.Tensor[];
}

export const FORCING_CHANNEL_OFFSET = 0;
const PHYSICS_FORCINGS = ['Rainf', 'Tair', 'PSurf', 'Qair', 'LWdown', 'SWdown'] as const satisfies readonly ForcingName[];
/** at most this many training years enter the spin-up climatology (keeps model creation fast) */
const CLIMATOLOGY_MAX_YEARS = 10;

export interface GridPhysicsOptions {
  readonly conductance: ConductanceScheme;
  readonly learnParameters: boolean;
  readonly spinUpYears: number;
  readonly refreshSteps: number;
  /** per-pft (default) or per-cell-network (cell-parameter-network.ts) */
  readonly parameterization?: Parameterization;
  /** hidden units of the per-cell network's two layers, and its weight seed */
  readonly cellNetworkHidden?: number;
  readonly seed?: number;
  /** run with these per-cell parameter maps instead (not learned): [cells] per parameter, physical units */
  readonly fixedCellParameters?: Readonly<Record<LearnedParameterName, ArrayLike<number>>>;
}

/** hidden units of the per-cell network when the config does not say */
export const DEFAULT_CELL_NETWORK_HIDDEN = 16;

/** The parameters the optimizer updates: the six key ones plus the active conductance parameter. */
export function learnedSet(scheme: ConductanceScheme, learn: boolean): Set<LearnedParameterName> {
  if (!learn) return new Set();
  const drop: LearnedParameterName = scheme === 'jarvis' ? 'g1Medlyn' : 'gsMax';
  return new Set(LEARNED_PARAMETER_NAMES.filter((n) => n !== drop));
}

export class GridPhysicsRunner {
  readonly process: GridProcessModel;
  readonly params: ParameterSource;
  readonly rows: number;
  readonly cols: number;
  readonly cells: number;
  private readonly norm: Record<ForcingName, { mean: number; std: number }>;
  private climatology: Record<(typeof PHYSICS_FORCINGS)[number], Float32Array> | undefined;
  /**
   * The spun-up state of each day of the year, [365 * cells] per state variable: on the CPU, or,
   * on a backend without synchronous read-back (webgpu, main/tfjs/readback.ts), on the device
   * as [365, cells] tensors.
   */
  private spinUpTable: Record<(typeof STATE_NAMES)[number], Float32Array> | Record<(typeof STATE_NAMES)[number], tf.Tensor2D> | undefined;
  private spinUpFingerprint: string | readonly object[] = '';
  private callsSinceSpinUp = 0;

  constructor(
    readonly dataset: Dataset,
    readonly options: GridPhysicsOptions,
  ) {
    this.rows = dataset.grid.nrows;
    this.cols = dataset.grid.ncols;
    this.cells = this.rows * this.cols;
    this.norm = { ...dataset.normalization.forcing };
    this.process = new GridProcessModel(processCellsFromDataset(dataset), options.conductance, dataset.atmosphericCo2Ppm);
    this.params = this.createParameters();
  }

  private createParameters(): ParameterSource {
    const o = this.options;
    if (o.fixedCellParameters) return new FixedCellParameters(o.fixedCellParameters, this.cells);
    const learned = learnedSet(o.conductance, o.learnParameters);
    if ((o.parameterization ?? 'per-pft') === 'per-pft') return new PftParameters(learned);
    const attributes = staticAttributes(this.dataset, this.climateMeans());
    return new CellParameterNetwork(attributes, this.process.cells.pft, learned, { hidden: o.cellNetworkHidden ?? DEFAULT_CELL_NETWORK_HIDDEN, seed: o.seed ?? 0 });
  }

  /** long-term mean per cell of each physics forcing over the training period (the spin-up climatology's annual mean) */
  climateMeans(): Record<(typeof PHYSICS_FORCINGS)[number], Float32Array> {
    const clim = this.climatologyForcing();
    const n = this.cells;
    const out = {} as Record<(typeof PHYSICS_FORCINGS)[number], Float32Array>;
    for (const name of PHYSICS_FORCINGS) {
      const a = new Float32Array(n);
      for (let d = 0; d < 365; d++) for (let c = 0; c < n; c++) a[c] += clim[name][d * n + c]! / 365;
      out[name] = a;
    }
    return out;
  }

  /** the learned parameters' report: per PFT, or per-PFT means and movement across cells */
  report(): LearnedParameterReport {
    return this.params.report(this.process.cells.pft, this.dataset.mask);
  }

  /**
   * Raw forcing from normalized model inputs.
   * @param inputs [batch, time, rows, cols, channels], channels FORCING_CHANNEL_OFFSET + k = FORCING_NAMES[k]
   * @returns each physics forcing as [batch, time, cells] in NLDAS units
   */
  rawForcing(inputs: tf.Tensor5D): RawForcing {
    return tf.tidy(() => {
      const [b, t, , , ch] = inputs.shape;
      if (ch < FORCING_CHANNEL_OFFSET + FORCING_NAMES.length) throw new Error(`physics model: inputs have ${ch} channels, need the ${FORCING_NAMES.length} forcings first`);
      const flat = inputs.reshape([b, t, this.cells, ch]);
      const out = {} as Record<string, tf.Tensor3D>;
      for (const name of PHYSICS_FORCINGS) {
        const k = FORCING_CHANNEL_OFFSET + FORCING_NAMES.indexOf(name);
        const { mean, std } = this.norm[name];
        const x = tf.slice(flat, [0, 0, 0, k], [b, t, this.cells, 1]).reshape([b, t, this.cells]);
        out[name] = tf.add(tf.mul(x, std > 0 ? std : 1), mean) as tf.Tensor3D;
      }
      return out;
    }) as unknown as RawForcing;
  }

  /** Spun-up state at the start of each batch element's first day, [batch, cells] each. */
  initialState(startDays: readonly number[], training: boolean): ProcessState {
    this.ensureSpinUp(training);
    const table = this.spinUpTable!;
    const n = this.cells;
    const out = {} as Record<(typeof STATE_NAMES)[number], tf.Tensor2D>;
    const rows = startDays.map((day) => (Math.min(365, dayOfYear(addDays(this.dataset.startDate, day))) - 2 + 365) % 365);
    if (table[STATE_NAMES[0]] instanceof tf.Tensor) {
      const onDevice = table as Record<(typeof STATE_NAMES)[number], tf.Tensor2D>;
      for (const k of STATE_NAMES) out[k] = tf.tidy(() => tf.gather(onDevice[k], tf.tensor1d(rows, 'int32')));
      return out;
    }
    const onCpu = table as Record<(typeof STATE_NAMES)[number], Float32Array>;
    for (const k of STATE_NAMES) {
      const a = new Float32Array(startDays.length * n);
      // the state at the start of day-of-year d is the state after day d - 1
      rows.forEach((row, b) => a.set(onCpu[k].subarray(row * n, (row + 1) * n), b * n));
      out[k] = tf.tensor2d(a, [startDays.length, n]);
    }
    return out;
  }

  /** Recomputes the spin-up table if the parameters changed (see the module comment). */
  ensureSpinUp(training: boolean): void {
    const fp = this.fingerprint();
    if (this.spinUpTable && sameFingerprint(fp, this.spinUpFingerprint)) return;
    this.callsSinceSpinUp++;
    if (this.spinUpTable && training && this.callsSinceSpinUp < this.options.refreshSteps) return;
    this.spinUp();
    this.spinUpFingerprint = fp;
    this.callsSinceSpinUp = 0;
  }

  /** Runs the spin-up now with the current parameters (tape paused). */
  spinUp(): void {
    const clim = this.climatologyForcing();
    const n = this.cells;
    // the tape paused: the spin-up must not be differentiated nor kept for backprop
    const table = withoutTape(() => tf.tidy(() => {
      const forcing = {} as Record<string, tf.Tensor3D>;
      for (const name of PHYSICS_FORCINGS) forcing[name] = tf.tensor3d(clim[name], [1, 365, n]);
      const values = this.detachedValues();
      let state = this.process.initialState(1);
      const mid = this.climatologyYear();
      let states: Record<string, tf.Tensor3D> | undefined;
      for (let y = 0; y < this.options.spinUpYears; y++) {
        const last = y === this.options.spinUpYears - 1;
        const r = this.process.run(forcing as unknown as RawForcing, `${mid}-01-01`, [0], values, state, { recordStates: last });
        state = r.state;
        if (last) states = r.states;
      }
      return states!;
    }));
    this.disposeSpinUpTable();
    if (!hasSyncReadback()) {
      const onDevice = {} as Record<(typeof STATE_NAMES)[number], tf.Tensor2D>;
      for (const k of STATE_NAMES) onDevice[k] = tf.keep(table[k]!.reshape([365, n]));
      tf.dispose(Object.values(table));
      this.spinUpTable = onDevice;
      return;
    }
    const out = {} as Record<(typeof STATE_NAMES)[number], Float32Array>;
    for (const k of STATE_NAMES) out[k] = table[k]!.dataSync() as Float32Array;
    tf.dispose(Object.values(table));
    this.spinUpTable = out;
  }

  /**
   * The learned parameters as maps for the GIS: per parameter, the value of each cell's PFT
   * [cells], row-major (row 0 = north), NaN outside the basin mask. Physical units as in report().
   */
  parameterMaps(): Record<LearnedParameterName, Float32Array> {
    return this.params.cellMaps(this.process.cells.pft, this.dataset.mask);
  }

  /** ProcessState <-> the LaiModel's opaque ModelState (tensors in STATE_NAMES order). */
  static toModelState(s: ProcessState): ModelState {
    return { tensors: STATE_NAMES.map((k) => s[k]) };
  }

  fromModelState(m: ModelState, batch: number): ProcessState {
    if (m.tensors.length < STATE_NAMES.length) throw new Error(`physics state must hold ${STATE_NAMES.length} tensors, got ${m.tensors.length}`);
    const out = {} as Record<(typeof STATE_NAMES)[number], tf.Tensor2D>;
    STATE_NAMES.forEach((k, i) => {
      const t = m.tensors[i]!;
      if (t.shape.join() !== [batch, this.cells].join()) throw new Error(`physics state '${k}' is [${t.shape}], expected [${batch}, ${this.cells}]`);
      out[k] = t as tf.Tensor2D;
    });
    return out;
  }

  dispose(): void {
    this.disposeSpinUpTable();
    this.process.dispose();
    this.params.dispose();
  }

  private disposeSpinUpTable(): void {
    const table = this.spinUpTable;
    if (table && table[STATE_NAMES[0]] instanceof tf.Tensor) tf.dispose(Object.values(table) as tf.Tensor[]);
    this.spinUpTable = undefined;
  }

  /** the parameter values as new tensors (spinUp runs them with the tape paused) */
  private detachedValues() {
    const v = this.params.values();
    return parametersFromList(parameterList(v).map((t) => (hasSyncReadback() ? tf.tensor1d(t.dataSync() as Float32Array) : tf.clone(t))), isPerCell(v));
  }

  /**
   * What the spin-up depends on: the raw parameter values, or, where they cannot be read back
   * synchronously, their storage identities (an optimizer step or a weight load assigns new
   * storage; see main/tfjs/readback.ts).
   */
  private fingerprint(): string | readonly object[] {
    const vars = this.params.named('').map((v) => v.variable);
    if (!hasSyncReadback()) return vars.map((v) => storageIdentity(v));
    return vars.map((v) => Array.from(v.dataSync()).join(',')).join(';');
  }

  private climatologyYear(): number {
    const s = this.dataset.splits.train;
    const mid = Math.floor((s.start + Math.min(s.end, s.start + CLIMATOLOGY_MAX_YEARS * 365)) / 2);
    return Number(addDays(this.dataset.startDate, mid).slice(0, 4));
  }

  /** day-of-year means (365 days, Feb 29 folded into Feb 28) of the training-period forcing, [365][cell] */
  private climatologyForcing(): Record<(typeof PHYSICS_FORCINGS)[number], Float32Array> {
    if (this.climatology) return this.climatology;
    const ds = this.dataset;
    const n = this.cells;
    const split = ds.splits.train;
    const range = { start: split.start, end: Math.min(split.end, split.start + Math.round(CLIMATOLOGY_MAX_YEARS * 365.25)) };
    if (range.end <= range.start) throw new Error('physics spin-up: the dataset has no training days');
    const doyOf = new Int16Array(range.end - range.start);
    let iso = addDays(ds.startDate, range.start);
    for (let t = 0; t < doyOf.length; t++) {
      const d = dayOfYear(iso);
      const leap = dayOfYear(`${iso.slice(0, 4)}-12-31`) === 366;
      doyOf[t] = leap && d > 59 ? d - 1 : d;
      iso = addDays(iso, 1);
    }
    const out = {} as Record<(typeof PHYSICS_FORCINGS)[number], Float32Array>;
    for (const name of PHYSICS_FORCINGS) {
      const raw = ds.forcing(name, range);
      const sum = new Float64Array(365 * n);
      const cnt = new Uint16Array(365 * n);
      for (let t = 0; t < doyOf.length; t++) {
        const base = (doyOf[t]! - 1) * n;
        for (let c = 0; c < n; c++) {
          const v = raw[t * n + c]!;
          if (Number.isFinite(v)) { sum[base + c] += v; cnt[base + c]++; }
        }
      }
      const mean = this.norm[name].mean;
      const a = new Float32Array(365 * n);
      for (let i = 0; i < a.length; i++) a[i] = cnt[i]! > 0 ? sum[i]! / cnt[i]! : mean;
      out[name] = a;
    }
    this.climatology = out;
    return out;
  }
}

function sameFingerprint(a: string | readonly object[], b: string | readonly object[]): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
