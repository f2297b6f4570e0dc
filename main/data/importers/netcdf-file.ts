/**
 * A small read-only view of a NetCDF file, whatever its on-disk format: NetCDF4 (HDF5, read with
 * h5wasm) or NetCDF3 classic / 64-bit offset (read with netcdfjs). Values come back raw (packed,
 * fill values in place); CF decoding is cf-decode.ts's job.
 */
import { promises as fs } from 'node:fs';
import { probeHdf5 } from './hdf5-probe.ts';
import { ImportError, guardFile, guardFileSync } from './errors.ts';

export type AttrValue = string | number | readonly number[];

export interface NcVariable {
  readonly name: string;
  readonly dims: readonly string[];
  readonly shape: readonly number[];
  readonly attrs: Readonly<Record<string, AttrValue>>;
}

export interface NcFile {
  readonly path: string;
  /** grib*: a GRIB file seen through grib-file.ts (one variable per field, on one time axis) */
  readonly format: 'netcdf4' | 'netcdf3-classic' | 'netcdf3-64bit-offset' | 'grib1' | 'grib2' | 'grib';
  readonly variables: readonly NcVariable[];
  readonly globalAttrs: Readonly<Record<string, AttrValue>>;
  variable(name: string): NcVariable | undefined;
  /** all values of a variable, raw, row-major over its dims */
  read(name: string): Float64Array;
  /**
   * A hyperslab [start, start+count) per dimension. NetCDF4 reads only that part; NetCDF3 reads the
   * variable once and slices (netcdfjs cannot read parts).
   */
  readSlab(name: string, start: readonly number[], count: readonly number[]): Float64Array;
  close(): void;
}

/** Variables larger than this are refused: a corrupt header must not make us allocate gigabytes. */
const MAX_ELEMENTS = 2 ** 28;

export async function openNetcdf(path: string): Promise<NcFile> {
  let head: Buffer;
  try {
    const fh = await fs.open(path, 'r');
    try {
      head = Buffer.alloc(8);
      await fh.read(head, 0, 8, 0);
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw new ImportError(path, `cannot be read (${err instanceof Error ? err.message : String(err)})`);
  }
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]))) return openHdf5(path);
  if (head.subarray(0, 3).toString('latin1') === 'CDF') {
    const v = head[3];
    if (v === 1 || v === 2) return openNetcdf3(path, v === 1 ? 'netcdf3-classic' : 'netcdf3-64bit-offset');
    if (v === 5) throw new ImportError(path, 'is NetCDF3 CDF-5 (64-bit data), which is not supported: convert it to NetCDF4 (nccopy -k nc4) or classic');
  }
  throw new ImportError(path, `is not a NetCDF file (expected the signature of NetCDF4/HDF5 or NetCDF3 'CDF\\x01'/'CDF\\x02', found bytes ${[...head.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ')})`);
}

function checkSize(path: string, name: string, shape: readonly number[]): number {
  const n = shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(n) || n > MAX_ELEMENTS) throw new ImportError(path, `has an implausible shape [${shape.join(', ')}] (${n} values)`, name);
  return n;
}

function toFloat64(data: unknown, path: string, name: string): Float64Array {
  if (data instanceof Float64Array) return data;
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    // a native element-wise copy for number arrays (forcing slabs are tens of MB); 64-bit integers need Number()
    if (!(data instanceof BigInt64Array) && !(data instanceof BigUint64Array)) return new Float64Array(data as unknown as ArrayLike<number>);
    const src = data as unknown as ArrayLike<bigint>;
    const out = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) out[i] = Number(src[i]);
    return out;
  }
  if (Array.isArray(data)) return Float64Array.from(data.flat(Infinity) as number[], Number);
  if (typeof data === 'number') return Float64Array.of(data);
  throw new ImportError(path, 'holds values that are not numbers', name);
}

