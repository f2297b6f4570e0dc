/**
 * Interaction timings for the UI bench: markStart when the user acts, markEnd when the result
 * is drawn; the duration runs until the next painted frame after the update. Durations are kept
 * in `window.vegdynPerf[name]` (newest last) for main/bench/ui-bench.ts to read.
 */
const started = new Map<string, number>();

declare global {
  interface Window {
    vegdynPerf?: Record<string, number[]>;
  }
}

export function markStart(name: string): void {
  started.set(name, performance.now());
}

export function markEnd(name: string): void {
  const t0 = started.get(name);
  if (t0 === undefined) return;
  started.delete(name);
  // two frames: the one that draws the update, then the one after it has been presented
  requestAnimationFrame(() => requestAnimationFrame(() => {
    const perf = (window.vegdynPerf ??= {});
    (perf[name] ??= []).push(performance.now() - t0);
    if (perf[name].length > 500) perf[name].shift();
  }));
}
