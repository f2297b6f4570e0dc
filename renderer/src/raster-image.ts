/**
 * Turns a grid of values into an RGBA image for the map: a continuous colormap over [min, max]
 * or a categorical palette; missing values and cells outside the active clip are transparent.
 */
import { colormapLut, hexToRgb, type ColormapName } from './colormaps.ts';

export type RasterStyle =
  | { readonly kind: 'continuous'; readonly colormap: ColormapName; readonly min: number; readonly max: number }
  | { readonly kind: 'categorical'; readonly colors: ReadonlyMap<number, string> };

export function colorize(values: Float32Array, ncols: number, nrows: number, style: RasterStyle, clip: Uint8Array | null): ImageData {
  const img = new ImageData(ncols, nrows);
  const px = img.data;
  if (style.kind === 'continuous') {
    const lut = colormapLut(style.colormap);
    const span = style.max - style.min;
    const scale = span > 0 ? 255 / span : 0;
    for (let c = 0; c < values.length; c++) {
      const v = values[c]!;
      if (Number.isNaN(v) || (clip && !clip[c])) continue;
      let k = Math.round((v - style.min) * scale);
      k = k < 0 ? 0 : k > 255 ? 255 : k;
      const o = c * 4;
      px[o] = lut[k * 3]!;
      px[o + 1] = lut[k * 3 + 1]!;
      px[o + 2] = lut[k * 3 + 2]!;
      px[o + 3] = 255;
    }
  } else {
    const rgb = new Map<number, [number, number, number]>();
    for (const [code, hex] of style.colors) rgb.set(code, hexToRgb(hex));
    for (let c = 0; c < values.length; c++) {
      const v = values[c]!;
      if (Number.isNaN(v) || (clip && !clip[c])) continue;
      const col = rgb.get(Math.round(v));
      if (!col) continue;
      const o = c * 4;
      px[o] = col[0];
      px[o + 1] = col[1];
      px[o + 2] = col[2];
      px[o + 3] = 255;
    }
  }
  return img;
}
