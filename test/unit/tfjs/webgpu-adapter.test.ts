/** Which WebGPU adapters the automatic backend choice treats as software (main/tfjs/webgpu-start.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { softwareAdapterReason } from '../../../main/tfjs/webgpu-start.ts';

const gpu = { vendor: '', architecture: '', device: '', description: '', isFallbackAdapter: false };

test('software rasterizers are recognised by the fallback flag or by name', () => {
  assert.match(softwareAdapterReason({ ...gpu, isFallbackAdapter: true }) ?? '', /fallback/);
  assert.match(softwareAdapterReason({ ...gpu, vendor: 'google', architecture: 'swiftshader' }) ?? '', /'swiftshader' is a software rasterizer/);
  assert.match(softwareAdapterReason({ ...gpu, vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }) ?? '', /llvmpipe/);
  assert.match(softwareAdapterReason({ ...gpu, description: 'Microsoft Basic Render Driver' }) ?? '', /Basic Render/);
});

test('real GPUs are not', () => {
  for (const a of [
    { vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200' },
    { vendor: 'intel', architecture: 'gen-12lp', description: 'Intel(R) UHD Graphics 770' },
    { vendor: 'apple', architecture: 'metal-3', description: 'Apple M2' },
    { vendor: 'amd', architecture: 'rdna-2', description: 'AMD Radeon RX 6700 XT' },
  ]) assert.equal(softwareAdapterReason({ ...gpu, ...a }), undefined, a.description);
});
