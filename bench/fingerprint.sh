#!/usr/bin/env bash
# The fingerprint of what BENCHMARKS.md measures: the emitter, the formatting cache, the IR
# (its Debug form keys the cache) and the runtime copied into every crate (a change to any of
# them can change a figure).
#
#   bash bench/fingerprint.sh           # prints it (bench/run.sh records it in its table)
#   bash bench/fingerprint.sh --check   # fails when BENCHMARKS.md records another one
set -euo pipefail
cd "$(dirname "$0")/.."
SOURCES=(codegen/src/emit codegen/src/cache.rs codegen/src/ir.rs codegen/runtime/src)
fingerprint=$(find "${SOURCES[@]}" -type f -name '*.rs' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
if [ "${1:-}" != "--check" ]; then
  echo "$fingerprint"
  exit 0
fi
recorded=$(sed -n 's/.*measured sources: `\([0-9a-f]*\)`.*/\1/p' BENCHMARKS.md | head -1)
if [ "$recorded" != "$fingerprint" ]; then
  echo "BENCHMARKS.md is stale: it was measured on sources ${recorded:-(none recorded)}, the emitter," >&2
  echo "the cache or the runtime are now $fingerprint (${SOURCES[*]})." >&2
  echo "Rerun \`bash bench/run.sh\` and copy target/bench/table.md into BENCHMARKS.md." >&2
  exit 1
fi
echo "BENCHMARKS.md measures the current sources ($fingerprint)"
