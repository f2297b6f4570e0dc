/**
 * Terrain of the virtual Upper Colorado: a regional surface interpolated between named
 * physiographic provinces, named mountain ranges as anisotropic Gaussian uplifts, the main rivers
 * carved as valleys that descend to Lees Ferry, and seeded fractal roughness. Positions and heights
 * are rounded from public atlases (USGS National Map, Fenneman & Johnson 1946 physiographic
 * divisions); the result resembles the basin at 1/8 degree, it is not a DEM.
 */
import type { GridSpec } from '../grid.ts';
import { cellLat, cellLon } from '../grid.ts';
import { fractalNoise } from './noise-field.ts';

const KM_PER_DEG = 111.2;

/** Province anchors for the regional surface (lon, lat, elevation m), blended by inverse distance. */
const PROVINCES: ReadonlyArray<readonly [number, number, number, string]> = [
  [-109.3, 42.2, 2150, 'Green River basin'],
  [-107.9, 42.0, 2050, 'Great Divide basin'],
  [-110.0, 40.2, 1650, 'Uinta basin'],
  [-110.6, 38.6, 1600, 'San Rafael Swell / canyon country'],
  [-110.5, 37.4, 1450, 'Glen Canyon'],
  [-109.2, 37.4, 1650, 'Canyonlands / Four Corners'],
  [-108.0, 36.6, 1800, 'San Juan basin'],
  [-108.8, 39.2, 1500, 'Grand Valley'],
  [-108.2, 40.4, 1900, 'Piceance / Yampa plateau'],
  [-112.3, 39.0, 1500, 'Great Basin (outside)'],
  [-112.2, 41.6, 1400, 'Great Salt Lake basin (outside)'],
  [-104.8, 39.5, 1700, 'Colorado Piedmont (outside)'],
  [-104.8, 41.8, 1750, 'High Plains (outside)'],
  [-106.0, 37.5, 2350, 'San Luis Valley (outside)'],
  [-106.4, 42.4, 1900, 'North Platte (outside)'],
  [-112.0, 37.0, 1650, 'Kanab plateaus'],
];

/** Ranges: lon, lat, half-length (deg), half-width (deg), azimuth of the long axis (deg from north), uplift (m). */
const RANGES: ReadonlyArray<readonly [number, number, number, number, number, number, string]> = [
  [-110.3, 40.72, 0.95, 0.18, 90, 1750, 'Uinta Mountains'],
  [-109.6, 42.95, 0.55, 0.2, 135, 1550, 'Wind River Range'],
  [-110.8, 42.5, 0.6, 0.15, 0, 1100, 'Wyoming Range'],
  [-111.6, 40.9, 0.7, 0.15, 0, 1300, 'Wasatch Range'],
  [-111.3, 39.3, 0.75, 0.22, 5, 1250, 'Wasatch Plateau'],
  [-111.7, 38.3, 0.45, 0.25, 0, 1350, 'Aquarius / Fishlake plateaus'],
  [-112.2, 37.6, 0.4, 0.2, 0, 1150, 'Markagunt plateau'],
  [-109.9, 39.65, 0.85, 0.18, 80, 900, 'Tavaputs plateau / Book Cliffs'],
  [-105.7, 40.0, 1.1, 0.22, 0, 1850, 'Front Range'],
  [-106.75, 40.75, 0.55, 0.16, 0, 1250, 'Park Range'],
  [-106.3, 41.3, 0.4, 0.2, 0, 1200, 'Medicine Bow Mountains'],
  [-107.1, 41.1, 0.35, 0.18, 0, 850, 'Sierra Madre'],
  [-106.35, 39.0, 0.65, 0.16, 0, 1700, 'Sawatch Range'],
  [-106.15, 39.45, 0.3, 0.12, 0, 1500, 'Mosquito / Tenmile'],
  [-107.05, 39.1, 0.3, 0.2, 120, 1500, 'Elk Mountains'],
  [-107.35, 39.95, 0.3, 0.25, 0, 1250, 'Flat Tops'],
  [-108.05, 39.05, 0.22, 0.15, 90, 1250, 'Grand Mesa'],
  [-108.4, 38.45, 0.55, 0.15, 135, 850, 'Uncompahgre Plateau'],
  [-107.5, 37.8, 0.65, 0.35, 100, 1800, 'San Juan Mountains'],
  [-105.5, 37.6, 0.65, 0.14, 165, 1600, 'Sangre de Cristo Mountains'],
  [-109.25, 38.45, 0.12, 0.1, 0, 1300, 'La Sal Mountains'],
  [-109.45, 37.85, 0.1, 0.1, 0, 1050, 'Abajo Mountains'],
  [-110.75, 38.0, 0.14, 0.1, 0, 1050, 'Henry Mountains'],
  [-110.55, 37.03, 0.08, 0.08, 0, 800, 'Navajo Mountain'],
  [-108.6, 36.55, 0.2, 0.15, 0, 500, 'Chuska Mountains (edge)'],
];

