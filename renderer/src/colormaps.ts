/**
 * Colorblind-safe colormaps as 256-entry RGB lookup tables, built by linear interpolation of
 * published anchor colours: viridis and cividis (matplotlib, sequential), BrBG and RdBu
 * (ColorBrewer, diverging; brown/red = lower, green/blue = higher), and the Okabe-Ito palette
 * for categories.
 */
export type ColormapName = 'viridis' | 'cividis' | 'brbg' | 'rdbu';

const ANCHORS: Readonly<Record<ColormapName, readonly string[]>> = {
  viridis: ['#440154', '#482475', '#414487', '#355f8d', '#2a788e', '#21918c', '#22a884', '#44bf70', '#7ad151', '#bddf26', '#fde725'],
  cividis: ['#00224e', '#123570', '#3b496c', '#575d6d', '#707173', '#8a8779', '#a69d75', '#c4b56c', '#e4cf5b', '#fee838'],
  brbg: ['#543005', '#8c510a', '#bf812d', '#dfc27d', '#f6e8c3', '#f5f5f5', '#c7eae5', '#80cdc1', '#35978f', '#01665e', '#003c30'],
  rdbu: ['#67001f', '#b2182b', '#d6604d', '#f4a582', '#fddbc7', '#f7f7f7', '#d1e5f0', '#92c5de', '#4393c3', '#2166ac', '#053061'],
};

export const COLORMAP_LABELS: Readonly<Record<ColormapName, string>> = {
  viridis: 'viridis (sequential)',
  cividis: 'cividis (sequential)',
  brbg: 'BrBG (diverging)',
  rdbu: 'RdBu (diverging)',
};

/** Okabe-Ito colours, safe for the common colour-vision deficiencies. */
export const CATEGORY_COLORS: readonly string[] = ['#009E73', '#0072B2', '#E69F00', '#F0E442', '#CC79A7', '#999999', '#56B4E9', '#D55E00', '#000000'];

export function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

const cache = new Map<ColormapName, Uint8Array>();

/** 256 x RGB lookup table (768 bytes) of a colormap. */
export function colormapLut(name: ColormapName): Uint8Array {
  const hit = cache.get(name);
  if (hit) return hit;
  const stops = ANCHORS[name].map(hexToRgb);
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * (stops.length - 1);
    const k = Math.min(stops.length - 2, Math.floor(t));
    const f = t - k;
    const a = stops[k]!;
    const b = stops[k + 1]!;
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = Math.round(a[c]! + (b[c]! - a[c]!) * f);
  }
  cache.set(name, lut);
  return lut;
}

/** CSS linear-gradient stops of a colormap, left = low. */
export function colormapCss(name: ColormapName): string {
  const stops = ANCHORS[name];
  return `linear-gradient(to right, ${stops.map((c, i) => `${c} ${((i / (stops.length - 1)) * 100).toFixed(1)}%`).join(', ')})`;
}
