/**
 * How replies that hold grids travel: Float32Arrays as raw bytes after a small JSON header,
 * instead of JSON arrays of numbers (a 63x54 grid: 13.6 kB instead of ~40 kB of text, and no
 * parsing). Used by web mode's HTTP replies when the client accepts BINARY_MEDIA_TYPE and by the
 * in-process transport; Electron's IPC and MessagePorts carry typed arrays as they are.
 *
 * Layout (little-endian): 'VDB1', u32 header byte length H, H bytes of UTF-8 JSON, zero padding to
 * a multiple of 4, then each array's float32 values in order. In the JSON, the k-th array is
 * {"$f32": k, "length": n}. Imported by the renderer: no Node modules here.
 */

export const BINARY_MEDIA_TYPE = 'application/vnd.vegdyn.binary';
const MAGIC = 0x31424456; // 'VDB1' read as a little-endian u32

const isPlaceholder = (v: unknown): v is { $f32: number; length: number } =>
  typeof v === 'object' && v !== null && typeof (v as { $f32?: unknown }).$f32 === 'number' && Object.keys(v).length === 2;

/** True when `value` holds a Float32Array anywhere (then it needs the binary layout to travel). */
export function holdsFloat32(value: unknown): boolean {
  if (value instanceof Float32Array) return true;
  if (Array.isArray(value)) return value.some(holdsFloat32);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(holdsFloat32);
  return false;
}

export function encodeBinary(value: unknown): Uint8Array {
  const arrays: Float32Array[] = [];
  const header = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Float32Array) {
      arrays.push(v);
      return { $f32: arrays.length - 1, length: v.length };
    }
    return v;
  });
  const text = new TextEncoder().encode(header);
  const start = 8 + Math.ceil(text.length / 4) * 4;
  const bytes = new Uint8Array(start + arrays.reduce((s, a) => s + a.byteLength, 0));
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, text.length, true);
  bytes.set(text, 8);
  let at = start;
  for (const a of arrays) {
    bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  }
  return bytes;
}

export function decodeBinary(buffer: ArrayBuffer | Uint8Array): unknown {
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 8 || view.getUint32(0, true) !== MAGIC) throw new Error('binary reply: bad signature');
  const length = view.getUint32(4, true);
  if (8 + length > bytes.byteLength) throw new Error('binary reply: header runs past the end');
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + length));
  let at = 8 + Math.ceil(length / 4) * 4;
  const arrays: Float32Array[] = [];
  // placeholders come in the order the arrays were written: read each as the parser meets it
  return JSON.parse(header, (_key, v: unknown) => {
    if (!isPlaceholder(v)) return v;
    if (v.$f32 !== arrays.length) throw new Error(`binary reply: array ${v.$f32} out of order`);
    const end = at + v.length * 4;
    if (end > bytes.byteLength) throw new Error(`binary reply: array ${v.$f32} runs past the end`);
    // a copy: aligned, and independent of the reply's buffer
    const a = new Float32Array(v.length);
    new Uint8Array(a.buffer).set(bytes.subarray(at, end));
    at = end;
    arrays.push(a);
    return a;
  });
}

/**
 * JSON-ready copy: NaN -> null, and float32 values rounded to the 7 significant digits they hold
 * (so 273.15 travels as 273.15, not 273.149993896484375).
 */
export function toNullable(values: ArrayLike<number>): (number | null)[] {
  const out = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[i] = Number.isFinite(v) ? (v === 0 ? 0 : Number(v.toPrecision(7))) : null;
  }
  return out;
}

/** JSON.stringify replacer for clients that did not ask for the binary layout: Float32Arrays as toNullable arrays. */
export function float32AsJson(_key: string, v: unknown): unknown {
  return v instanceof Float32Array ? toNullable(v) : v;
}
