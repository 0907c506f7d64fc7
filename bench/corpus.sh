#!/usr/bin/env bash
# Fetches and unpacks one of the pinned benchmark corpora; sourced by run.sh and fp-hunt.sh.
#
#   source bench/corpus.sh; dir="$(fetch_corpus prefect)"
#
# The sdist is fetched by package name with `pip download` (from whatever index pip is
# configured to use: no registry host is named here) into bench/corpora/, which is git-ignored:
# corpora are never committed. Versions are pinned so that results stay comparable over time.
# A corpus already unpacked (bench/corpora/NAME-VERSION/.ppa-bench-unpacked) is reused.

corpus_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# The package and pinned version of a corpus name: `prefect 3.9.1`.
corpus_package() {
  case "$1" in
    prefect) echo "prefect 3.9.1" ;;
    superset) echo "apache-superset 6.1.0" ;;
    wagtail) echo "wagtail 8.0.1" ;;
    *) return 1 ;;
  esac
}

# Prints the directory of the unpacked corpus, downloading it first when needed.
fetch_corpus() {
  local corpus="$1" package version
  read -r package version <<< "$(corpus_package "$corpus")" || {
    echo "unknown corpus: $corpus (prefect, superset or wagtail)" >&2
    return 2
  }
  local python="${PYTHON:-python3}"
  local corpora="$corpus_here/corpora"
  local src="$corpora/$corpus-$version"
  mkdir -p "$corpora"
  if [[ ! -f "$src/.ppa-bench-unpacked" ]]; then
    local downloads="$corpora/downloads"
    mkdir -p "$downloads"
    # sdist file names use the normalized project name (apache_superset-6.1.0.tar.gz).
    local normalized="${package//-/_}"
    find_archive() {
      find "$downloads" -maxdepth 1 -type f \
        \( -iname "$package-$version.tar.gz" -o -iname "$normalized-$version.tar.gz" \
        -o -iname "$package-$version.zip" -o -iname "$normalized-$version.zip" \) | head -n 1
    }
    local archive
    archive="$(find_archive)"
    if [[ -z "$archive" ]]; then
      echo "downloading $package==$version (sdist) ..." >&2
      "$python" -m pip download --quiet --no-deps --no-binary :all: \
        --dest "$downloads" "$package==$version" >&2
      archive="$(find_archive)"
    fi
    if [[ -z "$archive" ]]; then
      echo "pip did not produce an sdist of $package==$version in $downloads" >&2
      return 1
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
  echo "$src"
}
