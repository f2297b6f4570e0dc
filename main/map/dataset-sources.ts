/**
 * Layer sources of the dataset itself: observed LAI (latest observation on or before the day), the
 * virtual basin's true LAI, the daily forcing, land cover (majority class and class fractions) and
 * the static soil and terrain layers. Daily grids are read on demand from the dataset's slices.
 */
import { FORCING_NAMES, FORCING_UNITS, LAND_COVER_CLASSES, landCoverFraction, type ForcingName, type StaticLayers } from '../data/dataset.ts';
import type { DatasetMeta, DatasetSlices, SeriesVariable } from '../data/dataset-slices.ts';
import { masked, missingGrid, observationAtOrBefore, percentileRange, type LayerGrid, type LayerSource, type MapLayerInfo } from './layer-source.ts';

/** Steps read to set a daily layer's display range (spread evenly over the record). */
const RANGE_SAMPLE_STEPS = 64;

const FORCING_LABELS: Readonly<Record<ForcingName, string>> = {
  Rainf: 'Precipitation',
  Tair: 'Air temperature',
  PSurf: 'Surface pressure',
  Qair: 'Specific humidity',
  LWdown: 'Longwave radiation',
  SWdown: 'Shortwave radiation',
  Wind: 'Wind speed',
};

export type SeriesLayerSource = LayerSource<'dataset-series', { readonly variable: SeriesVariable }>;
type SoilField = keyof Pick<StaticLayers, 'elevation' | 'sandPercent' | 'clayPercent' | 'organicFraction'>;
export type StaticLayerSource = LayerSource<'dataset-static', { readonly field: SoilField | 'landCover' } | { readonly landCoverClass: number }>;

function seriesSource(slices: DatasetSlices, variable: SeriesVariable, layer: MapLayerInfo): SeriesLayerSource {
  const meta = slices.meta;
  return {
    kind: 'dataset-series', props: { variable }, layer,
    grid(day): LayerGrid {
      if (variable !== 'LAI') return { values: masked(meta, slices.step(variable, day)), sourceDay: day };
      const k = observationAtOrBefore(meta.observations.dayIndex, day);
      if (k < 0) return { values: missingGrid(meta), sourceDay: null };
      return { values: masked(meta, slices.step('LAI', k)), sourceDay: meta.observations.dayIndex[k]! };
    },
  };
}

function staticSource(props: StaticLayerSource['props'], hidden: boolean, layer: MapLayerInfo, values: Float32Array): StaticLayerSource {
  return { kind: 'dataset-static', props, layer, ...(hidden ? { hidden } : {}), grid: () => ({ values, sourceDay: null }) };
}

const SOIL_LAYERS: readonly { field: SoilField; id: string; label: string; units: string }[] = [
  { field: 'elevation', id: 'static.elevation', label: 'Elevation', units: 'm' },
  { field: 'sandPercent', id: 'static.sand', label: 'Sand (top soil)', units: '%' },
  { field: 'clayPercent', id: 'static.clay', label: 'Clay (top soil)', units: '%' },
  { field: 'organicFraction', id: 'static.organic', label: 'Organic matter (top soil)', units: 'fraction' },
];

/**
 * One layer per land-cover class fraction, listed only when the dataset's fractions say more than
 * its majority map (some value strictly between 0 and 1): the virtual basin's one-hot fractions
 * would only repeat the land-cover layer class by class (asked for by id, they are still served).
 */
function landCoverFractionSources(meta: DatasetMeta): StaticLayerSource[] {
  const fr = meta.staticLayers.landCoverFractions;
  if (!fr) return [];
  const hidden = !fr.values.some((v) => v > 0 && v < 1);
  return fr.classes.map((code) => staticSource({ landCoverClass: code }, hidden, {
    id: `static.landCoverFraction.${code}`, label: `Land cover fraction: ${(LAND_COVER_CLASSES as Record<number, string | undefined>)[code] ?? `class ${code}`}`,
    group: 'Static', units: 'fraction', kind: 'sequential', time: 'static', range: [0, 1], colormap: 'viridis',
    description: "Share of each cell's classified area in this class, from the imported land cover.",
  }, masked(meta, landCoverFraction(meta, code)!)));
}

/** Every layer source of the dataset, in the order the layer list shows them. */
export function datasetSources(slices: DatasetSlices): (SeriesLayerSource | StaticLayerSource)[] {
  const meta = slices.meta;
  const upper = (variable: SeriesVariable, lo: number, hi: number) => percentileRange(slices.sample(variable, RANGE_SAMPLE_STEPS), lo, hi);
  const out: (SeriesLayerSource | StaticLayerSource)[] = [];
  out.push(seriesSource(slices, 'LAI', {
    id: 'lai.observed', label: 'Observed LAI', group: 'Observations', units: 'm2 m-2', kind: 'sequential', time: 'observations',
    range: [0, meta.observations.dayIndex.length > 0 ? upper('LAI', 0, 99)[1] : 1], colormap: 'viridis',
    description: 'Satellite LAI on observation dates, regridded to the forcing grid; the map shows the latest observation on or before the chosen day.',
  }));
  if (meta.hasTrueLai) {
    out.push(seriesSource(slices, 'LAI_true', {
      id: 'lai.true', label: 'True LAI (virtual basin)', group: 'Observations', units: 'm2 m-2', kind: 'sequential', time: 'daily',
      range: [0, upper('LAI_true', 0, 99)[1]], colormap: 'viridis',
      description: 'The noise-free daily LAI the virtual basin generator simulated (known only for synthetic data).',
    }));
  }
  for (const name of FORCING_NAMES) {
    const range = name === 'Rainf' ? [0, upper(name, 0, 99)[1]] as [number, number] : upper(name, 2, 98);
    out.push(seriesSource(slices, name, {
      id: `forcing.${name}`, label: `${FORCING_LABELS[name]} (${name})`, group: 'Forcing', units: FORCING_UNITS[name],
      kind: 'sequential', time: 'daily', range, colormap: name === 'Rainf' ? 'viridis' : 'cividis',
    }));
  }
  const lc = meta.staticLayers.landCover;
  out.push(staticSource({ field: 'landCover' }, false, {
    id: 'static.landCover', label: 'Land cover', group: 'Static', units: 'class', kind: 'categorical', time: 'static', range: [0, 16],
    colormap: 'categorical',
    categories: Object.entries(LAND_COVER_CLASSES).map(([code, label]) => ({ code: Number(code), label })),
  }, Float32Array.from(lc, (v, c) => (meta.mask[c] && v ? v : Number.NaN))));
  out.push(...landCoverFractionSources(meta));
  for (const s of SOIL_LAYERS) {
    const values = masked(meta, meta.staticLayers[s.field]);
    out.push(staticSource({ field: s.field }, false, {
      id: s.id, label: s.label, group: 'Static', units: s.units, kind: 'sequential', time: 'static', range: percentileRange(values, 1, 99), colormap: 'cividis',
    }, values));
  }
  return out;
}
