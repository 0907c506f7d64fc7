#!/usr/bin/env bash
# The check/parse ratio in instructions rather than seconds: one single-threaded run of the
# benchmark under `valgrind --tool=callgrind`. Instruction counts do not depend on what else the
# machine is doing, so this is the figure to compare before/after a change on a busy machine.
#
#   bench/callgrind.sh [prefect|superset|wagtail|DIR] [--by-detector|--cache-sim] [ppa-bench flags...]
#
# --by-detector also lists the instructions each detector and extractor costs (its engine
# predicates, script and records, over all its matches), costliest first: the benchmark is built
# with the engine's `detector-probes` feature, which runs each detector's matches inside a
# function of its own. The first detector to ask for a per-file cache (spans, scope bindings)
# pays for it. The probes add a few instructions per match to the full-check figure.
#
# --cache-sim also simulates the caches and branch predictors (about twice as slow) and prints,
# per phase, instruction-cache misses, data-cache misses and mispredicted branches, with
# KCachegrind's cycle estimate (instructions + 10 x first-level misses + 100 x last-level misses
# + 10 x mispredicted branches). A check spends more of its instructions in code that misses the
# caches and mispredicts (the rhai interpreter) than parsing does, so its ratio in seconds is
# above its ratio in instructions; the estimate shows how much, still independent of machine load.
#
# parse-only = instructions in the benchmark's `parse_one` (parse a file, drop its tree), full
# check = instructions in its `check_one` (`Engine::check_source`), both inclusive and summed
# over the files. CALLGRIND_KEEP=FILE keeps the profile for callgrind_annotate or kcachegrind.
# Needs valgrind; takes a few minutes (the run is ~50x slower).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
corpus="${1:-prefect}"
shift || true
by_detector=""
cache_sim=""
if [ "${1:-}" = "--by-detector" ]; then
  by_detector=1
  shift
elif [ "${1:-}" = "--cache-sim" ]; then
  cache_sim=1
  shift
fi
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
cargo build --release -q -p ppa-bench --manifest-path "$here/../Cargo.toml" ${by_detector:+--features detector-probes}
bin="${CARGO_TARGET_DIR:-$here/../target}/release/ppa-bench"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
valgrind --tool=callgrind ${cache_sim:+--cache-sim=yes --branch-sim=yes} --callgrind-out-file="$out/cg.out" \
  "$bin" "$dir" --runs 1 --warmup 0 --threads 1 --no-end-to-end "$@" >"$out/bench.txt" 2>&1
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
# With --cache-sim: the events of the two phases (columns: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr
# DLmw Bc Bcm Bi Bim).
if [ -n "$cache_sim" ]; then
  events() {
    grep -E "$1" "$out/annotate.txt" | head -1 | awk '{
      n = 0; for (i = 1; i <= NF && n < 13; i++) if ($i ~ /^[0-9,]+$/) { v = $i; gsub(",", "", v); e[++n] = v }
      printf "%s %s %s %s %s %s %s %s", e[1], e[4], e[5] + e[6], e[7], e[8] + e[9], e[11] + e[13], e[4] + e[5] + e[6], e[7] + e[8] + e[9] }'
  }
  p=$(events 'ppa_bench::parse_one \[')
  c=$(events 'ppa_bench::check_one \[')
  awk -v p="$p" -v c="$c" 'BEGIN {
    split(p, a, " "); split(c, b, " ")
    pe = a[1] + 10 * a[7] + 100 * a[8] + 10 * a[6]; ce = b[1] + 10 * b[7] + 100 * b[8] + 10 * b[6]
    printf "               %12s %12s %12s %12s %12s\n", "I1 misses", "D1 misses", "LL misses", "mispredicts", "cycles (est)"
    printf "parse-only     %11.1fM %11.1fM %11.2fM %11.1fM %11.0fM\n", a[2] / 1e6, a[3] / 1e6, a[8] / 1e6, a[6] / 1e6, pe / 1e6
    printf "full check     %11.1fM %11.1fM %11.2fM %11.1fM %11.0fM\n", b[2] / 1e6, b[3] / 1e6, b[8] / 1e6, b[6] / 1e6, ce / 1e6
    printf "ratio (est)  %.3fx in estimated cycles\n", ce / pe
  }'
fi
# With --facts-share: the facts rounds' two functions, counted apart from the main rounds.
with=$(ir 'ppa_bench::check_one_with_facts \[')
without=$(ir 'ppa_bench::check_one_without_facts \[')
if [ -n "$with" ] && [ -n "$without" ]; then
  awk -v w="$with" -v wo="$without" 'BEGIN {
    printf "facts        %.0f M instructions add %.1f%% to the check without extractors and function index (%.0f M; %.1f%% of the full check, %.0f M)\n", (w - wo) / 1e6, 100 * (w - wo) / wo, wo / 1e6, 100 * (w - wo) / w, w / 1e6
  }'
fi
# With --predicates-share: that option's rounds (parse-only, the check, the check without
# predicates), counted apart from the main rounds.
share_parse=$(ir 'ppa_bench::parse_one_for_share \[')
with=$(ir 'ppa_bench::check_one_with_predicates \[')
without=$(ir 'ppa_bench::check_one_without_predicates \[')
if [ -n "$share_parse" ] && [ -n "$with" ] && [ -n "$without" ]; then
  awk -v p="$share_parse" -v w="$with" -v wo="$without" 'BEGIN {
    printf "predicates   %.0f M instructions, %.1f%% of the full check (%.0f M); without them %.0f M, %.3fx parse-only (%.0f M; with them %.3fx)\n", (w - wo) / 1e6, 100 * (w - wo) / w, w / 1e6, wo / 1e6, wo / p, p / 1e6, w / p
  }'
fi
# With --by-detector: inclusive instructions of `probe_<i>`, named by the PROBE lines the
# benchmark printed (`PROBE <i> <language> <pack>/<detector>`).
if [ -n "$by_detector" ]; then
  echo "by detector (M instructions in its matches, costliest first):"
  callgrind_annotate --auto=no --inclusive=yes --threshold=100 "$out/cg.out" 2>/dev/null \
    | grep -E 'ppa_engine::engine::probes::probe_[0-9]+ ' \
    | awk '{c = $1; gsub(",", "", c); match($0, /probe_[0-9]+ /); i = substr($0, RSTART + 6, RLENGTH - 7); if (c > m[i]) m[i] = c}
           END {for (i in m) print i, m[i]}' \
    | sort -k1,1 >"$out/costs.txt"
  # Indexes are per language plan: in a corpus of several languages a row adds up detector i of
  # each plan, and names them all.
  grep '^PROBE ' "$out/bench.txt" | sort -u \
    | awk '{name = $3 ":" $4; if ($2 in n) n[$2] = n[$2] "+" name; else n[$2] = name} END {for (i in n) print i, n[i]}' \
    | sort -k1,1 >"$out/names.txt"
  join "$out/costs.txt" "$out/names.txt" | awk '{printf "  %9.1f  %s\n", $2 / 1e6, $3}' | sort -rn | head -40
fi
