/**
 * The static attributes of each grid cell that the per-cell parameter network reads
 * (cell-parameter-network.ts), as in differentiable parameter learning (Tsai et al. 2021): the
 * land-cover class fractions, top-soil sand, clay and organic matter, elevation, and the
 * long-term means of the physics forcings over the training period. Each attribute is
 * standardized over the basin cells (data/standardize.ts).
 *
 * Unlike the networks' static channels (which see a missing value as the basin mean), a missing
 * attribute here is an error: the parameters of that cell would be made up. The error says how
 * many basin cells lack which attribute and how to fix it.
 */
import { LAND_COVER_CLASSES, landCoverFraction, type Dataset } from '../../data/dataset.ts';
import { standardizeOverMask } from '../../data/standardize.ts';

export interface StaticAttributes {
  /** attribute names, in column order */
  readonly names: readonly string[];
  /** standardized values [cells][names.length], row-major; 0 outside the basin mask */
  readonly values: Float32Array;
  readonly cells: number;
}

const LAND_COVER_CODES = Object.keys(LAND_COVER_CLASSES).map(Number);

/**
 * @param climateMeans long-term mean per cell of each physics forcing over the training period
 *   (GridPhysicsRunner.climateMeans), in the forcing's units; keyed by forcing name
 */
export function staticAttributes(
  ds: Pick<Dataset, 'staticLayers' | 'grid' | 'mask'>,
  climateMeans: Readonly<Record<string, Float32Array>>,
): StaticAttributes {
  const n = ds.grid.nrows * ds.grid.ncols;
  const s = ds.staticLayers;
  const columns: [string, ArrayLike<number>][] = [];
  for (const code of LAND_COVER_CODES) {
    // datasets written without class fractions: the majority class as a 0/1 fraction
    const fr = landCoverFraction(ds, code) ?? Float32Array.from(s.landCover, (lc) => (lc === 0 ? NaN : lc === code ? 1 : 0));
    columns.push([`land cover fraction ${code} (${LAND_COVER_CLASSES[code as keyof typeof LAND_COVER_CLASSES]})`, fr]);
  }
  columns.push(['sand percent', s.sandPercent], ['clay percent', s.clayPercent], ['organic fraction', s.organicFraction], ['elevation', s.elevation]);
  for (const [name, v] of Object.entries(climateMeans)) columns.push([`training-period mean ${name}`, v]);
  checkComplete(columns, ds.mask, s.landCover);
  const values = new Float32Array(n * columns.length);
  columns.forEach(([, v], j) => {
    const z = standardizeOverMask(v, ds.mask);
    for (let c = 0; c < n; c++) values[c * columns.length + j] = z[c]!;
  });
  return { names: columns.map(([name]) => name), values, cells: n };
}

/** Throws, listing every attribute missing in some basin cells, with counts, examples and the fix. */
function checkComplete(columns: readonly [string, ArrayLike<number>][], mask: ArrayLike<number>, landCover: ArrayLike<number>): void {
  let basin = 0;
  for (let c = 0; c < mask.length; c++) if (mask[c]) basin++;
  const problems: string[] = [];
  const report = (name: string, missing: number[]) => {
    if (missing.length) problems.push(`${name}: missing in ${missing.length} of ${basin} basin cells (cells ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''})`);
  };
  const unclassified: number[] = [];
  for (let c = 0; c < mask.length; c++) if (mask[c] && landCover[c] === 0) unclassified.push(c);
  report('land cover', unclassified);
  for (const [name, v] of columns) {
    if (name.startsWith('land cover fraction')) continue; // NaN exactly where unclassified: reported once above
    const missing: number[] = [];
    for (let c = 0; c < mask.length; c++) if (mask[c] && !Number.isFinite(v[c]!)) missing.push(c);
    report(name, missing);
  }
  if (problems.length) {
    throw new Error(
      `parameterization 'per-cell-network' needs every static attribute in every basin cell, but\n  ${problems.join('\n  ')}\n` +
        `Import soil, land cover and elevation layers that cover the whole basin, or use parameterization 'per-pft'.`,
    );
  }
}
