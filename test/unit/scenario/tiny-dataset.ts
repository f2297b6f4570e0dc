/** Test fixture: a real InMemoryDataset of 2 cells and 4 days (30 Jan - 2 Feb 2001) with hand-picked forcing. */
import { InMemoryDataset } from '../../../main/data/store/in-memory-dataset.ts';
import { FORCING_NAMES, type ForcingName } from '../../../main/data/dataset.ts';

// two cells, four days: 2001-01-30, 01-31, 02-01 (a February day), 02-02
export const DAYS = 4;
const CELLS = 2;
function series(perDayCell: (d: number, c: number) => number): Float32Array {
  return Float32Array.from({ length: DAYS * CELLS }, (_, i) => perDayCell(Math.floor(i / CELLS), i % CELLS));
}
export const base: Record<ForcingName, Float32Array> = {
  Rainf: series((d, c) => (d + 1) * (c + 1)), // 1 2 / 2 4 / 3 6 / 4 8 mm
  Tair: series((_, c) => (c === 0 ? 293.15 : 268.15)),
  PSurf: series((_, c) => (c === 0 ? 100000 : 75000)),
  Qair: series((_, c) => (c === 0 ? 0.008 : 0.003)),
  LWdown: series(() => 300),
  SWdown: series((d) => 100 + d),
  Wind: series(() => 3),
};
export const ds = new InMemoryDataset({
  id: 'tiny', source: 'test', grid: { ncols: 2, nrows: 1, lon0: -108, latTop: 40, cellSize: 0.125 },
  startDate: '2001-01-30', dayCount: DAYS, mask: new Uint8Array([1, 1]),
  staticLayers: { elevation: new Float32Array(2), landCover: new Uint8Array([10, 7]), sandPercent: new Float32Array(2), clayPercent: new Float32Array(2), organicFraction: new Float32Array(2) },
  basin: { type: 'Polygon', coordinates: [[[-108.1, 39.9], [-107.8, 39.9], [-107.8, 40.1], [-108.1, 39.9]]] },
  subbasins: [], splits: { train: { start: 0, end: 2 }, validate: { start: 2, end: 3 }, test: { start: 3, end: 4 } },
  normalization: { forcing: Object.fromEntries(FORCING_NAMES.map((n) => [n, { mean: 0, std: 1 }])) as never, lai: { mean: 0, std: 1 } },
  forcing: base, observations: { dayIndex: new Int32Array(0), values: new Float32Array(0) },
  trueLai: new Float32Array(DAYS * CELLS),
});

