/**
 * Read-only requests the map workspace makes: what the open project holds, the list of map layers,
 * one layer's grid for one day, and cell / subbasin time series. Grids are Float32Arrays (NaN =
 * missing; binary on the wire, binary-wire.ts); series travel as arrays of numbers with null for
 * missing values. Row 0 = north, cell = row * ncols + col.
 */
import { z } from 'zod';
import { leafCsvReadSchema } from './leaf.ts';
import { defineRequest } from '../define.ts';

/** A number per element, null where missing (NaN in the engine). */
export const nullableNumbers = z.array(z.number().nullable());

/**
 * A grid: one float32 per cell, row 0 = north, NaN = missing. Travels as raw bytes
 * (binary-wire.ts) or, to a client that asks for JSON, as numbers with null for NaN.
 */
export const gridValues = z.custom<Float32Array>((v) => v instanceof Float32Array, { message: 'expected a Float32Array grid' });

const geometrySchema = z.custom<GeoJSON.Polygon | GeoJSON.MultiPolygon>(
  (v) => typeof v === 'object' && v !== null && ((v as { type?: unknown }).type === 'Polygon' || (v as { type?: unknown }).type === 'MultiPolygon'),
  { message: 'expected a GeoJSON Polygon or MultiPolygon' },
);

const dayRangeSchema = z.object({ start: z.number().int(), end: z.number().int() });

export const gridSpecSchema = z.object({
  ncols: z.number().int().positive(),
  nrows: z.number().int().positive(),
  lon0: z.number(),
  latTop: z.number(),
  cellSize: z.number().positive(),
});

export const layerKindSchema = z.enum(['sequential', 'diverging', 'categorical']);
/** 'static': one grid; 'daily': a grid per day; 'observations': the latest observation on or before the day */
export const layerTimeSchema = z.enum(['static', 'daily', 'observations']);

export const mapLayerSchema = z.object({
  id: z.string(),
  label: z.string(),
  group: z.string(),
  units: z.string(),
  kind: layerKindSchema,
  time: layerTimeSchema,
  /** a default display range: robust min/max over the basin (2nd-98th percentile for daily layers) */
  range: z.tuple([z.number(), z.number()]),
  /** suggested colormap: viridis | cividis | brbg | rdbu */
  colormap: z.string(),
  /** for categorical layers: code -> label */
  categories: z.array(z.object({ code: z.number().int(), label: z.string() })).optional(),
  description: z.string().optional(),
});
export type MapLayer = z.infer<typeof mapLayerSchema>;

export const seriesSchema = z.object({
  id: z.string(),
  label: z.string(),
  /** observed: sparse at observation days; the rest are daily over the whole axis; spread: an edge of an ensemble's band */
  kind: z.enum(['observed', 'truth', 'model', 'physics', 'spread']),
  /** day indices of the values (observed), or omitted when values cover every day from 0 */
  days: z.array(z.number().int()).optional(),
  values: nullableNumbers,
  /** a band edge (kind 'spread'): the id of the series it surrounds, and which edge (5th / 95th percentile of the members) */
  band: z.object({ of: z.string(), edge: z.enum(['lower', 'upper']) }).optional(),
});

/** what the chart draws: series on the dataset's day axis, the periods to shade */
const seriesResponseSchema = z.object({
  title: z.string(),
  startDate: z.string(),
  dayCount: z.number().int(),
  units: z.string(),
  /** the periods shaded: the charted run's own (from its resolved config), else the dataset's */
  splits: z.object({ train: dayRangeSchema, validate: dayRangeSchema, test: dayRangeSchema }),
  /** whose periods `splits` are: the charted run's label; absent for the dataset's */
  splitsOf: z.string().optional(),
  series: z.array(seriesSchema),
});

const boxSchema = z.object({
  n: z.number(), median: z.number().nullable(), q25: z.number().nullable(), q75: z.number().nullable(),
  whiskerLow: z.number().nullable(), whiskerHigh: z.number().nullable(), min: z.number().nullable(), max: z.number().nullable(),
});
const reasonSchema = z.object({ kind: z.string(), reason: z.string() });

