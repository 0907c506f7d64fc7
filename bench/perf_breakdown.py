"""Classifies `perf script` call stacks of a ppa-bench run by engine stage.

Reads `perf script` output (recorded with --call-graph) on stdin. Every sample whose stack
contains `Engine::check_source_as` is attributed to the outermost recognised stage on its
stack; samples in the engine's query predicates are further split by the semantic helper they
spend their time in. Used by bench/profile.sh.
"""

import collections
import sys

# (substring of a frame, stage), tried from the root of the stack towards the leaf.
STAGES = [
    ("CustomPredicate::holds", "engine query predicates (#resolves-to?, #in-async-fn? ...)"),
    ("query::custom", "engine query predicates (#resolves-to?, #in-async-fn? ...)"),
    ("Predicate::eval", "rhai predicates"),
    ("Engine::finding", "finding construction"),
    ("assign_fingerprints", "finding construction"),
    ("suppress::", "inline suppressions"),
    ("ts_query_cursor", "query walk (tree-sitter QueryCursor)"),
    ("query::native", "anchored matching (native)"),
    ("query::guard", "pattern guards"),
    ("engine::parse", "parse"),
    ("ts_parser_parse", "parse"),
    ("NodeTable::build", "the walk (node table)"),
    ("callgraph::", "call-graph index"),
    ("in_broken_region", "syntax-error regions"),
    ("ts_tree_delete", "dropping the tree"),
    ("drop_in_place", "dropping the file (tree, tables, caches)"),
]
# Helpers inside the query predicates, outermost first.
HELPERS = [
    "enclosing_function",
    "enclosing_loop",
    "in_call_argument",
    "semantics::resolve",
    "is_async",
    "Vocabulary::contains",
]


def classify(frames):
    """frames: leaf first. Returns (stage, helper) or (None, None) outside the check."""
    if not any("check_source_as" in f for f in frames):
        return None, None
    for frame in reversed(frames):
        for key, stage in STAGES:
            if key in frame:
                helper = None
                if key == "CustomPredicate::holds":
                    helper = next(
                        (h for g in reversed(frames) for h in HELPERS if h in g), "other"
                    )
                return stage, helper
    return "other (in check_source: dispatch, records)", None


def script_part(frames):
    """For a sample in a rhai predicate: whether it is in the interpreter or in a host function
    (the innermost engine frame lies below the innermost rhai frame)."""
    for frame in frames:
        if "ppa_engine" in frame:
            return "host functions (the engine's built-ins)"
        if "rhai::" in frame:
            return "the rhai interpreter"
    return None


def main():
    stages, helpers = collections.Counter(), collections.Counter()
    parse_only = collections.Counter()
    script = collections.Counter()
    total = in_check = 0
    frames = []

    def flush():
        nonlocal total, in_check
        if not frames:
            return
        total += 1
        # The benchmark's parse-only phase (`parse_one`): parsing and dropping the tree, to
        # set beside the same stages inside the check.
        if any("parse_one" in f for f in frames):
            in_parse = any("ts_parser_parse" in f for f in frames)
            parse_only["parse" if in_parse else "dropping the tree"] += 1
            return
        stage, helper = classify(frames)
        if stage:
            in_check += 1
            stages[stage] += 1
            if helper:
                helpers[helper] += 1
            if stage == "rhai predicates":
                part = script_part(frames)
                if part:
                    script[part] += 1

    for line in sys.stdin:
        if not line.strip():
            flush()
            frames = []
        elif line[0] in " \t":
            parts = line.strip().split(" ", 1)
            if len(parts) == 2:
                frames.append(parts[1])
    flush()
    if not in_check:
        print("no samples inside Engine::check_source (was perf recording call graphs?)")
        return
    print(f"{in_check} of {total} samples are inside Engine::check_source:")
    for stage, n in stages.most_common():
        print(f"  {100 * n / in_check:5.1f}%  {stage}")
    if helpers:
        print("engine query predicates, by the helper the time is spent in:")
        for helper, n in helpers.most_common():
            print(f"  {100 * n / in_check:5.1f}%  {helper}")
    if script:
        print("rhai predicates, by where the time is spent:")
        for part, n in script.most_common():
            print(f"  {100 * n / in_check:5.1f}%  {part}")
    # In units of the parse-only phase (the ratio's denominator): the check's own stages, and
    # how much slower parsing and dropping the tree are inside the check than alone (the
    # engine's work between two files evicts the parser's tables and the tree from the caches).
    parsed = sum(parse_only.values())
    if parsed:
        print(f"in units of the parse-only phase ({parsed} samples; check/parse-only "
              f"{in_check / parsed:.2f}):")
        for stage, n in stages.most_common():
            print(f"  {n / parsed:5.2f}  {stage}")
        drops = ("dropping the tree", "dropping the file (tree, tables, caches)")
        for name, alone, inside in (
            ("parsing", parse_only["parse"], stages["parse"]),
            ("dropping the tree (and, in the check, the file)", parse_only["dropping the tree"],
             sum(stages[d] for d in drops)),
        ):
            if alone:
                print(f"  {name}: {inside / alone:.2f}x inside the check what it takes alone")


if __name__ == "__main__":
    main()
