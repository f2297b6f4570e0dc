/**
 * The NLDAS-2 1/8 degree grid and the Upper Colorado River Basin window VegDyn works on.
 *
 * In-memory convention used everywhere in the engine and the renderer: row 0 is the NORTHERNMOST
 * row (north-up, like GeoTIFF and the map); column 0 is the westernmost. A cell index is
 * row * ncols + col. NetCDF files store latitude ascending (south to north) and are flipped on I/O.
 */
export interface GridSpec {
  /** number of columns (west -> east) */
  readonly ncols: number;
  /** number of rows (north -> south in memory) */
  readonly nrows: number;
  /** longitude of the centre of column 0, degrees east */
  readonly lon0: number;
  /** latitude of the centre of row 0 (the northern row), degrees north */
  readonly latTop: number;
  /** cell size in degrees (both axes) */
  readonly cellSize: number;
}

/** NLDAS-2 cell centres: -124.9375 + 0.125 i E, 25.0625 + 0.125 j N. */
export const NLDAS_LON_FIRST = -124.9375;
export const NLDAS_LAT_FIRST = 25.0625;
export const NLDAS_CELL = 0.125;

/** The UCRB window: 63 x 54 cells, centres 112.4375 W..104.6875 W, 36.4375 N..43.0625 N. */
export const UCRB_GRID: GridSpec = Object.freeze({
  ncols: 63,
  nrows: 54,
  lon0: -112.4375,
  latTop: 43.0625,
  cellSize: NLDAS_CELL,
});

export function cellCount(grid: GridSpec): number {
  return grid.ncols * grid.nrows;
}

export function cellLon(grid: GridSpec, col: number): number {
  return grid.lon0 + col * grid.cellSize;
}

export function cellLat(grid: GridSpec, row: number): number {
  return grid.latTop - row * grid.cellSize;
}

/** West, south, east, north edges of the whole grid (cell corners), degrees. */
export function gridBounds(grid: GridSpec): [number, number, number, number] {
  const h = grid.cellSize / 2;
  return [
    grid.lon0 - h,
    grid.latTop - (grid.nrows - 1) * grid.cellSize - h,
    grid.lon0 + (grid.ncols - 1) * grid.cellSize + h,
    grid.latTop + h,
  ];
}
