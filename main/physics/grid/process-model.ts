/**
 * The daily vegetation process model on the grid: forcing -> soil water, btran, canopy carbon
 * fluxes, phenology, leaf carbon -> LAI, for every cell at once, differentiable end to end with
 * respect to the per-PFT parameters (learned-parameters.ts). Uses only elementwise ops, gather
 * and unstack/stack: it runs on every tfjs backend.
 *
 * Speed: everything that does not depend on the state (radiation, VPD, potential evaporation,
 * snow partitioning, the whole leaf photosynthesis at the canopy top) is computed once per chunk
 * on [batch, time, cells] tensors; the daily loop then does ~50 small elementwise ops per day on
 * [batch, cells] tensors (bucket, btran, big-leaf scaling, carbon pools). Equations: see
 * docs/physics-grid-model.md.
 *
 * State per cell (each [batch, cells]):
 *   soilWater [mm] root-zone liquid water; snow [mm SWE]; leafC [g C m-2 of vegetated area];
 *   storeC [g C m-2] non-structural storage feeding leaf-out; tempAvg [C] ~10-day running mean
 *   air temperature; btranAvg [-] ~15-day running mean btran.
 */
import * as tf from '@tensorflow/tfjs';
import { T_FREEZE_K } from '../constants.ts';
import { cellLat, cellCount, type GridSpec } from '../../data/grid.ts';
import type { Dataset } from '../../data/dataset.ts';
import { priestleyTaylorPetMm, vpdKpa } from './atmosphere.ts';
import { bigLeafFactor, canopyTopRates, K_EXT, type ConductanceScheme } from './canopy.ts';
import { chunkCalendar } from './calendar.ts';
import { btranFromSaturation, MIN_RELATIVE_SATURATION, soilProperties, type SoilProperties } from './soil-water.ts';
import { B_REFERENCE, FIXED_PFT_PARAMETERS, PFT_COUNT, pftOfLandCover } from './pft-params.ts';
import { isPerCell, type ProcessParameters } from './learned-parameters.ts';
import { PAR_FRACTION, UMOL_PER_J_PAR } from './solar.ts';

export const STATE_NAMES = ['soilWater', 'snow', 'leafC', 'storeC', 'tempAvg', 'btranAvg'] as const;
export type StateName = (typeof STATE_NAMES)[number];
/** the process state, each tensor [batch, cells] */
export type ProcessState = Record<StateName, tf.Tensor2D>;

/** Fixed process constants (documented with sources in docs/physics-grid-model.md). */
export const PROCESS_CONSTANTS = Object.freeze({
  /** snowfall fraction = sigmoid((SNOW_T_C - T) / SNOW_T_WIDTH) */
  snowTempC: 1,
  snowTempWidth: 0.5,
  /** degree-day melt factor, mm K-1 d-1 */
  meltFactor: 3,
  /** fraction of Priestley-Taylor evaporation a wet bare soil reaches */
  soilEvapFraction: 0.6,
  /** maintenance respiration of non-leaf tissues per unit leaf carbon at 20 C, d-1; Q10 */
  rootMaintenance: 0.0052,
  q10Maintenance: 1.5,
  /** growth respiration per unit of new tissue carbon (CLM grperc) */
  growthRespiration: 0.3,
  /** share of positive NPP put in storage; storage turnover d-1; leaf-out rate from storage d-1 */
  storageAllocation: 0.1,
  deciduousStorageExtra: 0.2,
  storageDecay: 1 / 730,
  flushRate: 1 / 15,
  /** leaf shedding rate of a deciduous canopy when phenology is off, d-1 (CLM ndays_off = 15) */
  sheddingRate: 1 / 15,
  /** running-mean time constants, days */
  tempAvgDays: 10,
  btranAvgDays: 15,
  /** phenology switches: width of the cold switch [K], drought switch midpoint and width [-], photoperiod midpoint and width [h] */
  coldWidth: 1.5,
  droughtMid: 0.25,
  droughtWidth: 0.06,
  photoperiodMidH: 11,
  photoperiodWidthH: 0.3,
});

/** Static per-cell description of the grid the process model runs on. */
export interface ProcessCells {
  readonly count: number;
  readonly latDeg: Float32Array;
  /** PFT index of each cell (pft-params.ts) and vegetated fraction (0..1) */
  readonly pft: Int32Array;
  readonly vegFraction: Float32Array;
  readonly soil: SoilProperties;
}