/** River traces (lon, lat, bed elevation m) from source to mouth; the valleys that drain the basin. */
export const RIVERS: ReadonlyArray<{ readonly name: string; readonly points: ReadonlyArray<readonly [number, number, number]> }> = [
  { name: 'Colorado', points: [[-105.85, 40.25, 2550], [-106.4, 40.05, 2250], [-107.3, 39.55, 1750], [-108.35, 39.11, 1440], [-108.56, 39.06, 1390], [-109.3, 38.8, 1270], [-109.55, 38.57, 1220], [-109.88, 38.19, 1190], [-110.4, 37.88, 1110], [-110.9, 37.4, 1080], [-111.48, 36.94, 1000], [-111.6, 36.87, 950], [-111.85, 36.35, 900]] },
  { name: 'Green', points: [[-109.7, 43.05, 2450], [-109.9, 42.5, 2150], [-109.47, 41.5, 1850], [-109.42, 40.91, 1700], [-108.9, 40.8, 1650], [-108.98, 40.52, 1560], [-109.25, 40.44, 1480], [-109.68, 40.09, 1420], [-110.0, 39.6, 1300], [-110.15, 38.99, 1240], [-109.95, 38.45, 1200], [-109.88, 38.19, 1190]] },
  { name: 'Yampa', points: [[-106.83, 40.48, 2050], [-107.55, 40.5, 1880], [-108.5, 40.45, 1700], [-108.98, 40.52, 1560]] },
  { name: 'White', points: [[-107.2, 40.0, 2150], [-107.9, 40.04, 1900], [-108.8, 40.09, 1600], [-109.68, 40.09, 1420]] },
  { name: 'Duchesne', points: [[-110.9, 40.45, 2000], [-110.4, 40.17, 1700], [-109.68, 40.09, 1420]] },
  { name: 'Gunnison', points: [[-106.6, 38.7, 2500], [-106.93, 38.55, 2300], [-107.3, 38.45, 2150], [-108.07, 38.74, 1500], [-108.56, 39.06, 1390]] },
  { name: 'Dolores', points: [[-108.03, 37.7, 2600], [-108.5, 37.47, 2100], [-108.9, 37.95, 1700], [-108.98, 38.68, 1400], [-109.3, 38.8, 1270]] },
  { name: 'San Juan', points: [[-106.9, 37.4, 2300], [-107.0, 37.27, 2150], [-107.6, 36.9, 1900], [-108.2, 36.73, 1600], [-108.7, 36.78, 1500], [-109.55, 37.28, 1300], [-109.86, 37.15, 1250], [-110.7, 37.2, 1090], [-110.9, 37.4, 1080]] },
  { name: 'Dirty Devil', points: [[-111.4, 38.35, 2100], [-110.7, 38.37, 1300], [-110.4, 37.88, 1110]] },
  { name: 'Price / San Rafael', points: [[-111.0, 39.7, 2100], [-110.6, 39.45, 1700], [-110.1, 39.0, 1250], [-110.15, 38.99, 1240]] },
  { name: 'Escalante', points: [[-111.7, 37.85, 2000], [-111.2, 37.7, 1500], [-110.9, 37.4, 1080]] },
];

export interface Terrain {
  /** metres, per cell */
  readonly elevation: Float32Array;
  /** distance (km) from each cell centre to the nearest carved river, per cell */
  readonly riverDistanceKm: Float32Array;
  /** west-to-east elevation gradient (m per km), positive where the ground rises eastwards (west-facing) */
  readonly eastwardSlope: Float32Array;
}

