/**
 * The regular latitude/longitude grid (EPSG:4326) a project works on. Each project owns its grid
 * (project.json and data/dataset.nc, see project-grid.ts); UCRB_GRID is only the grid of the
 * virtual demo basin. Grids are made from a bounding box, a file or a basin outline by
 * grid-definition.ts.
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

/** The virtual demo basin's window (the UCRB): 63 x 54 cells, centres 112.4375 W..104.6875 W, 36.4375 N..43.0625 N. */
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

/** Same shape and position (to rounding of the stored coordinates). */
export function sameGrid(a: GridSpec, b: GridSpec): boolean {
  const tol = Math.min(a.cellSize, b.cellSize) * 1e-6;
  return a.ncols === b.ncols && a.nrows === b.nrows && Math.abs(a.lon0 - b.lon0) < tol && Math.abs(a.latTop - b.latTop) < tol && Math.abs(a.cellSize - b.cellSize) < tol;
}

/** One line for messages: size, resolution and the corner extent. */
export function describeGrid(grid: GridSpec): string {
  const [w, s, e, n] = gridBounds(grid).map((v) => Number(v.toFixed(6)));
  return `${grid.ncols} x ${grid.nrows} cells of ${Number(grid.cellSize.toFixed(9))} deg, lon ${w}..${e}, lat ${s}..${n}`;
}
