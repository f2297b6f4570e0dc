/**
 * Layer sources of a run's scenario results (runs/<id>/scenarios/<name>/changes.nc): per entry and
 * season the LAI change, scenario minus baseline, in m2 m-2 and in percent of the baseline mean,
 * and the share of days whose forcing lies outside the training envelope, in percent. Static
 * layers: they are period (or season) means.
 */
import type { DatasetSlices } from '../data/dataset-slices.ts';
import { SEASONS } from '../data/scenario/change-maps.ts';
import { ncName } from '../run/run-files.ts';
import { masked, type LayerSource } from './layer-source.ts';
import { listScenarioRuns, readScenarioChanges, readScenarioResult, runDir, runLabel, type RunListing } from './run-listing.ts';

export type ScenarioSource = LayerSource<'scenario', { readonly runId: string; readonly scenario: string; readonly variable: string }>;

/** a symmetric display range from the 98th percentile of |values|, 3 significant digits */
function symmetricRange(values: ArrayLike<number>, floor: number): [number, number] {
  const a: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) a.push(Math.abs(values[i]!));
  a.sort((x, y) => x - y);
  const m = Math.max(floor, a.length ? a[Math.min(a.length - 1, Math.round(0.98 * (a.length - 1)))]! : floor);
  const r = Number(m.toPrecision(3));
  return [-r, r];
}

export function scenarioSources(slices: DatasetSlices, projectDir: string, run: RunListing): ScenarioSource[] {
  const meta = slices.meta;
  return listScenarioRuns(runDir(projectDir, run.id)).flatMap((name): ScenarioSource[] => {
    const summary = readScenarioResult(projectDir, run.id, name);
    if (!summary) return [];
    const group = `Scenario ${name}: ${runLabel(run)}`;
    const period = `${summary.period.from}..${summary.period.to}`;
    const source = (variable: string, scale: number, layer: Omit<ScenarioSource['layer'], 'range'>, rangeOf: (v: Float32Array) => [number, number]): ScenarioSource => {
      const values = () => {
        const v = readScenarioChanges(projectDir, run.id, name).get(variable);
        if (!v) throw new Error(`run ${run.id}, scenario '${name}': no variable '${variable}' in changes.nc`);
        return masked(meta, scale === 1 ? v : v.map((x) => x * scale));
      };
      return {
        kind: 'scenario', props: { runId: run.id, scenario: name, variable },
        get layer() {
          // an unreadable file must not take the whole layer list down: its grid request says why
          let range: [number, number] = [-1, 1];
          try { range = rangeOf(values()); } catch { /* reported by grid() */ }
          return { ...layer, range };
        },
        grid: () => ({ values: values(), sourceDay: null }),
      };
    };
    const layers = summary.entries.flatMap((e) => SEASONS.flatMap((season) => {
      const when = season === 'annual' ? period : `${season} ${period}`;
      return [
        source(`change_${ncName(e.id)}_${season}`, 1, {
          id: `run:${run.id}:scenario:${name}:change:${e.id}:${season}`, label: `${e.label} LAI change, ${season}`, group, units: 'm2 m-2', kind: 'diverging', time: 'static', colormap: 'brbg',
          description: `Mean LAI of ${e.label} under scenario '${name}' minus the baseline, ${when} (green: more leaf area)`,
        }, (v) => symmetricRange(v, 0.01)),
        source(`relchange_${ncName(e.id)}_${season}`, 100, {
          id: `run:${run.id}:scenario:${name}:relchange:${e.id}:${season}`, label: `${e.label} LAI change (%), ${season}`, group, units: '%', kind: 'diverging', time: 'static', colormap: 'brbg',
          description: `Mean LAI of ${e.label} under scenario '${name}' relative to the baseline mean, ${when}; not shown where the baseline mean LAI is below 0.05`,
        }, (v) => symmetricRange(v, 1)),
      ];
    }));
    layers.push(source('extrapolation_fraction', 100, {
      id: `run:${run.id}:scenario:${name}:extrapolation`, label: 'Days outside the training envelope (%)', group, units: '%', kind: 'sequential', time: 'static', colormap: 'viridis',
      description: `Share of the days of ${period} on which any forcing of scenario '${name}' lies outside the training envelope (${summary.envelope === 'range' ? 'training range' : `${summary.envelope}th-${100 - summary.envelope}th percentiles`}) of the cell`,
    }, () => [0, 100]));
    return layers;
  });
}
