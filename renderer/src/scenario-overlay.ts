/**
 * The chart's baseline / scenario overlay: while a scenario layer is on the map
 * (run:<id>:scenario:<name>:...), a clicked cell or a chosen subbasin charts each model's
 * baseline and scenario LAI (map.scenarioSeries) instead of the run's predictions; the
 * baseline lines are dashed so each pair reads as "before / after".
 */

/** the run and scenario of a scenario layer, or null for any other layer */
export function scenarioOfLayer(layerId: string | null | undefined): { run: string; scenario: string } | null {
  const m = /^run:([^:]+):scenario:([^:]+):/.exec(layerId ?? '');
  return m ? { run: m[1]!, scenario: m[2]! } : null;
}

/** the dash of an overlay series: baselines dashed, scenarios solid (null); undefined for a series not of the overlay */
export function overlayDash(seriesId: string): number[] | null | undefined {
  if (seriesId.startsWith('baseline:')) return [6, 4];
  if (seriesId.startsWith('scenario:')) return null;
  return undefined;
}

/** the days the overlay covers (the scenario's period), for the chart's first zoom */
export function overlayDays(series: readonly { days?: readonly number[] | undefined }[]): [number, number] | undefined {
  const days = series.flatMap((s) => (s.days && s.days.length ? [s.days[0]!, s.days[s.days.length - 1]!] : []));
  return days.length ? [Math.min(...days), Math.max(...days)] : undefined;
}
