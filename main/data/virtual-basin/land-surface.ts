/**
 * Land cover and soils of the virtual basin, placed by elevation, climate and terrain the way the
 * vegetation zones of the Colorado Plateau and Southern Rockies are (desert shrub and slickrock in
 * the low canyon country, sagebrush and grass on the high basins, pinyon-juniper and ponderosa at
 * mid elevations, aspen and spruce-fir in the mountains, alpine tundra above treeline, irrigated
 * hay and crops along the valley floors).
 */
import type { GridSpec } from '../grid.ts';
import type { LandCoverCode, LandCoverFractions } from '../dataset.ts';
import { oneHotFractions } from '../land-cover-fractions.ts';
import type { Terrain } from './terrain.ts';
import type { Climatology } from './climate.ts';
import { clamp } from './climate.ts';
import { fractalNoise } from './noise-field.ts';

export interface LandSurface {
  readonly landCover: Uint8Array;
  /**
   * one-hot: the generator decides one class per cell and has no sub-cell land cover, so each
   * cell is 100 % its class (docs/virtual-basin.md, section 5)
   */
  readonly landCoverFractions: LandCoverFractions;
  readonly sandPercent: Float32Array;
  readonly clayPercent: Float32Array;
  readonly organicFraction: Float32Array;
}

export function generateLandSurface(grid: GridSpec, terrain: Terrain, clim: Climatology, seed: number): LandSurface {
  const n = grid.ncols * grid.nrows;
  const patch = fractalNoise(grid, seed, 'landcover/patches', 4, 3, 0.6);
  const sandNoise = fractalNoise(grid, seed, 'soil/sand', 6, 3, 0.6);
  const clayNoise = fractalNoise(grid, seed, 'soil/clay', 6, 3, 0.6);
  const landCover = new Uint8Array(n);
  const sandPercent = new Float32Array(n);
  const clayPercent = new Float32Array(n);
  const organicFraction = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const z = terrain.elevation[i]!;
    const p = clim.annualPrecipMm[i]!;
    const t = clim.annualTempC[i]!;
    const noise = patch[i]!;
    let lc: LandCoverCode;
    if (t < -1.5 + 0.6 * noise) lc = p > 700 || noise > 0.9 ? 16 : 10; // alpine: tundra grass, rock on the highest peaks
    else if (p > 520 + 60 * noise && t < 6.5) lc = noise > 0.55 && t > 1.5 ? 4 : 1; // montane and subalpine forest, aspen stands
    else if (p > 430 + 50 * noise && t < 9) lc = noise > 0.9 ? 4 : 1; // ponderosa / pinyon-juniper woodland
    else if (terrain.riverDistanceKm[i]! < 9 && z < 2200 && noise > -0.2 && t > 5) lc = 12; // irrigated valley floors
    else if (p < 215 + 25 * noise && t > 9) lc = 16; // slickrock and badlands of the canyon country
    else if (p > 320 + 40 * noise && t < 8.5) lc = 10; // high grassland and mountain parks
    else lc = 7; // sagebrush and desert shrub
    landCover[i] = lc;
    // soils: sandy on the sandstone plateaus of the south-west, clay-rich on the shale basins, organic in forests
    const plateau = clamp((39.2 - (grid.latTop - Math.floor(i / grid.ncols) * grid.cellSize)) / 2, 0, 1) * clamp((-108.5 - (grid.lon0 + (i % grid.ncols) * grid.cellSize)) / 2, 0, 1);
    const sand = clamp(42 + 25 * plateau + 12 * sandNoise[i]! - 6 * clamp((z - 2500) / 1000, 0, 1), 8, 92);
    const clay = clamp(Math.min(24 - 10 * plateau + 9 * clayNoise[i]! + (lc === 12 ? 6 : 0), 96 - sand), 3, 60);
    const forest = lc === 1 || lc === 4;
    const om = clamp(0.01 + (forest ? 0.05 : 0) + (lc === 10 ? 0.025 : 0) + 0.04 * clamp((p - 400) / 800, 0, 1) + 0.01 * patch[i]!, 0.002, 0.3);
    sandPercent[i] = sand;
    clayPercent[i] = clay;
    organicFraction[i] = om;
  }
  return { landCover, landCoverFractions: oneHotFractions(landCover), sandPercent, clayPercent, organicFraction };
}
