#!/usr/bin/env bash
# Runs every benchmark of BENCHMARKS.md and prints one table of ratios, each against a
# baseline measured in the same run. Installs the peer generators itself (into
# target/bench-tools): openapi-generator (PyPI `openapi-generator-cli`, runs on the
# machine's Java) and progenitor (crates.io `cargo-progenitor`).
#
#   bash bench/run.sh            # everything (about 20 minutes on 2 cores, first run)
#   RUNS=5 bash bench/run.sh     # more repetitions of the timed commands (default 3)
#   PAIRS=9 bash bench/run.sh    # more floor/generator pairs in the generation rows (default 5)
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

# one run of a command, its wall seconds (ms precision) and peak KB appended to LOG
once() {
  python3 - "$@" <<'PY'
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
}

# median wall seconds and peak KB of RUNS runs of a command: sets WALL, RSS
measure() {
  local log=$OUT/time.log; : > "$log"
  for _ in $(seq "$RUNS"); do
    once "$log" "$@" || { WALL=fail; RSS=fail; return 1; }
  done
  WALL=$(awk '{print $1}' "$log" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  RSS=$(awk '{print $2}' "$log" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
}

# PAIRS runs of the floor on SPEC and of a command, in turn (floor, command, floor, ...), so
# that a machine drifting during the section moves both sides of each ratio alike: sets
# WALL, RSS (the command's medians), FLOOR_WALL, FLOOR_RSS (the floor's) and RATIO (the
# median of the pairs' wall ratios).
PAIRS=${PAIRS:-5}
pair() {
  local spec=$1; shift
  local flog=$OUT/floor.log log=$OUT/time.log; : > "$flog"; : > "$log"
  for _ in $(seq "$PAIRS"); do
    once "$flog" "$FLOOR" "$spec" || { WALL=fail; RATIO=fail; return 1; }
    once "$log" "$@" || { WALL=fail; RATIO=fail; return 1; }
  done
  read -r WALL RSS FLOOR_WALL FLOOR_RSS RATIO < <(python3 - "$log" "$flog" <<'PY'
import statistics, sys
ours = [l.split() for l in open(sys.argv[1])]
floor = [l.split() for l in open(sys.argv[2])]
med = lambda xs: statistics.median_low(xs)
ratio = med([float(o[0]) / float(f[0]) for o, f in zip(ours, floor)])
print(f"{med([float(o[0]) for o in ours]):.3f}", med([int(o[1]) for o in ours]),
      f"{med([float(f[0]) for f in floor]):.3f}", med([int(f[1]) for f in floor]), f"{ratio:.2f}x")
PY
)
}

# Telnyx's specs are generated with Telnyx's settings (pagination, error summaries).
cfg_for() { case "$1" in *telnyx*|*call-recordings*) echo "--config $ROOT/spec/codegen.toml";; esac; }

echo "== building the generator and the floor"
cargo build --quiet --release -p codegen -p xtask --bins
GEN=$ROOT/target/release/codegen
FLOOR=$ROOT/target/release/floor

# BENCHMARKS.md carries this line; `.ci/run` fails when the sources it names have changed.
echo "Run of $(date -u +%Y-%m-%d), measured sources: \`$(bash bench/fingerprint.sh)\` (\`bash bench/fingerprint.sh\`), $(nproc) cores." | tee -a "$TABLE"
echo | tee -a "$TABLE"
echo "| benchmark | ours | baseline | ratio | target |" | tee -a "$TABLE"
echo "|---|---|---|---:|---|" | tee -a "$TABLE"

# 1. Generation against the floor (reading the same file into a generic value). Each spec is
# generated into the same folder every run, so after the first run nothing is written: these
# rows time the generator, not the disk. `--no-cache` formats every file (a first run); the
# cached rows are a regeneration with nothing changed, and after one schema changed.
# ONLY=compile runs section 3 alone.
if [ -z "${ONLY:-}" ]; then
for spec in "$SEED" "$TELNYX"; do
  name=$(basename "$spec")
  pair "$spec" "$GEN" generate --spec "$spec" --out "$OUT/gen-$name" --standalone --no-cache $(cfg_for "$spec")
  row "generate $name, every file formatted (\`--no-cache\`): wall time" "${WALL} s" "${FLOOR_WALL} s (parse to a generic value)" "$RATIO" "≤ 1.5x for Telnyx"
  row "generate $name, every file formatted: peak memory" "$((RSS / 1024)) MB" "$((FLOOR_RSS / 1024)) MB" "$(ratio "$RSS" "$FLOOR_RSS")" "–"
  "$GEN" generate --spec "$spec" --out "$OUT/gen-$name" --standalone $(cfg_for "$spec") >/dev/null
  # The cached rows mean nothing unless the cache is in effect: a second run formats no file.
  again=$("$GEN" generate --spec "$spec" --out "$OUT/gen-$name" --standalone $(cfg_for "$spec"))
  case "$again" in
    *"(0 of "*) ;;
    *) echo "the formatting cache is not in effect for $OUT/gen-$name: $again" >&2; exit 1;;
  esac
  pair "$spec" "$GEN" generate --spec "$spec" --out "$OUT/gen-$name" --standalone $(cfg_for "$spec")
  row "regenerate $name, nothing changed (cache): wall time" "${WALL} s" "${FLOOR_WALL} s" "$RATIO" "–"
