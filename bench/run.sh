#!/usr/bin/env bash
# Runs the ppa benchmark on a real Python code base, downloaded as a source distribution.
#
#   bench/run.sh [prefect|superset|wagtail] [ppa-bench flags...]
#
# Examples:
#   bench/run.sh                          # prefect, every built-in pack, all cores, 5 runs
#   bench/run.sh prefect --threads 2 --json
#   bench/run.sh wagtail --packs asyncio --compare-separate
#   bench/profile.sh                      # where the check's time goes (perf)
#
# The corpus is downloaded and unpacked by bench/corpus.sh (pip download of a pinned sdist into
# the git-ignored bench/corpora/).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

corpus=prefect
if [[ $# -gt 0 && "$1" != -* ]]; then
  corpus="$1"
  shift
fi

case "$corpus" in
  prefect | superset | wagtail) ;;
  *)
    echo "usage: bench/run.sh [prefect|superset|wagtail] [ppa-bench flags...]" >&2
    echo "unknown corpus: $corpus" >&2
    exit 2
    ;;
esac

python="${PYTHON:-python3}"
# shellcheck source=corpus.sh
source "$here/corpus.sh"
src="$(fetch_corpus "$corpus")"

cd "$root"
packages=(-p ppa-bench)
if cargo metadata --no-deps --format-version 1 | grep -q '"name":"ppa-cli"'; then
  packages+=(-p ppa-cli)
fi
cargo build --release "${packages[@]}" >&2

target_dir="$(cargo metadata --no-deps --format-version 1 |
  "$python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"

echo "git: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' (dirty)'); $(nproc) cores" >&2
# PPA_BENCH_PREFIX runs the benchmark under another command (bench/profile.sh: perf record).
read -r -a prefix <<< "${PPA_BENCH_PREFIX:-}"
exec ${prefix[@]+"${prefix[@]}"} "$target_dir/release/ppa-bench" "$src" "$@"
