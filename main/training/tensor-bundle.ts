/**
 * A single-file container for named float32 / int32 arrays (model weights, optimizer moments):
 *   8 bytes magic 'VDTB0001' | uint32 LE header length | JSON header | 8-byte aligned raw data.
 * One file per checkpoint means one atomic rename commits a whole consistent snapshot.
 *
 * A float32 array may instead be stored as its difference from a base array the reader has anyway
 * (a model's seeded initial weights: weight-delta.ts), quantised to 8 bits per value with one
 * affine step per column (last axis) and deflated. The shipped pretrained LSTM needs this: its
 * basin-wide input kernel barely moves from its initial values, so the difference takes ~1.5 MB
 * where the float32 kernel takes 22 MB, at an error far below what training changed.
 */
import { createHash } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';

export interface NamedArray {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array;
  /**
   * decoded only: `data` is the difference from the base array whose SHA-256 (of its float32
   * bytes) is `baseSha256`; the reader adds it to that base (trainer.ts assignModel)
   */
  readonly deltaFrom?: { readonly sha256: string };
}

/** How to write one array: as is, or as a quantised difference from `base` (same length). */
export interface DeltaEncoding {
  readonly base: Float32Array;
}

interface DeltaHeader { sha256: string; columns: number; min: number[]; step: number[] }
interface HeaderEntry { name: string; shape: number[]; dtype: 'float32' | 'int32'; offset: number; length: number; byteLength?: number; delta?: DeltaHeader }

const MAGIC = 'VDTB0001';

/** SHA-256 (hex) of a float32 array's bytes: names the base a delta was taken from. */
export function float32Sha256(values: Float32Array): string {
  return createHash('sha256').update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)).digest('hex');
}

/** values - base, quantised per column (last axis) to 255 steps between the column's min and max, deflated. */
function encodeDelta(values: Float32Array, base: Float32Array, shape: readonly number[], name: string): { bytes: Uint8Array; header: DeltaHeader } {
  if (base.length !== values.length) throw new Error(`bundle: delta base of '${name}' has ${base.length} values, the array ${values.length}`);
  const columns = shape.length ? shape[shape.length - 1]! : 1;
  const rows = values.length / columns;
  const min = new Array<number>(columns).fill(Infinity);
  const max = new Array<number>(columns).fill(-Infinity);
  const diff = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const d = values[i]! - base[i]!;
    diff[i] = d;
    const j = i % columns;
    if (d < min[j]!) min[j] = d;
    if (d > max[j]!) max[j] = d;
  }
  // the step is stored as float32 and applied in float64: encoder and decoder use the same numbers
  const step = min.map((lo, j) => Math.fround((max[j]! - lo) / 255) || 1);
  const codes = new Uint8Array(values.length);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < columns; j++) {
      const i = r * columns + j;
      codes[i] = Math.min(255, Math.max(0, Math.round((diff[i]! - min[j]!) / step[j]!)));
    }
  }
  return { bytes: deflateSync(codes, { level: 9 }), header: { sha256: float32Sha256(base), columns, min, step } };
}

function decodeDelta(bytes: Uint8Array, count: number, h: DeltaHeader, name: string): Float32Array {
  const codes = inflateSync(bytes);
  if (codes.length !== count) throw new Error(`bundle: '${name}' inflates to ${codes.length} values, expected ${count}`);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const j = i % h.columns;
    out[i] = h.min[j]! + h.step[j]! * codes[i]!;
  }
  return out;
}

/**
 * `deltas` names the float32 arrays to store as quantised differences from a base (see the file
 * comment); all others are stored exactly.
 */
export function encodeBundle(arrays: readonly NamedArray[], meta: unknown = {}, deltas: ReadonlyMap<string, DeltaEncoding> = new Map()): Uint8Array {
  const entries: HeaderEntry[] = [];
  const blobs: Uint8Array[] = [];
  let offset = 0;
  for (const a of arrays) {
    const count = a.shape.reduce((x, y) => x * y, 1);
    if (count !== a.data.length) throw new Error(`bundle: '${a.name}' has ${a.data.length} values for shape [${a.shape}]`);
    const dtype = a.data instanceof Int32Array ? 'int32' : 'float32';
    const delta = deltas.get(a.name);
    let blob: Uint8Array;
    let entry: HeaderEntry;
    if (delta) {
      if (!(a.data instanceof Float32Array)) throw new Error(`bundle: '${a.name}' is int32; only float32 arrays can be stored as a delta`);
      const enc = encodeDelta(a.data, delta.base, a.shape, a.name);
      blob = enc.bytes;
      entry = { name: a.name, shape: [...a.shape], dtype, offset, length: a.data.length, byteLength: blob.length, delta: enc.header };
    } else {
      blob = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
      entry = { name: a.name, shape: [...a.shape], dtype, offset, length: a.data.length };
    }
    entries.push(entry);
    blobs.push(blob);
    // 4-byte alignment keeps the exact arrays readable as typed arrays
    offset += Math.ceil(blob.length / 4) * 4;
  }
  const unknown = [...deltas.keys()].filter((n) => !arrays.some((a) => a.name === n));
  if (unknown.length) throw new Error(`bundle: delta asked for arrays that are not in it: ${unknown.join(', ')}`);
  const header = new TextEncoder().encode(JSON.stringify({ entries, meta }));
  const dataStart = Math.ceil((12 + header.length) / 8) * 8;
  const out = new Uint8Array(dataStart + offset);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 12);
  blobs.forEach((b, i) => out.set(b, dataStart + entries[i]!.offset));
  return out;
}

export function decodeBundle(bytes: Uint8Array): { arrays: NamedArray[]; meta: unknown } {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new Error('not a VegDyn tensor bundle (bad magic)');
  }
  const headerLen = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  const { entries, meta } = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLen))) as { entries: HeaderEntry[]; meta: unknown };
  const dataStart = Math.ceil((12 + headerLen) / 8) * 8;
  const arrays = entries.map((e): NamedArray => {
    const start = dataStart + e.offset;
    const byteLength = e.byteLength ?? e.length * 4;
    if (start + byteLength > bytes.length) throw new Error(`bundle truncated at '${e.name}'`);
    if (e.delta) {
      return { name: e.name, shape: e.shape, data: decodeDelta(bytes.subarray(start, start + byteLength), e.length, e.delta, e.name), deltaFrom: { sha256: e.delta.sha256 } };
    }
    // copy into a fresh, aligned buffer (a Node Buffer's slice() is a view into a shared pool)
    const copy = new Uint8Array(e.length * 4);
    copy.set(bytes.subarray(start, start + e.length * 4));
    const data = e.dtype === 'int32' ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer);
    return { name: e.name, shape: e.shape, data };
  });
  return { arrays, meta };
}