done
# One schema changed, two ways: (b) a description added to a property of Telnyx's MCPServer
# (docs only: the rest of the IR hashes as before, so only MCPServer's file is built); (c) a
# property added to it (the IR's shape changed: every file is built again, and its tokens
# decide which are formatted). Each version alternates with the original, copied in turn to one
# path (the path is in every file's header), so every timed run regenerates after a one-schema
# change.
python3 - "$TELNYX" "$OUT/spec3-a.yml" "$OUT/spec3-b.yml" "$OUT/spec3-c.yml" <<'PY'
import shutil, sys
src, a, b, c = sys.argv[1:]
text = open(src).read()
anchor = "    MCPServer:\n      properties:\n        allowed_tools:\n"
assert anchor in text, "the benchmark's schema is gone from the spec"
shutil.copyfile(src, a)
open(b, "w").write(text.replace(anchor, anchor + "          description: Tools the server may call.\n", 1))
added = "    MCPServer:\n      properties:\n        paused:\n          type: boolean\n        allowed_tools:\n"
open(c, "w").write(text.replace(anchor, added, 1))
PY
ONE="$OUT/gen-one-schema"
for change in b c; do
  case $change in
    b) what="a property's description added" ;;
    c) what="a property added" ;;
  esac
  cp "$OUT/spec3-a.yml" "$OUT/spec3-one.yml"
  "$GEN" generate --spec "$OUT/spec3-one.yml" --out "$ONE" --standalone $(cfg_for "$TELNYX") >/dev/null
  rm -f "$OUT/flip"
  pair "$TELNYX" sh -c "if [ -e '$OUT/flip' ]; then rm '$OUT/flip'; s=a; else touch '$OUT/flip'; s=$change; fi; cp '$OUT'/spec3-\$s.yml '$OUT/spec3-one.yml'; '$GEN' generate --spec '$OUT/spec3-one.yml' --out '$ONE' --standalone $(cfg_for "$TELNYX")"
  row "regenerate spec3.yml after a one-schema change, $what (cache): wall time" "${WALL} s" "${FLOOR_WALL} s" "$RATIO" "≤ 1.2x"
done
# Where the time goes, stage by stage (one run, every file formatted; then through the cache).
echo "stages of spec3.yml: $("$ROOT/target/release/stages" "$TELNYX" "$OUT/gen-stages")" | tee "$OUT/stages.txt"

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

fi

# 3. Compile cost of generated crates (issue 12): the generator at the start of that work
# (BEFORE_REV) and the current one, measured in this run on the same specs. Each crate is
# checked and built with its dependencies already built and incremental compilation off, so
# that every run compiles the whole crate; peak memory is rustc's (the largest process).
echo "== compile cost"
BEFORE_REV=${BEFORE_REV:-97ade84bccf69fa360e172e867a82d0829322956}
COMPILE_RUNS=${COMPILE_RUNS:-1}
LOCK=$ROOT/Cargo.lock
if [ ! -x "$OUT/before/target/release/codegen" ]; then
  rm -rf "$OUT/before"
  git worktree prune
  git worktree add --detach --force "$OUT/before" "$BEFORE_REV" >/dev/null
  (cd "$OUT/before" && CARGO_TARGET_DIR=$OUT/before/target cargo build --quiet --release -p codegen)