function slice(all: Float64Array, shape: readonly number[], start: readonly number[], count: readonly number[]): Float64Array {
  const out = new Float64Array(count.reduce((a, b) => a * b, 1));
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const idx = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let off = 0;
    for (let d = 0; d < shape.length; d++) off += (start[d]! + idx[d]!) * strides[d]!;
    out[o] = all[off]!;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < count[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

// ---------------------------------------------------------------- NetCDF4 (HDF5) via h5wasm

type H5Module = typeof import('h5wasm/node');
let h5: Promise<H5Module['default']> | undefined;
async function h5wasm(): Promise<H5Module['default']> {
  h5 ??= import('h5wasm/node').then(async (m) => {
    await m.default.ready;
    return m.default;
  });
  return h5;
}

function attrValue(v: unknown): AttrValue | undefined {
  if (typeof v === 'string') return v.replace(/\0+$/, '');
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const arr = Array.from(v as unknown as ArrayLike<number | bigint>, Number);
    return arr.length === 1 ? arr[0]! : arr;
  }
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'string')) return v.join('');
    if (v.every((x) => typeof x === 'number')) return v.length === 1 ? (v[0] as number) : (v as number[]);
  }
  return undefined;
}

async function openHdf5(path: string): Promise<NcFile> {
  await probeHdf5(path);
  const lib = await h5wasm();
  return guardFile(path, 'reading the NetCDF4/HDF5 structure', () => {
    const file = new lib.File(path, 'r');
    try {
      // Dimension names come from netCDF-4's own bookkeeping (_Netcdf4Dimid on dimension datasets,
      // _Netcdf4Coordinates on variables), else from matching axis lengths to 1-D coordinate
      // variables. h5wasm's get_attached_scales is not used: on a corrupt DIMENSION_LIST it can
      // loop forever inside the wasm module, where no timeout can reach it.
      interface Raw { key: string; obj: InstanceType<typeof lib.Dataset>; shape: number[]; attrs: Record<string, AttrValue>; dimid?: number; coords?: number[] }
      const raws: Raw[] = [];
      const dimNames = new Map<number, string>();
      for (const key of file.keys()) {
        const obj = file.get(key);
        if (!(obj instanceof lib.Dataset)) continue;
        const shape = obj.shape ?? [];
        const attrs: Record<string, AttrValue> = {};
        let dimid: number | undefined;
        let coords: number[] | undefined;
        let placeholder = false;
        for (const [an, a] of Object.entries(obj.attrs)) {
          if (an === 'DIMENSION_LIST' || an === 'REFERENCE_LIST' || an === 'CLASS') continue;
          const v = attrValue(a.value);
          if (an === '_Netcdf4Dimid' && typeof v === 'number') dimid = v;
          else if (an === '_Netcdf4Coordinates') coords = typeof v === 'number' ? [v] : Array.isArray(v) ? [...(v as number[])] : undefined;
          else if (an === 'NAME') placeholder = typeof v === 'string' && v.startsWith('This is a netCDF dimension but not a netCDF variable');
          else if (v !== undefined && !an.startsWith('_Netcdf4')) attrs[an] = v;
        }
        if (dimid !== undefined && shape.length === 1) dimNames.set(dimid, key);
        // a dimension without a coordinate variable is stored as a placeholder dataset
        if (placeholder) continue;
        raws.push({ key, obj, shape, attrs, ...(dimid !== undefined ? { dimid } : {}), ...(coords ? { coords } : {}) });
      }
      const oneD = raws.filter((r) => r.shape.length === 1);
      const variables: NcVariable[] = [];
      const datasets = new Map<string, InstanceType<typeof lib.Dataset>>();
      for (const r of raws) {
        const dims = r.shape.map((len, i) => {
          if (r.shape.length === 1 && (r.dimid !== undefined || oneD.filter((o) => o.shape[0] === len).length >= 1)) return r.key;
          const id = r.coords?.[i];
          if (id !== undefined && dimNames.has(id)) return dimNames.get(id)!;
          const same = oneD.filter((o) => o.shape[0] === len);
          if (same.length === 1) return same[0]!.key;
          return `dim${i}_${len}`;
        });
        variables.push({ name: r.key, dims, shape: r.shape, attrs: r.attrs });
        datasets.set(r.key, r.obj);
      }
      const globalAttrs: Record<string, AttrValue> = {};
      for (const [an, a] of Object.entries(file.attrs)) {
        const v = attrValue(a.value);
        if (v !== undefined && !an.startsWith('_')) globalAttrs[an] = v;
      }
      const byName = new Map(variables.map((v) => [v.name, v]));
      const need = (name: string) => {
        const v = byName.get(name);
        const d = datasets.get(name);
        if (!v || !d) throw new ImportError(path, 'is not in the file', name);
        return { v, d };
      };
      return {
        path,
        format: 'netcdf4',
        variables,
        globalAttrs,
        variable: (name) => byName.get(name),
        read(name) {
          const { v, d } = need(name);
          checkSize(path, name, v.shape);
          return guardFileSync(path, 'reading values', () => toFloat64(d.value, path, name), name);
        },
        readSlab(name, start, count) {
          const { v, d } = need(name);
          checkSize(path, name, count);
          if (v.shape.length === 0) return guardFileSync(path, 'reading values', () => toFloat64(d.value, path, name), name);
          return guardFileSync(path, 'reading values', () => toFloat64(d.slice(start.map((s, i) => [s, s + count[i]!])), path, name), name);
        },
        close: () => file.close(),
      } satisfies NcFile;
    } catch (err) {
      try { file.close(); } catch { /* already failing */ }
      throw err;
    }
  });
}

