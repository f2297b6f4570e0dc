/**
 * Faster Slice / SplitV / Unpack / Concat / Identity kernels for the tfjs wasm backend.
 *
 * tfjs-backend-wasm 4.22's Slice starts with `backend.readSync(x)`, which COPIES the whole input
 * out of the wasm heap, whatever the slice size; SplitV and Unpack call it once per piece. At
 * ConvLSTM size (a [3402, 576] gradient split into 9) that made one split cost ~30 ms, more
 * than the matMul it feeds. These replacements read the input through a view of the heap (no
 * copy) and copy only the slice, one memmove per contiguous run. Concat is the same in reverse
 * (the stock one made a view per run: 3.0 -> 1.8 ms per day for the ConvLSTM's im2col).
 * Semantics are unchanged (float32 / int32 / bool; strings go to the stock kernel). Installing
 * is global to the wasm backend and idempotent.
 *
 * Identity: tfjs's engine clones (Identity) every tensor a kernel saves for its gradient, and the
 * stock wasm Identity copies the data, where the cpu and webgl backends share it (incRef). Under
 * a gradient tape that was a full copy of every saved activation: ~5 ms per ConvLSTM training day
 * at paper size (tf.profile), and the copies' memory. Tensor data is immutable in tfjs (a
 * variable's assign swaps in a new buffer), so sharing is safe, as on the other backends.
 */
import * as tf from '@tensorflow/tfjs';

/** the parts of tfjs-backend-wasm's BackendWasm these kernels use */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  dataIdMap: { get(dataId: tf.DataId): { memoryOffset: number } };
}

let installed = false;

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

/**
 * copy(srcIndex, dstIndex, n): n elements of src to dst, both tensors on the wasm heap, as one
 * memmove (copyWithin on the heap) per call. A view per run (subarray + set) cost more than the
 * copy for the ConvLSTM's 64-channel runs (~30k of them per day in its im2col gradient).
 */
function heapCopier(backend: WasmBackendLike, src: tf.TensorInfo, dst: tf.TensorInfo): (s: number, d: number, n: number) => void {
  const heap = new Uint8Array(backend.typedArrayFromHeap(src).buffer);
  const bytes = src.dtype === 'bool' ? 1 : 4;
  const s0 = backend.dataIdMap.get(src.dataId).memoryOffset;
  const d0 = backend.dataIdMap.get(dst.dataId).memoryOffset;
  return (s, d, n) => {
    heap.copyWithin(d0 + d * bytes, s0 + s * bytes, s0 + (s + n) * bytes);
  };
}

