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
# The sdist is fetched by package name with `pip download` (from whatever index pip is
# configured to use) into bench/corpora/, which is git-ignored: corpora are never committed.
# Versions are pinned so that results stay comparable over time.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

corpus=prefect
if [[ $# -gt 0 && "$1" != -* ]]; then
  corpus="$1"
  shift
fi

case "$corpus" in
  prefect) package=prefect; version=3.9.1 ;;
  superset) package=apache-superset; version=6.1.0 ;;
  wagtail) package=wagtail; version=8.0.1 ;;
  *)
    echo "usage: bench/run.sh [prefect|superset|wagtail] [ppa-bench flags...]" >&2
    echo "unknown corpus: $corpus" >&2
    exit 2
    ;;
esac

python="${PYTHON:-python3}"
corpora="$here/corpora"
src="$corpora/$corpus-$version"
mkdir -p "$corpora"

if [[ ! -f "$src/.ppa-bench-unpacked" ]]; then
  downloads="$corpora/downloads"
  mkdir -p "$downloads"
  # sdist file names use the normalized project name (apache_superset-6.1.0.tar.gz).
  normalized="${package//-/_}"
  find_archive() {
    find "$downloads" -maxdepth 1 -type f \
      \( -iname "$package-$version.tar.gz" -o -iname "$normalized-$version.tar.gz" \
      -o -iname "$package-$version.zip" -o -iname "$normalized-$version.zip" \) | head -n 1
  }
  archive="$(find_archive)"
  if [[ -z "$archive" ]]; then
    echo "downloading $package==$version (sdist) ..." >&2
    "$python" -m pip download --quiet --no-deps --no-binary :all: \
      --dest "$downloads" "$package==$version"
    archive="$(find_archive)"
  fi
  if [[ -z "$archive" ]]; then
    echo "pip did not produce an sdist of $package==$version in $downloads" >&2
    exit 1
  fi
  rm -rf "$src"
  mkdir -p "$src"
  echo "unpacking $(basename "$archive") ..." >&2
  case "$archive" in
    *.zip) "$python" -m zipfile -e "$archive" "$src.tmp" && mv "$src.tmp"/*/* "$src"/ && rm -rf "$src.tmp" ;;
    *) tar -xzf "$archive" -C "$src" --strip-components=1 ;;
  esac
  # Hidden, so the benchmark's walker never sees it.
  touch "$src/.ppa-bench-unpacked"
fi

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
