#!/usr/bin/env bash
# Runs every benchmark of BENCHMARKS.md and prints one table of ratios, each against a
# baseline measured in the same run. Installs the peer generators itself (into
# target/bench-tools): openapi-generator (PyPI `openapi-generator-cli`, runs on the
# machine's Java) and progenitor (crates.io `cargo-progenitor`).
#
#   bash bench/run.sh            # everything (about 20 minutes on 2 cores, first run)
#   RUNS=5 bash bench/run.sh     # more repetitions of the timed commands (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TOOLS=$ROOT/target/bench-tools
OUT=$ROOT/target/bench
RUNS=${RUNS:-3}
SEED=spec/call-recordings.yml
TELNYX=../shared/corpus/telnyx/spec3.yml
NEXUS=../shared/corpus/progenitor/nexus.json   # OpenAPI 3.0, accepted by every peer
mkdir -p "$TOOLS" "$OUT"
TABLE=$OUT/table.md
: > "$TABLE"
row() { printf '| %s | %s | %s | %s | %s |\n' "$@" | tee -a "$TABLE"; }
ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{a/b:.2f}x' if b>0 else 'n/a')" "$1" "$2"; }

# median wall seconds (ms precision) and peak KB of RUNS runs of a command: sets WALL, RSS
measure() {
  local log=$OUT/time.log; : > "$log"
  for _ in $(seq "$RUNS"); do
    python3 - "$log" "$@" <<'PY' || { WALL=fail; RSS=fail; return 1; }
import subprocess, sys, time
log, cmd = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
done = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", log + ".rss"] + cmd,
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wall = time.perf_counter() - start
rss = open(log + ".rss").read().strip().splitlines()[-1]
open(log, "a").write(f"{wall:.3f} {rss}\n")
sys.exit(done.returncode)
PY
  done
  WALL=$(awk '{print $1}' "$log" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  RSS=$(awk '{print $2}' "$log" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
}

# Telnyx's specs are generated with Telnyx's settings (pagination, error summaries).
cfg_for() { case "$1" in *telnyx*|*call-recordings*) echo "--config $ROOT/spec/codegen.toml";; esac; }

echo "== building the generator and the floor"
cargo build --quiet --release -p codegen --examples
GEN=$ROOT/target/release/codegen
FLOOR=$ROOT/target/release/examples/floor

echo "| benchmark | ours | baseline | ratio | target |" | tee -a "$TABLE"
echo "|---|---|---|---:|---|" | tee -a "$TABLE"

# 1. Generation against the floor (reading the same file into a generic value).
for spec in "$SEED" "$TELNYX"; do
  name=$(basename "$spec")
  measure "$FLOOR" "$spec"; floor_wall=$WALL; floor_rss=$RSS
  measure "$GEN" generate --spec "$spec" --out "$OUT/gen-$name" --standalone $(cfg_for "$spec"); gen_wall=$WALL; gen_rss=$RSS
  row "generate $name: wall time" "${gen_wall} s" "${floor_wall} s (parse to a generic value)" "$(ratio "$gen_wall" "$floor_wall")" "≤ 1.5x for Telnyx"
  row "generate $name: peak memory" "$((gen_rss / 1024)) MB" "$((floor_rss / 1024)) MB" "$(ratio "$gen_rss" "$floor_rss")" "–"
done

# 2. Peers.
echo "== installing peers (once)"
if [ ! -x "$TOOLS/venv/bin/openapi-generator-cli" ]; then
  python3 -m venv "$TOOLS/venv"
  "$TOOLS/venv/bin/pip" install --quiet 'openapi-generator-cli==7.26.0'
fi
if [ ! -x "$TOOLS/bin/cargo-progenitor" ]; then
  cargo install --quiet --locked --root "$TOOLS" cargo-progenitor
fi
OAG="$TOOLS/venv/bin/openapi-generator-cli"
PROG="$TOOLS/bin/cargo-progenitor"
peer_check() { # dir -> "compiles" / "does not compile (N errors)"
  local dir=$1
  if (cd "$dir" && grep -q '^\[workspace\]' Cargo.toml || echo '[workspace]' >> Cargo.toml; CARGO_TARGET_DIR=$OUT/peer-target cargo check --quiet > "$dir.check.log" 2>&1); then
    echo "compiles"
  else
    echo "does not compile ($(grep -c '^error' "$dir.check.log") errors)"
  fi
}
for spec in "$SEED" "$NEXUS" "$TELNYX"; do
  name=$(basename "$spec")
  measure "$GEN" generate --spec "$spec" --out "$OUT/ours-$name" --standalone $(cfg_for "$spec"); ours=$WALL
  rm -rf "$OUT/oag-$name"
  if measure "$OAG" generate -g rust -i "$spec" -o "$OUT/oag-$name" --skip-validate-spec; then
    row "openapi-generator (rust) on $name: generate" "${ours} s (ours)" "${WALL} s, output $(peer_check "$OUT/oag-$name")" "$(ratio "$ours" "$WALL")" "faster than peers"
  else
    why=$("$OAG" generate -g rust -i "$spec" -o "$OUT/oag-$name" --skip-validate-spec 2>&1 | grep -m1 -iE 'exception|error' | cut -c1-90 || true)
    row "openapi-generator (rust) on $name: generate" "${ours} s (ours)" "failed: ${why:-see log}" "–" "–"
  fi
  rm -rf "$OUT/prog-$name"
  if measure "$PROG" progenitor -i "$spec" -o "$OUT/prog-$name" -n "prog-${name%%.*}" -v 0.1.0; then
    row "progenitor on $name: generate" "${ours} s (ours)" "${WALL} s, output $(peer_check "$OUT/prog-$name")" "$(ratio "$ours" "$WALL")" "faster than peers"
  else
    why=$("$PROG" progenitor -i "$spec" -o "$OUT/prog-$name" -n "prog-${name%%.*}" -v 0.1.0 2>&1 | grep -m1 -iE 'error|unsupported|version' | cut -c1-90 || true)
    row "progenitor on $name: generate" "${ours} s (ours)" "refused: ${why:-failed}" "–" "–"
  fi
done

# 3. Compile cost of the output, dependencies already built.
echo "== compile cost"
LOCK=$ROOT/Cargo.lock
compile_cost() { # dir label
  local dir=$1 label=$2 target=$OUT/compile-target
  cp "$LOCK" "$dir/Cargo.lock" 2>/dev/null || true
  (cd "$dir" && CARGO_TARGET_DIR=$target cargo build --offline --quiet 2>/dev/null || CARGO_TARGET_DIR=$target cargo build --quiet)  # warm: dependencies
  # Touch before every run, so that each one checks the crate again (not a no-op).
  measure sh -c "touch '$dir/src/lib.rs' && CARGO_TARGET_DIR='$target' cargo check --offline --quiet --manifest-path '$dir/Cargo.toml'"; local check=$WALL
  touch "$dir/src/lib.rs"
  local start=$(date +%s.%N)
  (cd "$dir" && CARGO_TARGET_DIR=$target cargo build --offline --quiet)
  local build=$(python3 -c "import time,sys; print(f'{time.time()-float(sys.argv[1]):.1f}')" "$start")
  row "$label: cargo check / cargo build (deps built)" "${check} s / ${build} s" "–" "–" "–"
}
compile_cost "$OUT/gen-call-recordings.yml" "our seed crate"
compile_cost "$OUT/ours-nexus.json" "our nexus.json crate"
[ -d "$OUT/prog-nexus.json" ] && compile_cost "$OUT/prog-nexus.json" "progenitor's nexus.json crate"
compile_cost "$OUT/gen-spec3.yml" "our whole-Telnyx crate"
rm -rf "$OUT/cold-target"
start=$(date +%s.%N)
CARGO_TARGET_DIR=$OUT/cold-target cargo build --quiet -p telnyx-recordings
row "cold build of telnyx-recordings with its dependencies" "$(python3 -c "import time,sys; print(f'{time.time()-float(sys.argv[1]):.0f} s')" "$start")" "–" "–" "–"

# 4. Run time of the generated client.
echo "== run time"
cargo run --quiet --release --example bench_runtime | tail -n +3 | tee -a "$TABLE"

echo
echo "Table written to $TABLE"
