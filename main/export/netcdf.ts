/**
 * CF-1.8 NetCDF4 export of gridded series (e.g. simulated LAI of a run, or any dataset variable over
 * a date range), written with h5wasm the way the dataset store writes (dimension scales, latitude
 * ascending, crs grid mapping, _FillValue), so gdalinfo, xarray and Panoply read it with the right
 * georeference. The file appears atomically.
 */
import h5wasm from 'h5wasm/node';
import type { Dataset as H5Dataset, File as H5File } from 'h5wasm/node';
import { promises as fs } from 'node:fs';
import { cellCount, type GridSpec } from '../data/grid.ts';
import { daysBetween } from '../data/time-axis.ts';
import { FLOAT_FILL, TIME_CALENDAR, TIME_REFERENCE, TIME_UNITS } from '../data/store/cf-conventions.ts';
import { withAtomicPath } from '../project/atomic-write.ts';
import { writeGridCoordinates } from '../data/store/cf-grid-coordinates.ts';

export interface NetcdfSeriesVariable {
  /** variable name in the file (letters, digits, underscore) */
  readonly name: string;
  readonly units: string;
  readonly longName: string;
  readonly standardName?: string;
  /** [date][cell] in grid.ts layout (row 0 north); NaN = missing */
  readonly data: Float32Array;
  /** e.g. 'time: mean' */
  readonly cellMethods?: string;
  /** further variable attributes (ASCII text; integers are written as int, other numbers as double) */
  readonly attributes?: Readonly<Record<string, string | number>>;
}

export interface NetcdfSeriesExport {
  readonly grid: GridSpec;
  /** ISO dates, strictly ascending (need not be daily) */
  readonly dates: readonly string[];
  readonly variables: readonly NetcdfSeriesVariable[];
  /** clip mask: cells where it is 0 are written as missing */
  readonly mask?: Uint8Array;
  /** global attributes (title, source, history ...); ASCII */
  readonly attributes?: Readonly<Record<string, string | number>>;
  /** deflate level 1 on each variable; default true */
  readonly compress?: boolean;
}

function text(obj: H5File | H5Dataset, name: string, value: string): void {
  // fixed-length ASCII strings (NC_CHAR) are what every netCDF reader understands
  const ascii = value.replace(/[^\x20-\x7e\n\t]/g, '?');
  obj.create_attribute(name, ascii, null, `S${Math.max(1, ascii.length)}`);
}

function num(obj: H5File | H5Dataset, name: string, value: number, dtype: '<d' | '<f' | '<i' = '<d'): void {
  obj.create_attribute(name, dtype === '<f' ? Float32Array.of(value) : dtype === '<i' ? Int32Array.of(value) : Float64Array.of(value), null, dtype);
}

export async function writeNetcdfSeries(target: string, spec: NetcdfSeriesExport): Promise<{ path: string; bytes: number }> {
  const { grid, dates, variables } = spec;
  const n = cellCount(grid);
  if (dates.length === 0) throw new Error(`NetCDF export to ${target}: no dates`);
  if (variables.length === 0) throw new Error(`NetCDF export to ${target}: no variables`);
  const days = dates.map((d) => daysBetween(TIME_REFERENCE, d));
  for (let i = 1; i < days.length; i++) if (days[i]! <= days[i - 1]!) throw new Error(`NetCDF export to ${target}: dates must ascend (${dates[i - 1]} then ${dates[i]})`);
  for (const v of variables) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(v.name) || ['time', 'lat', 'lon', 'crs'].includes(v.name)) throw new Error(`NetCDF export to ${target}: invalid variable name '${v.name}'`);
    if (v.data.length !== dates.length * n) throw new Error(`NetCDF export to ${target}: variable ${v.name} has ${v.data.length} values, expected ${dates.length} dates x ${n} cells`);
  }
  if (spec.mask && spec.mask.length !== n) throw new Error(`NetCDF export to ${target}: clip mask has ${spec.mask.length} cells, the grid has ${n}`);
  await h5wasm.ready;
  await withAtomicPath(target, async (tmp) => {
    const f = new h5wasm.File(tmp, 'w');
    try {
      text(f, 'Conventions', 'CF-1.8');
      for (const [k, v] of Object.entries(spec.attributes ?? {})) {
        if (typeof v === 'number') num(f, k, v);
        else text(f, k, v);
      }
      const time = f.create_dataset({ name: 'time', data: Int32Array.from(days) });
      time.make_scale('time');
      text(time, 'standard_name', 'time');
      text(time, 'units', TIME_UNITS);
      text(time, 'calendar', TIME_CALENDAR);
      text(time, 'axis', 'T');
      writeGridCoordinates(f, grid);

      for (const v of variables) {
        const out = new Float32Array(v.data.length);
        for (let t = 0; t < dates.length; t++) {
          for (let r = 0; r < grid.nrows; r++) {
            const src = t * n + r * grid.ncols;
            const dst = t * n + (grid.nrows - 1 - r) * grid.ncols;
            for (let c = 0; c < grid.ncols; c++) {
              const x = v.data[src + c]!;
              out[dst + c] = Number.isNaN(x) || (spec.mask !== undefined && spec.mask[r * grid.ncols + c] === 0) ? FLOAT_FILL : x;
            }
          }
        }
        const ds = f.create_dataset({
          name: v.name, data: out, shape: [dates.length, grid.nrows, grid.ncols],
          chunks: [Math.min(32, dates.length), grid.nrows, grid.ncols],
          ...(spec.compress ?? true ? { compression: 'gzip' as const, compression_opts: 1 } : {}),
        });
        num(ds, '_FillValue', FLOAT_FILL, '<f');
        ds.attach_scale(0, '/time');
        ds.attach_scale(1, '/lat');
        ds.attach_scale(2, '/lon');
        if (v.standardName) text(ds, 'standard_name', v.standardName);
        text(ds, 'long_name', v.longName);
        text(ds, 'units', v.units);
        if (v.cellMethods) text(ds, 'cell_methods', v.cellMethods);
        for (const [k, a] of Object.entries(v.attributes ?? {})) {
          if (typeof a === 'number') num(ds, k, a, Number.isInteger(a) ? '<i' : '<d');
          else text(ds, k, a);
        }
        text(ds, 'grid_mapping', 'crs');
      }
    } finally {
      f.close();
    }
  });
  return { path: target, bytes: (await fs.stat(target)).size };
}