export const runSchema = z.object({
  id: z.string(),
  /** the run's name for people: its id if chosen, else preset and start time (main/map/run-listing.ts runLabel) */
  label: z.string(),
  status: z.string(),
  createdAt: z.string().nullable(),
  preset: z.string().nullable(),
  models: z.array(z.string()),
  backend: z.string().nullable(),
  seconds: z.number().nullable(),
  error: z.string().nullable(),
  failed: z.array(reasonSchema),
  skipped: z.array(reasonSchema),
  periods: z.record(z.string(), z.object({ from: z.string(), to: z.string() })).nullable(),
  config: z.unknown(),
  /** evaluation entries on the test period: models, physics-only and the references (climatology, noise ceiling) */
  entries: z.array(z.object({
    id: z.string(), label: z.string(), role: z.string(), nse: boxSchema.nullable(),
    byLandCover: z.array(z.object({ code: z.number().int(), name: z.string(), nse: boxSchema.nullable() })),
  })),
  predictions: z.array(z.string()),
  history: z.record(z.string(), z.array(z.object({ epoch: z.number(), trainLoss: z.number().nullable(), valLoss: z.number().nullable() }))),
  /** an ensemble run: the collected members, their seeds and each entry's members' median NSE (min / median / max); null otherwise */
  ensemble: z.object({
    members: z.number().int(),
    collected: z.array(z.string()),
    seeds: z.array(z.number().int()),
    nse: z.record(z.string(), z.object({
      perMember: z.array(z.object({ member: z.string(), median: z.number().nullable() })),
      min: z.number().nullable(), median: z.number().nullable(), max: z.number().nullable(),
    })),
  }).nullable(),
  /** learned per-PFT parameters of physics-encoded models, with their PFT defaults */
  parameters: z.record(z.string(), z.object({
    pfts: z.array(z.string()),
    /** 'per-pft', or 'per-cell-network' (values are then the mean over each PFT's basin cells) */
    parameterization: z.string(),
    parameters: z.record(z.string(), z.object({
      /** the human name and symbol of the physics declaration, e.g. 'Specific leaf area', 'SLA' */
      title: z.string(), symbol: z.string(),
      units: z.string(), min: z.number().nullable(), max: z.number().nullable(), description: z.string(),
      defaults: z.array(z.number().nullable()), values: z.array(z.number().nullable()), learned: z.boolean(),
      /** per-cell parameterizations: per PFT the median and 5-95 % range over its basin cells (null: per PFT, or an older report) */
      cells: z.object({
        median: z.array(z.number().nullable()), p05: z.array(z.number().nullable()), p95: z.array(z.number().nullable()), count: z.array(z.number()),
      }).nullable(),
    })),
  })),
});
export type RunSummary = z.infer<typeof runSchema>;

const clipSchema = z.object({
  name: z.string(),
  source: z.string(),
  geometry: geometrySchema,
  /** area fraction of each cell inside the clip (0 outside the basin) */
  cellFractions: z.array(z.number()),
  /** cells with any part inside */
  cells: z.number().int(),
});