/** copies x[begin : begin + size] into a new output; x is read through a heap view */
function sliceInto(backend: WasmBackendLike, x: tf.TensorInfo, begin: readonly number[], size: number[]): tf.TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  // the heap is taken after makeOutput: its malloc may grow (and so detach) the buffer
  const copy = heapCopier(backend, x, out);
  const rank = x.shape.length;
  const xs = strides(x.shape);
  // collapse to runs along the innermost axes that are taken whole
  let inner = rank - 1;
  while (inner > 0 && size[inner] === x.shape[inner] && begin[inner] === 0) inner--;
  const run = size.slice(inner).reduce((a, b) => a * b, 1);
  const outer = size.slice(0, inner);
  const total = outer.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(inner).fill(0);
  let o = 0;
  for (let n = 0; n < total; n++) {
    let off = begin[inner]! * xs[inner]!;
    for (let d = 0; d < inner; d++) off += (begin[d]! + idx[d]!) * xs[d]!;
    copy(off, o, run);
    o += run;
    for (let d = inner - 1; d >= 0; d--) {
      if (++idx[d]! < outer[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

function resolveSlice(shape: readonly number[], begin: number | number[], size?: number | number[]): [number[], number[]] {
  const rank = shape.length;
  const b = typeof begin === 'number' ? [begin, ...new Array<number>(rank - 1).fill(0)] : [...begin];
  while (b.length < rank) b.push(0);
  let s: number[];
  if (size == null) s = new Array<number>(rank).fill(-1);
  else if (typeof size === 'number') s = [size, ...new Array<number>(rank - 1).fill(-1)];
  else s = [...size];
  while (s.length < rank) s.push(-1);
  s = s.map((v, i) => (v === -1 ? shape[i]! - b[i]! : v));
  return [b, s];
}

export function installWasmFastKernels(): void {
  if (installed) return;
  const stock = new Map<string, tf.KernelConfig>();
  for (const name of ['Slice', 'SplitV', 'Unpack']) {
    const k = tf.getKernel(name, 'wasm');
    if (!k) return; // wasm backend package not loaded: nothing to speed up
    stock.set(name, k);
  }
  const replace = (config: tf.KernelConfig) => {
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  };
  replace({
    kernelName: 'Slice',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = args.inputs['x'] as tf.TensorInfo;
      if (x.dtype === 'string') return stock.get('Slice')!.kernelFunc(args);
      const { begin, size } = args.attrs as unknown as { begin: number | number[]; size?: number | number[] };
      const [b, s] = resolveSlice(x.shape, begin, size);
      return sliceInto(args.backend as unknown as WasmBackendLike, x, b, s);
    },
  });
  replace({
    kernelName: 'SplitV',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = args.inputs['x'] as tf.TensorInfo;
      if (x.dtype === 'string') return stock.get('SplitV')!.kernelFunc(args);
      const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
      const ax = axis < 0 ? axis + x.shape.length : axis;
      const dim = x.shape[ax]!;
      let sizes: number[];
      if (typeof numOrSizeSplits === 'number') sizes = new Array<number>(numOrSizeSplits).fill(dim / numOrSizeSplits);
      else {
        sizes = [...numOrSizeSplits];
        const neg = sizes.indexOf(-1);
        if (neg >= 0) sizes[neg] = dim - sizes.reduce((a, v) => (v === -1 ? a : a + v), 0);
      }
      const begin = new Array<number>(x.shape.length).fill(0);
      return sizes.map((sz) => {
        const size = [...x.shape];
        size[ax] = sz;
        const out = sliceInto(args.backend as unknown as WasmBackendLike, x, begin, size);
        begin[ax]! += sz;
        return out;
      });
    },
  });
  replace({
    kernelName: 'Unpack',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const value = args.inputs['value'] as tf.TensorInfo;
      if (value.dtype === 'string') return stock.get('Unpack')!.kernelFunc(args);
      let { axis } = args.attrs as unknown as { axis: number };
      if (axis < 0) axis += value.shape.length;
      const outShape = value.shape.filter((_, i) => i !== axis);
      const size = [...value.shape];
      size[axis] = 1;
      const begin = new Array<number>(value.shape.length).fill(0);
      const outs: tf.TensorInfo[] = [];
      for (let i = 0; i < value.shape[axis]!; i++) {
        begin[axis] = i;
        const o = sliceInto(args.backend as unknown as WasmBackendLike, value, begin, size);
        outs.push({ dataId: o.dataId, dtype: o.dtype, shape: outShape });
      }
      return outs;
    },
  });
  const stockConcat = tf.getKernel('Concat', 'wasm');
  if (stockConcat) {
    replace({
      kernelName: 'Concat',
      backendName: 'wasm',
      kernelFunc: (args) => {
        const inputs = Object.values(args.inputs) as tf.TensorInfo[];
        const live = inputs.filter((t) => t.shape.every((d) => d > 0));
        if (live.length < 2 || live[0]!.dtype === 'string') return stockConcat.kernelFunc(args);
        const { axis } = args.attrs as unknown as { axis: number | number[] };
        const a = Array.isArray(axis) ? axis[0]! : axis;
        return concatInto(args.backend as unknown as WasmBackendLike, live, a < 0 ? a + live[0]!.shape.length : a);
      },
    });
  }
  const stockIdentity = tf.getKernel('Identity', 'wasm');
  if (stockIdentity) {
    replace({
      kernelName: 'Identity',
      backendName: 'wasm',
      kernelFunc: (args) => {
        const x = args.inputs['x'] as tf.TensorInfo;
        if (x.dtype === 'string') return stockIdentity.kernelFunc(args);
        (args.backend as unknown as { incRef(dataId: tf.DataId): void }).incRef(x.dataId);
        return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
      },
    });
  }
  installed = true;
}

/** inputs (same dtype, non-empty) concatenated along axis into a new output */
function concatInto(backend: WasmBackendLike, inputs: tf.TensorInfo[], axis: number): tf.TensorInfo {
  const outShape = [...inputs[0]!.shape];
  outShape[axis] = inputs.reduce((sum, t) => sum + t.shape[axis]!, 0);
  const out = backend.makeOutput(outShape, inputs[0]!.dtype);
  const outer = outShape.slice(0, axis).reduce((a, b) => a * b, 1);
  const runs = inputs.map((t) => t.shape.slice(axis).reduce((a, b) => a * b, 1));
  const total = runs.reduce((a, b) => a + b, 0);
  // copiers after makeOutput (its malloc may grow, and so detach, the heap)
  const copies = inputs.map((t) => heapCopier(backend, t, out));
  for (let b = 0; b < outer; b++) {
    let o = b * total;
    for (let i = 0; i < copies.length; i++) {
      copies[i]!(b * runs[i]!, o, runs[i]!);
      o += runs[i]!;
    }
  }
  return out;
}
