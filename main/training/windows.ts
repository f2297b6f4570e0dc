/**
 * Training windows and seeded sampling.
 *
 * A window is `windowDays` consecutive days; its first `warmupDays` only spin up the recurrent
 * state (their loss is not counted). Window starts step by windowDays - warmupDays so the
 * counted parts tile the period without overlap, and the last window is aligned to the period's
 * end so no counted day is left out. Windows lie wholly inside the period: no validation or test
 * day ever enters a training window, not even as warm-up input.
 */
import type { DayRange } from '../data/time-axis.ts';
import { mulberry32 } from '../util/mulberry32.ts';

export function trainingWindowStarts(period: DayRange, windowDays: number, warmupDays: number): number[] {
  const len = period.end - period.start;
  if (len < windowDays) {
    throw new Error(`the training period has ${len} days, fewer than one window of ${windowDays} days`);
  }
  const stride = windowDays - warmupDays;
  const starts: number[] = [];
  for (let s = period.start; s + windowDays <= period.end; s += stride) starts.push(s);
  const last = period.end - windowDays;
  if (starts[starts.length - 1] !== last) starts.push(last);
  return starts;
}


/**
 * The RNG stream of one epoch is derived from (seed, epoch) alone, so the RNG state a checkpoint
 * must record is just the epoch number: a resumed run draws exactly the windows the
 * uninterrupted run would have drawn.
 */
export function epochSeed(seed: number, epoch: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(epoch + 1, 0xc2b2ae35)) >>> 0;
}

/** Fisher-Yates permutation of 0..n-1. */
export function permutation(n: number, rand: () => number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

/** The windows of one epoch, shuffled and cut to `perEpoch` (null = all), in batches. */
export function epochBatches(
  starts: readonly number[],
  batchSize: number,
  perEpoch: number | null,
  seed: number,
  epoch: number,
): number[][] {
  const order = permutation(starts.length, mulberry32(epochSeed(seed, epoch)));
  const chosen = order.slice(0, perEpoch === null ? order.length : Math.min(perEpoch, order.length)).map((i) => starts[i]!);
  const batches: number[][] = [];
  for (let i = 0; i < chosen.length; i += batchSize) batches.push(chosen.slice(i, i + batchSize));
  return batches;
}
