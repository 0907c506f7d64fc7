#!/usr/bin/env bash
# The false-positive hunt: runs `ppa check --format json` on the pinned real corpora and prints,
# per corpus and per check, the findings by severity, then every HIGH and CRITICAL finding
# (file:line check message) for review by hand (docs/false-positives/README.md).
#
#   bench/fp-hunt.sh [CORPUS...] [-- ppa check flags...]
#
# CORPUS: prefect, superset, wagtail (default: all three). Flags after `--` go to `ppa check`
# (`--select transaction`, `--pack sqlalchemy`, `--no-default-excludes`); without `--pack`,
# discovery chooses the packs, as it does for a user. FP_HUNT_OUT=DIR keeps each corpus's JSON
# report as DIR/CORPUS.json. Corpora are fetched by bench/corpus.sh (pip download of pinned
# sdists into the git-ignored bench/corpora/).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
python="${PYTHON:-python3}"
# shellcheck source=corpus.sh
source "$here/corpus.sh"

corpora=()
while [[ $# -gt 0 && "$1" != "--" ]]; do
  corpora+=("$1")
  shift
done
[[ $# -gt 0 ]] && shift
flags=("$@")
[[ ${#corpora[@]} -eq 0 ]] && corpora=(prefect superset wagtail)
for c in "${corpora[@]}"; do
  corpus_package "$c" >/dev/null || {
    echo "unknown corpus: $c (prefect, superset or wagtail)" >&2
    exit 2
  }
done

(cd "$root" && cargo build --release -q -p ppa-cli >&2)
target_dir="$(cd "$root" && cargo metadata --no-deps --format-version 1 |
  "$python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
ppa="$target_dir/release/ppa"

out="${FP_HUNT_OUT:-}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
[[ -z "$out" ]] && out="$tmp"
mkdir -p "$out"

for c in "${corpora[@]}"; do
  dir="$(fetch_corpus "$c")"
  json="$out/$c.json"
  # From inside the corpus with `--root .`, so paths (and module names) are relative to it.
  # Exit 1 only means findings; 2 is a usage, configuration or pack error (the report is still
  # written).
  set +e
  (cd "$dir" && "$ppa" check --format json --fail-on never --root . ${flags[@]+"${flags[@]}"} . >"$json" 2>"$out/$c.stderr")
  rc=$?
  set -e
  if [[ ! -s "$json" ]]; then
    echo "== $c: ppa check failed (exit $rc):" >&2
    cat "$out/$c.stderr" >&2
    exit 1
  fi
  "$python" - "$c" "$(basename "$dir")" "$json" "$rc" <<'PY'
import json, sys
from collections import Counter, defaultdict

corpus, sdist, path, rc = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
with open(path) as f:
    report = json.load(f)
levels = ["CRITICAL", "HIGH", "MEDIUM", "LOW"]
findings = report.get("findings", [])
by_check = defaultdict(Counter)
for f in findings:
    by_check[f["check"]][f["severity"]] += 1
packs = ", ".join(report.get("packs", []))
files = report.get("summary", {}).get("files_checked", "?")
print(f"== {sdist} ({corpus}): {files} files, {len(findings)} findings; packs: {packs}")
if rc == 2:
    print("   ppa check exited 2 (a pack or configuration error): see the diagnostics below")
width = max([len(c) for c in by_check] + [5])
print(f"   {'check':<{width}}  " + "  ".join(f"{l:>8}" for l in levels) + "     total")
for check in sorted(by_check):
    n = by_check[check]
    print(f"   {check:<{width}}  " + "  ".join(f"{n[l]:>8}" for l in levels)
          + f"  {sum(n.values()):>8}")
review = [f for f in findings if f["severity"] in ("CRITICAL", "HIGH")]
review.sort(key=lambda f: (f["check"], f["file"], f["line"]))
print(f"-- {len(review)} HIGH/CRITICAL finding(s) to review:")
for f in review:
    print(f"   {f['severity']:<8} {f['file']}:{f['line']}  {f['check']}  {f['message']}")
errors = [d for d in report.get("diagnostics", []) if d.get("level") == "error"]
if errors:
    print(f"-- {len(errors)} error diagnostic(s):")
    for d in errors[:20]:
        where = f"{d.get('file') or ''}:{d.get('line') or ''}"
        print(f"   {where}  {d.get('detector') or ''}  {d.get('message')}")
print()
PY
done
