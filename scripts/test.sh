#!/usr/bin/env bash
# Builds mixc (installing what is missing) and runs every test through ctest:
# the lit + FileCheck suites and the GoogleTest unit tests. Prints the counts
# and exits non-zero if any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

echo "== running tests"
status=0
rm -f build/test/lit-results.xml build/test/Import/*.summary
ctest --test-dir build --output-on-failure -j "$(nproc)" || status=$?

# ctest runs the whole lit suite as one entry; count lit's own results.
python3 - build/test/lit-results.xml <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print("== lit: no results file"); sys.exit(0)
cases = root.findall(".//testcase")
failed = sum(1 for c in cases if c.find("failure") is not None)
skipped = sum(1 for c in cases if c.find("skipped") is not None)
print(f"== lit: {len(cases) - failed - skipped} passed, {failed} failed, {skipped} unsupported, of {len(cases)}")
PY
unit=$(ctest --test-dir build -N -E '^(lit|onnx-.*)$' | sed -n 's/^Total Tests: //p')
echo "== GoogleTest: ${unit:-0} tests (each a ctest entry above)"
cat build/test/Import/*.summary 2>/dev/null | sed 's/^onnx-backend-test: /== ONNX: /' || true

# The ONNX importer under libFuzzer + AddressSanitizer, for a bounded time.
echo "== fuzzing the ONNX importer (${MIXC_FUZZ_SECONDS:-60} s)"
scripts/fuzz.sh "${MIXC_FUZZ_SECONDS:-60}" || status=1
exit $status
