/**
 * The wasm backend fixes every model installs before running (idempotent, cheap to call):
 * faster Slice / SplitV / Unpack kernels and a BatchMatMul gradient without transposed matMuls.
 * Both keep tfjs semantics; see the two modules for the measurements behind them.
 */
import { installWasmFastKernels } from './wasm-fast-kernels.ts';
import { installWasmMatMulGradient } from './wasm-matmul-grad.ts';

export function installWasmSpeedups(): void {
  installWasmMatMulGradient();
  installWasmFastKernels();
}
