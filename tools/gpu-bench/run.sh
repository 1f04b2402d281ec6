#!/usr/bin/env bash
# The GPU bench (tools/gpu-bench/gpu-bench.ts): CNN training ms/sample at 128×512 and 256×1024 on tfjs's webgpu
# backend (Dawn) and on PyTorch with CUDA on the same GPU when a python3 with a CUDA torch is there.
# On a machine with a GPU and its driver (Vulkan on Linux: NVIDIA's driver ships its ICD; AMD and Intel via
# Mesa's mesa-vulkan-drivers):
#   tools/gpu-bench/run.sh                       # both models, both sizes, 10 steps each
#   tools/gpu-bench/run.sh --steps 20 --python /opt/venv/bin/python
# Everything after the script name goes to gpu-bench.ts. Installs node_modules with `npm ci` if absent.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -d node_modules/webgpu ]; then npm ci --no-audit --no-fund; fi
if command -v nvidia-smi >/dev/null; then nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true; fi
exec node --import tsx tools/gpu-bench/gpu-bench.ts "$@"
