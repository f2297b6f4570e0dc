/**
 * mulberry32: a tiny, fast, well-mixed 32-bit PRNG whose whole state is one integer, so a seeded
 * sequence (window order, data splits, test mutations) is the same on every machine and run.
 * The virtual basin uses its own stream-labelled generator (main/data/virtual-basin/prng.ts).
 * Returns a function drawing uniform numbers in [0, 1).
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
