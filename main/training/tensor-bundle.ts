/**
 * A single-file container for named float32 / int32 arrays (model weights, optimizer moments):
 *   8 bytes magic 'VDTB0001' | uint32 LE header length | JSON header | 8-byte aligned raw data.
 * One file per checkpoint means one atomic rename commits a whole consistent snapshot.
 */
export interface NamedArray {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array;
}

interface HeaderEntry { name: string; shape: number[]; dtype: 'float32' | 'int32'; offset: number; length: number }

const MAGIC = 'VDTB0001';

export function encodeBundle(arrays: readonly NamedArray[], meta: unknown = {}): Uint8Array {
  const entries: HeaderEntry[] = [];
  let offset = 0;
  for (const a of arrays) {
    const count = a.shape.reduce((x, y) => x * y, 1);
    if (count !== a.data.length) throw new Error(`bundle: '${a.name}' has ${a.data.length} values for shape [${a.shape}]`);
    entries.push({ name: a.name, shape: [...a.shape], dtype: a.data instanceof Int32Array ? 'int32' : 'float32', offset, length: a.data.length });
    offset += a.data.length * 4;
  }
  const header = new TextEncoder().encode(JSON.stringify({ entries, meta }));
  const dataStart = Math.ceil((12 + header.length) / 8) * 8;
  const out = new Uint8Array(dataStart + offset);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 12);
  arrays.forEach((a, i) => out.set(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength), dataStart + entries[i]!.offset));
  return out;
}

export function decodeBundle(bytes: Uint8Array): { arrays: NamedArray[]; meta: unknown } {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new Error('not a VegDyn tensor bundle (bad magic)');
  }
  const headerLen = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  const { entries, meta } = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLen))) as { entries: HeaderEntry[]; meta: unknown };
  const dataStart = Math.ceil((12 + headerLen) / 8) * 8;
  const arrays = entries.map((e) => {
    const start = dataStart + e.offset;
    if (start + e.length * 4 > bytes.length) throw new Error(`bundle truncated at '${e.name}'`);
    // copy into a fresh, aligned buffer (a Node Buffer's slice() is a view into a shared pool)
    const copy = new Uint8Array(e.length * 4);
    copy.set(bytes.subarray(start, start + e.length * 4));
    const data = e.dtype === 'int32' ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer);
    return { name: e.name, shape: e.shape, data };
  });
  return { arrays, meta };
}
