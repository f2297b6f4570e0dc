/** Train / test splits of leaf records. */
import type { LeafRecord } from './leaf-dataset.ts';
import { mulberry32 } from '../util/mulberry32.ts';

export interface Split { readonly train: number[]; readonly test: number[] }

function groups(records: readonly LeafRecord[]): Map<string, number[]> {
  const g = new Map<string, number[]>();
  records.forEach((r, i) => {
    const k = `${r.location}\u0000${r.pft.name}`;
    const list = g.get(k);
    if (list) list.push(i); else g.set(k, [i]);
  });
  return g;
}

/**
 * Temporal holdout: within each (location, PFT), the oldest floor(fraction x dates) measurement
 * dates train and the rest test; a group with a single date trains.
 */
export function temporalSplit(records: readonly LeafRecord[], fraction: number): Split {
  const train: number[] = [];
  const test: number[] = [];
  for (const idx of groups(records).values()) {
    const dates = [...new Set(idx.map((i) => records[i]!.time))].sort((a, b) => a - b);
    if (dates.length === 1) { train.push(...idx); continue; }
    const cut = dates[Math.floor(fraction * dates.length) - 1] ?? Number.NEGATIVE_INFINITY;
    for (const i of idx) (records[i]!.time <= cut ? train : test).push(i);
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}


/** Standard normal samples from a seeded PRNG (Box-Muller). */
export function seededNormal(seed: number): () => number {
  const u = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** k-fold cross validation, stratified by (location, PFT): each group is shuffled and dealt round-robin. */
export function kFoldSplits(records: readonly LeafRecord[], k: number, seed: number): Split[] {
  const rnd = mulberry32(seed);
  const fold = new Array<number>(records.length);
  let offset = 0;
  for (const idx of groups(records).values()) {
    const s = [...idx];
    for (let i = s.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [s[i], s[j]] = [s[j]!, s[i]!]; }
    s.forEach((i, n) => { fold[i] = (n + offset) % k; });
    offset += s.length;
  }
  return Array.from({ length: k }, (_, f) => ({
    train: records.map((_, i) => i).filter((i) => fold[i] !== f),
    test: records.map((_, i) => i).filter((i) => fold[i] === f),
  }));
}
