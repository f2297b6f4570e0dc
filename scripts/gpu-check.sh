#!/usr/bin/env bash
# GPU check of the webgpu backend (issue #16), for a machine with a GPU: webgpu against PyTorch
# CUDA on the same GPU, in under 8 minutes.
#   - ConvLSTM training at paper size (63 x 54, 8 channels, hidden 64): ms/day on webgpu and in
#     PyTorch CUDA, and the throughput ratio (target >= 1.0x);
#   - 36-year inference of the LSTM, ConvLSTM and physics-encoded ConvLSTM on webgpu (target < 30 s).
# It installs what it lacks: the Vulkan loader (Debian: libvulkan1) when run as root, the optional
# npm packages webgpu + @tensorflow/tfjs-backend-webgpu, and PyTorch with CUDA (Debian's
# python3-torch-cuda where it exists, else pip into .gpu-check-venv). Without PyTorch CUDA it still
# prints the webgpu figures and says why the ratio is missing.
# On a machine without a GPU (or with only a software adapter: SwiftShader, llvmpipe) it stops at
# once with "gpu-check: no GPU: <why>" and exit status 2.
# Usage: scripts/gpu-check.sh            (GPU_CHECK_SECONDS: the time limit, default 470)
set -euo pipefail
cd "$(dirname "$0")/.."
LIMIT=${GPU_CHECK_SECONDS:-470}
log() { printf 'gpu-check: %s\n' "$*" >&2; }
no_gpu() { printf 'gpu-check: no GPU: %s\n' "$*"; exit 2; }
left() { echo $((LIMIT - SECONDS)); }

# 1. Is there a GPU at all? (cheap, before installing anything)
gpu_hint=""
if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L 2>/dev/null | grep -q '^GPU '; then
  gpu_hint="$(nvidia-smi -L | head -1)"
elif compgen -G '/dev/dri/renderD*' >/dev/null; then
  gpu_hint="DRM render node $(compgen -G '/dev/dri/renderD*' | head -1)"
elif [ "$(uname -s)" = Darwin ]; then
  gpu_hint="macOS (Metal)"
fi
[ -n "$gpu_hint" ] || no_gpu "no NVIDIA GPU (nvidia-smi), no /dev/dri render node and not macOS; nothing for WebGPU to run on"
log "GPU: $gpu_hint"

# 2. The Vulkan loader Dawn needs on Linux
if [ "$(uname -s)" = Linux ] && ! ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1'; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing libvulkan1 (Debian)"
    apt-get install -y -q libvulkan1 >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q libvulkan1 >/dev/null; }
  else
    no_gpu "libvulkan.so.1 (the Vulkan loader) is missing and this is not root with apt-get: install libvulkan1"
  fi
fi

# 3. The optional npm packages
[ -d node_modules ] || { log "npm ci"; npm ci --no-audit --no-fund >/dev/null; }
if ! node -e "require.resolve('webgpu/package.json'); require.resolve('@tensorflow/tfjs-backend-webgpu/package.json')" 2>/dev/null; then
  log "installing webgpu@0.6.2 @tensorflow/tfjs-backend-webgpu@4.22.0"
  npm install --no-save --no-audit --no-fund webgpu@0.6.2 @tensorflow/tfjs-backend-webgpu@4.22.0 >/dev/null
fi

# 4. The adapter Dawn offers must be a real GPU
info=$(VEGDYN_BACKEND=webgpu node bin/vegdyn.mjs info --json 2>&1) || no_gpu "the webgpu backend does not start: $(printf '%s' "$info" | tail -1)"
adapter=$(printf '%s' "$info" | node -e '
  let s = ""; process.stdin.on("data", (d) => { s += d; }).on("end", () => {
    const a = JSON.parse(s).backend.webgpuAdapter;
    if (!a) { console.log("NONE no adapter reported"); return; }
    console.log(`${a.software ? "SOFTWARE" : "GPU"} ${a.vendor} ${a.architecture} ${a.description}${a.software ? ` (${a.software})` : ""}`);
  });')
case "$adapter" in
  GPU*) log "webgpu adapter: ${adapter#GPU }" ;;
  *) no_gpu "Dawn offers no hardware adapter: ${adapter#* }" ;;
esac

# 5. PyTorch with CUDA for the comparison
python=""
has_cuda_torch() { "$1" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; }
for p in /usr/bin/python3 .gpu-check-venv/bin/python; do
  if [ -x "$p" ] && has_cuda_torch "$p"; then python=$p; break; fi
done
if [ -z "$python" ] && command -v nvidia-smi >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && apt-cache show python3-torch-cuda >/dev/null 2>&1; then
    log "installing python3-torch-cuda (Debian)"
    timeout "$(( $(left) / 3 ))" apt-get install -y -q python3-torch-cuda >/dev/null || true
    has_cuda_torch /usr/bin/python3 && python=/usr/bin/python3
  fi
  if [ -z "$python" ]; then
    log "installing torch with CUDA into .gpu-check-venv (pip)"
    { python3 -m venv .gpu-check-venv && timeout "$(( $(left) / 3 ))" .gpu-check-venv/bin/pip install -q torch; } >/dev/null 2>&1 || true
    has_cuda_torch .gpu-check-venv/bin/python && python=.gpu-check-venv/bin/python
  fi
fi
if [ -n "$python" ]; then
  export VEGDYN_BENCH_TORCH_DEVICE=cuda VEGDYN_BENCH_PYTHON=$python
  log "PyTorch CUDA: $python"
else
  log "no PyTorch with CUDA could be found or installed: the ratio to PyTorch CUDA is skipped (PyTorch on the CPU instead)"
fi

# 6. The models bench on webgpu, paper size; the wasm memory runs are not part of this check
remaining=$(left)
[ "$remaining" -gt 60 ] || { log "out of time before the bench ($remaining s left)"; exit 1; }
log "bench (at most $remaining s)"
out=$(VEGDYN_BENCH_BACKENDS=webgpu VEGDYN_BENCH_MODELS=conv-lstm,lstm,phys-conv-lstm VEGDYN_BENCH_PAPER_STEP=off \
  timeout "$remaining" node bin/vegdyn.mjs bench --only models 2>&1) || { printf '%s\n' "$out"; log "bench failed or ran out of time"; exit 1; }
printf '%s\n' "$out"
echo
echo "== gpu-check summary ($gpu_hint; ${adapter#GPU }) in ${SECONDS} s"
printf '%s\n' "$out" | grep -E 'train fwd\+bwd|inference, 36 years|PyTorch' || true
