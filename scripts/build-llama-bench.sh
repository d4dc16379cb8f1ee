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
  cmake -S "$dest" -B "$dest/build" -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=ON -DLLAMA_CURL=OFF \
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF >/dev/null
  cmake --build "$dest/build" --target llama-bench llama-batched-bench -j "$(nproc)" >/dev/null
fi
realpath "$bin"