function rangeUplift(lon: number, lat: number, r: (typeof RANGES)[number]): number {
  const [cx, cy, len, wid, az, h] = r;
  const cosLat = Math.cos((lat * Math.PI) / 180);
  const dx = (lon - cx) * cosLat;
  const dy = lat - cy;
  const a = (az * Math.PI) / 180;
  const along = dx * Math.sin(a) + dy * Math.cos(a);
  const across = dx * Math.cos(a) - dy * Math.sin(a);
  return h * Math.exp(-0.5 * ((along / len) ** 2 + (across / wid) ** 2));
}

/** Distance (km) from a point to a polyline and the bed elevation interpolated at the nearest point. */
function nearestOnRiver(lon: number, lat: number, pts: ReadonlyArray<readonly [number, number, number]>): [number, number] {
  const kx = KM_PER_DEG * Math.cos((lat * Math.PI) / 180);
  let best = Infinity;
  let bed = 0;
  for (let i = 0; i + 1 < pts.length; i++) {
    const [x0, y0, z0] = pts[i]!;
    const [x1, y1, z1] = pts[i + 1]!;
    const ax = (x1 - x0) * kx;
    const ay = (y1 - y0) * KM_PER_DEG;
    const px = (lon - x0) * kx;
    const py = (lat - y0) * KM_PER_DEG;
    const t = Math.max(0, Math.min(1, (px * ax + py * ay) / (ax * ax + ay * ay)));
    const d = Math.hypot(px - t * ax, py - t * ay);
    if (d < best) {
      best = d;
      bed = z0 + t * (z1 - z0);
    }
  }
  return [best, bed];
}

export function generateTerrain(grid: GridSpec, seed: number): Terrain {
  const n = grid.ncols * grid.nrows;
  const elevation = new Float32Array(n);
  const riverDistanceKm = new Float32Array(n);
  const rough = fractalNoise(grid, seed, 'terrain/roughness', 8, 4, 0.55);
  for (let r = 0; r < grid.nrows; r++) {
    const lat = cellLat(grid, r);
    for (let c = 0; c < grid.ncols; c++) {
      const lon = cellLon(grid, c);
      const cell = r * grid.ncols + c;
      // regional surface: inverse-distance (power 2) blend of province anchors
      let num = 0;
      let den = 0;
      for (const [px, py, pz] of PROVINCES) {
        const d2 = ((lon - px) * Math.cos((lat * Math.PI) / 180)) ** 2 + (lat - py) ** 2 + 0.04;
        num += pz / d2;
        den += 1 / d2;
      }
      let z = num / den;
      let uplift = 0;
      for (const rg of RANGES) uplift += rangeUplift(lon, lat, rg);
      z += uplift;
      // roughness grows with relief: plateaus are gentler than mountain belts
      z += rough[cell]! * (90 + 0.18 * uplift);
      // carve valleys: within ~25 km of a river the surface is pulled down toward the bed
      let dMin = Infinity;
      for (const river of RIVERS) {
        const [d, bed] = nearestOnRiver(lon, lat, river.points);
        if (d < dMin) dMin = d;
        const width = 28;
        if (d < width) {
          const s = d / width;
          const blend = s * s * (3 - 2 * s); // smoothstep: 0 at the bed, 1 at the valley rim
          const carved = bed + (z - bed) * blend;
          if (carved < z) z = carved;
        }
      }
      riverDistanceKm[cell] = dMin;
      // the overlapping uplifts of neighbouring ranges would overshoot: compress summits above 3600 m
      // so the highest cells stay near the basin's real 4000-4400 m peaks
      if (z > 3600) z = 3600 + 0.5 * (z - 3600);
      elevation[cell] = Math.max(900, z);
    }
  }
  const eastwardSlope = new Float32Array(n);
  for (let r = 0; r < grid.nrows; r++) {
    const kmPerCell = grid.cellSize * KM_PER_DEG * Math.cos((cellLat(grid, r) * Math.PI) / 180);
    for (let c = 0; c < grid.ncols; c++) {
      const c0 = Math.max(0, c - 2);
      const c1 = Math.min(grid.ncols - 1, c + 2);
      eastwardSlope[r * grid.ncols + c] = (elevation[r * grid.ncols + c1]! - elevation[r * grid.ncols + c0]!) / ((c1 - c0) * kmPerCell);
    }
  }
  return { elevation, riverDistanceKm, eastwardSlope };
}
