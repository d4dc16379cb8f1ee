#!/usr/bin/env bash
# Builds llama.cpp's llama-bench and llama-batched-bench (CPU) from the source node-llama-cpp ships
# (node_modules/node-llama-cpp/llama/gitRelease.bundle), offline, into .tokenwatt/llama.cpp.
# Prints the path of llama-bench on its last line (llama-batched-bench is beside it). Re-running
# reuses the build.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=".tokenwatt/llama.cpp"
bin="$dest/build/bin/llama-bench"
if [ ! -x "$bin" ] || [ ! -x "$dest/build/bin/llama-batched-bench" ]; then
  if [ ! -d "$dest/.git" ]; then
    rm -rf "$dest"
    git clone -q node_modules/node-llama-cpp/llama/gitRelease.bundle "$dest"
  fi
  # The CPU's instruction sets. -march=native (GGML_NATIVE) enables everything cpuid names, AMX
  # included: on this project's Firecracker VMs (Sapphire Rapids, /proc/cpuinfo listing amx_tile) a
  # llama-bench built so, or with GGML_AMX_INT8 alone, died of SIGILL (node-llama-cpp's prebuilt
  # binary, whose CPU variants are loaded at run time, uses AMX there). On Linux x86 the build enables
  # what /proc/cpuinfo lists, AMX left out; elsewhere, native. Without AMX its Q4_0 and Q8_0 matrix
  # products are slower than the prebuilt binary's on such a CPU: compare F16 files there
  # (docs/measuring.md, "Decode without sampling").
  cpu_opts=(-DGGML_NATIVE=ON)
  if [ "$(uname -s)" = Linux ] && [ "$(uname -m)" = x86_64 ]; then
    flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
    has() { for f in "$@"; do case "$flags" in *" $f "*) ;; *) return 1 ;; esac; done; }
    on() { if has "${@:2}"; then echo "-D$1=ON"; else echo "-D$1=OFF"; fi; }
    # ggml's AVX512 build uses F, CD, VL, DQ and BW.
    cpu_opts=(-DGGML_NATIVE=OFF "$(on GGML_SSE42 sse4_2)" "$(on GGML_AVX avx)" "$(on GGML_AVX2 avx2)" "$(on GGML_FMA fma)"
      "$(on GGML_F16C f16c)" "$(on GGML_BMI2 bmi2)" "$(on GGML_AVX_VNNI avx_vnni)" "$(on GGML_AVX512 avx512f avx512cd avx512vl avx512dq avx512bw)"
      "$(on GGML_AVX512_VBMI avx512vbmi)" "$(on GGML_AVX512_VNNI avx512_vnni)" "$(on GGML_AVX512_BF16 avx512_bf16)"
      -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF)
  fi
  cmake -S "$dest" -B "$dest/build" -DCMAKE_BUILD_TYPE=Release "${cpu_opts[@]}" -DLLAMA_CURL=OFF \
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF >/dev/null
  cmake --build "$dest/build" --target llama-bench llama-batched-bench -j "$(nproc)" >/dev/null
fi
realpath "$bin"
