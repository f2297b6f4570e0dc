/**
 * Building and checking land-cover class fractions (dataset.ts LandCoverFractions): from the
 * importer's per-class map, as one-hot layers of a majority map (the virtual basin, which has no
 * sub-cell land cover), and the consistency checks the dataset applies on construction.
 */
import type { LandCoverFractions } from './dataset.ts';

/** From the land-cover importer: class -> per-cell fraction, NaN where the majority is 0 (no data). */
export function fractionsFromClassMap(classMap: ReadonlyMap<number, Float32Array>, majority: Uint8Array): LandCoverFractions {
  const cells = majority.length;
  const classes = [...classMap.keys()].sort((a, b) => a - b);
  const values = new Float32Array(classes.length * cells);
  classes.forEach((code, k) => {
    const src = classMap.get(code)!;
    for (let c = 0; c < cells; c++) values[k * cells + c] = majority[c] === 0 ? NaN : src[c]!;
  });
  return { classes, values };
}

/** One layer per class present in `majority`: 1 where the cell is that class, 0 elsewhere, NaN where 0. */
export function oneHotFractions(majority: Uint8Array): LandCoverFractions {
  const cells = majority.length;
  const classes = [...new Set(majority)].filter((c) => c !== 0).sort((a, b) => a - b);
  const values = new Float32Array(classes.length * cells);
  classes.forEach((code, k) => {
    for (let c = 0; c < cells; c++) values[k * cells + c] = majority[c] === 0 ? NaN : majority[c] === code ? 1 : 0;
  });
  return { classes, values };
}

/**
 * Why `fr` cannot belong to a land-cover map of `cells` cells, or undefined when it can: class
 * codes 1..255 ascending, one layer each, fractions in 0..1 summing to 1 where there is land cover
 * and NaN where there is none, and the majority class the largest fraction of its cell.
 */
export function fractionsProblem(fr: LandCoverFractions, landCover: Uint8Array): string | undefined {
  const cells = landCover.length;
  if (fr.values.length !== fr.classes.length * cells) return `${fr.values.length} values for ${fr.classes.length} classes x ${cells} cells`;
  for (let k = 0; k < fr.classes.length; k++) {
    const code = fr.classes[k]!;
    if (!Number.isInteger(code) || code < 1 || code > 255) return `class code ${code} is not in 1..255`;
    if (k > 0 && code <= fr.classes[k - 1]!) return 'class codes must ascend without repeats';
  }
  for (let c = 0; c < cells; c++) {
    let sum = 0;
    for (let k = 0; k < fr.classes.length; k++) {
      const v = fr.values[k * cells + c]!;
      if (landCover[c] === 0) {
        if (!Number.isNaN(v)) return `cell ${c} has no land cover but a class ${fr.classes[k]} fraction of ${v}`;
        continue;
      }
      if (!(v >= 0 && v <= 1 + 1e-6)) return `cell ${c} has a class ${fr.classes[k]} fraction of ${v}`;
      sum += v;
    }
    if (landCover[c] === 0) continue;
    // a cell's fractions are ratios of float32 areas: their sum is 1 within rounding
    if (Math.abs(sum - 1) > 1e-4) return `the fractions of cell ${c} sum to ${sum}, not 1`;
    const m = fr.classes.indexOf(landCover[c]!);
    if (m < 0) return `cell ${c} has majority class ${landCover[c]}, which has no fraction layer`;
    const own = fr.values[m * cells + c]!;
    for (let k = 0; k < fr.classes.length; k++) {
      if (fr.values[k * cells + c]! > own + 1e-6) return `cell ${c} has majority class ${landCover[c]} (fraction ${own}) but class ${fr.classes[k]} covers more (${fr.values[k * cells + c]})`;
    }
  }
  return undefined;
}

/**
 * A land-cover import that covers part of the grid: the cells the file classifies take its
 * majority class and fractions, the others keep what they had (their stored fractions, or one-hot
 * layers of their majority in datasets that stored none). The classes are those of both.
 */
export function mergeLandCover(
  old: { readonly landCover: Uint8Array; readonly fractions?: LandCoverFractions | undefined },
  incoming: { readonly landCover: Uint8Array; readonly fractions: LandCoverFractions },
): { landCover: Uint8Array; fractions: LandCoverFractions } {
  const cells = incoming.landCover.length;
  const before = old.fractions ?? oneHotFractions(old.landCover);
  const classes = [...new Set([...before.classes, ...incoming.fractions.classes])].sort((a, b) => a - b);
  const landCover = Uint8Array.from(incoming.landCover, (code, c) => (code !== 0 ? code : old.landCover[c]!));
  const values = new Float32Array(classes.length * cells);
  const layerOf = (fr: LandCoverFractions) => new Map(fr.classes.map((code, k) => [code, k]));
  const oldLayer = layerOf(before);
  const newLayer = layerOf(incoming.fractions);
  classes.forEach((code, k) => {
    const kOld = oldLayer.get(code);
    const kNew = newLayer.get(code);
    for (let c = 0; c < cells; c++) {
      const [fr, layer] = incoming.landCover[c] !== 0 ? [incoming.fractions, kNew] : [before, kOld];
      values[k * cells + c] = landCover[c] === 0 ? NaN : layer === undefined ? 0 : fr.values[layer * cells + c]!;
    }
  });
  return { landCover, fractions: { classes, values } };
}
