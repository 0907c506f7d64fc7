#!/usr/bin/env bash
# Where the time of a full check goes: one single-threaded run of the benchmark under
# `perf record`, then every sample inside `Engine::check_source` classified by the outermost
# engine stage on its stack (parse, query walk, engine query predicates, rhai, findings ...).
#
#   bench/profile.sh [prefect|superset|wagtail] [ppa-bench flags...]
#
# Needs `perf` (linux-tools) and permission to use it (perf_event_paranoid <= 2 for own
# processes). The profile is written to bench/corpora/perf.data (git-ignored).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if ! command -v perf >/dev/null; then
  echo "perf not found; install linux-tools (or use valgrind --tool=callgrind on ppa-bench)" >&2
  exit 1
fi
mkdir -p "$here/corpora"
data="$here/corpora/perf.data"
# One warm-up round and two timed rounds of each phase; perf_breakdown.py leaves the warm-up
# out (it pays for fresh memory, which the timed medians never see). 499 samples a second over
# two rounds keep about as many samples as one round at 999.
PPA_BENCH_PREFIX="perf record -q -F 499 --call-graph dwarf,65528 -o $data --" \
  "$here/run.sh" "$@" --runs 2 --warmup 1 --threads 1 --no-end-to-end
perf script -i "$data" 2>/dev/null | "${PYTHON:-python3}" "$here/perf_breakdown.py"