export const mapRequests = {
  'map.summary': defineRequest({
    description: 'The open project and its dataset as the map shows them: grid, dates, observation days, splits, basin and subbasins.',
    request: z.object({}).strict(),
    response: z.object({
      project: z.object({ name: z.string(), dir: z.string() }),
      /** the project's grid and its cell-corner bounds (west, south, east, north): the dataset's, else project.json's; null when it has none yet */
      projectGrid: z.object({ grid: gridSpecSchema, bounds: z.tuple([z.number(), z.number(), z.number(), z.number()]), from: z.enum(['dataset', 'project']) }).nullable(),
      /** null when the project has no dataset yet */
      dataset: z.object({
        id: z.string(),
        source: z.string(),
        grid: gridSpecSchema,
        /** west, south, east, north cell-corner bounds, degrees */
        bounds: z.tuple([z.number(), z.number(), z.number(), z.number()]),
        startDate: z.string(),
        dayCount: z.number().int(),
        /** 1 inside the basin, per cell */
        mask: z.array(z.number().int()),
        observationDays: z.array(z.number().int()),
        splits: z.object({ train: dayRangeSchema, validate: dayRangeSchema, test: dayRangeSchema }),
        basin: geometrySchema,
        subbasins: z.array(z.object({ id: z.number().int(), name: z.string(), geometry: geometrySchema })),
        /** the subbasin holding most of each cell, null outside every subbasin */
        subbasinOfCell: z.array(z.number().int().nullable()),
      }).nullable(),
    }),
  }),
  'map.layers': defineRequest({
    description: 'Every layer the map can show for the open project, with units, kind, time behaviour and a default range; and the layer kinds it lacks, with the reason (no LAI imported, no trained run, ...).',
    request: z.object({}).strict(),
    response: z.object({
      layers: z.array(mapLayerSchema),
      /** layer kinds the project does not have yet, and why (main/map/missing-layers.ts) */
      missing: z.array(z.object({ id: z.string(), label: z.string(), group: z.string(), reason: z.string() })),
    }),
  }),
  'map.grid': defineRequest({
    description: 'One layer on one day as a grid of values (null = missing), row 0 = north.',
    request: z.object({ layer: z.string().min(1), day: z.number().int().nonnegative().optional() }).strict(),
    response: z.object({
      layer: z.string(),
      /** the day asked for (null for static layers) and the day the values are from */
      day: z.number().int().nullable(),
      sourceDay: z.number().int().nullable(),
      sourceDate: z.string().nullable(),
      values: gridValues,
    }),
  }),
  'map.grids': defineRequest({
    description: 'One layer on consecutive days (for stepping and playback): up to 64 grids in one reply.',
    request: z.object({ layer: z.string().min(1), start: z.number().int().nonnegative(), count: z.number().int().min(1).max(64) }).strict(),
    response: z.object({
      layer: z.string(),
      frames: z.array(z.object({ day: z.number().int(), sourceDay: z.number().int().nullable(), values: gridValues })),
    }),
  }),
  'map.runs': defineRequest({
    description: 'Training runs of the open project, newest first: status, models, backend, NSE statistics (overall and by land cover), loss history.',
    request: z.object({}).strict(),
    response: z.object({ runs: z.array(runSchema) }),
  }),
  'map.clip.get': defineRequest({
    description: 'The active clip of the project (masks the map, series statistics and exports), or null.',
    request: z.object({}).strict(),
    response: z.object({ clip: clipSchema.nullable() }),
  }),
  'map.clip.set': defineRequest({
    description: 'Set the active clip from a drawn polygon, a subbasin, or an uploaded GeoJSON / zipped shapefile (base64).',
    request: z.object({
      name: z.string().optional(),
      geometry: geometrySchema.optional(),
      subbasin: z.number().int().optional(),
      /** feature: keep the feature with this name; dissolve: merge all features (a file with several) */
      file: z.object({ name: z.string().min(1), base64: z.string().min(1), feature: z.string().min(1).optional(), dissolve: z.boolean().optional() }).strict().optional(),
    }).strict(),
    response: z.object({ clip: clipSchema }),
  }),
  'map.clip.clear': defineRequest({
    description: 'Remove the active clip.',
    request: z.object({}).strict(),
    response: z.object({ cleared: z.boolean() }),
  }),
  'map.exportGeoTiff': defineRequest({
    description: 'Write a map layer as a GeoTIFF (EPSG:4326, nodata set, clipped to the active clip): one band per date in [start, end] (observation layers: one per observation date), or one band for static layers. The file goes to <project>/exports/ and is also returned (base64) for download.',
    request: z.object({
      layer: z.string().min(1),
      start: z.number().int().nonnegative().optional(),
      /** inclusive; default = start */
      end: z.number().int().nonnegative().optional(),
    }).strict(),
    response: z.object({ path: z.string(), fileName: z.string(), bands: z.number().int(), width: z.number().int(), height: z.number().int(), bytes: z.number().int(), descriptions: z.array(z.string()), base64: z.string().nullable() }),
  }),
  'map.leafRuns': defineRequest({
    description: 'Leaf experiment runs of the project (<project>/leaf-runs/<id>), newest first; start one with jobs.start kind leaf-experiment and runDir = leafRunsDir/<id>.',
    request: z.object({}).strict(),
    response: z.object({ leafRunsDir: z.string(), runs: z.array(z.object({ id: z.string(), experiment: z.string().nullable() })) }),
  }),
  'map.leafRun': defineRequest({
    description: 'One leaf experiment run: config, metrics, learned Vcmax25 vs CLM4.5 per PFT, observed vs simulated An per row.',
    request: z.object({ id: z.string().min(1) }).strict(),
    response: z.object({
      id: z.string(), experiment: z.string(), dir: z.string(), config: z.unknown(), metrics: z.unknown(),
      vcmax: z.array(z.object({ fold: z.number(), pft: z.string(), learned: z.number().nullable(), clm45: z.number().nullable(), relativeError: z.number().nullable() })),
      predictions: z.array(z.object({ fold: z.number(), set: z.string(), pft: z.string(), observed: z.number().nullable(), simulated: z.number().nullable() })),
    }),
  }),
  'map.leafUpload': defineRequest({
    description: 'Store a leaf CSV sent by the page (web mode, where the engine cannot see the user\'s files) in <project>/leaf-inputs/<name> after checking it parses as a leaf CSV; returns the path to give a leaf experiment as its input.',
    request: z.object({
      /** the file's name; only its last path component is kept */
      name: z.string().min(1).max(200),
      /** the file's contents (UTF-8 text) */
      text: z.string().min(1).max(30 * 1024 * 1024),
      /** how to read another lab's layout (column mapping, constants, date format), as the leaf experiment will */
      ...leafCsvReadSchema.shape,
    }).strict(),
    response: z.object({ path: z.string(), bytes: z.number().int(), rows: z.number().int(), skipped: z.number().int() }),
  }),
  'map.series': defineRequest({
    description: 'LAI time series at one cell or averaged over one subbasin (area-weighted): observations, truth where known, models.',
    request: z.object({
      cell: z.number().int().nonnegative().optional(),
      subbasin: z.number().int().optional(),
      /** area-weighted mean over the active clip */
      clip: z.literal(true).optional(),
      /** the run whose model series are added (default: the newest finished run) */
      run: z.string().optional(),
    }).strict(),
    response: seriesResponseSchema,
  }),
  'map.scenarioSeries': defineRequest({
    description: "Baseline and scenario LAI of a run's scenario results per model, at one cell (its column of the daily files) or a subbasin (area-weighted means): the chart's overlay.",
    request: z.object({
      run: z.string().min(1),
      scenario: z.string().min(1),
      cell: z.number().int().nonnegative().optional(),
      subbasin: z.number().int().optional(),
    }).strict(),
    response: seriesResponseSchema,
  }),
} as const;
