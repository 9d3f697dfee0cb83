#!/usr/bin/env bash
# GPU correctness of the kernels mixc compiles: every check-* case of
# bench/make_kernels.py (odd shapes that are not multiples of the tiles, every
# dtype and feature, several schedules of each template) is run by mixc-bench
# on seeded random inputs and compared in full with the CPU reference.
#
# usage: compiled-kernels.sh BUILD_DIR KERNELS_DIR [MIXC]
# With MIXC (a full build), the kernels are compiled into KERNELS_DIR first;
# without it (a runtime-only build on a GPU machine), KERNELS_DIR must hold
# them already (bench/make_kernels.py --checks, run where mixc is).
# Exit status 77 (ctest: skipped) without a GPU or without kernels.
set -u -o pipefail

build=$(cd "${1:?usage: compiled-kernels.sh BUILD_DIR KERNELS_DIR [MIXC]}" && pwd) || exit 1
kernels=${2:?usage: compiled-kernels.sh BUILD_DIR KERNELS_DIR [MIXC]}
mixc=${3:-}
root=$(cd "$(dirname "$0")/../../.." && pwd)
python=$(command -v /usr/bin/python3 || command -v python3)

if [ -n "$mixc" ]; then
  rm -rf "$kernels"
  "$python" "$root/bench/make_kernels.py" --checks --mixc "$mixc" "$kernels" ||
    { echo "FAIL: compiling the check kernels"; exit 1; }
fi
shopt -s nullglob
manifests=("$kernels"/*/check-*/*_0.json)
[ ${#manifests[@]} -gt 0 ] ||
  { echo "skipped: no compiled kernels in $kernels (run bench/make_kernels.py --checks where mixc is)"; exit 77; }
echo "${#manifests[@]} compiled kernels in $kernels"
"$build/bin/mixc-bench" "${manifests[@]}" --check=full
status=$?
# mixc-bench exits 2 when there is no GPU or driver.
[ $status -eq 2 ] && { echo "skipped: no GPU to run them on"; exit 77; }
exit $status
