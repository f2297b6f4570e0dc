/**
 * Making a project grid: from a bounding box snapped to a lattice (by default the NLDAS-2 1/8
 * degree lattice, so that NLDAS forcing passes through the regridding unchanged), or from the cell
 * centres of a file (a forcing NetCDF/GRIB, a GeoTIFF). Pure: the readers of those files are in
 * importers/grid-from-file.ts.
 */
import { NLDAS_CELL, NLDAS_LAT_FIRST, NLDAS_LON_FIRST, type GridSpec } from './grid.ts';

export class GridDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GridDefinitionError';
  }
}

export type Bbox = readonly [west: number, south: number, east: number, north: number];

export interface LatticeOptions {
  /** cell size in degrees; default 1/8 (NLDAS-2) */
  readonly resolution?: number;
  /** the centre of any one cell of the lattice (lon, lat); default the NLDAS-2 origin */
  readonly origin?: readonly [number, number];
  /** extra cells on every side; default 0 */
  readonly marginCells?: number;
}

// tolerance for a box edge that lies on a cell edge up to floating point
const EPS = 1e-9;

/** Checks a W,S,E,N box; `what` names the option in the message. */
export function checkBbox(b: Bbox, what: string): void {
  const [w, s, e, n] = b;
  if (![w, s, e, n].every(Number.isFinite)) throw new GridDefinitionError(`${what}: expected four numbers W,S,E,N`);
  if (w < -180 || e > 180 || s < -90 || n > 90) throw new GridDefinitionError(`${what}: ${b.join(',')} lies outside longitude -180..180 / latitude -90..90`);
  if (!(w < e)) throw new GridDefinitionError(`${what}: west (${w}) must be less than east (${e})`);
  if (!(s < n)) throw new GridDefinitionError(`${what}: south (${s}) must be less than north (${n})`);
}

/**
 * The cells of the lattice that overlap the box (a cell touching the box only along an edge is
 * left out), plus `marginCells` on every side.
 */
export function gridFromBbox(b: Bbox, options: LatticeOptions = {}): GridSpec {
  checkBbox(b, '--bbox');
  const r = options.resolution ?? NLDAS_CELL;
  if (!(Number.isFinite(r) && r > 0 && r <= 10)) throw new GridDefinitionError(`--resolution: expected a cell size in degrees in (0, 10], got ${r}`);
  const [oLon, oLat] = options.origin ?? [NLDAS_LON_FIRST, NLDAS_LAT_FIRST];
  if (!Number.isFinite(oLon) || !Number.isFinite(oLat)) throw new GridDefinitionError('--origin: expected LON,LAT of a cell centre');
  const m = options.marginCells ?? 0;
  const [w, s, e, n] = b;
  // cell k spans [o + (k - 1/2) r, o + (k + 1/2) r]
  const col0 = Math.floor((w - oLon) / r + 0.5 + EPS) - m;
  const col1 = Math.ceil((e - oLon) / r - 0.5 - EPS) + m;
  const row0 = Math.floor((s - oLat) / r + 0.5 + EPS) - m;
  const row1 = Math.ceil((n - oLat) / r - 0.5 - EPS) + m;
  return roundGrid({ ncols: col1 - col0 + 1, nrows: row1 - row0 + 1, lon0: oLon + col0 * r, latTop: oLat + row1 * r, cellSize: r });
}

/** Regular spacing of one axis (any order), or why not. */
function axisSpacing(centres: ArrayLike<number>, what: string, file: string): { first: number; last: number; step: number } {
  const n = centres.length;
  if (n < 2) throw new GridDefinitionError(`${file}: its ${what} axis has ${n} value(s); a grid needs at least 2 cells along each axis`);
  const a = Math.min(centres[0]!, centres[n - 1]!);
  const z = Math.max(centres[0]!, centres[n - 1]!);
  const step = (z - a) / (n - 1);
  const sign = centres[n - 1]! > centres[0]! ? 1 : -1;
  for (let i = 1; i < n; i++) {
    const d = (centres[i]! - centres[i - 1]!) * sign;
    if (!(Math.abs(d - step) <= step * 1e-3)) throw new GridDefinitionError(`${file}: its ${what} axis is not regularly spaced (step ${d} at index ${i}, expected ${step}); a project grid must be a regular latitude/longitude grid`);
  }
  return { first: a, last: z, step };
}

/** The grid whose cell centres are the given axes (in file order, ascending or descending). */
export function gridFromCentres(lon: ArrayLike<number>, lat: ArrayLike<number>, file: string): GridSpec {
  const x = axisSpacing(lon, 'longitude', file);
  const y = axisSpacing(lat, 'latitude', file);
  if (Math.abs(x.step - y.step) > Math.min(x.step, y.step) * 1e-3) {
    throw new GridDefinitionError(`${file}: its cells are ${x.step} deg (longitude) by ${y.step} deg (latitude); a project grid has square cells. Use --bbox W,S,E,N --resolution DEG instead (the data are regridded onto it)`);
  }
  const lon0 = x.first > 180 ? x.first - 360 : x.first;
  return roundGrid({ ncols: lon.length, nrows: lat.length, lon0, latTop: y.last, cellSize: x.step });
}

/** Rounds the coordinates to 1e-9 deg so that grids from sums of steps compare and print cleanly. */
function roundGrid(g: GridSpec): GridSpec {
  const q = (v: number) => Math.round(v * 1e9) / 1e9;
  const grid = { ncols: g.ncols, nrows: g.nrows, lon0: q(g.lon0), latTop: q(g.latTop), cellSize: q(g.cellSize) };
  const west = grid.lon0 - grid.cellSize / 2, east = grid.lon0 + (grid.ncols - 0.5) * grid.cellSize;
  const south = grid.latTop - (grid.nrows - 0.5) * grid.cellSize, north = grid.latTop + grid.cellSize / 2;
  if (west < -180 - EPS || east > 180 + EPS || south < -90 - EPS || north > 90 + EPS) {
    throw new GridDefinitionError(`the grid (cell edges lon ${west}..${east}, lat ${south}..${north}) leaves longitude -180..180 / latitude -90..90; choose a smaller box`);
  }
  return Object.freeze(grid);
}
