/**
 * The FATES leaf-layer photosynthesis model for N leaves at once: biochemical rates, Ci from the
 * coupled assimilation / stomatal conductance / diffusion system by batched Newton, then An, gs
 * and the limiting process at that Ci. Differentiable with respect to the traits (vcmax25, btran,
 * Medlyn slope and intercept) and a prescribed conductance, through the implicit gradient of Ci.
 */
import * as tf from '@tensorflow/tfjs';
import { CI_GUESS_RATIO_C3, CI_GUESS_RATIO_C4 } from './constants.ts';
import { leafRates, type LeafEnvironment, type LeafRates, type LeafTraits } from './leaf-biochemistry.ts';
import { leafResidual, limitingProcess, type Co2Reference, type ConductanceModel } from './leaf-residual.ts';
import { hasSyncReadback } from '../tfjs/readback.ts';
import { DEFAULT_NEWTON, solveImplicit, solveUnrolled, type NewtonOptions, type NewtonStats, type ScalarResidual } from './newton-solver.ts';

type T = tf.Tensor;

export interface LeafSolveOptions {
  readonly co2Reference: Co2Reference;
  /**
   * 'medlyn' couples gs to An (traits.medlynSlope / medlynIntercept); a tensor [N] prescribes gs
   * [umol H2O m-2 s-1] independently of An (Jarvis).
   */
  readonly conductance: 'medlyn' | T;
  readonly newton: NewtonOptions;
  /** 'implicit' (default) or backpropagation through this many unrolled iterations (tests) */
  readonly gradient: 'implicit' | { readonly unrolledIterations: number };
}

export const DEFAULT_LEAF_SOLVE: LeafSolveOptions = Object.freeze({
  co2Reference: 'leaf-surface',
  conductance: 'medlyn',
  newton: DEFAULT_NEWTON,
  gradient: 'implicit',
});

/** Everything the solve returns; all [N]. Units: umol CO2 m-2 s-1 for rates, Pa for ci / cs. */
export type LeafSolution = {
  readonly ci: T;
  readonly anet: T;
  readonly agross: T;
  readonly ac: T;
  readonly aj: T;
  readonly ap: T;
  readonly rd: T;
  /** stomatal conductance to H2O [umol H2O m-2 s-1] */
  readonly gs: T;
  readonly cs: T;
  /** residual F(ci) at the returned ci [Pa] */
  readonly residual: T;
  /** 0 Rubisco, 1 light / RuBP, 2 PEP (int32) */
  readonly limiting: T;
  /**
   * The Newton step F / F' at the returned ci, only where the backend has no synchronous
   * read-back (webgpu): there the iterations cannot stop at convergence, so the caller tests it
   * afterwards (newton-solver.ts stepExcess). Elsewhere stats.converged says it.
   */
  readonly nextStep?: T;
  readonly stats: NewtonStats;
};

export function disposeSolution(s: LeafSolution): void {
  tf.dispose([s.ci, s.anet, s.agross, s.ac, s.aj, s.ap, s.rd, s.gs, s.cs, s.residual, s.limiting, ...(s.nextStep ? [s.nextStep] : [])]);
}

const ENV_FIELDS = ['parUmol', 'tLeafK', 'tAirK', 'pressurePa', 'o2Pa', 'co2Pa', 'vpdKPa', 'gb', 'isC3'] as const satisfies readonly (keyof LeafEnvironment)[];

function conductanceModel(conductance: 'medlyn' | T, slope: T): ConductanceModel {
  return conductance === 'medlyn' ? { kind: 'medlyn', slope } : { kind: 'fixed', gs: conductance };
}

/** Initial guess of Ci: 0.7 (C3) or 0.4 (C4) of the CO2 partial pressure. */
export function initialCi(env: LeafEnvironment): T {
  return tf.tidy(() => tf.mul(env.co2Pa, tf.where(tf.greater(env.isC3, 0.5), tf.fill(env.co2Pa.shape, CI_GUESS_RATIO_C3), tf.fill(env.co2Pa.shape, CI_GUESS_RATIO_C4))));
}

/**
 * Solves N leaves. Call inside tf.tidy (or dispose the result with disposeSolution); to train,
 * call inside tf.grads / optimizer.minimize with traits computed from the networks.
 */
export function solveLeaves(env: LeafEnvironment, traits: LeafTraits, options: Partial<LeafSolveOptions> = {}): LeafSolution {
  const o = { ...DEFAULT_LEAF_SOLVE, ...options };
  const stats: NewtonStats = { iterations: 0, converged: false, lastMaxStep: Number.NaN };
  const fixedGs = o.conductance === 'medlyn' ? undefined : o.conductance;
  // the differentiable parameters, in a fixed order the residual closure unpacks
  const params: T[] = [traits.vcmax25, traits.btran, traits.medlynSlope, traits.medlynIntercept, ...(fixedGs ? [fixedGs] : [])];
  const consts = ENV_FIELDS.map((k) => env[k]);
  const envOf = (c: readonly T[]): LeafEnvironment => Object.fromEntries(ENV_FIELDS.map((k, i) => [k, c[i]!])) as unknown as LeafEnvironment;
  const ratesOf = (p: readonly T[], e: LeafEnvironment): LeafRates => leafRates(e, { vcmax25: p[0]!, btran: p[1]!, medlynSlope: p[2]!, medlynIntercept: p[3]! });
  const residual: ScalarResidual = (x, p, c) => tf.tidy(() => {
    const e = envOf(c);
    const r = leafResidual(x, { env: e, rates: ratesOf(p, e), conductance: conductanceModel(fixedGs ? p[4]! : 'medlyn', p[2]!), co2Reference: o.co2Reference });
    return { f: r.f, dfdx: r.dfdci };
  });
  return tf.tidy(() => {
    const x0 = initialCi(env);
    const ci = o.gradient === 'implicit'
      ? solveImplicit(residual, x0, params, consts, o.newton, stats)
      : solveUnrolled(residual, x0, params, consts, o.gradient.unrolledIterations);
    if (o.gradient !== 'implicit') Object.assign(stats, { iterations: o.gradient.unrolledIterations, converged: true });
    const rates = ratesOf(params, env);
    const r = leafResidual(ci, { env, rates, conductance: conductanceModel(o.conductance, traits.medlynSlope), co2Reference: o.co2Reference });
    return {
      ci, anet: r.anet, agross: r.agross.rate, ac: r.ac, aj: r.aj, ap: r.ap, rd: rates.rd, gs: r.gs, cs: r.cs,
      residual: r.f, limiting: limitingProcess(r, env.isC3), stats,
      ...(hasSyncReadback() ? {} : { nextStep: tf.div(r.f, r.dfdci) }),
    };
  });
}
