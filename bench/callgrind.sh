#!/usr/bin/env bash
# The check/parse ratio in instructions rather than seconds: one single-threaded run of the
# benchmark under `valgrind --tool=callgrind`. Instruction counts do not depend on what else the
# machine is doing, so this is the figure to compare before/after a change on a busy machine.
#
#   bench/callgrind.sh [prefect|superset|wagtail|DIR] [ppa-bench flags...]
#
# parse-only = instructions in the benchmark's `parse_one` (parse a file, drop its tree), full
# check = instructions in its `check_one` (`Engine::check_source`), both inclusive and summed
# over the files. CALLGRIND_KEEP=FILE keeps the profile for callgrind_annotate or kcachegrind.
# Needs valgrind; takes a few minutes (the run is ~50x slower).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
corpus="${1:-prefect}"
shift || true
case "$corpus" in
  prefect) dir="$here/corpora/prefect-3.9.1" ;;
  superset) dir="$here/corpora/superset-6.1.0" ;;
  wagtail) dir="$here/corpora/wagtail-8.0.1" ;;
  *) dir="$corpus" ;;
esac
if [ ! -d "$dir" ]; then
  echo "corpus $dir not found: run bench/run.sh $corpus once to download it" >&2
  exit 1
fi
command -v valgrind >/dev/null || { echo "valgrind not found" >&2; exit 1; }
cargo build --release -q -p ppa-bench --manifest-path "$here/../Cargo.toml"
bin="${CARGO_TARGET_DIR:-$here/../target}/release/ppa-bench"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$out/cg.out" \
  "$bin" "$dir" --runs 1 --warmup 0 --threads 1 "$@" >"$out/bench.txt" 2>&1
if [ -n "${CALLGRIND_KEEP:-}" ]; then cp "$out/cg.out" "$CALLGRIND_KEEP"; fi
callgrind_annotate --inclusive=yes --threshold=100 "$out/cg.out" >"$out/annotate.txt" 2>/dev/null
ir() {
  grep -E "$1" "$out/annotate.txt" | head -1 | awk '{gsub(",", "", $1); print $1}' || true
}
parse=$(ir 'ppa_bench::parse_one \[')
check=$(ir 'ppa_bench::check_one \[')
grep -E '^(files|engine|findings)' "$out/bench.txt" || true
awk -v base="$parse" -v c="$check" 'BEGIN {
  printf "parse-only   %.0f M instructions\nfull check   %.0f M instructions\nratio        %.3fx\n", base / 1e6, c / 1e6, c / base
}'
# With --facts-share: the facts rounds' two functions, counted apart from the main rounds.
with=$(ir 'ppa_bench::check_one_with_facts \[')
without=$(ir 'ppa_bench::check_one_without_facts \[')
if [ -n "$with" ] && [ -n "$without" ]; then
  awk -v w="$with" -v wo="$without" 'BEGIN {
    printf "facts        %.0f M instructions add %.1f%% to the check without extractors and function index (%.0f M; %.1f%% of the full check, %.0f M)\n", (w - wo) / 1e6, 100 * (w - wo) / wo, wo / 1e6, 100 * (w - wo) / w, w / 1e6
  }'
fi