export function processCellsFromDataset(ds: Dataset): ProcessCells {
  return processCellsFromLayers(ds.grid, ds.staticLayers.landCover, ds.staticLayers.sandPercent, ds.staticLayers.clayPercent, ds.staticLayers.organicFraction, ds.mask);
}

export function processCellsFromLayers(
  grid: GridSpec,
  landCover: ArrayLike<number>,
  sand: ArrayLike<number>,
  clay: ArrayLike<number>,
  organic: ArrayLike<number>,
  mask?: ArrayLike<number>,
): ProcessCells {
  const n = cellCount(grid);
  const latDeg = new Float32Array(n);
  const pft = new Int32Array(n);
  const vegFraction = new Float32Array(n);
  for (let c = 0; c < n; c++) {
    latDeg[c] = cellLat(grid, Math.floor(c / grid.ncols));
    const m = pftOfLandCover(landCover[c] ?? 0);
    pft[c] = m.pft;
    vegFraction[c] = mask && !mask[c] ? 0 : m.vegFraction;
  }
  return { count: n, latDeg, pft, vegFraction, soil: soilProperties(sand, clay, organic) };
}

/** Raw daily forcing of a chunk in NLDAS units, each [batch, time, cells]. */
export interface RawForcing {
  readonly Rainf: tf.Tensor3D;
  readonly Tair: tf.Tensor3D;
  readonly PSurf: tf.Tensor3D;
  readonly Qair: tf.Tensor3D;
  readonly LWdown: tf.Tensor3D;
  readonly SWdown: tf.Tensor3D;
}

export interface RunResult {
  /** LAI per grid cell (vegetated fraction applied), [batch, time, cells], m2 m-2 */
  readonly lai: tf.Tensor3D;
  readonly state: ProcessState;
  /** daily fluxes, each [batch, time, cells], when `recordFluxes` (for diagnostics and the mass-balance test) */
  readonly fluxes?: Record<FluxName, tf.Tensor3D>;
  /** the state after each day, each [batch, time, cells], when `recordStates` (spin-up tables) */
  readonly states?: Record<StateName, tf.Tensor3D>;
}

export const FLUX_NAMES = ['gpp', 'npp', 'leafAllocation', 'storeAllocation', 'flush', 'leafLoss', 'storeLoss', 'btran', 'transpiration', 'soilEvaporation', 'drainage', 'runoff', 'phenology'] as const;
export type FluxName = (typeof FLUX_NAMES)[number];

/** The grid process model: static cell tensors plus the daily loop. Owns its constant tensors. */
export class GridProcessModel {
  private readonly pftOneHot: tf.Tensor2D; // [cells, PFT_COUNT]
  private readonly c: Record<'psiSat' | 'bRatio' | 'ksat' | 'capacity' | 'vegFraction' | 'psiOpen' | 'psiClose' | 'deciduousness' | 'photoperiodic' | 'coldOnset', tf.Tensor2D>;

  constructor(
    readonly cells: ProcessCells,
    readonly scheme: ConductanceScheme = 'jarvis',
    /** the CO2 (ppm) of a date where a scenario sets it (Dataset.atmosphericCo2Ppm); default the historic record */
    readonly co2At?: (isoDate: string) => number,
  ) {
    const n = cells.count;
    const row = (a: ArrayLike<number>) => tf.keep(tf.tensor2d(Float32Array.from(a as ArrayLike<number>), [1, n]));
    const perPft = (f: (k: number) => number) => Array.from(cells.pft, (k) => f(k));
    this.pftOneHot = tf.keep(tf.tidy(() => tf.oneHot(tf.tensor1d(cells.pft, 'int32'), PFT_COUNT).toFloat() as tf.Tensor2D));
    this.c = {
      psiSat: row(cells.soil.psiSat),
      bRatio: row(Array.from(cells.soil.bSoil, (b) => b / B_REFERENCE)),
      ksat: row(cells.soil.ksatMmPerDay),
      capacity: row(cells.soil.capacityMm),
      vegFraction: row(cells.vegFraction),
      psiOpen: row(perPft((k) => FIXED_PFT_PARAMETERS[k]!.psiOpen)),
      psiClose: row(perPft((k) => FIXED_PFT_PARAMETERS[k]!.psiClose)),
      deciduousness: row(perPft((k) => FIXED_PFT_PARAMETERS[k]!.deciduousness)),
      photoperiodic: row(perPft((k) => (FIXED_PFT_PARAMETERS[k]!.photoperiodic ? 1 : 0))),
      coldOnset: row(perPft((k) => FIXED_PFT_PARAMETERS[k]!.coldOnsetC)),
    };
  }