// ---------------------------------------------------------------- NetCDF3 via netcdfjs

async function openNetcdf3(path: string, format: 'netcdf3-classic' | 'netcdf3-64bit-offset'): Promise<NcFile> {
  const { NetCDFReader } = await import('netcdfjs');
  const buf = await fs.readFile(path);
  return guardFile(path, 'reading the NetCDF3 header', () => {
    const reader = new NetCDFReader(buf);
    const dimNames = reader.dimensions.map((d) => d.name);
    const recordDim = reader.recordDimension as { id?: number; length?: number } | undefined;
    const dimSize = (id: number): number => {
      const d = reader.dimensions[id];
      if (!d) throw new ImportError(path, `refers to dimension #${id}, which does not exist`);
      // the record (unlimited) dimension has size 0 in the header; its length is numrecs
      return recordDim && recordDim.id === id ? (recordDim.length ?? 0) : d.size;
    };
    const variables: NcVariable[] = reader.variables.map((v) => {
      const attrs: Record<string, AttrValue> = {};
      // netcdfjs types variable attributes as an empty tuple; they are Attribute objects
      for (const a of v.attributes as unknown as { name: string; value: unknown }[]) {
        const val = attrValue(a.value);
        if (val !== undefined) attrs[a.name] = val;
      }
      const dims = v.dimensions.map((id) => dimNames[id] ?? `dim${id}`);
      return { name: v.name, dims, shape: v.dimensions.map(dimSize), attrs };
    });
    // uncompressed data must fit in the file: a corrupt header claiming more is refused up front
    for (const v of variables) {
      const n = checkSize(path, v.name, v.shape);
      if (n > buf.length) throw new ImportError(path, `claims ${n} values of shape [${v.shape.join(', ')}] in a file of ${buf.length} bytes (truncated or corrupt)`, v.name);
    }
    const globalAttrs: Record<string, AttrValue> = {};
    for (const a of reader.globalAttributes) {
      const val = attrValue(a.value);
      if (val !== undefined) globalAttrs[a.name] = val;
    }
    const byName = new Map(variables.map((v) => [v.name, v]));
    const cache = new Map<string, Float64Array>();
    const readAll = (name: string): Float64Array => {
      const v = byName.get(name);
      if (!v) throw new ImportError(path, 'is not in the file', name);
      let data = cache.get(name);
      if (!data) {
        data = guardFileSync(path, 'reading values', () => toFloat64(reader.getDataVariable(name) as unknown, path, name), name);
        const expected = v.shape.reduce((a, b) => a * b, 1);
        if (data.length !== expected) throw new ImportError(path, `holds ${data.length} values, its shape [${v.shape.join(', ')}] needs ${expected} (truncated or corrupt)`, name);
        cache.set(name, data);
      }
      return data;
    };
    return {
      path,
      format,
      variables,
      globalAttrs,
      variable: (name) => byName.get(name),
      read: readAll,
      readSlab(name, start, count) {
        const v = byName.get(name)!;
        const all = readAll(name);
        return v.shape.length === 0 ? all : slice(all, v.shape, start, count);
      },
      close: () => cache.clear(),
    } satisfies NcFile;
  });
}
