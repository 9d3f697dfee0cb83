#!/usr/bin/env bash
# Installs what is missing on a Debian 12 machine (apt-get), configures and
# builds mixc into build/. Safe to run again: it only installs missing
# packages and rebuilds what changed. Used by scripts/demo.sh and
# scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  cmake ninja-build g++ python3 ccache
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  libxgboost-dev libonnx-dev libonnx-testdata python3-onnx
  libprotobuf-dev protobuf-compiler googletest libgtest-dev
  clang libclang-rt-14-dev
)

missing=()
for package in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "== installing: ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [[ ! -f build/build.ninja ]]; then
  echo "== configuring build/"
  cmake -G Ninja -S . -B build -DCMAKE_BUILD_TYPE=Release
fi
echo "== building"
start=$(date +%s)
cmake --build build
echo "== built in $(( $(date +%s) - start )) s"