  /** A neutral starting state (half-full bucket, LAI about 1), to be spun up; [batch, cells] each. */
  initialState(batch: number): ProcessState {
    return tf.tidy(() => {
      const n = this.cells.count;
      const full = (v: number) => tf.fill([batch, n], v) as tf.Tensor2D;
      const ones = tf.ones([batch, n]);
      const s: ProcessState = {
        soilWater: tf.mul(ones, tf.mul(this.c.capacity, 0.5)) as tf.Tensor2D,
        snow: full(0),
        leafC: full(50),
        storeC: full(30),
        tempAvg: full(10),
        btranAvg: full(0.5),
      };
      return s;
    });
  }

  /**
   * Runs the model over a chunk.
   * @param forcing raw forcing, each [batch, time, cells]
   * @param startDate ISO date of the dataset's day 0; startDays: day index of time step 0 per batch element
   * @param params physical parameter values per PFT ([PFT_COUNT] each, PftParameters.values()) or
   *   per cell ({ perCell }: [cells] each, a per-cell network's output or given parameter maps)
   * @param state0 state before the first day, [batch, cells] each (not disposed)
   */
  run(
    forcing: RawForcing,
    startDate: string,
    startDays: readonly number[],
    params: ProcessParameters,
    state0: ProcessState,
    options: { recordFluxes?: boolean; recordStates?: boolean } = {},
  ): RunResult {
    const [batch, time, n] = forcing.Tair.shape;
    if (n !== this.cells.count) throw new Error(`process model: forcing has ${n} cells, model has ${this.cells.count}`);
    if (startDays.length !== batch) throw new Error(`process model: ${startDays.length} start days for batch ${batch}`);
    const cal = chunkCalendar(startDate, startDays, time, this.cells.latDeg, this.co2At);
    const K = PROCESS_CONSTANTS;
    // RunResult is a plain tree of tensors; tidy keeps exactly those
    return tf.tidy(() => {
      // ---- per-cell parameters, [1, cells]
      // one-hot [cells, PFT] x [PFT, 1] rather than tf.gather: gather's gradient
      // (UnsortedSegmentSum) has no wasm kernel, matMul's has
      const perCell = isPerCell(params);
      const table = perCell ? params.perCell : params;
      for (const [name, p] of Object.entries(table)) {
        const want = perCell ? n : PFT_COUNT;
        if (p.size !== want) throw new Error(`process model: parameter '${name}' has ${p.size} values, expected ${want} (${perCell ? 'one per cell' : 'one per PFT'})`);
      }
      const cell = (name: keyof typeof table) =>
        (perCell ? table[name].reshape([1, n]) : tf.matMul(this.pftOneHot, table[name].reshape([-1, 1])).reshape([1, n])) as tf.Tensor2D;
      const sla = cell('sla');
      const alloc = cell('leafAllocation');
      const turnover = tf.div(1 / 365, cell('leafLongevity'));
      const bCell = tf.mul(cell('bExponent'), this.c.bRatio);
      const drainExp = tf.add(tf.mul(bCell, 2), 3);
      // deciduous canopies bank more carbon for next spring's leaf-out (CLM's fcur = 0 for them)
      const storeShare = tf.add(K.storageAllocation, tf.mul(this.c.deciduousness, K.deciduousStorageExtra));

      // ---- drivers that do not depend on the state, [batch, time, cells]
      const dl = tf.tensor3d(cal.dayLengthH, [batch, time, n]);
      const daylightS = tf.mul(tf.maximum(dl, 0.5), 3600);
      const par = tf.div(tf.mul(forcing.SWdown, 86400 * PAR_FRACTION * UMOL_PER_J_PAR), daylightS);
      const vpd = vpdKpa(forcing.Tair, forcing.Qair, forcing.PSurf);
      const co2 = tf.tensor3d(cal.co2, [batch, time, 1]);
      const top = canopyTopRates(
        {
          tairK: forcing.Tair,
          psurfPa: forcing.PSurf,
          vpdKpa: vpd,
          par,
          daylightS,
          co2Ppm: co2,
          vcmax25: cell('vcmax25').reshape([1, 1, n]),
          gsMax: cell('gsMax').reshape([1, 1, n]),
          g1: cell('g1Medlyn').reshape([1, 1, n]),
        },
        this.scheme,
      );
      const tc = tf.sub(forcing.Tair, T_FREEZE_K);
      const precip = tf.relu(forcing.Rainf);
      const snowFrac = tf.sigmoid(tf.div(tf.sub(K.snowTempC, tc), K.snowTempWidth));
      const snowfall = tf.mul(precip, snowFrac);
      const rain = tf.sub(precip, snowfall);
      const meltPot = tf.mul(tf.relu(tc), K.meltFactor);
      const petSoil = tf.mul(priestleyTaylorPetMm(forcing.Tair, forcing.PSurf, forcing.SWdown, forcing.LWdown), K.soilEvapFraction);
      const unfrozen = tf.cast(tf.greater(tc, -2), 'float32');
      const q10 = tf.pow(K.q10Maintenance, tf.div(tf.sub(tc, 20), 10));
      const photoOn = tf.sigmoid(tf.div(tf.sub(dl, K.photoperiodMidH), K.photoperiodWidthH));
      // photoperiod gates only the photoperiodic PFTs: 1 - p + p * sigmoid
      const photo = tf.add(tf.sub(1, this.c.photoperiodic), tf.mul(this.c.photoperiodic, photoOn));

      // a one-day chunk is reshaped, not unstacked: tfjs hands a one-output op's gradient a lone
      // tensor, not an array, and Unpack's gradient (tf.stack(dy)) then throws. Checkpointed
      // training makes one-day chunks common (365 counted days in segments of 4: the last is 1)
      const days = (x: tf.Tensor) => (time === 1 ? [x.reshape([x.shape[0], ...x.shape.slice(2)])] : tf.unstack(x, 1)) as tf.Tensor2D[];
      const D = {
        gross: days(top.grossDay),
        rd: days(top.respiration24h),
        tr: days(top.transpirationDay),
        tc: days(tc),
        snowfall: days(snowfall),
        rain: days(rain),
        meltPot: days(meltPot),
        petSoil: days(petSoil),
        unfrozen: days(unfrozen),
        q10: days(q10),
        photo: days(photo),
      };

      // ---- the daily loop
      let s: ProcessState = state0;
      const laiDays: tf.Tensor2D[] = [];
      const fluxDays: Record<FluxName, tf.Tensor2D[]> | undefined = options.recordFluxes
        ? (Object.fromEntries(FLUX_NAMES.map((f) => [f, []])) as unknown as Record<FluxName, tf.Tensor2D[]>)
        : undefined;
      const stateDays: Record<StateName, tf.Tensor2D[]> | undefined = options.recordStates
        ? (Object.fromEntries(STATE_NAMES.map((f) => [f, []])) as unknown as Record<StateName, tf.Tensor2D[]>)
        : undefined;
      const aT = 1 / K.tempAvgDays;
      const aB = 1 / K.btranAvgDays;
      const gPos = 1 / (1 + K.growthRespiration);
      const cap = this.c.capacity;
      for (let t = 0; t < time; t++) {
        const prev = s;
        // one tidy per day: without a tape the day's intermediates are freed at once (peak memory
        // O(1) days); under a tape tfjs keeps what backprop needs regardless
        const step = tf.tidy(() => {
          const s = prev;
          const lai = tf.mul(sla, s.leafC);
          const eL = tf.exp(tf.mul(lai, -K_EXT));
          const omega = bigLeafFactor(eL);
          const rel = tf.clipByValue(tf.div(s.soilWater, cap), MIN_RELATIVE_SATURATION, 1);
          const logS = tf.log(rel);
          const beta = btranFromSaturation(logS, this.c.psiSat, bCell, this.c.psiOpen, this.c.psiClose, D.unfrozen[t]!);
          const bo = tf.mul(beta, omega);
          // carbon fluxes, g C m-2 d-1
          const gpp = tf.mul(bo, D.gross[t]!);
          const nppPre = tf.sub(tf.sub(gpp, tf.mul(omega, D.rd[t]!)), tf.mul(tf.mul(s.leafC, D.q10[t]!), K.rootMaintenance));
          const nppPos = tf.mul(tf.relu(nppPre), gPos);
          // water fluxes, mm d-1
          const transp = tf.mul(bo, D.tr[t]!);
          const soilEvap = tf.mul(tf.mul(D.petSoil[t]!, tf.square(rel)), eL);
          const drainage = tf.mul(this.c.ksat, tf.exp(tf.mul(drainExp, logS)));
          const snowAvail = tf.add(s.snow, D.snowfall[t]!);
          const melt = tf.minimum(snowAvail, D.meltPot[t]!);
          const wetted = tf.relu(tf.sub(tf.add(tf.add(s.soilWater, D.rain[t]!), melt), tf.add(tf.add(transp, soilEvap), drainage)));
          const soilWater = tf.minimum(wetted, cap);
          // phenology: cold, drought and (seasonal deciduous) photoperiod switches
          const tempAvg = tf.add(s.tempAvg, tf.mul(tf.sub(D.tc[t]!, s.tempAvg), aT));
          const btranAvg = tf.add(s.btranAvg, tf.mul(tf.sub(beta, s.btranAvg), aB));
          const fCold = tf.sigmoid(tf.div(tf.sub(tempAvg, this.c.coldOnset), K.coldWidth));
          const fDry = tf.sigmoid(tf.div(tf.sub(btranAvg, K.droughtMid), K.droughtWidth));
          const phi = tf.mul(tf.mul(fCold, fDry), D.photo[t]!);
          // leaf and storage carbon, g C m-2
          // leaves are built only where they pay: the leaf share falls with water stress (roots
          // get more, Friedlingstein et al. 1999) and with self-shading (the marginal leaf's light,
          // exp(-K L), the derivative of the big-leaf factor)
          const leafAlloc = tf.mul(tf.mul(tf.mul(alloc, phi), nppPos), tf.mul(beta, eL));
          const storeAlloc = tf.mul(nppPos, storeShare);
          // leaf-out from storage obeys the same marginal-light rule as allocation
          const flush = tf.mul(tf.mul(phi, s.storeC), tf.mul(eL, K.flushRate));
          const lossRate = tf.add(turnover, tf.mul(tf.mul(this.c.deciduousness, tf.sub(1, phi)), K.sheddingRate));
          const leafLoss = tf.mul(s.leafC, lossRate);
          const storeLoss = tf.mul(s.storeC, K.storageDecay);
          const leafC = tf.sub(tf.add(tf.add(s.leafC, leafAlloc), flush), leafLoss);
          const storeC = tf.sub(tf.sub(tf.add(s.storeC, storeAlloc), flush), storeLoss);
          const next: ProcessState = {
            soilWater: soilWater as tf.Tensor2D,
            snow: tf.sub(snowAvail, melt) as tf.Tensor2D,
            leafC: leafC as tf.Tensor2D,
            storeC: storeC as tf.Tensor2D,
            tempAvg: tempAvg as tf.Tensor2D,
            btranAvg: btranAvg as tf.Tensor2D,
          };
          const laiDay = tf.mul(tf.mul(sla, leafC), this.c.vegFraction) as tf.Tensor2D;
          let rec: Record<FluxName, tf.Tensor> | undefined;
          if (fluxDays) {
            rec = {
              gpp,
              npp: nppPre,
              leafAllocation: leafAlloc,
              storeAllocation: storeAlloc,
              flush,
              leafLoss,
              storeLoss,
              btran: beta,
              transpiration: transp,
              soilEvaporation: soilEvap,
              drainage,
              runoff: tf.sub(wetted, soilWater),
              phenology: phi,
            };
          }
          return { next, laiDay, rec } as unknown as tf.TensorContainer;
        }) as unknown as { next: ProcessState; laiDay: tf.Tensor2D; rec?: Record<FluxName, tf.Tensor2D> };
        laiDays.push(step.laiDay);
        if (fluxDays && step.rec) for (const f of FLUX_NAMES) fluxDays[f].push(step.rec[f]);
        if (stateDays) for (const k of STATE_NAMES) stateDays[k].push(step.next[k]);
        else if (prev !== state0) for (const k of STATE_NAMES) prev[k].dispose();
        for (const d of Object.values(D)) d[t]!.dispose();
        s = step.next;
      }
      const out: { lai: tf.Tensor3D; state: ProcessState; fluxes?: Record<FluxName, tf.Tensor3D>; states?: Record<StateName, tf.Tensor3D> } = {
        lai: tf.stack(laiDays, 1) as tf.Tensor3D,
        state: s,
      };
      if (fluxDays) {
        out.fluxes = Object.fromEntries(FLUX_NAMES.map((f) => [f, tf.stack(fluxDays[f], 1)])) as Record<FluxName, tf.Tensor3D>;
      }
      if (stateDays) {
        out.states = Object.fromEntries(STATE_NAMES.map((f) => [f, tf.stack(stateDays[f], 1)])) as Record<StateName, tf.Tensor3D>;
      }
      return out as unknown as tf.TensorContainer;
    }) as unknown as RunResult;
  }

  dispose(): void {
    this.pftOneHot.dispose();
    for (const t of Object.values(this.c)) t.dispose();
  }
}