fi
BEFORE_GEN=$OUT/before/target/release/codegen
rm -rf "$OUT/telnyx-before" "$OUT/telnyx-after"
"$BEFORE_GEN" generate --spec "$TELNYX" --out "$OUT/telnyx-before" --crate-name telnyx --standalone >/dev/null
"$GEN" generate --spec "$TELNYX" --out "$OUT/telnyx-after" --crate-name telnyx --standalone $(cfg_for "$TELNYX") >/dev/null
CT=$OUT/compile-target
# cost DIR [cargo args...]: sets CHECK_S CHECK_KB BUILD_S BUILD_KB RLIB_MB
cost() {
  local dir=$1; shift
  cp "$LOCK" "$dir/Cargo.lock"
  # Warm: dependencies checked and built, so that only the crate itself is measured.
  (cd "$dir" && { CARGO_TARGET_DIR=$CT cargo build --offline --quiet "$@" >/dev/null 2>&1 || CARGO_TARGET_DIR=$CT cargo build --quiet "$@"; } && CARGO_TARGET_DIR=$CT cargo check --offline --quiet "$@")
  local saved=$RUNS; RUNS=$COMPILE_RUNS
  # Every crate of the output is compiled again: a split crate's crates of types too.
  local touch="find '$dir/src/lib.rs' '$dir/crates' -path '*/src/lib.rs' -exec touch {} + 2>/dev/null;"
  measure sh -c "$touch CARGO_INCREMENTAL=0 CARGO_TARGET_DIR='$CT' cargo check --offline --quiet --manifest-path '$dir/Cargo.toml' $*"
  CHECK_S=$WALL; CHECK_KB=$RSS
  measure sh -c "$touch CARGO_INCREMENTAL=0 CARGO_TARGET_DIR='$CT' cargo build --offline --quiet --manifest-path '$dir/Cargo.toml' $*"
  BUILD_S=$WALL; BUILD_KB=$RSS
  RUNS=$saved
  # The newest rlib of each crate of the output, summed.
  local manifest name bytes=0
  for manifest in "$dir/Cargo.toml" "$dir"/crates/*/Cargo.toml; do
    [ -f "$manifest" ] || continue
    name=$(grep -m1 '^name' "$manifest" | sed 's/.*"\(.*\)"/\1/' | tr - _)
    bytes=$(( bytes + $(ls -t "$CT"/debug/deps/lib"$name"-*.rlib | head -1 | xargs stat -c %s) ))
  done
  RLIB_MB=$(awk -v b="$bytes" 'BEGIN {printf "%.0f", b/1048576}')
}
mb() { echo "$(( $1 / 1024 )) MB"; }
cost "$OUT/telnyx-before"; b_check=$CHECK_S; b_check_kb=$CHECK_KB; b_build=$BUILD_S; b_build_kb=$BUILD_KB; b_rlib=$RLIB_MB
cost "$OUT/telnyx-after"; a_check=$CHECK_S; a_check_kb=$CHECK_KB; a_build=$BUILD_S; a_build_kb=$BUILD_KB; a_rlib=$RLIB_MB
row "whole-Telnyx crate: cargo check" "${a_check} s, $(mb "$a_check_kb")" "${b_check} s, $(mb "$b_check_kb") (generator before issue 12)" "$(ratio "$a_check" "$b_check")" "≤ 0.25x, ≤ 2.0 GB"
row "whole-Telnyx crate: cargo build (debug)" "${a_build} s, $(mb "$a_build_kb"), rlib ${a_rlib} MB" "${b_build} s, $(mb "$b_build_kb"), rlib ${b_rlib} MB" "$(ratio "$a_build" "$b_build")" "≤ 0.5x"
cost "$OUT/telnyx-after" --no-default-features --features call-recordings; t_check=$CHECK_S
row "one tag (call-recordings) alone: cargo check" "${t_check} s, $(mb "$CHECK_KB")" "${a_check} s (the whole crate)" "$(ratio "$t_check" "$a_check")" "≤ 0.1x"
row "one tag (call-recordings) alone: cargo build (debug)" "${BUILD_S} s, rlib ${RLIB_MB} MB" "${a_build} s" "$(ratio "$BUILD_S" "$a_build")" "–"
# nexus.json: the spec progenitor also accepts.
"$GEN" generate --spec "$NEXUS" --out "$OUT/ours-nexus.json" --standalone >/dev/null
if [ ! -d "$OUT/prog-nexus.json" ] && [ -x "$TOOLS/bin/cargo-progenitor" ]; then
  "$TOOLS/bin/cargo-progenitor" progenitor -i "$NEXUS" -o "$OUT/prog-nexus.json" -n prog-nexus -v 0.1.0 >/dev/null
  grep -q '^\[workspace\]' "$OUT/prog-nexus.json/Cargo.toml" || echo '[workspace]' >> "$OUT/prog-nexus.json/Cargo.toml"
fi
if [ -d "$OUT/prog-nexus.json" ]; then
  cost "$OUT/ours-nexus.json"; o_check=$CHECK_S
  cost "$OUT/prog-nexus.json"
  row "nexus.json crate: cargo check" "${o_check} s (ours)" "${CHECK_S} s (progenitor)" "$(ratio "$o_check" "$CHECK_S")" "≤ 1.0x"
fi

# 4. Run time of the generated client.
if [ -z "${ONLY:-}" ]; then
  echo "== run time"
  cargo run --quiet --release --example bench_runtime | tail -n +3 | tee -a "$TABLE"
  # 5. A 1 GiB download through ByteStream: peak heap growth and time against bare reqwest.
  cargo run --quiet --release -p codegen-runtime --example bench_download | tail -n +3 | tee -a "$TABLE"
fi

echo
echo "Table written to $TABLE"
