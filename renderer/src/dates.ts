/** ISO date helpers for the renderer (UTC, daily axis from a start date). */
const MS_PER_DAY = 86_400_000;

export function isoToMs(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number);
  return Date.UTC(y!, m! - 1, d!);
}

export function dayToIso(startDate: string, day: number): string {
  return new Date(isoToMs(startDate) + day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function isoToDay(startDate: string, iso: string): number {
  return Math.round((isoToMs(iso) - isoToMs(startDate)) / MS_PER_DAY);
}

/** seconds since the epoch of a day index (uPlot's time axis) */
export function dayToUnixSeconds(startDate: string, day: number): number {
  return (isoToMs(startDate) + day * MS_PER_DAY) / 1000;
}
